"""Staff never give a customer staff rights, superuser status, groups or permissions in the
admin: after that the customer's rules (no deleting, "Actief" read only) would no longer hold.
A customer is an account without staff status, or one that ever was a customer (signed up
through the portal, or with billing history)."""

from __future__ import annotations

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from audit.events import Action
from audit.services import record
from subscriptions.models import MollieCustomer, Plan, Subscription

PRIVILEGES = ("is_staff", "is_superuser", "groups", "user_permissions")


def form_data(response) -> dict:
    """What the browser posts back: the editable fields and the inline as rendered."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
    return data


def try_to_promote(client: Client, user) -> tuple[int, dict]:
    url = f"/admin/accounts/user/{user.pk}/change/"
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    editable = set(page.context["adminform"].form.fields)
    group = Group.objects.create(name="Beheer")
    permission = Permission.objects.get(codename="change_user")
    data = form_data(page)
    data.update(
        {
            "first_name": "Jan",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [group.pk],
            "user_permissions": [permission.pk],
        }
    )
    response = client.post(url, data)
    return response.status_code, {"editable": editable}


def privileges(user) -> tuple:
    user.refresh_from_db()
    return (user.is_staff, user.is_superuser, user.groups.count(), user.user_permissions.count())


@pytest.mark.django_db
def test_a_customer_cannot_be_made_staff_or_superuser_or_given_groups_or_permissions(staff_client, customer):
    status, seen = try_to_promote(staff_client, customer)
    assert status == HTTPStatus.FOUND  # the rest of the change (the name) is saved
    assert not set(PRIVILEGES) & seen["editable"]
    assert privileges(customer) == (False, False, 0, 0)
    customer.refresh_from_db()
    assert customer.first_name == "Jan"
    # still a customer: the delete page sends staff back
    response = staff_client.post(f"/admin/accounts/user/{customer.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND and customer.__class__.objects.filter(pk=customer.pk).exists()


@pytest.mark.django_db
def test_a_customer_made_staff_earlier_keeps_the_rights_he_has(staff_client, make_user):
    signed_up = make_user("oudklant", staff=True)
    record(Action.ACCOUNT_SIGNED_UP, actor=signed_up, subject=signed_up)
    billed = make_user("betaler", staff=True)
    Subscription.objects.create(
        user=billed,
        customer=MollieCustomer.objects.create(user=billed, mollie_id="cst_oud1"),
        plan=Plan.objects.create(name="Oud", price=Decimal("29.00")),
        status="canceled",
        amount_net=Decimal("29.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("35.09"),
    )
    for user in (signed_up, billed):
        status, seen = try_to_promote(staff_client, user)
        assert status == HTTPStatus.FOUND
        assert not set(PRIVILEGES) & seen["editable"]
        assert privileges(user) == (True, False, 0, 0)
        Group.objects.filter(name="Beheer").delete()


@pytest.mark.django_db
def test_a_staff_account_that_never_was_a_customer_gets_its_rights_in_the_admin(staff_client, make_user):
    colleague = make_user("collega", staff=True)
    status, seen = try_to_promote(staff_client, colleague)
    assert status == HTTPStatus.FOUND
    assert set(PRIVILEGES) <= seen["editable"]
    assert privileges(colleague) == (True, True, 1, 1)
