"""The subscription page shows the payment method it is charged on, from Mollie's mandate
details: a card's brand, last four digits and expiry, or a masked IBAN and the holder
(issue 17 item 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from mollie_sandbox import controls
from mollie_sandbox.engine import Kind
from mollie_sandbox.models import SandboxObject
from mollie_sandbox.testing import checkout
from subscriptions.models import Subscription
from subscriptions.services.mandate_details import mask_iban

pytestmark = pytest.mark.django_db

MANDATE_GET = "GET customers/*/mandates/*"


def _paid(subscribe, method: str) -> Subscription:
    response, payment = subscribe()
    checkout(response["Location"], "paid", method=method)
    return Subscription.objects.get(pk=payment.subscription_id)


def _section(page: str) -> str:
    return page.split('id="payment-method"')[1].split("</div>")[0]


# The sandbox's test card expires at the end of 2030: from 2031 on the page says "verlopen".
@time_machine.travel(datetime(2026, 12, 8, 10, 10, tzinfo=UTC), tick=True)
def test_a_card_shows_its_brand_last_four_digits_and_expiry(subscribe, logged_in):
    _paid(subscribe, "creditcard")
    section = " ".join(_section(logged_in.get("/portal/abonnement/").content.decode()).split())
    assert "Betaalmethode" in section
    assert "Mastercard eindigend op 6787, geldig tot en met 12/2030 · T. TEST" in section


def test_a_bank_account_shows_a_masked_iban_and_the_holder(subscribe, logged_in):
    subscription = _paid(subscribe, "ideal")  # iDEAL's first payment makes a direct-debit mandate
    page = logged_in.get("/portal/abonnement/").content.decode()
    section = " ".join(_section(page).split())
    assert "Automatische incasso van rekening NL55 •••• 0000 op naam van T. TEST" in section
    iban = SandboxObject.objects.get(pk=subscription.mandate_id).data["details"]["consumerAccount"]
    assert iban not in page and "INGB" not in page


def test_the_details_are_read_once_per_ten_minutes_and_mollie_down_is_said_plainly(subscribe, logged_in):
    _paid(subscribe, "creditcard")
    assert "Mastercard" in logged_in.get("/portal/abonnement/").content.decode()
    controls.add_fault("http_503", target=MANDATE_GET, count=10)
    assert "Mastercard" in logged_in.get("/portal/abonnement/").content.decode()  # from the cache
    cache.clear()
    page = logged_in.get("/portal/abonnement/")
    assert page.status_code == 200
    assert "Uw betaalmethode kunnen we nu niet tonen" in page.content.decode()
    assert "Actief" in page.content.decode()  # the rest of the page is there


def test_mollie_down_is_remembered_for_a_minute_so_views_do_not_wait_out_the_retries(subscribe, logged_in):
    _paid(subscribe, "creditcard")
    controls.add_fault("http_503", target=MANDATE_GET, count=3)  # one call's three attempts
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "Uw betaalmethode kunnen we nu niet tonen" in page
    with time_machine.travel(timezone.now() + timedelta(seconds=59)):
        # Mollie answers again (the faults are used up), but the page does not ask yet.
        assert "Uw betaalmethode kunnen we nu niet tonen" in logged_in.get("/portal/abonnement/").content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert "Mastercard eindigend op 6787" in logged_in.get("/portal/abonnement/").content.decode()


def test_an_expired_card_and_a_revoked_mandate_are_pointed_out(subscribe, logged_in):
    subscription = _paid(subscribe, "creditcard")
    mandate = SandboxObject.objects.get(pk=subscription.mandate_id, kind=Kind.MANDATE)
    mandate.data["details"]["cardExpiryDate"] = "2020-03-31"
    mandate.save()
    section = " ".join(_section(logged_in.get("/portal/abonnement/").content.decode()).split())
    assert "verlopen sinds 03/2020" in section
    controls.revoke_mandate(mandate.id)
    cache.clear()
    section = " ".join(_section(logged_in.get("/portal/abonnement/").content.decode()).split())
    assert "Deze machtiging is niet meer geldig" in section


def test_no_method_is_shown_before_the_first_payment(subscribe, logged_in):
    subscribe()
    assert 'id="payment-method"' not in logged_in.get("/portal/abonnement/").content.decode()


@pytest.mark.parametrize(
    ("iban", "shown"),
    [
        ("NL55INGB0001234567", "NL55 •••• 4567"),
        ("be68 5390 0754 7034", "BE68 •••• 7034"),
        ("NL55", "••••"),
        ("", "••••"),
    ],
)
def test_an_iban_is_masked_to_its_country_check_digits_and_last_four(iban, shown):
    assert mask_iban(iban) == shown
