"""Staff look at a customer's e-mail addresses in the admin but never add, change, delete or
verify one: that is the customer's own, verified e-mail management (and its audit)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from audit.models import AuditEvent

URL = "/admin/account/emailaddress/"


@pytest.fixture
def unverified(customer) -> EmailAddress:
    return EmailAddress.objects.create(user=customer, email="jansen-nieuw@example.com", verified=False)


@pytest.mark.django_db
def test_it_lists_and_shows_a_customers_addresses_read_only_and_records_the_view(staff_client, unverified):
    listing = staff_client.get(URL)
    assert listing.status_code == HTTPStatus.OK
    assert b"jansen-nieuw@example.com" in listing.content
    assert b'name="action"' not in listing.content  # no actions at all, "make verified" included
    page = staff_client.get(f"{URL}{unverified.pk}/change/")
    assert page.status_code == HTTPStatus.OK
    assert b"jansen-nieuw@example.com" in page.content
    assert b'name="verified"' not in page.content and b'name="email"' not in page.content
    viewed = AuditEvent.objects.get(action="admin.viewed")  # looking is still recorded
    assert (viewed.subject_id, viewed.target_id) == (unverified.user_id, str(unverified.pk))


@pytest.mark.django_db
def test_it_refuses_marking_an_address_verified_with_the_action(staff_client, unverified):
    response = staff_client.post(URL, {"action": "make_verified", "_selected_action": [unverified.pk]})
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    unverified.refresh_from_db()
    assert not unverified.verified and not unverified.primary


@pytest.mark.django_db
def test_it_refuses_editing_adding_or_deleting_an_address(staff_client, customer, unverified):
    before = set(EmailAddress.objects.values_list("pk", "email", "verified", "primary", "user_id"))
    edit = staff_client.post(
        f"{URL}{unverified.pk}/change/",
        {"user": customer.pk, "email": "staff-typed@example.com", "verified": "on", "primary": "on"},
    )
    add = staff_client.post(
        f"{URL}add/", {"user": customer.pk, "email": "ander@example.com", "verified": "on", "primary": "on"}
    )
    delete = staff_client.post(f"{URL}{unverified.pk}/delete/", {"post": "yes"})
    bulk = staff_client.post(URL, {"action": "delete_selected", "_selected_action": [unverified.pk], "post": "yes"})
    assert (edit.status_code, add.status_code, delete.status_code) == (HTTPStatus.FORBIDDEN,) * 3
    assert bulk.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert set(EmailAddress.objects.values_list("pk", "email", "verified", "primary", "user_id")) == before
    assert not AuditEvent.objects.filter(action__in=["admin.changed", "admin.added", "admin.deleted"]).exists()


@pytest.mark.django_db
def test_a_new_confirmation_mail_is_still_the_customer_action(
    staff_client, customer, django_capture_on_commit_callbacks
):
    EmailAddress.objects.filter(user=customer).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/accounts/user/{customer.pk}/klantactie/verify/", {"reason": "Klant vond de mail niet"}
        )
    assert response.status_code == HTTPStatus.FOUND
    assert [m.to for m in mail.outbox] == [["jansen@example.com"]]
    assert not EmailAddress.objects.get(user=customer, email="jansen@example.com").verified
