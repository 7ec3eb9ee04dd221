"""Requests from people: the one-month term, its one extension, the reminders at day 20 and
day 27, overdue in red, and the office's steps in the admin."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.events import Action
from audit.models import AuditEvent
from privacy import services
from privacy.models import PrivacyRequest, RequestAction, RequestStatus
from register import registry
from retention.models import DataExport

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 3, 2)


def at(day: date, hour: int = 9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def receive(office, **kwargs) -> PrivacyRequest:
    with time_machine.travel(at(RECEIVED), tick=False):
        return services.request_receive(
            by=office,
            kind=kwargs.pop("kind", "access"),
            channel=kwargs.pop("channel", "phone"),
            received_on=RECEIVED,
            person_name=kwargs.pop("person_name", "Piet de Vries"),
            person_contact="piet@example.com",
            **kwargs,
        )


def test_a_request_is_due_one_month_after_receipt_and_is_audited(office, customer):
    request = receive(office, user=customer)
    assert request.due_on == date(2026, 4, 2)
    event = AuditEvent.objects.get(action=Action.PRIVACY_REQUEST_RECEIVED)
    assert event.subject_id == customer.pk and event.target_id == str(request.pk)


@pytest.fixture
def reminders_on(django_capture_on_commit_callbacks):
    def run(day: date) -> list[str]:
        mail.outbox.clear()
        with time_machine.travel(at(day, 7), tick=False), django_capture_on_commit_callbacks(execute=True):
            services.request_reminders_send()
        return [m.subject for m in mail.outbox]

    return run


def test_the_office_is_reminded_at_day_20_and_day_27_once_each(office, settings, reminders_on):
    settings.PRIVACY_OFFICE_EMAIL = "privacy@codexconnectors.example"
    request = receive(office)
    assert reminders_on(date(2026, 3, 21)) == []  # day 19
    subjects = reminders_on(date(2026, 3, 22))  # day 20
    assert subjects == [f"Verzoek {request.pk}: dag 20 van de termijn"]
    assert mail.outbox[0].to == ["privacy@codexconnectors.example"]
    assert "02-04-2026" in mail.outbox[0].body
    assert reminders_on(date(2026, 3, 23)) == []
    assert reminders_on(date(2026, 3, 28)) == []  # day 26
    assert reminders_on(date(2026, 3, 29)) == [f"Verzoek {request.pk}: dag 27 van de termijn"]
    assert reminders_on(date(2026, 3, 30)) == []
    assert AuditEvent.objects.filter(action=Action.PRIVACY_REQUEST_REMINDED).count() == 2


def test_a_closed_request_gets_no_reminder_and_the_company_address_is_the_default(office, settings, reminders_on):
    settings.PRIVACY_OFFICE_EMAIL = ""
    open_one = receive(office)
    closed = receive(office)
    services.request_identity_checked(request=closed, by=office, method="teruggebeld")
    services.request_status_set(request=closed, by=office, status=RequestStatus.DONE)
    subjects = reminders_on(date(2026, 3, 22))
    assert subjects == [f"Verzoek {open_one.pk}: dag 20 van de termijn"]
    assert mail.outbox[0].to == [settings.COMPANY["email"]]


def test_an_extension_moves_the_due_date_once_and_needs_the_notice(office):
    request = receive(office)
    with time_machine.travel(at(date(2026, 3, 20)), tick=False):
        with pytest.raises(services.PrivacyError, match="tekst van de melding"):
            services.request_extend(request=request, by=office, months=2, notice_on=date(2026, 3, 20), notice_text=" ")
        with pytest.raises(services.PrivacyError, match="één of twee maanden"):
            services.request_extend(request=request, by=office, months=3, notice_on=date(2026, 3, 20), notice_text="x")
        request.refresh_from_db()
        assert request.due_on == date(2026, 4, 2) and request.extended_by_months == 0
        services.request_extend(
            request=request, by=office, months=2, notice_on=date(2026, 3, 20), notice_text="Het duurt langer omdat..."
        )
        request.refresh_from_db()
        assert request.due_on == date(2026, 6, 2)
        with pytest.raises(services.PrivacyError, match="maar één keer"):
            services.request_extend(request=request, by=office, months=1, notice_on=date(2026, 3, 20), notice_text="x")
    request.refresh_from_db()
    assert request.due_on == date(2026, 6, 2)
    assert AuditEvent.objects.filter(action=Action.PRIVACY_REQUEST_EXTENDED).count() == 1


def test_an_extension_counts_from_the_end_of_the_first_term_at_a_month_end(office):
    # Received 31 January: due 28 February; two further months from there is 28 April, the
    # earlier of the two readings (not three months after receipt, 30 April).
    with time_machine.travel(at(date(2027, 1, 31)), tick=False):
        request = services.request_receive(
            by=office,
            kind="access",
            channel="mail",
            received_on=date(2027, 1, 31),
            person_name="Piet de Vries",
            person_contact="piet@example.com",
        )
    assert request.due_on == date(2027, 2, 28)
    with time_machine.travel(at(date(2027, 2, 10)), tick=False):
        services.request_extend(request=request, by=office, months=2, notice_on=date(2027, 2, 10), notice_text="Later.")
    request.refresh_from_db()
    assert request.due_on == date(2027, 4, 28)


def test_overdue_is_shown_in_red_on_the_list_only_after_the_due_date(office):
    receive(office)
    url = reverse("admin:privacy_privacyrequest_changelist")
    pages = {}
    for day in (date(2026, 4, 2), date(2026, 4, 3)):
        with time_machine.travel(at(day), tick=False):
            client = Client()
            client.force_login(office)
            pages[day] = client.get(url).content.decode()
    assert (
        "02-04-2026" in pages[date(2026, 4, 2)] and "privacy-overdue" not in pages[date(2026, 4, 2)].split("<tbody>")[1]
    )
    assert '<span class="privacy-overdue">02-04-2026 (te laat)</span>' in pages[date(2026, 4, 3)]


def test_the_office_logs_checks_extends_and_closes_a_request_in_the_admin(office, office_client, customer):
    add = reverse("admin:privacy_privacyrequest_add")
    response = office_client.post(
        add,
        {
            "kind": "access",
            "channel": "mail",
            "received_on": timezone.localdate().isoformat(),
            "person_name": "Jan Jansen",
            "person_contact": "jansen@example.com",
            "details": "Wil weten wat we van hem hebben.",
            "user": customer.pk,
        },
    )
    assert response.status_code == 302
    request = PrivacyRequest.objects.get()
    change = reverse("admin:privacy_privacyrequest_change", args=[request.pk])
    page = office_client.get(change).content.decode()
    assert f"?subject_id={customer.pk}" in page  # the customer's audit trail
    # Closing before the identity check: a clear message, nothing changes.
    response = office_client.post(change, {"new_status": "done"})
    assert "Controleer eerst de identiteit van de persoon." in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED
    response = office_client.post(
        change,
        {
            "check_identity": "antwoord vanaf het e-mailadres van het account",
            "extend_months": "1",
            "notice_on": timezone.localdate().isoformat(),
            "notice_text": "We hebben een maand langer nodig.",
            "action_text": "Export gemaakt en gemaild.",
            "new_status": "done",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE and request.identity_checked_by == office
    assert request.extended_by_months == 1 and request.actions.get().text == "Export gemaakt en gemaild."
    # Closed: read-only.
    page = office_client.get(change).content.decode()
    assert 'name="new_status"' not in page
    assert office_client.post(change, {"action_text": "nog iets"}).status_code == 403
    with pytest.raises(services.PrivacyError, match="afgesloten"):
        services.request_action_add(request=request, by=office, text="nog iets")


def test_refusing_needs_a_reason(office):
    request = receive(office)
    with pytest.raises(services.PrivacyError, match="reden van weigering"):
        services.request_status_set(request=request, by=office, status=RequestStatus.REFUSED, reason="")
    services.request_status_set(request=request, by=office, status=RequestStatus.REFUSED, reason="Kennelijk ongegrond")
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED and request.closed_at is not None


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, "Piet\x00"])
def test_hostile_input_gives_a_dutch_message_and_adds_nothing(office, office_client, name):
    response = office_client.post(
        reverse("admin:privacy_privacyrequest_add"),
        {
            "kind": "access",
            "channel": "mail",
            "received_on": timezone.localdate().isoformat(),
            "person_name": name,
            "person_contact": "a@example.com",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page or "errorlist" in page
    assert not PrivacyRequest.objects.exists()


def test_a_future_date_or_unknown_kind_is_refused(office):
    with pytest.raises(services.PrivacyError, match="toekomst"):
        services.request_receive(
            by=office, kind="access", channel="mail", received_on=date(2999, 1, 1), person_name="A", person_contact="b"
        )
    with pytest.raises(services.PrivacyError, match="soort"):
        services.request_receive(
            by=office, kind="drop table", channel="mail", received_on=RECEIVED, person_name="A", person_contact="b"
        )
    assert not PrivacyRequest.objects.exists()


def test_the_export_button_starts_the_customers_data_export(office, office_client, customer):
    request = receive(office, user=customer)
    response = office_client.post(
        reverse("admin:privacy_privacyrequest_changelist"),
        {"action": "start_export", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    assert DataExport.objects.filter(user=customer).exists()
    assert "Gegevensexport gestart" in request.actions.get().text
    assert AuditEvent.objects.filter(action="retention.export_requested", actor_id=office.pk).exists()


def test_a_closed_request_is_kept_five_years_then_due_for_retention(office):
    request = receive(office)
    services.request_identity_checked(request=request, by=office, method="teruggebeld")
    with time_machine.travel(at(date(2026, 4, 1)), tick=False):
        services.request_status_set(request=request, by=office, status=RequestStatus.DONE)
    category = registry.get("privacy_requests")
    assert not category.due_queryset(at(date(2031, 4, 1), 23)).exists()
    assert category.due_queryset(at(date(2031, 4, 2), 1)).filter(pk=request.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_retention_run_deletes_a_closed_request_with_its_actions_after_five_years(office):
    from retention import services as retention

    request = receive(office)
    services.request_identity_checked(request=request, by=office, method="teruggebeld")
    services.request_action_add(request=request, by=office, text="Export gemaakt en gemaild")
    with time_machine.travel(at(date(2026, 4, 1)), tick=False):
        services.request_status_set(request=request, by=office, status=RequestStatus.DONE)
    with time_machine.travel(at(date(2031, 4, 1), 23), tick=False):
        retention.enforce()
    assert PrivacyRequest.objects.filter(pk=request.pk).exists() and request.actions.exists()
    with time_machine.travel(at(date(2031, 4, 2), 1), tick=False):
        retention.enforce()
    assert not PrivacyRequest.objects.filter(pk=request.pk).exists()
    assert not RequestAction.objects.filter(request_id=request.pk).exists()


def test_the_request_is_in_the_customers_own_export(office, customer):
    receive(office, user=customer)
    exported = registry.get("privacy_requests").export(customer)
    assert exported[0]["kind"] == "access" and exported[0]["due_on"] == "2026-04-02"


def test_every_step_is_in_the_customers_audit_trail(office, customer, django_capture_on_commit_callbacks):
    request = receive(office, user=customer)
    with time_machine.travel(at(date(2026, 3, 22)), tick=False):
        services.request_reminders_send()
        services.request_identity_checked(request=request, by=office, method="teruggebeld")
        services.request_extend(request=request, by=office, months=1, notice_on=date(2026, 3, 22), notice_text="Later.")
        services.request_action_add(request=request, by=office, text="Gegevens gecorrigeerd.")
        services.request_status_set(request=request, by=office, status=RequestStatus.DONE)
    trail = list(
        AuditEvent.objects.filter(subject_id=customer.pk, target_id=str(request.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert trail == [
        "privacy.request_received",
        "privacy.request_reminded",
        "privacy.request_identity_checked",
        "privacy.request_extended",
        "privacy.request_action_added",
        "privacy.request_status_changed",
    ]


def test_erasing_the_account_keeps_the_request_as_proof_unlinked(office, customer):
    request = receive(office, user=customer)
    assert registry.get("privacy_requests").erase_users([customer.pk]) == {"privacy.PrivacyRequest": 1}
    request.refresh_from_db()
    assert request.user_id is None and request.person_name == "Piet de Vries"
