"""Staff actions in the admin are evidence; the audit log itself is read only in the admin."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth import get_user_model

from accounts.models import Profile
from audit.admin_audit import AuditedModelAdminMixin
from audit.events import Action
from audit.models import AuditEvent
from audit.services import record


@pytest.fixture
def staff(make_user):
    user = make_user("beheerder", staff=True)
    user.is_superuser = True
    user.save()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def form_data(response) -> dict:
    """What the browser would post back: the admin form and its inlines as rendered."""
    data = {}
    adminform = response.context["adminform"].form
    for name, field in adminform.fields.items():
        value = adminform[name].value()
        if value is None or field.disabled:
            continue
        data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None:
                    data[form.add_prefix(name)] = value
    return {k: v for k, v in data.items() if v is not False}


def events(action: Action, **filters):
    return AuditEvent.objects.filter(action=action.value, **filters)


def test_every_registered_model_admin_records_its_changes():
    escaped = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedModelAdminMixin)
    ]
    assert escaped == []


def test_an_admin_registered_before_or_after_the_hook_gets_the_mixin():
    from django.contrib.auth.models import Group, Permission

    from audit.admin_audit import audit_every_model_admin

    site = admin.AdminSite(name="elsewhere")
    site.register(Group)
    audit_every_model_admin(site)
    site.register(Permission, admin.ModelAdmin)
    assert isinstance(site._registry[Group], AuditedModelAdminMixin)
    assert isinstance(site._registry[Permission], AuditedModelAdminMixin)


@pytest.mark.django_db
def test_staff_opening_a_customers_page_is_recorded(staff_client, staff, customer):
    response = staff_client.get(f"/admin/accounts/user/{customer.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    event = events(Action.ADMIN_VIEWED).get()
    assert (event.actor_id, event.actor_kind, event.subject_id) == (staff.pk, "staff", customer.pk)
    assert (event.target_type, event.target_id) == ("accounts.user", str(customer.pk))


@pytest.mark.django_db
def test_a_change_in_the_admin_records_old_and_new_values_including_inlines(staff_client, staff, customer):
    Profile.objects.create(user=customer, city="Eindhoven")
    page = staff_client.get(f"/admin/accounts/user/{customer.pk}/change/")
    data = form_data(page)
    data["first_name"] = "Jan"
    data["profile-0-city"] = "Tilburg"
    response = staff_client.post(f"/admin/accounts/user/{customer.pk}/change/", data)
    assert response.status_code == HTTPStatus.FOUND, (
        response.context["adminform"].form.errors if response.context else ""
    )
    event = events(Action.ADMIN_CHANGED).get()
    assert (event.actor_id, event.subject_id) == (staff.pk, customer.pk)
    assert event.changes["first_name"] == ["", "Jan"]
    profile = Profile.objects.get(user=customer)
    assert event.changes[f"profile[{profile.pk}].city"] == ["Eindhoven", "Tilburg"]


@pytest.mark.django_db
def test_adding_a_user_in_the_admin_is_recorded_without_the_password(staff_client, staff):
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "nieuwe",
            "email": "nieuwe@example.com",
            "password1": "Zeer-Geheim-123",
            "password2": "Zeer-Geheim-123",
            "usable_password": "true",
            "profile-TOTAL_FORMS": "0",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    user = get_user_model().objects.get(username="nieuwe")
    event = events(Action.ADMIN_ADDED).get()
    assert (event.actor_id, event.subject_id, event.target_id) == (staff.pk, user.pk, str(user.pk))
    assert "Zeer-Geheim-123" not in str(event.changes)


@pytest.mark.django_db
def test_a_password_set_by_staff_is_recorded_as_changed(staff_client, customer):
    response = staff_client.post(
        f"/admin/accounts/user/{customer.pk}/password/",
        {"password1": "Nieuw-Wachtwoord-9", "password2": "Nieuw-Wachtwoord-9", "usable_password": "true"},
    )
    assert response.status_code == HTTPStatus.FOUND
    event = events(Action.ADMIN_CHANGED, subject_id=customer.pk).get()
    assert event.changes == {"password": "changed"}


@pytest.mark.django_db
def test_deleting_in_the_admin_is_recorded(staff_client, staff, make_user):
    victim = make_user("weg", staff=True)  # customers are closed, never deleted (accounts/tests)
    victim_id = victim.pk
    response = staff_client.post(f"/admin/accounts/user/{victim_id}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not get_user_model().objects.filter(pk=victim_id).exists()
    event = events(Action.ADMIN_DELETED).get()
    assert (event.actor_id, event.subject_id, event.changes) == (staff.pk, victim_id, {"object": ["weg", None]})


@pytest.mark.django_db
def test_admins_registered_without_the_mixin_and_their_actions_are_recorded_too(staff_client, staff, make_user):
    from retention import services as retention
    from retention.admin import LegalHoldAdmin
    from retention.models import LegalHold

    assert AuditedModelAdminMixin not in LegalHoldAdmin.__mro__  # it gets the mixin when registered
    user = make_user("piet")
    hold = retention.hold_add(user=user, reason="Lopende procedure", by=staff)
    response = staff_client.post("/admin/retention/legalhold/", {"action": "release", "_selected_action": [hold.pk]})
    assert response.status_code == HTTPStatus.FOUND
    assert LegalHold.objects.get(pk=hold.pk).released_at is not None
    event = events(Action.ADMIN_CHANGED).get()
    assert (event.actor_id, event.subject_id, event.changes) == (
        staff.pk,
        user.pk,
        {"admin_action": [None, "release"]},
    )


@pytest.mark.django_db
def test_the_audit_log_is_listed_and_filtered_for_staff(staff_client, customer):
    record(Action.AUTH_LOGIN, actor=customer, subject=customer)
    record(Action.AUTH_LOGIN_FAILED)
    listing = staff_client.get("/admin/audit/auditevent/")
    assert listing.status_code == HTTPStatus.OK
    assert listing.context["cl"].result_count == AuditEvent.objects.count() == 3  # with the staff login
    only_customer = staff_client.get(f"/admin/audit/auditevent/?subject_id={customer.pk}&actor_kind=customer")
    assert [e.action for e in only_customer.context["cl"].result_list] == ["auth.login"]
    assert staff_client.get("/admin/audit/auditevent/?subject_id=abc").status_code == HTTPStatus.OK
    by_action = staff_client.get("/admin/audit/auditevent/?action=auth.login_failed")
    assert [e.action for e in by_action.context["cl"].result_list] == ["auth.login_failed"]
    # The action field has no choices; staff still read and filter on the Dutch names.
    assert "Mislukte inlogpoging" in by_action.content.decode()
    assert "Tweestapsverificatie ingesteld" in listing.content.decode()  # offered in the filter


@pytest.mark.django_db
def test_nobody_adds_changes_or_deletes_audit_events_in_the_admin_not_even_a_superuser(staff_client, customer):
    event = record(Action.AUTH_LOGIN, actor=customer, subject=customer)
    assert staff_client.get("/admin/audit/auditevent/add/").status_code == HTTPStatus.FORBIDDEN
    assert (
        staff_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == HTTPStatus.FORBIDDEN
    )
    page = staff_client.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert page.status_code == HTTPStatus.OK and b'name="action"' not in page.content  # shown read only
    assert (
        staff_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "auth.logout"}).status_code
        == HTTPStatus.FORBIDDEN
    )
    assert AuditEvent.objects.get(pk=event.pk).action == "auth.login"
    assert not events(Action.ADMIN_VIEWED).exists()
