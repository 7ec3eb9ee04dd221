"""Staff end a customer's subscription at once (the customer action "Abonnement direct
beëindigen"): the same money rule as closing the account (docs/billing.md, "Closure and
refunds"), and a mail to the customer.

* The subscription ends now; Mollie stops charging after commit.
* The unused whole days of the paid period are refunded pro rata (``selectors.pro_rata``:
  the closing day counts as used), through Mollie after commit, unless staff choose "no
  refund" and say why. The credit note follows when Mollie reports the refund.
* The customer is mailed what happened: the end, the refund (or that there is none).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.formatting import euro
from core.mail import send_later
from core.on_commit import after_commit
from subscriptions.billing_contact import billing_recipient
from subscriptions.models import Subscription
from subscriptions.selectors import ClosureOutcome, closure_outcome
from subscriptions.services.base import BillingError, lock_subscription
from subscriptions.services.cancellation import subscription_cancel_now
from subscriptions.services.closure import REFUND_ON_CLOSURE


def staff_end_outcome(*, subscription: Subscription) -> ClosureOutcome:
    """What ending ``subscription`` today refunds (the closure rule). Reads only."""
    outcome = closure_outcome(user=subscription.user)
    if outcome.subscription is None or outcome.subscription.pk != subscription.pk:
        return ClosureOutcome(subscription=subscription, closing_day=timezone.localdate())
    return outcome


@transaction.atomic
def subscription_end_by_staff(
    *, subscription: Subscription, by, reason: str, refund: bool = True, no_refund_reason: str = ""
) -> Decimal:
    """End ``subscription`` now for staff member ``by``; refund the unused days (after
    commit) unless ``refund`` is False, which needs ``no_refund_reason``. Mails the
    customer. Returns the amount that will be refunded. A subscription that is no longer
    live is refused (a second click changes nothing)."""
    subscription = lock_subscription(subscription)
    if not subscription.is_live:
        raise BillingError(_("Dit abonnement is al beëindigd."))
    if not refund and not no_refund_reason.strip():
        raise BillingError(_("Geef aan waarom er niets wordt terugbetaald."))
    outcome = staff_end_outcome(subscription=subscription)
    amount = outcome.refund if refund else Decimal("0")
    subscription = subscription_cancel_now(subscription=subscription, by=by, reason=reason)
    changes: dict[str, object] = {"refund": [None, str(amount)], "pro_rata_refund": [None, str(outcome.refund)]}
    if not refund:
        changes["no_refund_reason"] = [None, no_refund_reason]
    if outcome.invoice is not None:
        changes["invoice"] = [None, outcome.invoice.number]
        changes["unused_days"] = [None, f"{outcome.unused_days}/{outcome.period_days}"]
    record(
        Action.SUBSCRIPTION_CLOSURE_SETTLED,
        actor=by,
        subject_id=subscription.user_id,
        target=subscription,
        changes=changes,
    )
    if amount > 0:
        payment = outcome.invoice.payment
        after_commit(REFUND_ON_CLOSURE, payment.pk, str(amount), str(payment.amount_refunded), by.pk if by else None)
    _mail(subscription, outcome, amount)
    return amount


def _mail(subscription: Subscription, outcome: ClosureOutcome, amount: Decimal) -> None:
    recipient = billing_recipient(user=subscription.user)
    if recipient is None:
        return
    language = subscription.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "name": recipient.name,
            "plan": subscription.plan.name,
            "ended_on": formats.date_format(timezone.localdate(subscription.ended_at), "j F Y"),
            "refund": euro(amount) if amount > 0 else "",
            "invoice": outcome.invoice.number if outcome.invoice is not None else "",
            "unused_days": outcome.unused_days,
            "url": settings.SITE_URL + reverse("subscriptions:overview"),
        }
    send_later("subscriptions/email/staff_ended", to=[recipient.email], context=context, language=language)
