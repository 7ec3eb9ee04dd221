"""`make run` seeds a demo webshop key (printed once), and `manage.py koppeling demo-orders`
posts sample orders through the API over real HTTP to a running server."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from koppeling.models import ApiKey
from koppeling.tests.conftest import subscribe
from webshop.models import Order, ProcessorAgreementAcceptance

pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_seed_demo_prints_a_demo_key_once_and_demo_orders_posts_through_it(live_server, settings):
    settings.DEBUG = True  # seed_demo is development only
    from django.contrib.auth import get_user_model

    first, _err = _run("seed_demo")
    assert "subscribe as klant first" in first  # no subscription yet: no key
    subscribe(get_user_model().objects.get(username="klant"))

    second, _err = _run("seed_demo")
    raw = re.search(r"Demo webshop API key \(shown once\): (ekp_\S+)", second).group(1)
    third, _err = _run("seed_demo")
    assert raw not in third and "made earlier" in third
    assert ApiKey.objects.filter(name="Demo-webwinkel", revoked_at__isnull=True).count() == 1
    assert ProcessorAgreementAcceptance.objects.filter(user__username="klant").count() == 1

    out, _err = _run("koppeling", "demo-orders", "--count", "3", "--key", raw, "--url", live_server.url)

    assert "3 order(s) posted" in out
    assert Order.objects.filter(user__username="klant", number__startswith="DEMO-").count() == 3
    assert ApiKey.objects.get(name="Demo-webwinkel").last_used_at is not None


def test_demo_orders_says_why_the_api_refused_and_fails(live_server, customer):
    subscribe(customer)  # subscribed, but the verwerkersovereenkomst is not accepted

    with pytest.raises(CommandError, match="not every order"):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command(
                "koppeling",
                "demo-orders",
                "--count",
                "2",
                "--user",
                customer.username,
                "--url",
                live_server.url,
                stdout=out,
                stderr=err,
            )
        finally:
            assert "Verwerkersovereenkomst niet geaccepteerd" in err.getvalue()
    assert not Order.objects.exists()
