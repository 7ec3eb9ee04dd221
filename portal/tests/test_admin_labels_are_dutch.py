"""Every label staff see in the admin is Dutch: app and model names, column headers and
filter titles of every changelist, third-party apps (axes, allauth, cookie-consent) too."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.urls import reverse
from django.utils import translation

# Words that are English and not also Dutch ("of" and "is" are Dutch too): any of them in a label
# means an untranslated one.
ENGLISH_WORDS = {
    "access", "attempt", "attempts", "failure", "failures", "log", "logs", "user", "users",
    "session", "sessions", "time", "created", "seen", "used", "last", "address", "agent",
    "name", "description", "required", "deletable", "ordering", "version", "group", "groups",
    "locked", "out", "path", "domain", "variable", "expires", "logout", "failed",
    "logins", "authenticators", "at", "by", "the", "and", "data", "key",
    "amount", "paid", "status_code", "number", "date", "item", "items", "customer", "invoice",
    "payment", "payments", "subscription", "note", "refunded", "issued", "sent", "run",
    "released", "reason", "started", "finished", "policy", "action", "target", "kind",
    "file", "size", "ready", "requested", "decided", "accepted", "refused",
}  # fmt: skip


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user("beheerder", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


def admin_labels(model, model_admin) -> list[str]:
    """Every label staff can meet for this model, with or without rows: columns, fields of
    the change form, model names."""
    labels = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
    for name in model_admin.list_display:
        labels.append(str(label_for_field(name, model, model_admin)))
    for field in model._meta.get_fields():
        if getattr(field, "concrete", False) or field.many_to_many:
            labels.append(str(getattr(field, "verbose_name", "")))
    for name in model_admin.readonly_fields:
        labels.append(str(label_for_field(name, model, model_admin)))
    return labels


@pytest.mark.parametrize(
    "model", sorted(admin.site._registry, key=lambda m: m._meta.label), ids=lambda m: m._meta.label
)
def test_it_labels_every_column_and_field_in_dutch_with_or_without_rows(model):
    with translation.override("nl"):
        labels = admin_labels(model, admin.site._registry[model])
        assert english_words(labels) == set(), labels


def english_words(labels: list[str]) -> set[str]:
    return {word for label in labels for word in re.findall(r"[a-z]+", label.lower()) if word in ENGLISH_WORDS}


def texts(html: str, pattern: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", match).strip() for match in re.findall(pattern, html, re.S)]


@pytest.mark.django_db
def test_it_names_every_app_and_model_in_dutch_on_the_admin_index(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()
    labels = texts(html, r"<caption>(.*?)</caption>") + texts(html, r'<th scope="row"[^>]*>(.*?)</th>')
    assert len(labels) > 20
    assert english_words(labels) == set(), labels


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model", sorted(admin.site._registry, key=lambda m: m._meta.label), ids=lambda m: m._meta.label
)
def test_it_labels_every_changelist_column_and_filter_in_dutch(staff_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = staff_client.get(url)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    headers = texts(html, r'<th scope="col"[^>]*>(.*?)</th>')
    filters = texts(html, r"<summary>(.*?)</summary>") + texts(html, r"<h3>(.*?)</h3>")
    title = texts(html, r"<h1>(.*?)</h1>")
    assert english_words(headers + filters + title) == set(), headers + filters + title
