"""The disclosure log: append-only, audited, and in the person's own export except while a
legal hold or a ban on telling them applies."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import customer_events
from privacy import services
from privacy.models import Disclosure
from register import registry
from retention.selectors import export_data
from retention.services import hold_add, hold_release

pytestmark = pytest.mark.django_db

GIVEN = date(2026, 6, 1)


def log(office, customer, **extra) -> Disclosure:
    with time_machine.travel(timezone.make_aware(datetime.combine(GIVEN, time(14))), tick=False):
        return services.disclosure_log(
            by=office,
            user=customer,
            authority="Politie Oost-Brabant",
            data_given="Naam, adres en betalingen van mei 2026",
            legal_ground="Vordering art. 126nd Sv",
            disclosed_on=GIVEN,
            **extra,
        )


def _exported(customer, day: date) -> list:
    with time_machine.travel(timezone.make_aware(datetime.combine(day, time(12))), tick=False):
        return export_data(user=customer)["privacy_disclosures"]


def test_a_disclosure_is_logged_with_who_and_is_audited_without_telling_the_customer(office, customer):
    disclosure = log(office, customer)
    assert disclosure.by == office and disclosure.subject_id == customer.pk
    event = AuditEvent.objects.get(action="privacy.disclosure_logged")
    assert event.actor_id == office.pk and event.target_id == str(disclosure.pk)
    assert not customer_events(user=customer).filter(action="privacy.disclosure_logged").exists()


def test_without_hold_or_ban_it_is_in_the_persons_own_export(office, customer):
    log(office, customer)
    assert _exported(customer, GIVEN) == [
        {
            "authority": "Politie Oost-Brabant",
            "data_given": "Naam, adres en betalingen van mei 2026",
            "legal_ground": "Vordering art. 126nd Sv",
            "disclosed_on": "2026-06-01",
        }
    ]


def test_a_ban_hides_it_until_and_including_its_end_date(office, customer):
    log(office, customer, notice_banned=True, notice_banned_until=date(2026, 9, 30))
    assert _exported(customer, date(2026, 9, 30)) == []
    assert len(_exported(customer, date(2026, 10, 1))) == 1


def test_a_ban_without_end_date_hides_it(office, customer):
    log(office, customer, notice_banned=True)
    assert _exported(customer, date(2030, 1, 1)) == []


def test_a_legal_hold_hides_it_while_it_applies(office, customer):
    log(office, customer)
    hold = hold_add(user=customer, reason="Fraudeonderzoek", by=office)
    assert _exported(customer, GIVEN) == []
    hold_release(hold_id=hold.pk, by=office)
    assert len(_exported(customer, GIVEN)) == 1


def test_the_log_is_append_only_in_the_admin(office, office_client, customer):
    disclosure = log(office, customer)
    url = reverse("admin:privacy_disclosure_change", args=[disclosure.pk])
    page = office_client.get(url).content.decode()
    assert "Politie Oost-Brabant" in page and 'name="authority"' not in page
    assert office_client.post(url, {"authority": "weg"}).status_code == 403
    assert office_client.post(reverse("admin:privacy_disclosure_delete", args=[disclosure.pk])).status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.authority == "Politie Oost-Brabant"


def test_the_office_logs_a_disclosure_in_the_admin(office, office_client, customer):
    response = office_client.post(
        reverse("admin:privacy_disclosure_add"),
        {
            "user": customer.pk,
            "authority": "Belastingdienst",
            "data_given": "Facturen 2026",
            "legal_ground": "Art. 53 AWR",
            "disclosed_on": timezone.localdate().strftime("%d-%m-%Y"),
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Disclosure.objects.get().by == office


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("authority", "  ", "Dit veld is verplicht."),
        ("legal_ground", "a\x00b", "errorlist"),
        ("disclosed_on", "01-01-2999", "toekomst"),
    ],
)
def test_hostile_input_gives_a_dutch_message_and_logs_nothing(office_client, customer, field, value, message):
    form = {
        "user": customer.pk,
        "authority": "Belastingdienst",
        "data_given": "Facturen",
        "legal_ground": "Art. 53 AWR",
        "disclosed_on": timezone.localdate().strftime("%d-%m-%Y"),
        field: value,
    }
    response = office_client.post(reverse("admin:privacy_disclosure_add"), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Disclosure.objects.exists()


def test_a_disclosure_goes_five_years_after_it_was_made(office, customer):
    disclosure = log(office, customer)
    category = registry.get("privacy_disclosures")
    last_day = timezone.make_aware(datetime.combine(GIVEN + timedelta(days=5 * 365 + 1), time(23)))  # 1 June 2031
    assert not category.due_queryset(last_day).exists()
    assert category.due_queryset(last_day + timedelta(hours=2)).filter(pk=disclosure.pk).exists()
