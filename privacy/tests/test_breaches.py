"""The breach register: the 72-hour clock to the Autoriteit Persoonsgegevens, "gemeld op" or
"niet gemeld omdat" to close, whether the people were told, and immutable once closed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from privacy import services
from privacy.models import Breach
from register import registry

pytestmark = pytest.mark.django_db

DETECTED = timezone.make_aware(datetime.combine(date(2026, 5, 4), time(10)))


def make(office, **extra) -> Breach:
    values = {
        "facts": "Een export stond een dag openbaar.",
        "data_affected": "Namen en e-mailadressen",
        "people_affected": "12 klanten",
        "consequences": "Kans op phishing",
        "measures": "Link ingetrokken, klanten gewaarschuwd",
        "detected_at": DETECTED,
        **extra,
    }
    with time_machine.travel(DETECTED + timedelta(hours=1), tick=False):
        return services.breach_record(by=office, **values)


def _list_at(office, moment) -> str:
    with time_machine.travel(moment, tick=False):
        client = Client()
        client.force_login(office)
        return client.get(reverse("admin:privacy_breach_changelist")).content.decode()


def test_the_72_hour_deadline_is_shown_and_red_once_passed_unreported(office):
    make(office)
    before = _list_at(office, DETECTED + timedelta(hours=71, minutes=59))
    assert "07-05-2026 10:00" in before and "privacy-overdue" not in before.split("<tbody>")[1]
    after = _list_at(office, DETECTED + timedelta(hours=72, minutes=1))
    assert '<span class="privacy-overdue">07-05-2026 10:00 (te laat)</span>' in after


def test_a_reported_breach_is_not_red(office):
    breach = make(office)
    with time_machine.travel(DETECTED + timedelta(hours=2), tick=False):
        services.breach_update(breach=breach, by=office, reported_on=date(2026, 5, 4))
    assert "privacy-overdue" not in _list_at(office, DETECTED + timedelta(days=5)).split("<tbody>")[1]


def test_closing_needs_reported_or_a_reason_and_the_people_told_or_why_not(office):
    breach = make(office)
    with time_machine.travel(DETECTED + timedelta(days=1), tick=False):
        with pytest.raises(services.PrivacyError, match="reden om niet te melden"):
            services.breach_close(breach=breach, by=office)
        services.breach_update(breach=breach, by=office, not_reported_reason="Geen risico: versleuteld")
        with pytest.raises(services.PrivacyError, match="betrokkenen"):
            services.breach_close(breach=breach, by=office)
        services.breach_update(breach=breach, by=office, people_told_on=date(2026, 5, 5))
        services.breach_close(breach=breach, by=office)
    breach.refresh_from_db()
    assert breach.closed_at is not None and breach.closed_by == office
    assert list(
        AuditEvent.objects.filter(target_id=str(breach.pk)).order_by("id").values_list("action", flat=True)
    ) == [
        "privacy.breach_recorded",
        "privacy.breach_changed",
        "privacy.breach_changed",
        "privacy.breach_closed",
    ]


def _closed(office) -> Breach:
    breach = make(office, reported_on=date(2026, 5, 4), people_not_told_reason="Geen hoog risico")
    with time_machine.travel(DETECTED + timedelta(days=1), tick=False):
        return services.breach_close(breach=breach, by=office)


def test_a_closed_breach_cannot_change_by_service_admin_or_sql(office, office_client):
    breach = _closed(office)
    with pytest.raises(services.PrivacyError, match="afgesloten"):
        services.breach_update(breach=breach, by=office, measures="iets anders")
    url = reverse("admin:privacy_breach_change", args=[breach.pk])
    page = office_client.get(url).content.decode()
    assert 'name="measures"' not in page and "Link ingetrokken" in page
    assert office_client.post(url, {"measures": "weg"}).status_code == 403
    with pytest.raises(IntegrityError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE privacy_breach SET measures = 'weg' WHERE id = %s", [breach.pk])
    breach.refresh_from_db()
    assert breach.measures == "Link ingetrokken, klanten gewaarschuwd"


# A fixed moment: in the hour that repeats when summer time ends (02:00-03:00 on the last
# Sunday of October) the admin refuses the current local time as ambiguous.
@time_machine.travel(datetime(2026, 12, 8, 10, 10, tzinfo=UTC), tick=True)
def test_the_office_records_and_closes_a_breach_in_the_admin(office_client):
    add = reverse("admin:privacy_breach_add")
    now = timezone.localtime()
    form = {
        "facts": "Laptop kwijt",
        "data_affected": "Klantenlijst",
        "people_affected": "3 klanten",
        "consequences": "Beperkt: versleutelde schijf",
        "measures": "Op afstand gewist",
        "detected_at_0": now.strftime("%d-%m-%Y"),
        "detected_at_1": now.strftime("%H:%M:%S"),
        "not_reported_reason": "Versleuteld, geen risico",
        "people_not_told_reason": "Geen risico",
    }
    response = office_client.post(add, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    breach = Breach.objects.get()
    response = office_client.post(reverse("admin:privacy_breach_change", args=[breach.pk]), {**form, "close": "on"})
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.closed_at is not None


@pytest.mark.parametrize("facts", ["", "  ", "x\x00y"])
def test_hostile_input_gives_a_dutch_message_and_adds_nothing(office_client, facts):
    now = timezone.localtime()
    response = office_client.post(
        reverse("admin:privacy_breach_add"),
        {
            "facts": facts,
            "data_affected": "a",
            "people_affected": "b",
            "consequences": "c",
            "measures": "d",
            "detected_at_0": now.strftime("%d-%m-%Y"),
            "detected_at_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Breach.objects.exists()


def test_a_future_detection_is_refused(office):
    with pytest.raises(services.PrivacyError, match="toekomst"):
        make(office, detected_at=timezone.now() + timedelta(days=1))


def test_a_closed_breach_goes_five_years_after_closing(office):
    breach = _closed(office)  # closed 5 May 2026
    category = registry.get("privacy_breaches")
    day = timezone.make_aware(datetime.combine(date(2031, 5, 5), time(23)))
    assert not category.due_queryset(day).exists()
    assert category.due_queryset(day + timedelta(hours=2)).filter(pk=breach.pk).exists()
    category.dispose([breach.pk])  # the trigger lets the retention run delete it
    assert not Breach.objects.exists()
