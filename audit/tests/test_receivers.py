"""What allauth, Django auth and axes report becomes evidence."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator

from audit.models import AuditEvent


def actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("occurred_at", "id").values_list("action", flat=True))


@pytest.mark.django_db
def test_logging_in_and_out_through_the_pages(client, customer, password):
    response = client.post("/accounts/login/", {"login": "jansen", "password": password})
    assert response.status_code == HTTPStatus.FOUND
    client.post("/accounts/logout/")
    assert actions(subject_id=customer.pk) == ["auth.login", "auth.logout"]
    assert AuditEvent.objects.filter(action="auth.logout").get().actor_id == customer.pk


@pytest.mark.django_db
def test_a_failed_login_is_recorded_for_the_customer_and_a_stranger_stays_nameless(client, customer):
    client.post("/accounts/login/", {"login": "jansen@example.com", "password": "fout-wachtwoord"})
    client.post("/accounts/login/", {"login": "niemand@example.com", "password": "fout-wachtwoord"})
    assert actions(subject_id=customer.pk) == ["auth.login_failed"]
    stranger = AuditEvent.objects.get(action="auth.login_failed", subject_id__isnull=True)
    assert stranger.changes == {"login": [None, "(unknown account)"]}
    assert "niemand" not in str(stranger.changes)


@pytest.mark.django_db
def test_email_changes_and_mfa_changes_reported_by_allauth_are_recorded(rf, customer):
    request = rf.get("/")
    request.user = customer
    old = EmailAddress.objects.get(user=customer)
    new = EmailAddress.objects.create(user=customer, email="nieuw@example.com")
    account_signals.email_added.send(sender=EmailAddress, request=request, user=customer, email_address=new)
    account_signals.email_changed.send(
        sender=EmailAddress, request=request, user=customer, from_email_address=old, to_email_address=new
    )
    account_signals.email_removed.send(sender=EmailAddress, request=request, user=customer, email_address=old)
    totp = Authenticator.objects.create(user=customer, type=Authenticator.Type.TOTP, data={"secret": "geheim"})
    mfa_signals.authenticator_removed.send(sender=Authenticator, request=request, user=customer, authenticator=totp)
    assert actions(subject_id=customer.pk) == [
        "account.email_added",
        "account.email_changed",
        "account.email_removed",
        "auth.mfa_removed",
    ]
    changed = AuditEvent.objects.get(action="account.email_changed")
    assert changed.changes == {"email": ["jansen@example.com", "nieuw@example.com"]}
    assert "geheim" not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
