"""The "Activiteit" page speaks the customer's language: fields by their label (with an admin
inline's row made human), machine actors in Dutch, a message when a filter matches nothing,
and confirming the address at signup shown as a confirmation, not a change."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from accounts.models import Profile
from audit.events import Action
from audit.labels import change_label
from audit.models import AuditEvent
from audit.services import record


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer)
    return client


@pytest.mark.django_db
def test_it_shows_field_labels_instead_of_field_names(logged_in, customer, make_user):
    profile = Profile.objects.create(user=customer, full_name="Jan Jansen")
    staff = make_user("beheerder", staff=True)
    record(
        Action.PROFILE_CHANGED,
        actor=customer,
        subject=customer,
        target=profile,
        changes={"kvk_number": ["", "12345678"]},
    )
    record(
        Action.ADMIN_CHANGED,
        actor=staff,
        subject=customer,
        target=customer,
        changes={f"profile[{profile.pk}].kvk_number": ["12345678", "87654321"]},
    )
    record(
        Action.MANDATE_CHANGED,
        system="Mollie",
        subject=customer,
        target=customer,
        changes={"mandate_id": [None, "mdt_x"]},
    )
    html = logged_in.get("/portal/activiteit/").content.decode()
    assert "KvK-nummer: – → 12345678" in html
    assert "Profiel › KvK-nummer: 12345678 → 87654321" in html
    assert "Machtiging: – → mdt_x" in html
    for raw in ("kvk_number", "mandate_id", f"profile[{profile.pk}]"):
        assert raw not in html


@pytest.mark.django_db
def test_it_names_a_machine_actor_in_dutch(logged_in, customer):
    record(Action.PAYMENT_PAID, system="Mollie", subject=customer, changes={"status": ["open", "paid"]})
    html = logged_in.get("/portal/activiteit/").content.decode()
    assert "Systeem (Mollie)" in html
    assert "system (Mollie)" not in html


@pytest.mark.django_db
def test_it_names_a_machine_actor_in_english_for_an_english_reader(logged_in, customer):
    record(Action.PAYMENT_PAID, system="Mollie", subject=customer, changes={"status": ["open", "paid"]})
    logged_in.cookies["django_language"] = "en"
    html = logged_in.get("/portal/activiteit/").content.decode()
    assert "System (Mollie)" in html


def test_it_shows_an_unknown_key_as_stored():
    assert change_label("accounts.profile", "something_new") == "something_new"
    assert change_label("", "x[1].y") == "x › y"


@pytest.mark.django_db
def test_it_says_so_when_a_filter_matches_nothing(logged_in, customer):
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        record(Action.PROFILE_CHANGED, actor=customer, subject=customer, changes={"city": ["A", "B"]})
    html = logged_in.get("/portal/activiteit/", {"start": "2026-03-02", "end": "2026-03-31"}).content.decode()
    assert "Geen activiteit gevonden die past bij dit filter" in html
    html = logged_in.get("/portal/activiteit/", {"start": "2026-03-01", "end": "2026-03-01"}).content.decode()
    assert "Geen activiteit gevonden" not in html and "Plaats: A → B" in html


@pytest.mark.django_db
def test_it_says_so_when_a_kind_filter_matches_nothing(logged_in):
    html = logged_in.get("/portal/activiteit/", {"kind": "payment"}).content.decode()
    assert "Geen activiteit gevonden die past bij dit filter" in html


@pytest.mark.django_db
def test_confirming_the_address_at_signup_is_logged_as_a_confirmation_not_a_change(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "username": "devries",
                "email": "devries@example.com",
                "password1": "Lang-genoeg-wachtwoord-1",
                "password2": "Lang-genoeg-wachtwoord-1",
            },
        )
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(link)
    user = get_user_model().objects.get(username="devries")
    actions = list(AuditEvent.objects.filter(subject_id=user.pk).values_list("action", flat=True))
    assert Action.ACCOUNT_EMAIL_CONFIRMED in actions
    assert Action.ACCOUNT_EMAIL_CHANGED not in actions


@pytest.mark.django_db
def test_a_hostile_stored_key_is_shown_escaped(logged_in, customer):
    record(
        Action.PROFILE_CHANGED,
        actor=customer,
        subject=customer,
        changes={"<script>alert(1)</script>[1].x": ["a", "b"], "ünïcode" * 100: [None, "c"]},
    )
    response = logged_in.get("/portal/activiteit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_it_shows_days_moments_yes_no_and_secrets_in_words(logged_in, customer):
    record(
        Action.SUBSCRIPTION_RENEWED,
        system="Mollie",
        subject=customer,
        target=customer,
        changes={
            "current_period_end": ["2026-11-30", "2026-12-30"],
            "cancel_at_period_end": [False, True],
            "closed_at": [None, "2026-03-01T13:05:00+00:00"],
        },
    )
    record(Action.AUTH_PASSWORD_CHANGED, actor=customer, subject=customer, changes={"password": "changed"})
    html = logged_in.get("/portal/activiteit/").content.decode()
    assert "Volgende betaling op: 30-11-2026 → 30-12-2026" in html  # a table: dd-mm-jjjj
    assert "Opgezegd per einde periode: nee → ja" in html
    assert "01-03-2026 14:05" in html
    assert "Wachtwoord: gewijzigd" in html


@pytest.fixture
def standing_clock():
    """A clock that stands still from before the customer is made: the page's <time
    datetime="…"> carries each event's microseconds, and at a real moment such as
    10:10:05.5… or 10:10:10.01… they hold "5.5" or "0.01", the codes looked for below."""
    with time_machine.travel(datetime(2026, 3, 1, 10, 10, tzinfo=UTC), tick=False):
        yield


@pytest.mark.django_db
def test_amounts_and_coded_values_read_as_words_not_codes(standing_clock, logged_in, customer):
    from subscriptions.models import Payment

    record(
        Action.PAYMENT_CREATED,
        actor=customer,
        subject=customer,
        target_type="subscriptions.payment",
        target_id=1,
        changes={"amount": [None, "0.01"], "purpose": [None, Payment.Purpose.MANDATE]},
    )
    record(
        Action.PAYMENT_REFUNDED,
        system="billing",
        subject=customer,
        target_type="subscriptions.payment",
        target_id=1,
        changes={"refund_requested": [None, "5.5"], "reason": [None, "verification"], "amount": ["10.00", "-10.00"]},
    )
    html = logged_in.get("/portal/activiteit/").content.decode()
    purpose = str(dict(Payment.Purpose.choices)[Payment.Purpose.MANDATE])
    assert f"Doel: – → {purpose}" in html
    assert "Bedrag: – → € 0,01" in html
    assert "Terugbetaling aangevraagd: – → € 5,50" in html
    assert "Bedrag: € 10,00 → € -10,00" in html or "Bedrag: € 10,00 → -€ 10,00" in html
    for code in ("refund_requested", "5.5", "0.01", "-10.00", "verification", ": – → mandate"):
        assert code not in html, code


@pytest.mark.django_db
def test_a_staff_action_shows_the_customer_a_neutral_line_and_keeps_the_reason_for_staff(customer, make_user):
    from accounts import services as account_services
    from audit.selectors import change_lines

    staff = make_user("beheerder", staff=True)
    staff.is_superuser = True
    staff.save()
    account_services.staff_action_record(by=staff, customer=customer, action="reopen", reason="Klant belde: wil terug")
    client = Client()
    client.force_login(customer)
    html = client.get("/portal/activiteit/").content.decode()
    assert "Klant belde" not in html and "Reden" not in html
    assert "Handeling van medewerker: – → Account heropenen" in html  # the action, in words
    event = AuditEvent.objects.get(action="admin.changed", subject_id=customer.pk)
    assert "Reden: – → Klant belde: wil terug" in change_lines(event, for_staff=True)
    csv_text = b"".join(client.get("/portal/activiteit/activiteit.csv").streaming_content).decode("utf-8-sig")
    assert "Klant belde" not in csv_text
