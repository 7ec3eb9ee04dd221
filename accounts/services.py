"""Changes to customer accounts. Each function is atomic and records its audit event in the
same transaction; mail goes out only after commit."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts import billing_email
from accounts.models import Profile, User
from audit.events import Action
from audit.services import diff, record
from portal.mail import send_later


def profile_for(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(*, user: User, by: User, data: dict) -> Profile:
    """Save the fields in ``data`` (already validated) and record what changed."""
    profile = Profile.objects.select_for_update().get(pk=profile_for(user).pk)
    before = profile.snapshot()
    for field, value in data.items():
        if field in Profile.AUDITED_FIELDS:
            setattr(profile, field, value)
    changes = diff(before, profile.snapshot())
    if not changes:
        return profile
    profile.save()
    record(Action.PROFILE_CHANGED, actor=by, subject=user, target=profile, changes=changes)
    if "billing_email" in changes:  # a new billing address is used once its holder confirms it
        billing_email.confirmation_send_later(profile=profile)
    return profile


def _end_all_sessions(user: User) -> int:
    """End every session of the user. (An inactive user is refused by the auth backend on
    the next request anyway; this removes the sessions themselves.)"""
    sessions = list(UserSession.objects.filter(user=user))
    for user_session in sessions:
        user_session.end()
    return len(sessions)


@transaction.atomic
def account_close(*, user: User, by: User, reason: str = "") -> User:
    """Close the account: no more logins, every session ended, the closing time recorded
    (it starts the retention clock) and a confirmation mailed."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.closed_at is not None:
        return user
    user.closed_at = timezone.now()
    user.closed_reason = reason[:500]
    user.is_active = False
    user.save(update_fields=["closed_at", "closed_reason", "is_active"])
    record(
        Action.ACCOUNT_CLOSED,
        actor=by,
        subject=user,
        target=user,
        changes={"closed_at": [None, user.closed_at.isoformat()], **({"reason": [None, reason]} if reason else {})},
    )
    for hook in CLOSE_HOOKS:
        hook(user=user, by=by)
    transaction.on_commit(lambda: _end_all_sessions(user))
    if user.email:
        send_later(
            "accounts/email/account_closed",
            to=[user.email],
            context={
                "username": user.get_username(),
                "closed_at": timezone.localtime(user.closed_at).strftime("%d-%m-%Y %H:%M"),
            },
        )
    return user


# Billing and retention register callables here (``hook(user=..., by=...)``) that must run
# inside the closing transaction, e.g. cancelling the subscription at Mollie.
CLOSE_HOOKS: list = []
