"""The optional e-mail address for billing mail, and its confirmation.

A customer may name a second address (say, the bookkeeper's) in the billing section of the
profile. Billing mail (invoices, credit notes, dunning, cancellation) goes there only after
the holder of that address confirmed it through a signed link we mail to it: a typing error
must never send invoices with the customer's name and address to a stranger. Until then,
and always for security mail (password, sign-in, e-mail changes, account closure), the
account's own address is used. ``Profile.billing_email_verified`` holds the address that
was confirmed; changing the address makes it unconfirmed again without any extra step.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from accounts.models import Profile
from audit.events import Action
from audit.services import record
from core.mail import send_later

SALT = "accounts.billing_email"  # kept from the module's first home: links already mailed carry it
# How long a confirmation link works.
LINK_MAX_AGE_DAYS = 7


class InvalidLink(Exception):
    """The confirmation link is forged, expired, or for an address no longer set."""


@dataclass(frozen=True)
class PendingConfirmation:
    profile: Profile
    email: str


def confirmation_token(*, profile: Profile, email: str) -> str:
    return signing.dumps({"p": profile.pk, "e": email}, salt=SALT, compress=True)


def confirmation_url(*, profile: Profile, email: str) -> str:
    token = confirmation_token(profile=profile, email=email)
    return settings.SITE_URL + reverse("subscriptions:billing_email_confirm", args=[token])


def confirmation_send_later(*, profile: Profile) -> None:
    """Mail the confirmation link to the profile's billing address after the current
    transaction commits (when the address changes: :func:`on_profile_changed`)."""
    email = profile.billing_email
    if not email or profile.billing_email_confirmed:
        return
    language = translation.get_language() or settings.LANGUAGE_CODE
    send_later(
        "accounts/email/billing_email_confirm",
        to=[email],
        context={
            "url": confirmation_url(profile=profile, email=email),
            "account_name": profile.company_name or profile.full_name or profile.user.get_username(),
            "days": LINK_MAX_AGE_DAYS,
        },
        language=language,
    )


def on_profile_changed(*, profile: Profile, changes: dict) -> None:
    """Declared in ``settings.PROFILE_CHANGE_STEPS``: ``accounts.services.profile_update``
    calls it inside its transaction. A new billing address is used once its holder
    confirms it: the link is mailed after commit."""
    if "billing_email" in changes:
        confirmation_send_later(profile=profile)


def pending_confirmation(*, token: str) -> PendingConfirmation:
    """What a confirmation link asks to confirm (reads only). Raises :class:`InvalidLink`."""
    if not isinstance(token, str) or len(token) > 500:
        raise InvalidLink
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE_DAYS * 24 * 3600)
    except signing.BadSignature:
        raise InvalidLink from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int) or not isinstance(data.get("e"), str):
        raise InvalidLink
    profile = Profile.objects.select_related("user").filter(pk=data["p"]).first()
    if profile is None or profile.billing_email.casefold() != data["e"].casefold() or profile.user.is_closed:
        raise InvalidLink
    return PendingConfirmation(profile=profile, email=data["e"])


@transaction.atomic
def billing_email_confirm(*, token: str) -> Profile:
    """The holder of the billing address confirmed it: billing mail goes there from now on.
    Confirming twice changes nothing the second time. Raises :class:`InvalidLink`."""
    pending = pending_confirmation(token=token)
    profile = Profile.objects.select_for_update().get(pk=pending.profile.pk)
    if profile.billing_email.casefold() != pending.email.casefold():
        raise InvalidLink  # changed while the link was on its way
    if profile.billing_email_confirmed:
        return profile
    old = profile.billing_email_verified
    profile.billing_email_verified = profile.billing_email
    profile.save(update_fields=["billing_email_verified", "updated_at"])
    record(
        Action.BILLING_EMAIL_VERIFIED,
        subject_id=profile.user_id,
        target=profile,
        changes={"billing_email_verified": [old or None, profile.billing_email]},
    )
    return profile


RESEND_PAUSE_SECONDS = 60


def confirmation_resend(*, user) -> bool:
    """Mail the confirmation link again, if there is an unconfirmed billing address and no
    link went out in the last minute (a logged-in customer cannot flood a third party's
    mailbox). Writes nothing: the link itself is the only thing sent."""
    from django.core.cache import cache

    profile = Profile.objects.select_related("user").filter(user=user).first()
    if profile is None or not profile.billing_email or profile.billing_email_confirmed:
        return False
    if not cache.add(f"billing-email-resend:{profile.pk}", 1, timeout=RESEND_PAUSE_SECONDS):
        return False
    with transaction.atomic():
        confirmation_send_later(profile=profile)
    return True
