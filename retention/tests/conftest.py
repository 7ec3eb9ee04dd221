from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore

from accounts import services as account_services
from accounts.models import Profile

AMS = ZoneInfo("Europe/Amsterdam")


def ams(*args) -> datetime:
    return datetime(*args, tzinfo=AMS)


@pytest.fixture(autouse=True)
def _private_media(request, settings, tmp_path):
    # A test with the real worker shares the worker's MEDIA_ROOT (a separate process).
    if "celery_worker_process" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rich_customer(make_user):
    """A customer with everything the portal keeps: profile, MFA, a session, a login
    record, failed logins."""

    def make(username: str = "jansen", *, closed_at: datetime | None = None, at: datetime | None = None):
        at = at or closed_at
        if at is None:
            return _make(username, closed_at)
        with time_machine.travel(at, tick=False):
            return _make(username, closed_at)

    def _make(username: str, closed_at: datetime | None):
        user = make_user(username, email=f"{username}@example.com")
        Profile.objects.create(
            user=user,
            full_name=f"Piet {username.title()}van Ginkel",
            street="Lindelaan 12",
            postal_code="5611AB",
            city="Eindhoven",
            phone="+31612345678",
            company_name=f"{username.title()} Webshop B.V.",
        )
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store.create()
        UserSession.objects.create(user=user, ip="203.0.113.7", session_key=store.session_key, user_agent="Firefox/130")
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            extra = {"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}
            model.objects.create(
                username=username.lower(),
                ip_address="203.0.113.7",
                user_agent="Firefox/130",
                http_accept="*/*",
                path_info="/accounts/login/",
                **extra,
            )
        if closed_at is not None:
            account_services.account_close(user=user, by=user, reason="stoppen")
            user.refresh_from_db()
        return user

    return make
