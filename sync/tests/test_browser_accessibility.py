"""The Synchronisatie page passes axe (WCAG 2.1 AA), names every control and fits a phone, in
Dutch and English: with runs on two pages, open errors and a flow turned off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from koppeling.models import Flow
from portal.tests.test_browser_accessibility import Findings, _sign_in, check_page, visitor  # noqa: F401
from sync.models import SyncRun
from sync.selectors import RUNS_PER_PAGE
from sync.tests.conftest import configure, make_order
from webshop.models import Order


@pytest.mark.django_db(transaction=True)
def test_the_synchronisatie_page_passes_axe_and_fits_a_phone(visitor, live_server, customer):  # noqa: F811
    configure(customer, flows=[Flow.ORDERS.value])
    now = timezone.now()
    SyncRun.objects.bulk_create(
        SyncRun(
            user=customer,
            started_at=now - timedelta(minutes=i),
            duration=timedelta(seconds=2),
            synced=4,
            failed=1,
            outcome=SyncRun.Outcome.ERRORS,
            message="",
        )
        for i in range(RUNS_PER_PAGE + 2)
    )
    make_order(
        customer,
        "WS-1",
        status=Order.Status.FAILED,
        failed_at=now,
        error_message="Het btw-tarief 9% heeft geen btw-code.",
        error_hint="BTW-tarief 9% is niet gekoppeld: kies een BTW-code bij Instellingen",
    )
    page, language, phone = visitor
    _sign_in(page, customer, live_server)
    findings = Findings()
    page.goto("/portal/koppeling/synchronisatie/")
    check_page(page, findings, "synchronisatie", phone=phone, language=language)
    page.goto("/portal/")
    check_page(page, findings, "dashboard with the sync card", phone=phone, language=language)
    findings.assert_none()
