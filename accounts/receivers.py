"""Turn what allauth, Django auth and axes report into audit events. Signals are used only
to hear from these libraries; the events are written through audit.services.record."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from accounts.security import canonical_login
from audit.events import Action
from audit.services import record


def _user_for_identifier(identifier: str):
    username = canonical_login(identifier)
    if not username:
        return None
    return get_user_model().objects.filter(username__iexact=username).first()


@receiver(account_signals.user_signed_up)
def on_signed_up(sender, request, user, **kwargs) -> None:
    record(
        Action.ACCOUNT_SIGNED_UP,
        actor=user,
        subject=user,
        target=user,
        changes={"username": [None, user.get_username()], "email": [None, user.email]},
    )


@receiver(auth_signals.user_logged_in)
def on_logged_in(sender, request, user, **kwargs) -> None:
    record(Action.AUTH_LOGIN, actor=user, subject=user)


@receiver(auth_signals.user_logged_out)
def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Action.AUTH_LOGOUT, actor=user, subject=user)


@receiver(auth_signals.user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    identifier = credentials.get("email") or credentials.get("username") or ""
    user = _user_for_identifier(identifier)
    # The typed identifier is personal data of someone else when it matches nobody: it is
    # kept only as "unknown account".
    record(
        Action.AUTH_LOGIN_FAILED,
        subject=user,
        changes={"login": [None, user.get_username() if user else "(unknown account)"]},
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    user = _user_for_identifier(username or "")
    record(
        Action.AUTH_LOCKED_OUT,
        subject=user,
        changes={"login": [None, user.get_username() if user else "(unknown account)"]},
    )


@receiver(account_signals.password_changed)
def on_password_changed(sender, request, user, **kwargs) -> None:
    record(Action.AUTH_PASSWORD_CHANGED, actor=user, subject=user, target=user, changes={"password": "changed"})


@receiver(account_signals.password_set)
def on_password_set(sender, request, user, **kwargs) -> None:
    record(Action.AUTH_PASSWORD_CHANGED, actor=user, subject=user, target=user, changes={"password": "changed"})


@receiver(account_signals.password_reset)
def on_password_reset(sender, request, user, **kwargs) -> None:
    record(Action.AUTH_PASSWORD_RESET, subject=user, target=user, changes={"password": "changed"})


@receiver(account_signals.email_confirmed)
def on_email_confirmed(sender, request, email_address, **kwargs) -> None:
    user = email_address.user
    record(
        Action.ACCOUNT_EMAIL_CONFIRMED,
        actor=request.user if request else None,
        subject=user,
        target=email_address,
        changes={"email": [None, email_address.email]},
    )


@receiver(account_signals.email_added)
def on_email_added(sender, request, user, email_address, **kwargs) -> None:
    record(
        Action.ACCOUNT_EMAIL_ADDED,
        actor=user,
        subject=user,
        target=email_address,
        changes={"email": [None, email_address.email]},
    )


@receiver(account_signals.email_changed)
def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs) -> None:
    # allauth (ACCOUNT_CHANGE_EMAIL) also sends this when the first address is confirmed at
    # signup, from no address at all: that is a confirmation (recorded above), not a change.
    if from_email_address is None or from_email_address.email == to_email_address.email:
        return
    record(
        Action.ACCOUNT_EMAIL_CHANGED,
        actor=user,
        subject=user,
        target=to_email_address,
        changes={"email": [from_email_address.email if from_email_address else None, to_email_address.email]},
    )


@receiver(account_signals.email_removed)
def on_email_removed(sender, request, user, email_address, **kwargs) -> None:
    record(
        Action.ACCOUNT_EMAIL_REMOVED,
        actor=user,
        subject=user,
        target=email_address,
        changes={"email": [email_address.email, None]},
    )


@receiver(mfa_signals.authenticator_added)
def on_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    record(
        Action.AUTH_MFA_ADDED,
        actor=user,
        subject=user,
        target=authenticator,
        changes={"type": [None, authenticator.type]},
    )
    if request is not None and hasattr(request, "session"):
        # The invitation is spent with the first authenticator: removing it later and
        # setting up another takes a new invitation.
        from accounts.mfa_invitation import SESSION_KEY

        request.session.pop(SESSION_KEY, None)


@receiver(mfa_signals.authenticator_removed)
def on_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    record(
        Action.AUTH_MFA_REMOVED,
        actor=user,
        subject=user,
        target=authenticator,
        changes={"type": [authenticator.type, None]},
    )


@receiver(mfa_signals.authenticator_reset)
def on_mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    record(Action.AUTH_MFA_RECOVERY_CODES_GENERATED, actor=user, subject=user, target=authenticator)


@receiver(mfa_signals.authenticator_used)
def on_mfa_used(sender, request, user, authenticator, **kwargs) -> None:
    record(
        Action.AUTH_MFA_USED,
        actor=user,
        subject=user,
        target=authenticator,
        changes={"type": [None, authenticator.type]},
    )


@receiver(post_migrate)
def _staff_roles(sender, apps=None, **kwargs) -> None:
    """After every migrate (and a test's flush) the role groups are set to their definition
    again; a permission made by this migrate joins its role (``accounts.roles``). post_migrate
    comes once per app: the roles are set at the last app's, when every app's permissions
    exist (once, not once per app: a transactional test's flush sends it too)."""
    from django.apps import apps as registry

    from accounts.roles import sync_roles

    if sender is not [config for config in registry.get_app_configs() if config.models_module is not None][-1]:
        return

    try:
        sync_roles(apps)
    except LookupError:  # migrated back before auth or accounts: nothing to set
        pass
