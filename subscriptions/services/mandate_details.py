"""The payment method a subscription is charged on, as the customer sees it on the
subscription page: from Mollie's mandate (``mollie.mandate_get``), never stored by us.

Only what the page shows is kept, masked, for :data:`CACHE_SECONDS` in the cache (a mandate's
details never change; a new method is a new mandate id): the brand, the last four digits and
the expiry of a card, or the first four and last four characters of an IBAN and the account
holder's name. Mollie unreachable: the page says the method cannot be shown now, and nothing
else on the page waits for it longer than one call; that answer is kept for
:data:`UNAVAILABLE_SECONDS`, so that while Mollie is down every view of the page (the customer's,
staff's customer page) does not wait out the retries again.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from subscriptions import mollie
from subscriptions.models import Subscription

logger = logging.getLogger(__name__)

CACHE_SECONDS = 600
UNAVAILABLE_SECONDS = 60
_CACHE_KEY = "mandate-shown:v1:{}"


@dataclass(frozen=True)
class PaymentMethodShown:
    kind: str  # "card", "bank" (SEPA direct debit, also after iDEAL / Bancontact), "other", "unavailable"
    method: str = ""  # Mollie's method: creditcard, directdebit, paypal, …
    brand: str = ""  # the card's brand (Mollie's cardLabel)
    last_four: str = ""
    expiry: str = ""  # ISO date of the card's last valid day
    iban_masked: str = ""
    holder: str = ""
    valid: bool = True  # Mollie's mandate status is "valid"

    @property
    def expiry_date(self) -> date | None:
        return date.fromisoformat(self.expiry) if self.expiry else None

    @property
    def expired(self) -> bool:
        day = self.expiry_date
        return day is not None and day < timezone.localdate()


UNAVAILABLE = PaymentMethodShown(kind="unavailable")


def mask_iban(iban: str) -> str:
    """``NL55INGB0001234567`` → ``NL55 •••• 4567``: the country, the check digits and the
    last four, enough to recognise one's own account and nothing more."""
    compact = "".join(iban.split()).upper()
    if len(compact) < 10:
        return "••••"
    return f"{compact[:4]} •••• {compact[-4:]}"


def _shown(remote: mollie.RemoteMandate) -> PaymentMethodShown:
    details = remote.details
    valid = remote.status == "valid"
    if remote.method == "creditcard":
        number = "".join(ch for ch in str(details.get("cardNumber") or "") if ch.isdigit())[-4:]
        expiry = str(details.get("cardExpiryDate") or "")[:10]
        try:
            date.fromisoformat(expiry)
        except ValueError:
            expiry = ""
        return PaymentMethodShown(
            kind="card",
            method=remote.method,
            brand=str(details.get("cardLabel") or "")[:40],
            last_four=number,
            expiry=expiry,
            holder=str(details.get("cardHolder") or "")[:100],
            valid=valid,
        )
    if remote.method == "directdebit":
        return PaymentMethodShown(
            kind="bank",
            method=remote.method,
            iban_masked=mask_iban(str(details.get("consumerAccount") or "")),
            holder=str(details.get("consumerName") or "")[:100],
            valid=valid,
        )
    return PaymentMethodShown(kind="other", method=remote.method[:40], valid=valid)


def payment_method_shown(*, subscription: Subscription) -> PaymentMethodShown | None:
    """What the subscription's mandate is, for the page (None: no mandate yet)."""
    customer = subscription.customer
    if not subscription.mandate_id or customer is None or not customer.mollie_id:
        return None
    key = _CACHE_KEY.format(subscription.mandate_id)
    cached = cache.get(key)
    if cached is not None:
        asked_at = cached.pop("unavailable_at", None)
        if asked_at is None:
            return PaymentMethodShown(**cached)
        if timezone.now().timestamp() - asked_at < UNAVAILABLE_SECONDS:
            return UNAVAILABLE
    try:
        remote = mollie.mandate_get(customer_id=customer.mollie_id, mandate_id=subscription.mandate_id)
    except mollie.MollieError as error:
        if isinstance(error, mollie.MollieNotFound):
            logger.warning("Mandate %s of subscription %s unknown at Mollie", subscription.mandate_id, subscription.pk)
        cache.set(key, {"unavailable_at": timezone.now().timestamp()}, UNAVAILABLE_SECONDS)
        return UNAVAILABLE
    shown = _shown(remote)
    cache.set(key, asdict(shown), CACHE_SECONDS)
    return shown
