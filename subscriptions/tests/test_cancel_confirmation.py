"""Cancelling takes a confirmation: a page that says what happens, a button, then a mail
that repeats it; undoing the cancellation mails too. Anything else changes nothing."""

from __future__ import annotations

import threading
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from accounts.models import Profile
from audit.models import AuditEvent
from mollie_sandbox.models import SandboxObject
from subscriptions.models import Subscription
from subscriptions.tests.conftest import browser_session, checkout

pytestmark = pytest.mark.django_db(transaction=True)

MONTHS = "januari februari maart april mei juni juli augustus september oktober november december".split()


def dutch(day) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@pytest.fixture
def active(subscribe) -> Subscription:
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert subscription.status == Subscription.Status.ACTIVE
    mail.outbox.clear()  # (the invoice mail)
    return subscription


def url(subscription) -> str:
    return f"/portal/abonnement/{subscription.pk}/opzeggen/"


def cancel_mails() -> list:
    return [m for m in mail.outbox if m.subject.startswith("Uw opzegging")]


def assert_unchanged(subscription) -> None:
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end and subscription.status == Subscription.Status.ACTIVE
    assert not AuditEvent.objects.filter(action="subscription.cancel_requested").exists()
    assert cancel_mails() == []


def test_the_confirmation_page_says_what_happens_and_changes_nothing(active, logged_in):
    last_day = active.current_period_end - timedelta(days=1)
    response = logged_in.get(url(active))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert f"op <strong>{dutch(last_day)}</strong>" in page
    assert "Er wordt daarna niets meer afgeschreven." in page
    assert "Uw facturen blijven in het portaal beschikbaar" in page
    assert "Ja, abonnement opzeggen" in page and 'name="confirm" value="ja"' in page
    assert_unchanged(active)
    overview = logged_in.get("/portal/abonnement/").content.decode()
    assert f'href="{url(active)}"' in overview  # the overview links to the confirmation page


def test_confirming_cancels_and_mails_what_happens(active, logged_in, customer):
    last_day = active.current_period_end - timedelta(days=1)
    response = logged_in.post(url(active), {"confirm": "ja"}, follow=True)
    page = response.content.decode()
    assert f"Het loopt nog tot en met {dutch(last_day)}" in page and "U ontvangt een bevestiging per e-mail" in page
    active.refresh_from_db()
    assert active.cancel_at_period_end and active.status == Subscription.Status.ACTIVE
    assert [o.data["status"] for o in SandboxObject.objects.filter(kind="subscription")] == ["canceled"]
    (message,) = cancel_mails()
    assert message.to == [customer.email]
    assert message.subject == f"Uw opzegging: Exact koppeling loopt tot en met {dutch(last_day)}"
    assert message.body.startswith("Beste Klant jansen,")  # the profile's full name
    assert "<p>Beste Klant jansen,</p>" in message.alternatives[0][0]
    assert f"tot en met {dutch(last_day)}" in message.body
    assert "Er wordt niets meer afgeschreven." in message.body
    assert "Uw facturen blijven in het portaal beschikbaar" in message.body
    assert message.body.count("/portal/abonnement/") == 1
    assert AuditEvent.objects.filter(action="subscription.cancel_requested", actor_id=customer.pk).count() == 1


def test_undoing_mails_that_the_subscription_goes_on(active, logged_in, customer):
    logged_in.post(url(active), {"confirm": "ja"})
    # Without a full name the mail greets by username (a company name is not a person's).
    Profile.objects.filter(user=customer).update(full_name="", company_name="Jansen Installatie B.V.")
    page = logged_in.post(f"/portal/abonnement/{active.pk}/opzegging-intrekken/", follow=True).content.decode()
    assert "Uw opzegging is ingetrokken" in page
    assert AuditEvent.objects.filter(action="subscription.cancel_undone", actor_id=customer.pk).count() == 1
    mails = [m for m in mail.outbox if m.subject.startswith("Uw opzegging is ingetrokken")]
    assert len(mails) == 1 and mails[0].to == [customer.email]
    assert mails[0].body.startswith("Beste jansen,")
    assert f"De volgende automatische betaling is op {dutch(active.current_period_end)}: € 35,09 incl. btw." in (
        mails[0].body
    )
    # Undoing again is refused, and mails nothing.
    page = logged_in.post(f"/portal/abonnement/{active.pk}/opzegging-intrekken/", follow=True).content.decode()
    assert "Er is geen opzegging om in te trekken." in page
    assert len([m for m in mail.outbox if m.subject.startswith("Uw opzegging is ingetrokken")]) == 1


def test_a_double_submit_cancels_once_and_mails_once(active, customer, mollie_sandbox):
    session = browser_session(customer, mollie_sandbox.url)
    barrier, codes = threading.Barrier(4), []

    def submit() -> None:
        try:
            barrier.wait()
            codes.append(session.post(mollie_sandbox.url + url(active), data={"confirm": "ja"}, timeout=30).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [HTTPStatus.OK] * 4  # (each followed its redirect to the overview)
    assert len(cancel_mails()) == 1
    assert AuditEvent.objects.filter(action="subscription.cancel_requested").count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"confirm": ""},
        {"confirm": "nee"},
        {"confirm": "JA "},
        {"confirm": "x" * 10_000},
        {"confirm": "ja\x00"},
        {"confirm": "<script>alert(1)</script>"},
        {"confirm": "jã"},
    ],
    ids=["missing", "empty", "no", "near-miss", "10kB", "NUL", "script", "unicode"],
)
def test_anything_but_the_button_is_refused_with_a_dutch_message(active, logged_in, data):
    response = logged_in.post(url(active), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "Niet opgezegd: bevestig de opzegging met de knop hieronder." in page
    assert "<script>alert(1)</script>" not in page
    assert_unchanged(active)


def test_another_customers_subscription_is_not_found(active, make_user):
    intruder = Client()
    intruder.force_login(make_user("indringer"))
    assert intruder.get(url(active)).status_code == HTTPStatus.NOT_FOUND
    assert intruder.post(url(active), {"confirm": "ja"}).status_code == HTTPStatus.NOT_FOUND
    undo = f"/portal/abonnement/{active.pk}/opzegging-intrekken/"
    assert intruder.post(undo).status_code == HTTPStatus.NOT_FOUND
    assert_unchanged(active)


@pytest.mark.parametrize("forged", ["999999", "0", "-1", "abc", "1%00", "9" * 40, "%3Cscript%3E"])
def test_forged_ids_are_not_found(active, logged_in, forged):
    assert logged_in.get(f"/portal/abonnement/{forged}/opzeggen/").status_code == HTTPStatus.NOT_FOUND
    response = logged_in.post(f"/portal/abonnement/{forged}/opzeggen/", {"confirm": "ja"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert_unchanged(active)


def test_logged_out_visitors_are_sent_to_the_login(active):
    response = Client().post(url(active), {"confirm": "ja"})
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]
    assert_unchanged(active)


def test_other_methods_are_refused(active, logged_in):
    assert logged_in.put(url(active)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert logged_in.delete(url(active)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert_unchanged(active)


def test_without_a_csrf_token_nothing_is_cancelled(active, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.post(url(active), {"confirm": "ja"}).status_code == HTTPStatus.FORBIDDEN
    assert_unchanged(active)


def test_a_subscription_that_is_not_active_cannot_be_cancelled_here(subscribe, logged_in):
    _response, payment = subscribe()  # pending: the first payment is not made
    pending = Subscription.objects.get(pk=payment.subscription_id)
    response = logged_in.post(url(pending), {"confirm": "ja"}, follow=True)
    assert "Alleen een actief abonnement kunt u opzeggen." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Subscription.Status.PENDING and not pending.cancel_at_period_end
    assert cancel_mails() == []


def test_a_cancelled_subscription_shows_the_date_instead_of_asking_again(active, logged_in):
    logged_in.post(url(active), {"confirm": "ja"})
    response = logged_in.get(url(active), follow=True)
    assert "Uw abonnement is al opgezegd." in response.content.decode()
    assert len(cancel_mails()) == 1


def test_a_cancellation_called_without_the_page_mails_its_confirmation_too(active, customer):
    """The mail belongs to the use case, not to the view: a direct call (a command, the
    admin, another service) confirms to the customer as the page does; undoing likewise."""
    from subscriptions import services

    services.subscription_cancel_at_period_end(subscription=active, by=customer)
    services.subscription_cancel_at_period_end(subscription=active, by=customer)  # again: no second mail
    assert [m.to for m in cancel_mails()] == [[customer.email]]
    services.subscription_cancel_undo(subscription=active, by=customer)
    undone = [m for m in mail.outbox if m.subject.startswith("Uw opzegging is ingetrokken")]
    assert [m.to for m in undone] == [[customer.email]]
