"""Every admin URL against every staff role: 0 leaks.

The URLs are read from the admin site itself (``get_urls`` of every registered model: list,
add, change, delete, history and each model's own pages, plus every per-customer action), so a
new model or page is walked without changing this test. What each role may is written out
here, independently of ``accounts.roles``: a role gets the admin role's (a superuser's) answer
where it holds the right, and 403 everywhere else; someone not logged in is sent to the login.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import customer_actions, roles
from accounts.tests.test_admin_customer_actions import live_subscription
from audit.models import AuditEvent

# What each role may do, model by model: v(iew), a(dd), c(hange), d(elete).
ALLOWED: dict[str, dict[str, str]] = {
    roles.SUPPORT: {
        "accounts.user": "vc",
        "account.emailaddress": "v",
        "mfa.authenticator": "vd",
        "audit.auditevent": "v",
        "subscriptions.subscription": "v",
        "subscriptions.payment": "v",
        "subscriptions.invoice": "v",
        "subscriptions.creditnote": "v",
        "subscriptions.plan": "v",
        "vies.vatcheck": "v",
        "sync.syncrun": "v",
    },
    roles.BILLING: {
        "accounts.user": "v",
        "subscriptions.subscription": "vc",
        "subscriptions.payment": "vc",
        "subscriptions.invoice": "v",
        "subscriptions.creditnote": "v",
        "subscriptions.plan": "vac",
        "subscriptions.molliecustomer": "v",
        "subscriptions.molliecustomerdeletion": "v",
        "vies.vatcheck": "va",
    },
    roles.PRIVACY: {
        "accounts.user": "v",
        "audit.auditevent": "v",
        "retention.legalhold": "vac",
        "retention.dataexport": "va",
        "retention.retentionrun": "v",
        "retention.disposalrecord": "v",
        "retention.heartbeat": "v",
        "privacy.privacyrequest": "vac",
        "privacy.breach": "vac",
        "privacy.disclosure": "va",
        "privacy.processing_record": "v",
        "consent.statementversion": "vac",
        "consent.processor": "vac",
        "consent.cookieconsentrecord": "v",
        "consent.marketingpreference": "v",
        "consent.mailingrecipient": "v",
        "cookie_consent.cookie": "vac",
        "cookie_consent.cookiegroup": "vac",
    },
    "zonder rol": {},
}

# Which role's action each per-customer action is.
ACTION_ROLE = {
    "close": roles.SUPPORT,
    "reopen": roles.SUPPORT,
    "verify": roles.SUPPORT,
    "export": roles.PRIVACY,
    "hold": roles.PRIVACY,
    "release": roles.PRIVACY,
    "vies_check": roles.BILLING,
    "cancel": roles.BILLING,
    "refund": roles.BILLING,
}

# A model's own pages: the right they need.
OWN_PAGES = {
    "subscriptions_invoice_pdf": "v",
    "subscriptions_invoice_ubl": "v",
    "subscriptions_creditnote_pdf": "v",
    "subscriptions_creditnote_ubl": "v",
    "subscriptions_subscription_cancel_reasons": "v",
    "consent_mailing_send": "c",
}

# Values the database's own checks ask for.
OVERRIDES = {
    "subscriptions.creditnote": {
        "amount_net": decimal.Decimal("-1"),
        "vat_amount": decimal.Decimal("-0.21"),
        "amount_gross": decimal.Decimal("-1.21"),
        "vat_rate": decimal.Decimal("21"),
        "refunded_before": decimal.Decimal("0"),
        "refunded_after": decimal.Decimal("1.21"),
    },
}

# Admin pages that belong to no model's admin: (URL name, query, the right's label, right).
SITE_PAGES = [
    ("privacy_processing_record", "", "privacy.processing_record", "v"),
    ("privacy_processing_record_download", "?format=pdf", "privacy.processing_record", "v"),
    ("privacy_processing_record_download", "?format=csv&lang=en", "privacy.processing_record", "v"),
]

# The staff overview (/admin/overzicht/, portal.admin_overview): the charts each role sees.
OVERVIEW = {
    roles.SUPPORT: {"runs"},
    roles.BILLING: {"mrr", "moves", "reasons", "dunning", "runs"},
    roles.PRIVACY: {"cookies", "objections", "erasures", "runs"},
    "zonder rol": set(),
}

KINDS = {"changelist": "v", "add": "a", "change": "v", "delete": "d", "history": "v"}


# Test values by field type (the first that matches); choices and relations come first.
_BY_TYPE = (
    (models.EmailField, lambda n: f"rol{n}@example.com"),
    (models.GenericIPAddressField, lambda n: "192.0.2.1"),
    (models.UUIDField, lambda n: uuid.uuid4()),
    (models.JSONField, lambda n: {}),
    (models.BooleanField, lambda n: False),
    (models.DecimalField, lambda n: decimal.Decimal("1")),
    (models.IntegerField, lambda n: n),
    (models.DateTimeField, lambda n: timezone.now()),
    (models.DateField, lambda n: timezone.localdate()),
    (models.DurationField, lambda n: datetime.timedelta(minutes=1)),
    (models.BinaryField, lambda n: b"x"),
    (models.CharField | models.TextField, lambda n: f"r{n}"),
)


def _value(field: models.Field, n: int):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return make_instance(field.related_model)
    for kind, make in _BY_TYPE:
        if isinstance(field, kind):
            value = make(n)
            return value[: field.max_length] if isinstance(value, str) and field.max_length else value
    raise AssertionError(f"no test value for {field!r}")


_counter = [0]


def make_instance(model):
    existing = model._default_manager.order_by("pk").first()
    if existing is not None:
        return existing
    _counter[0] += 1
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and field.has_default() or field.auto_created:
            continue
        if field.has_default() or field.null:
            continue
        if field.blank and not isinstance(field, models.ForeignKey | models.OneToOneField):
            continue
        values[field.name] = _value(field, _counter[0])
    values.update(OVERRIDES.get(model._meta.label_lower, {}))
    return model._default_manager.create(**values)


def _admin_urls(objects: dict[str, object]) -> list[tuple[str, str, str, str]]:
    """(url, model label, the right it needs, name) for every admin URL of every model."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        for pattern in model_admin.get_urls():
            name = pattern.name
            if not name or name.endswith("_autocomplete"):
                continue
            prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
            kind = name.removeprefix(prefix) if name.startswith(prefix) else name
            if name == "accounts_user_customer_action":
                continue  # below, one per action
            if name == "auth_user_password_change":
                continue  # the admin role's (test_admin_only_the_admin_role_grants_rights)
            if name in OWN_PAGES:
                right = OWN_PAGES[name]
            else:
                assert kind in KINDS, f"admin URL {name} is not in the role matrix: add it to OWN_PAGES"
                right = KINDS[kind]
            args = [objects[label].pk] if "object_id" in str(pattern.pattern) else []
            urls.append((reverse(f"admin:{name}", args=args), label, right, name))
    urls += [(reverse(name) + query, label, right, name) for name, query, label, right in SITE_PAGES]
    return urls


@pytest.fixture
def objects(make_user, customer):
    from subscriptions.models import CreditNote, Invoice

    live_subscription(customer)
    from accounts.models import Profile

    Profile.objects.create(user=customer, full_name="Jansen", vat_id="NL000099998B57", country="NL")
    from audit.events import Action
    from audit.services import record

    record(Action.ACCOUNT_SIGNED_UP, actor=customer, subject=customer, target=customer)  # a real chained event
    made = {"accounts.user": customer}
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label not in made:
            made[label] = make_instance(model)
    assert Invoice.objects.exists() and CreditNote.objects.exists()
    return made


def _staff(make_user, role: str):
    user = make_user(f"rol-{len(role)}-{role[:4].lower()}", staff=True)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    if role in (roles.SUPPORT, roles.BILLING, roles.PRIVACY):
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


def test_the_matrix_names_every_role():
    assert set(ALLOWED) - {"zonder rol"} == set(roles.ROLES)
    assert set(ACTION_ROLE) == {action.name for action in customer_actions.all_actions()}


@pytest.mark.django_db
def test_every_role_permission_exists():
    from django.contrib.auth.models import Permission

    for role, perms in roles.ROLES.items():
        group = Group.objects.get(name=role)
        assert group.permissions.count() == len(perms), role
        for name in perms:
            app_label, codename = name.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), name


@pytest.mark.django_db
def test_every_admin_url_against_every_role(objects, staff_client, make_user, client):
    urls = _admin_urls(objects)
    assert len(urls) > 100
    for action in customer_actions.all_actions():
        urls.append(
            (
                reverse("admin:accounts_user_customer_action", args=[objects["accounts.user"].pk, action.name]),
                "accounts.user",
                f"action:{action.name}",
                action.name,
            )
        )
    admin_answer = {url: staff_client.get(url).status_code for url, *_ in urls}
    assert all(code in (HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN) for code in admin_answer.values()), (
        admin_answer
    )
    leaks, refusals = [], []
    for role, allowed in ALLOWED.items():
        role_client = _staff(make_user, role)
        for url, label, right, name in urls:
            if right.startswith("action:"):
                may = ACTION_ROLE[right.removeprefix("action:")] == role
            else:
                held = allowed.get(label, "")
                may = right in held or (right == "v" and "c" in held)
            answer = role_client.get(url).status_code
            expected = admin_answer[url] if may else HTTPStatus.FORBIDDEN
            if answer != expected:
                (leaks if not may else refusals).append((role, name, url, answer, expected))
            if right.startswith("action:") and not may:  # a forged form is refused too, before anything runs
                posted = role_client.post(url, {"reason": "poging"}).status_code
                if posted != HTTPStatus.FORBIDDEN:
                    leaks.append((role, name, url, posted, "POST"))
    assert not leaks, "\n".join(map(str, leaks))
    assert not AuditEvent.objects.filter(action="admin.changed").exists()  # no action ran
    assert not refusals, "\n".join(map(str, refusals))
    for url, *_ in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith("/admin/login/"), url


@pytest.mark.django_db
def test_the_staff_overview_shows_each_role_its_own_charts_only(staff_client, make_user, client):
    import re

    def figures(answer) -> set[str]:
        return set(re.findall(r'<figure[^>]*id="figuur-([a-z]+)"', answer.content.decode()))

    url = reverse("staff_overview")
    everything = figures(staff_client.get(url))
    assert everything == set().union(*OVERVIEW.values())  # the admin role sees every chart
    assert set(OVERVIEW) - {"zonder rol"} == set(roles.ROLES)
    for role, expected in OVERVIEW.items():
        answer = _staff(make_user, role).get(url)
        if not expected:
            assert answer.status_code == HTTPStatus.FORBIDDEN, role
            continue
        assert answer.status_code == HTTPStatus.OK, role
        assert figures(answer) == expected, role
    answer = client.get(url)
    assert answer.status_code == HTTPStatus.FOUND and answer["Location"].startswith("/admin/login/")
