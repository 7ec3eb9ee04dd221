"""Order data in the register: the full order until it is in Exact Online plus 30 days, then
stripped of the webshop customer's personal data by the daily retention job (number,
amounts, Exact's ids and the status stay), until the account is erased."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from retention import services as retention
from retention.selectors import export_data
from retention.tests.conftest import ams
from webshop.models import Order
from webshop.tests.conftest import order

pytestmark = pytest.mark.django_db

SYNCED = ams(2026, 3, 2, 15, 30)


def _sync(number: str, *, at):
    Order.objects.filter(number=number).update(
        status=Order.Status.SYNCED, synced_at=at, exact_invoice_number="26000001", exact_invoice_id="guid-1"
    )


def _enforce(at):
    with time_machine.travel(at, tick=False):
        return retention.enforce()


def test_a_synced_order_keeps_its_customer_for_30_days_and_loses_it_the_day_after(api):
    api.post(order(number="A-1"))
    api.post(order(number="A-2"))  # never synced: kept whole
    _sync("A-1", at=SYNCED)

    _enforce(ams(2026, 4, 1, 23, 59))  # 2 March + 30 days = 1 April: still kept all day
    kept = Order.objects.get(number="A-1")
    assert kept.payload["customer"]["email"] == "anna@example.nl"
    assert kept.personal_data_stripped_at is None

    _enforce(ams(2026, 4, 2, 0, 1))
    stripped = Order.objects.get(number="A-1")
    assert "customer" not in stripped.payload
    assert "anna@example.nl" not in json.dumps(stripped.payload)
    assert stripped.personal_data_stripped_at is not None
    # What the order log needs stays.
    assert (stripped.number, str(stripped.amount_gross), stripped.status) == ("A-1", "48.79", Order.Status.SYNCED)
    assert (stripped.exact_invoice_number, stripped.exact_invoice_id) == ("26000001", "guid-1")
    assert stripped.payload["lines"][0]["sku"] == "TULP-10"
    # The order that never reached Exact keeps its customer.
    assert Order.objects.get(number="A-2").payload["customer"]["name"] == "Anna de Vries"


def test_the_same_order_is_accepted_again_after_stripping_as_a_repeat(api):
    api.post(order(number="A-1"))
    _sync("A-1", at=SYNCED)
    _enforce(SYNCED + timedelta(days=40))

    again = api.post(order(number="A-1"))

    assert again.status_code == 200  # the content hash still decides, without the data
    assert Order.objects.count() == 1


def test_the_data_export_holds_the_orders_and_the_agreement(api, shop_owner):
    api.post(order(number="A-1"))

    exported = export_data(user=shop_owner)["webshop_orders"]

    assert exported["orders"][0]["number"] == "A-1"
    assert exported["orders"][0]["order"]["customer"]["email"] == "anna@example.nl"
    assert exported["processor_agreements"][0]["version"]


def test_erasing_the_account_removes_orders_and_acceptances(api, shop_owner):
    from accounts.personal_data import erase_accounts
    from webshop.models import ProcessorAgreementAcceptance

    api.post(order(number="A-1"))
    erase_accounts([shop_owner.pk])

    assert not Order.objects.exists()
    assert not ProcessorAgreementAcceptance.objects.exists()
