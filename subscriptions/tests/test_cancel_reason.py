"""The cancellation reason: an optional choice and text on the cancel confirmation, stored on
the subscription, shown to staff and counted per month in the admin; hostile input gets a
Dutch message and cancels nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from subscriptions.models import MollieCustomer, Subscription
from subscriptions.selectors import cancel_reasons_per_month

pytestmark = pytest.mark.django_db


def _subscription(user, plan) -> Subscription:
    customer, _ = MollieCustomer.objects.get_or_create(user=user, defaults={"mollie_id": f"cst_{user.pk}"})
    return Subscription.objects.create(
        user=user,
        customer=customer,
        plan=plan,
        status=Subscription.Status.ACTIVE,
        amount_net=Decimal("29.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("35.09"),
        started_at=timezone.now(),
        current_period_end=timezone.localdate() + timedelta(days=10),
    )


@pytest.fixture
def active(customer, plan) -> Subscription:
    return _subscription(customer, plan)


def _cancel(user, subscription, data, *, at: datetime | None = None):
    client = Client()
    client.force_login(user)
    with django_capture_callbacks():
        if at is None:
            return client.post(f"/portal/abonnement/{subscription.pk}/opzeggen/", data)
        with time_machine.travel(at):
            return client.post(f"/portal/abonnement/{subscription.pk}/opzeggen/", data)


class django_capture_callbacks:
    def __enter__(self):
        from django.db import connection

        self.before = len(connection.run_on_commit)

    def __exit__(self, *exc):
        from django.db import connection

        del connection.run_on_commit[self.before :]
        return False


def test_the_reason_and_text_are_stored_and_the_audit_keeps_no_words(active, customer):
    response = _cancel(
        customer, active, {"confirm": "ja", "reason": "too_expensive", "reason_text": "Te duur\nvoor ons"}
    )
    assert response.status_code == HTTPStatus.FOUND
    active.refresh_from_db()
    assert active.cancel_at_period_end
    assert (active.cancel_reason, active.cancel_reason_text) == ("too_expensive", "Te duur\nvoor ons")
    event = AuditEvent.objects.get(action="subscription.cancel_requested")
    assert event.changes["cancel_reason"] == [None, "too_expensive"]
    assert "Te duur" not in str(event.changes)


def test_cancelling_without_a_reason_still_works(active, customer):
    assert _cancel(customer, active, {"confirm": "ja"}).status_code == HTTPStatus.FOUND
    active.refresh_from_db()
    assert active.cancel_at_period_end and active.cancel_reason == "" and active.cancel_reason_text == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "hacked"}, "Kies een reden uit de lijst, of geen."),
        ({"reason_text": "x" * 1001}, "Houd de toelichting korter dan 1000 tekens."),
        ({"reason_text": "<script>alert(1)</script>"}, "Gebruik in de toelichting geen"),
        ({"reason_text": "nul\x00byte"}, "Gebruik in de toelichting geen"),
    ],
)
def test_hostile_reason_input_gets_a_dutch_message_and_cancels_nothing(active, customer, data, message):
    response = _cancel(customer, active, {"confirm": "ja", **data})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    active.refresh_from_db()
    assert not active.cancel_at_period_end and active.cancel_reason == ""


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_staff_see_the_reasons_counted_per_month(customer, plan, make_user):
    users = [customer, *(make_user(f"klant{i}") for i in range(4))]
    subs = [_subscription(user, plan) for user in users]
    # January: two too expensive, one without reason; February: one "missing" (the month
    # boundary at midnight Amsterdam time); one cancellation undone does not count.
    _cancel(users[0], subs[0], {"confirm": "ja", "reason": "too_expensive"}, at=_at(date(2027, 1, 5)))
    _cancel(users[1], subs[1], {"confirm": "ja", "reason": "too_expensive"}, at=_at(date(2027, 1, 20)))
    _cancel(
        users[2], subs[2], {"confirm": "ja"}, at=timezone.make_aware(datetime.combine(date(2027, 1, 31), time(23, 59)))
    )
    _cancel(
        users[3],
        subs[3],
        {"confirm": "ja", "reason": "missing", "reason_text": "Geen koppeling met mijn kassa"},
        at=timezone.make_aware(datetime.combine(date(2027, 2, 1), time(0, 1))),
    )
    Subscription.objects.filter(pk=subs[4].pk).update(cancel_reason="problems")  # never cancelled: not counted
    months = cancel_reasons_per_month()
    assert [(m.month, m.total) for m in months] == [(date(2027, 2, 1), 1), (date(2027, 1, 1), 3)]

    staff = make_user("medewerker", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    admin = Client()
    admin.force_login(staff)
    assert "Opzegredenen per maand" in admin.get("/admin/subscriptions/subscription/").content.decode()
    page = admin.get("/admin/subscriptions/subscription/opzegredenen/").content.decode()
    assert "januari 2027" in page and "februari 2027" in page
    assert "Geen koppeling met mijn kassa" in page and "Te duur" in page
    detail = admin.get(f"/admin/subscriptions/subscription/{subs[3].pk}/change/").content.decode()
    assert "Geen koppeling met mijn kassa" in detail
