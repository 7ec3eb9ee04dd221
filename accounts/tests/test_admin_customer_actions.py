"""Staff change customers only through the services, in the admin, with a second factor: no
deleting customers, "Actief" read only, per-customer actions with a required reason, each
recorded (the service's event and the admin's), forged ids refused without a 500."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import services
from audit.models import AuditEvent
from retention.models import DataExport, LegalHold
from subscriptions.models import MollieCustomer, Payment, Plan, Subscription

User = get_user_model()


def action_url(customer, name: str) -> str:
    return f"/admin/accounts/user/{customer.pk}/klantactie/{name}/"


def admin_events(customer, name: str) -> list[AuditEvent]:
    return [
        event
        for event in AuditEvent.objects.filter(action="admin.changed", subject_id=customer.pk)
        if event.changes.get("admin_action") == [None, name]
    ]


def live_subscription(user, *, mollie_id: str = "cst_adm1") -> Subscription:
    plan, _ = Plan.objects.get_or_create(name="Basis", defaults={"price": Decimal("29.00")})
    customer = MollieCustomer.objects.create(user=user, mollie_id=mollie_id)
    subscription = Subscription.objects.create(
        user=user,
        customer=customer,
        plan=plan,
        status="active",
        amount_net=Decimal("29.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("35.09"),
        started_at=timezone.now(),
        current_period_end=timezone.localdate() + timedelta(days=10),
    )
    Payment.objects.create(
        user=user,
        subscription=subscription,
        mollie_id=f"tr_{mollie_id}",
        sequence_type="first",
        status="paid",
        amount=Decimal("35.09"),
    )
    return subscription


@pytest.mark.django_db
def test_it_never_deletes_a_customer_and_says_what_to_do_instead(staff_client, customer):
    page = staff_client.get(f"/admin/accounts/user/{customer.pk}/delete/", follow=True)
    assert "Een klant wordt niet verwijderd" in page.content.decode()
    response = staff_client.post(f"/admin/accounts/user/{customer.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert User.objects.filter(pk=customer.pk).exists()
    listing = staff_client.get("/admin/accounts/user/")
    assert "delete_selected" not in listing.content.decode()
    bulk = staff_client.post("/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [customer.pk]})
    assert bulk.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert User.objects.filter(pk=customer.pk).exists()


@pytest.mark.django_db
def test_it_does_not_delete_a_staff_member_with_billing_history(staff_client, make_user):
    colleague = make_user("collega", staff=True)
    live_subscription(colleague)
    staff_client.post(f"/admin/accounts/user/{colleague.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=colleague.pk).exists()


@pytest.mark.django_db
def test_it_does_not_delete_a_customer_who_was_made_staff(staff_client, customer):
    from audit.events import Action
    from audit.services import record

    record(Action.ACCOUNT_SIGNED_UP, actor=customer, subject=customer, target=customer)
    customer.is_staff = True
    customer.save()
    staff_client.post(f"/admin/accounts/user/{customer.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=customer.pk).exists()


@pytest.mark.django_db
def test_actief_and_the_login_address_are_read_only_for_a_customer(staff_client, customer):
    page = staff_client.get(f"/admin/accounts/user/{customer.pk}/change/")
    form = page.context["adminform"].form
    assert "is_active" not in form.fields and "email" not in form.fields
    data = {
        "username": customer.username,
        "email": "ander@example.com",
        "is_active": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "0",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
    }
    staff_client.post(f"/admin/accounts/user/{customer.pk}/change/", data)
    customer.refresh_from_db()
    assert customer.is_active and customer.email == "jansen@example.com" and customer.closed_at is None


@pytest.mark.django_db
def test_staff_close_an_account_with_a_reason_and_both_events_are_recorded(
    staff_client, staff, customer, django_capture_on_commit_callbacks
):
    page = staff_client.get(f"/admin/accounts/user/{customer.pk}/change/")
    assert action_url(customer, "close") in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(action_url(customer, "close"), {"reason": "Op verzoek per telefoon"}, follow=True)
    assert "Het account is opgeheven" in response.content.decode()
    customer.refresh_from_db()
    assert customer.closed_at is not None and not customer.is_active
    assert customer.closed_reason == "Op verzoek per telefoon"
    closed = AuditEvent.objects.get(action="account.closed", subject_id=customer.pk)
    assert closed.actor_id == staff.pk
    assert admin_events(customer, "close")[0].changes["reason"] == [None, "Op verzoek per telefoon"]
    assert mail.outbox[-1].to == ["jansen@example.com"]


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", "<script>alert(1)</script>", "x" * 10_000, "nul\x00byte"])
def test_a_staff_action_without_a_proper_reason_changes_nothing(staff_client, customer, reason):
    response = staff_client.post(action_url(customer, "close"), {"reason": reason})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    customer.refresh_from_db()
    assert customer.closed_at is None and customer.is_active
    assert not AuditEvent.objects.filter(action__in=["account.closed", "admin.changed"]).exists()


@pytest.mark.django_db
def test_reopening_within_the_retention_period_stops_the_erasure_clock(staff_client, staff, customer):
    from accounts.personal_data import accounts_due

    closed_on = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(closed_on, tick=False):
        services.account_close(user=customer, by=customer, reason="")
    # The last day it is kept is 10 April: reopening still works then.
    with time_machine.travel(datetime(2026, 4, 10, 23, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        response = staff_client.post(action_url(customer, "reopen"), {"reason": "Klant kwam terug"}, follow=True)
    assert "Het account is heropend" in response.content.decode()
    customer.refresh_from_db()
    assert customer.closed_at is None and customer.is_active
    assert not accounts_due(timezone.now() + timedelta(days=3650)).filter(pk=customer.pk).exists()
    event = AuditEvent.objects.get(action="account.reopened", subject_id=customer.pk)
    assert event.actor_id == staff.pk and event.changes["reason"] == [None, "Klant kwam terug"]
    assert admin_events(customer, "reopen")


@pytest.mark.django_db
def test_reopening_after_the_retention_period_is_refused(staff_client, customer):
    closed_on = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(closed_on, tick=False):
        services.account_close(user=customer, by=customer, reason="")
    with time_machine.travel(datetime(2026, 4, 11, 0, 30, tzinfo=timezone.get_current_timezone()), tick=False):
        response = staff_client.post(action_url(customer, "reopen"), {"reason": "Te laat"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "bewaartermijn van dit account is voorbij" in response.content.decode()
    customer.refresh_from_db()
    assert customer.closed_at is not None and not customer.is_active
    assert not AuditEvent.objects.filter(action="account.reopened").exists()


@pytest.mark.django_db
def test_holds_exports_and_verification_mails_go_through_their_services(
    staff_client, staff, customer, django_capture_on_commit_callbacks
):
    assert staff_client.post(action_url(customer, "hold"), {"reason": "Vordering politie"}).status_code == 302
    hold = LegalHold.objects.get(subject_id=customer.pk)
    assert hold.created_by == staff.username
    response = staff_client.post(action_url(customer, "release"), {"hold": hold.pk, "reason": "Zaak gesloten"})
    assert response.status_code == HTTPStatus.FOUND
    hold.refresh_from_db()
    assert hold.released_at is not None
    with django_capture_on_commit_callbacks(execute=False):
        assert staff_client.post(action_url(customer, "export"), {"reason": "Verzoek per post"}).status_code == 302
    assert DataExport.objects.filter(user=customer).count() == 1
    EmailAddress.objects.filter(user=customer).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(action_url(customer, "verify"), {"reason": "Mail kwijt"})
    assert response.status_code == HTTPStatus.FOUND
    assert mail.outbox[-1].to == ["jansen@example.com"]
    actions = set(AuditEvent.objects.filter(subject_id=customer.pk).values_list("action", flat=True))
    assert {
        "retention.hold_added",
        "retention.hold_released",
        "retention.export_requested",
        "account.verification_resent",
    } <= actions
    exported = AuditEvent.objects.get(action="retention.export_requested", subject_id=customer.pk)
    assert exported.actor_id == staff.pk
    for name in ("hold", "release", "export", "verify"):
        assert len(admin_events(customer, name)) == 1
    again = staff_client.post(action_url(customer, "verify"), {"reason": "Nog eens"})
    assert again.status_code == HTTPStatus.FOUND  # a new mail for an unverified address
    EmailAddress.objects.filter(user=customer).update(verified=True)
    refused = staff_client.post(action_url(customer, "verify"), {"reason": "Nog eens"})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "al bevestigd" in refused.content.decode()


@pytest.mark.django_db
def test_forged_ids_of_another_customer_are_refused_and_nothing_changes(staff_client, customer, make_user):
    live_subscription(customer)  # (ending is offered only to a customer with a live subscription)
    other = make_user("ander")
    theirs = live_subscription(other, mollie_id="cst_other")
    hold = LegalHold.objects.create(subject_id=other.pk, user=other, reason="x", created_at=timezone.now())
    payment = Payment.objects.get(subscription=theirs)
    for name, data in (
        ("cancel", {"subscription": theirs.pk, "refund": "pro_rata", "reason": "fraude"}),
        ("refund", {"payment": payment.pk, "reason": "coulance"}),
        ("release", {"hold": hold.pk, "reason": "klaar"}),
        ("cancel", {"subscription": "abc", "refund": "pro_rata", "reason": "fraude"}),
        ("refund", {"payment": "99999999999999999999", "reason": "coulance"}),
    ):
        response = staff_client.post(action_url(customer, name), data)
        assert response.status_code == HTTPStatus.BAD_REQUEST, name
        page = response.content.decode()
        assert any(text in page for text in ("geldige keuze", "hoort niet bij deze klant", "niet (meer) worden")), name
    theirs.refresh_from_db()
    hold.refresh_from_db()
    assert theirs.status == "active" and hold.released_at is None
    assert not AuditEvent.objects.filter(action__in=["subscription.canceled", "payment.refunded"]).exists()


@pytest.mark.django_db
def test_unknown_customers_actions_and_staff_targets_are_not_found(staff_client, customer, staff):
    assert staff_client.get("/admin/accounts/user/99999999/klantactie/close/").status_code == 404
    assert staff_client.get(action_url(customer, "erase")).status_code == 404
    assert staff_client.get(action_url(staff, "close")).status_code == 404


@pytest.mark.django_db
def test_an_action_that_does_not_apply_now_is_refused_with_a_message(staff_client, customer):
    response = staff_client.post(action_url(customer, "reopen"), {"reason": "x"}, follow=True)
    assert "Deze actie is voor deze klant nu niet mogelijk." in response.content.decode()
    assert not AuditEvent.objects.filter(action="account.reopened").exists()


@pytest.mark.django_db
def test_staff_without_a_second_factor_cannot_use_the_actions(make_user, customer):
    staff = make_user("nieuw", staff=True)
    staff.is_superuser = True
    staff.save()
    client = Client()
    client.force_login(staff)
    response = client.post(action_url(customer, "close"), {"reason": "poging"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/medewerker/tweestapsverificatie/"  # ask for an invitation
    customer.refresh_from_db()
    assert customer.closed_at is None


@pytest.mark.django_db
def test_staff_without_the_permission_cannot_use_the_actions(make_user, customer):
    staff = make_user("stagiair", staff=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(staff)
    assert client.post(action_url(customer, "close"), {"reason": "poging"}).status_code == HTTPStatus.FORBIDDEN
    customer.refresh_from_db()
    assert customer.closed_at is None


@pytest.mark.django_db
def test_staff_cancel_a_subscription_of_this_customer_at_once(
    staff_client, staff, customer, django_capture_on_commit_callbacks
):
    subscription = live_subscription(customer)
    with django_capture_on_commit_callbacks(execute=False):  # (the push to Mollie is tested in subscriptions)
        response = staff_client.post(
            action_url(customer, "cancel"), {"subscription": subscription.pk, "refund": "pro_rata", "reason": "fraude"}
        )
    assert response.status_code == HTTPStatus.FOUND
    subscription.refresh_from_db()
    assert subscription.status == "canceled" and subscription.end_reason == "fraude"
    assert AuditEvent.objects.get(action="subscription.canceled", subject_id=customer.pk).actor_id == staff.pk
