"""Staff compose a mailing in the admin (Dutch and English), send it after a confirmation
page, and see the progress and the final count. The admin asks staff for a second factor."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client

from audit.models import AuditEvent
from consent.models import Mailing

ADD = "/admin/consent/mailing/add/"
TEXTS = {
    "subject_nl": "Nieuw: koppeling met uw CRM",
    "body_nl": "Beste klant,\n\nVanaf nu koppelt u ook uw CRM.",
    "subject_en": "New: connect your CRM",
    "body_en": "Dear customer,\n\nYou can now connect your CRM too.",
}


def send_url(mailing: Mailing) -> str:
    return f"/admin/consent/mailing/{mailing.pk}/send/"


@pytest.mark.django_db
def test_staff_write_a_mailing_in_dutch_and_english(staff_client):
    response = staff_client.post(ADD, TEXTS)
    assert response.status_code == HTTPStatus.FOUND
    mailing = Mailing.objects.get()
    assert (mailing.status, mailing.subject_en) == (Mailing.Status.DRAFT, "New: connect your CRM")
    assert AuditEvent.objects.filter(action="admin.added", target_id=str(mailing.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"subject_nl": ""},
        {"body_nl": ""},
        {"subject_nl": "   "},
        {"body_nl": "\x00"},
        {"subject_en": ""},
        {"body_en": ""},
        {"subject_nl": "x" * 201},
    ],
)
def test_an_empty_subject_or_text_is_refused_and_nothing_is_saved(staff_client, change):
    response = staff_client.post(ADD, {**TEXTS, **change})
    assert response.status_code == HTTPStatus.OK  # the form again, with the error
    assert response.context["adminform"].form.errors
    assert not Mailing.objects.exists()


@pytest.mark.django_db
def test_sending_asks_first_then_starts_and_shows_the_count(
    staff_client, staff, make_user, django_capture_on_commit_callbacks
):
    make_user("klant1")
    make_user("klant2")
    staff_client.post(ADD, TEXTS)
    mailing = Mailing.objects.get()
    change_page = staff_client.get(f"/admin/consent/mailing/{mailing.pk}/change/").content.decode()
    assert send_url(mailing) in change_page

    confirmation = staff_client.get(send_url(mailing))
    assert confirmation.status_code == HTTPStatus.OK
    assert "Deze mailing gaat nu naar 2 klanten" in confirmation.content.decode()
    staff_client.post(send_url(mailing), {})  # no confirmation: nothing happens
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(send_url(mailing), {"confirm": "yes"}, follow=True)
    assert "De mailing wordt verstuurd naar 2 klanten." in response.content.decode()
    mailing.refresh_from_db()
    assert (mailing.status, mailing.sent_count) == (Mailing.Status.SENT, 2)
    assert len(mail.outbox) == 2
    started = AuditEvent.objects.get(action="marketing.mailing_started", target_id=str(mailing.pk))
    assert (started.actor_id, started.actor_kind) == (staff.pk, "staff")
    page = staff_client.get(f"/admin/consent/mailing/{mailing.pk}/change/").content.decode()
    assert "2 van 2 verstuurd" in page
    assert send_url(mailing) not in page  # sent once: no second send, and no editing
    assert 'name="subject_nl"' not in page

    staff_client.post(send_url(mailing), {"confirm": "yes"})
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_progress_shows_while_it_is_being_sent(staff_client, make_user):
    from consent.marketing import services

    make_user("klant1")
    make_user("klant2")
    mailing = services.mailing_send(mailing=services.mailing_create(**TEXTS, system="test"), system="test")
    services.mailing_send_batch(mailing_id=mailing.pk, size=1)
    listing = staff_client.get("/admin/consent/mailing/").content.decode()
    assert "1 van 2 verstuurd · 1 wachten" in listing


@pytest.mark.django_db
def test_staff_without_a_second_factor_cannot_send(make_user):
    user = make_user("nieuwemedewerker", staff=True)
    user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    mailing = Mailing.objects.create(**TEXTS)
    response = client.post(send_url(mailing), {"confirm": "yes"})
    assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith(
        "/medewerker/tweestapsverificatie/"
    )  # ask for an invitation
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT


@pytest.mark.django_db
def test_customers_and_strangers_cannot_reach_it(customer):
    mailing = Mailing.objects.create(**TEXTS)
    client = Client()
    assert client.post(send_url(mailing), {"confirm": "yes"}).status_code == HTTPStatus.FOUND
    client.force_login(customer)
    assert client.post(send_url(mailing), {"confirm": "yes"}).status_code == HTTPStatus.FOUND
    mailing.refresh_from_db()
    assert mailing.status == Mailing.Status.DRAFT


@pytest.mark.django_db
def test_a_forged_id_is_a_404_and_garbage_never_a_500(staff_client):
    assert staff_client.get("/admin/consent/mailing/999999/send/").status_code == HTTPStatus.NOT_FOUND
    assert staff_client.post("/admin/consent/mailing/999999/send/", {"confirm": "yes"}).status_code == 404
    for path in ("abc/send/", "-1/send/", "%00/send/"):
        assert staff_client.get(f"/admin/consent/mailing/{path}", follow=True).status_code < 500
