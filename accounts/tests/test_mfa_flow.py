"""A customer sets up TOTP, then needs the code (or a recovery code) to log in."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client

from accounts import mfa
from audit.models import AuditEvent

LOGIN = "/accounts/login/"


def current_code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def clear_of_window_end(margin: float = 3.0) -> None:
    """allauth accepts a code of the current 30-second window only: a code computed in the
    last moment of a window can be checked in the next one. Wait for the next window then."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)


def activate_totp(client: Client, password: str) -> str:
    clear_of_window_end(margin=5.0)  # login, reauthentication and activation fit in the window
    client.post(LOGIN, {"login": "jansen", "password": password})
    client.post("/accounts/reauthenticate/", {"password": password})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == HTTPStatus.OK
    secret = page.context["form"].secret  # shown to the customer (QR code and text)
    # Waiting for its first code, the key sits in the session encrypted like a stored one.
    in_session = client.session[SECRET_SESSION_KEY]
    assert in_session.startswith(mfa.PREFIX) and secret not in in_session
    assert mfa.decrypt_secret(in_session) == secret
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000" if current_code(secret) != "000000" else "1"})
    assert wrong.status_code == HTTPStatus.OK and wrong.context["form"].secret == secret  # the same key again
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == HTTPStatus.FOUND
    return secret


@pytest.mark.django_db(transaction=True)  # allauth reports MFA changes on commit
def test_activating_totp_then_logging_in_needs_the_code(customer, password):
    secret = activate_totp(Client(), password)
    assert Authenticator.objects.filter(user=customer, type="totp").exists()
    assert Authenticator.objects.filter(user=customer, type="recovery_codes").exists()
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="auth.mfa_added").exists()

    # allauth refuses a code that was used before (the one that activated the app), so the
    # login happens in the next 30-second window.
    with time_machine.travel((int(time.time()) // 30 + 1) * 30 + 10, tick=True):  # 10 s into the next window
        client = Client()
        response = client.post(LOGIN, {"login": "jansen", "password": password})
        assert response["Location"].startswith("/accounts/2fa/authenticate/")
        assert "_auth_user_id" not in client.session
        wrong = client.post(
            "/accounts/2fa/authenticate/", {"code": "000000" if current_code(secret) != "000000" else "111111"}
        )
        assert wrong.status_code == HTTPStatus.OK
        assert "_auth_user_id" not in client.session
        ok = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
        assert ok.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(customer.pk)
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="auth.mfa_used").exists()


@pytest.mark.django_db(transaction=True)  # allauth reports MFA changes on commit
def test_a_recovery_code_works_once(customer, password):
    activate_totp(Client(), password)
    codes = Authenticator.objects.get(user=customer, type="recovery_codes").wrap().get_unused_codes()
    first = Client()
    first.post(LOGIN, {"login": "jansen", "password": password})
    assert first.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == HTTPStatus.FOUND
    again = Client()
    again.post(LOGIN, {"login": "jansen", "password": password})
    again.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "_auth_user_id" not in again.session
