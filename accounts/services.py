"""Changes to customer accounts. Each function is atomic and records its audit event in the
same transaction; mail goes out only after commit."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from accounts.models import Profile, StaffNote, User
from accounts.selectors import closed_account_facts, kept_until
from audit.events import Action
from audit.services import diff, record
from core.formatting import greeting_name
from core.mail import send_later


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
    for step in _steps("PROFILE_CHANGE_STEPS"):  # e.g. billing: confirm a new billing address
        step(profile=profile, changes=changes)
    return profile


def profile_changed_by_staff(*, profile: Profile, changes: dict) -> None:
    """Staff saved the customer's profile in the admin (recorded there as admin.changed):
    the same follow-up steps as the customer's own change (a new VAT id checked in VIES, a
    new billing address confirmed)."""
    for step in _steps("PROFILE_CHANGE_STEPS"):
        step(profile=profile, changes=changes)


def _steps(setting: str) -> list[Callable]:
    """The callables a setting declares by dotted path, in its order."""
    return [import_string(path) for path in getattr(settings, setting)]


def _end_all_sessions(user: User) -> int:
    """End every session of the user. (An inactive user is refused by the auth backend on
    the next request anyway; this removes the sessions themselves.)"""
    sessions = list(UserSession.objects.filter(user=user))
    for user_session in sessions:
        user_session.end()
    return len(sessions)


@dataclass
class AccountClosure:
    """One account being closed, handed to each step of ``settings.ACCOUNT_CLOSE_STEPS``
    in turn, inside the closing transaction. A step adds what the closing mail should say
    to ``mail_facts`` (billing: what happened to the subscription and the money)."""

    user: User
    by: User | None
    mail_facts: dict = dataclasses.field(default_factory=dict)


def sessions_end_on_account_close(closure: AccountClosure) -> None:
    """Closing step: every session of the account ends after commit."""
    user = closure.user
    transaction.on_commit(lambda: _end_all_sessions(user))


def mail_on_account_close(closure: AccountClosure) -> None:
    """Closing step, last: the confirmation mail (after commit), with what the steps before
    it added."""
    user = closure.user
    if user.email:
        send_later(
            "accounts/email/account_closed",
            to=[user.email],
            context={
                "username": user.get_username(),
                "greeting_name": greeting_name(user),
                "closed_at": timezone.localtime(user.closed_at).strftime("%d-%m-%Y %H:%M"),
                **closed_account_facts(user),
                **closure.mail_facts,
            },
        )


@transaction.atomic
def account_close(*, user: User, by: User, reason: str = "") -> User:
    """Close the account: no more logins, the closing time recorded (it starts the retention
    clock), then the steps declared in ``settings.ACCOUNT_CLOSE_STEPS``, in their order, in
    this transaction: billing (the subscription settled and ended), the koppeling
    (disconnected), the sessions (ended) and the confirmation mail."""
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
    closure = AccountClosure(user=user, by=by)
    for step in _steps("ACCOUNT_CLOSE_STEPS"):
        step(closure)
    return user


def account_close_preview(*, user: User) -> dict:
    """What closing the account now would mean, for the close page: until when it is kept,
    and what each of ``settings.ACCOUNT_CLOSE_PREVIEWS`` adds (billing: the subscription and
    its money, as the closing mail will repeat it)."""
    from accounts.personal_data import ACCOUNT_PERIOD

    preview: dict = {"kept_until": ACCOUNT_PERIOD.last_day(timezone.now())}
    for step in _steps("ACCOUNT_CLOSE_PREVIEWS"):
        preview.update(step(user))
    return preview


class AccountError(Exception):
    """A staff request the account services refuse (the message says why)."""


def _reason(reason: str) -> str:
    from accounts import validation

    reason = validation.plain_text(reason or "")
    if not reason:
        raise AccountError(_("Geef een reden op."))
    if len(reason) > 500:
        raise AccountError(_("De reden is langer dan 500 tekens."))
    return reason


@transaction.atomic
def account_reopen(*, user: User, by: User, reason: str) -> User:
    """Staff reopen a closed account within its retention period: logins work again and the
    erasure clock stops (it runs from ``closed_at``, which is cleared). A subscription ended
    by the closure stays ended; the customer subscribes again. The customer is mailed."""
    reason = _reason(reason)
    user = get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if user is None:
        raise AccountError(_("Dit account bestaat niet meer."))
    if user.closed_at is None:
        raise AccountError(_("Dit account is niet opgeheven."))
    last_day = kept_until(user)
    if timezone.localdate() > last_day:
        raise AccountError(_("De bewaartermijn van dit account is voorbij; het kan niet meer worden heropend."))
    closed_at = user.closed_at
    user.closed_at = None
    user.closed_reason = ""
    user.is_active = True
    user.save(update_fields=["closed_at", "closed_reason", "is_active"])
    record(
        Action.ACCOUNT_REOPENED,
        actor=by,
        subject=user,
        target=user,
        changes={"closed_at": [closed_at.isoformat(), None], "is_active": [False, True], "reason": [None, reason]},
    )
    if user.email:
        send_later(
            "accounts/email/account_reopened",
            to=[user.email],
            context={"username": user.get_username(), "greeting_name": greeting_name(user)},
        )
    return user


@transaction.atomic
def staff_action_record(*, by: User, customer: User, action: str, reason: str) -> None:
    """A staff member used a per-customer action in the admin (besides the event of the
    service it called): which action, and the reason given."""
    record(
        Action.ADMIN_CHANGED,
        actor=by,
        subject=customer,
        target=customer,
        changes={"admin_action": [None, action], "reason": [None, reason]},
    )


NOTE_MAX_LENGTH = 2000


@transaction.atomic
def staff_note_add(*, customer: User, by: User, text: str) -> StaffNote:
    """A staff member writes an internal note about ``customer``: stored with the account and
    recorded as ``admin.note_added`` (which note, not its text: the trail is not the place for
    what staff think of a customer)."""
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n")).strip()
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in text if ch not in "\n\t"):
        raise AccountError(_("De notitie bevat onzichtbare of ongeldige tekens."))
    if not text:
        raise AccountError(_("Schrijf eerst een notitie."))
    if len(text) > NOTE_MAX_LENGTH:
        raise AccountError(_("Een notitie is hooguit %(n)s tekens.") % {"n": NOTE_MAX_LENGTH})
    if customer.is_staff:
        raise AccountError(_("Notities zijn alleen voor klanten."))
    note = StaffNote.objects.create(user=customer, text=text, author=by, author_label=by.get_username()[:150])
    record(Action.ADMIN_NOTE_ADDED, actor=by, subject=customer, target=note)
    return note


@transaction.atomic
def email_verification_resend(*, user: User, by: User) -> str:
    """Send the confirmation mail again for the customer's unverified primary address
    (allauth builds and sends it after commit). Returns the address."""
    from allauth.account.models import EmailAddress

    if user.closed_at is not None:
        raise AccountError(_("Dit account is opgeheven."))
    address = EmailAddress.objects.filter(user=user, verified=False).order_by("-primary", "pk").first()
    if address is None:
        raise AccountError(_("Alle e-mailadressen van deze klant zijn al bevestigd."))
    record(
        Action.ACCOUNT_VERIFICATION_RESENT,
        actor=by,
        subject=user,
        target=address,
        changes={"email": [None, address.email]},
    )
    request = _request_for_mail()
    transaction.on_commit(lambda: _send_confirmation(address, request))
    return address.email


def _request_for_mail():
    """allauth builds links from a request: the current one (staff in the admin), or one for
    the public address when there is none (a command)."""
    from urllib.parse import urlsplit

    from allauth.core import context as allauth_context
    from django.conf import settings
    from django.http import HttpRequest

    if allauth_context.request is not None:
        return allauth_context.request
    site = urlsplit(settings.SITE_URL)
    request = HttpRequest()
    request.META = {"HTTP_HOST": site.netloc, "SERVER_NAME": site.hostname, "SERVER_PORT": str(site.port or 443)}
    return request


def _send_confirmation(address, request) -> None:
    from allauth.core import context as allauth_context

    with allauth_context.request_context(request):
        address.send_confirmation(request, signup=False)


class InvitationError(Exception):
    """An MFA invitation that cannot be sent (the message is shown to the admin)."""


def mfa_invitation_send(*, staff_member: User, by: User | None) -> str:
    """Mail a staff member without a second factor the single-use link to set one up
    (``accounts.mfa_invitation``); returns the link. ``by`` is None from the command line."""
    from django.urls import reverse

    from accounts import mfa_invitation
    from accounts.middleware import has_mfa

    if not staff_member.is_staff or not staff_member.is_active:
        raise InvitationError(_("Alleen een actieve medewerker krijgt een uitnodiging."))
    if has_mfa(staff_member):
        raise InvitationError(_("Deze medewerker heeft al tweestapsverificatie."))
    if not staff_member.email:
        raise InvitationError(_("Deze medewerker heeft geen e-mailadres."))
    with transaction.atomic():
        token = mfa_invitation.make_token(staff_member.pk)
        link = settings.SITE_URL + reverse("accounts_mfa_invitation", args=[token])
        record(
            Action.STAFF_MFA_INVITED,
            actor=by,
            system=None if by else "manage.py mfa_invite",
            subject=staff_member,
            target=staff_member,
        )
        send_later(
            "accounts/email/mfa_invitation",
            to=[staff_member.email],
            context={
                "greeting_name": greeting_name(staff_member),
                "username": staff_member.get_username(),
                "link": link,
                "hours": mfa_invitation.INVITATION_HOURS,
            },
        )
    return link


def mfa_invitation_use(*, user: User, token: str) -> bool:
    """The logged-in staff member opens his invitation: True (and recorded) once."""
    from accounts import mfa_invitation

    if not user.is_staff or not mfa_invitation.redeem(token, user.pk):
        return False
    record(Action.STAFF_MFA_INVITATION_USED, actor=user, subject=user, target=user)
    return True
