"""Koppeling settings: editable with a live subscription, validated against Exact's own
lists, one audit event per change with old and new values; bad input saves nothing."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from audit.events import Action
from audit.models import AuditEvent
from koppeling.models import KoppelingSettings
from koppeling.tests.conftest import connect, subscribe

pytestmark = pytest.mark.usefixtures("exact_sandbox")

VALID = {
    "flows": ["orders", "customers"],
    "sales_journal": "70",
    "vat_code_high": "1",
    "vat_code_low": "2",
    "vat_code_zero": "0",
    "sync_interval_minutes": "30",
    "start_date": "2026-01-01",
    "error_email": "fouten@example.com",
}


@pytest.fixture
def connected(browser_client, customer):
    subscribe(customer)
    connect(browser_client)
    return browser_client


def test_it_saves_the_settings_and_records_old_and_new_values(connected, customer):
    response = connected.post("/portal/koppeling/instellingen/", VALID, follow=True)
    assert "De instellingen zijn opgeslagen." in response.content.decode()
    row = KoppelingSettings.objects.get(user=customer)
    assert row.flows == ["orders", "customers"] and row.sales_journal == "70" and row.sync_interval_minutes == 30
    connected.post("/portal/koppeling/instellingen/", {**VALID, "sync_interval_minutes": "120"})
    events = AuditEvent.objects.filter(subject_id=customer.pk, action="koppeling.settings_changed").order_by("seq")
    assert events.count() == 2
    assert events.last().changes == {"sync_interval_minutes": [30, 120]}


def test_mapping_21_percent_to_a_9_percent_code_saves_with_a_warning(connected, customer):
    response = connected.post("/portal/koppeling/instellingen/", {**VALID, "vat_code_high": "2"}, follow=True)
    page = response.content.decode()
    assert "De instellingen zijn opgeslagen." in page
    assert "Let op: btw-code 2 (BTW laag 9%) heeft in Exact Online 9% btw, maar u koos hem voor 21%." in page
    assert KoppelingSettings.objects.get(user=customer).vat_code_high == "2"  # allowed: the customer decides
    right = connected.post("/portal/koppeling/instellingen/", VALID, follow=True).content.decode()
    assert "Let op: btw-code" not in right


def test_saving_unchanged_settings_records_nothing(connected, customer):
    connected.post("/portal/koppeling/instellingen/", VALID)
    connected.post("/portal/koppeling/instellingen/", VALID)
    assert AuditEvent.objects.filter(subject_id=customer.pk, action=Action.KOPPELING_SETTINGS_CHANGED).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sync_interval_minutes", "14", "Minimaal 15 minuten"),
        ("sync_interval_minutes", "1441", "Maximaal 1440 minuten"),
        ("sync_interval_minutes", "-5", "Minimaal 15 minuten"),
        ("sync_interval_minutes", "9" * 400, "Maximaal 1440 minuten"),
        ("sync_interval_minutes", "tien", "heel aantal minuten"),
        ("flows", ["orders", "invoices_to_mars"], "Kies alleen stromen"),
        ("sales_journal", "10", "lijst van Exact Online"),  # a cash journal: Exact did not list it as sales
        ("sales_journal", "<script>", "lijst van Exact Online"),
        ("vat_code_high", "99", "lijst van Exact Online"),
        ("vat_code_low", "\x00", "lijst van Exact Online"),
        ("start_date", "1850-01-01", "tussen 2000 en 2100"),
        ("start_date", "31-31-2026", "geldige datum"),
        ("error_email", "geen-adres", "geldig e-mailadres"),
        ("error_email", "a" * 10_000 + "@example.com", "geldig e-mailadres"),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(connected, customer, field, value, message):
    response = connected.post("/portal/koppeling/instellingen/", {**VALID, field: value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not KoppelingSettings.objects.filter(user=customer, sales_journal="70").exists()
    assert not AuditEvent.objects.filter(action=Action.KOPPELING_SETTINGS_CHANGED).exists()


def test_the_orders_flow_needs_a_sales_journal(connected, customer):
    response = connected.post("/portal/koppeling/instellingen/", {**VALID, "sales_journal": ""})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "verkoopdagboek" in response.content.decode()


def test_without_a_live_subscription_the_settings_are_read_only(browser_client, customer):
    connect(browser_client)
    page = browser_client.get("/portal/koppeling/").content.decode()
    assert "alleen bekijken" in page and "Instellingen opslaan" not in page
    response = browser_client.post("/portal/koppeling/instellingen/", VALID)
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not KoppelingSettings.objects.filter(user=customer, sales_journal="70").exists()


def test_a_subscription_ended_for_non_payment_pauses_the_koppeling(browser_client, customer):
    from subscriptions.services import DUNNING_END_REASON

    subscribe(customer, status="ended", end_reason=DUNNING_END_REASON)
    connect(browser_client)
    page = browser_client.get("/portal/koppeling/").content.decode()
    assert "Gepauzeerd" in page and "niet-betaling" not in page and "betaling uitbleef" in page
    from koppeling.selectors import koppeling_status

    assert koppeling_status(user=customer).may_run is False


def test_pause_and_resume_are_recorded(connected, customer):
    connected.post("/portal/koppeling/pauzeren/")
    assert KoppelingSettings.objects.get(user=customer).paused
    assert "Gepauzeerd" in connected.get("/portal/koppeling/").content.decode()
    connected.post("/portal/koppeling/hervatten/")
    assert not KoppelingSettings.objects.get(user=customer).paused
    actions = list(AuditEvent.objects.filter(subject_id=customer.pk).values_list("action", flat=True))
    assert {"koppeling.paused", "koppeling.resumed"} <= set(actions)


def test_the_lists_come_from_exact_and_can_be_refreshed(connected, customer):
    from exact_sandbox import data

    page = connected.get("/portal/koppeling/").content.decode()
    assert "Verkoopboek webshop" in page and "BTW laag 9%" in page and "Kas" not in page
    data.JOURNALS.append(("72", "Verkoopboek marktplaats", 20))
    try:
        connected.post("/portal/koppeling/instellingen/vernieuwen/")
        assert "Verkoopboek marktplaats" in connected.get("/portal/koppeling/").content.decode()
    finally:
        data.JOURNALS.pop()
