"""Who receives billing mail.

Billing mail (invoices, credit notes, dunning, cancellation and its undoing) goes to the
customer's billing address once its holder confirmed it (``subscriptions.services.billing_email``), else
to the account's address. Security mail (allauth: password, sign-in, e-mail changes; account
closure) never comes here: it keeps going to the account's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accounts.models import Profile
from core.formatting import greeting_name


class RecipientKind(StrEnum):
    BILLING = "billing_email"
    ACCOUNT = "account_email"


@dataclass(frozen=True)
class BillingRecipient:
    email: str
    kind: RecipientKind
    name: str


def billing_recipient(*, user) -> BillingRecipient | None:
    """Where billing mail for ``user`` goes (None: no address at all, e.g. erased)."""
    if user is None:
        return None
    profile = Profile.objects.filter(user=user).first()
    name = greeting_name(user)
    if profile is not None and profile.billing_email_confirmed:
        return BillingRecipient(email=profile.billing_email, kind=RecipientKind.BILLING, name=name)
    if user.email:
        return BillingRecipient(email=user.email, kind=RecipientKind.ACCOUNT, name=name)
    return None


def billing_recipients(*, user) -> list[str]:
    """The ``to`` of a billing mail: one address, or none."""
    recipient = billing_recipient(user=user)
    return [recipient.email] if recipient else []
