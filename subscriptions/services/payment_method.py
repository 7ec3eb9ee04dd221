"""Changing the payment method (self-service): the rules applied when the verification
payment reaches its final status (under the payment's and the subscription's row locks).

The customer pays a first payment of € 0,01 (``VERIFICATION_AMOUNT``) at Mollie's
checkout with the new method; Mollie makes a mandate of it. When it is paid, the new
mandate is ours (``MandateChange`` records old and new), and after commit
``self_service.mandate_change_finish`` moves Mollie's subscription to it (PATCH
``mandateId``), then revokes the old mandate and refunds the cent (no invoice: nothing was
supplied). A verification payment that fails, expires or is cancelled changes nothing."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.formatting import greeting_name
from core.mail import send_later
from core.on_commit import after_commit
from subscriptions import mollie
from subscriptions.billing_contact import billing_recipients
from subscriptions.enums import System
from subscriptions.models import CENT, MandateChange, Payment, Subscription

logger = logging.getLogger(__name__)

VERIFICATION_AMOUNT = CENT
MANDATE_CHANGE_FINISH = "subscriptions.tasks.mandate_change_finish"


def verification_settled(subscription: Subscription, payment: Payment, remote: mollie.RemotePayment) -> None:
    """The verification payment reached a final status (called once, when it changes)."""
    if payment.status != Payment.Status.PAID:
        record(
            Action.PAYMENT_METHOD_CHANGE_FAILED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={"payment_status": [None, payment.status]},
        )
        _mail(subscription, changed=False)
        return
    new_mandate = remote.mandate_id or ""
    old_mandate = subscription.mandate_id
    changed = subscription.status in Subscription.CHARGED and new_mandate and new_mandate != old_mandate
    change = MandateChange.objects.create(
        subscription=subscription,
        payment=payment,
        old_mandate_id=old_mandate if changed else "",
        new_mandate_id=new_mandate,
    )
    if changed:
        link = subscription.active_remote()
        if link is not None and not link.mandate_id:  # remember what Mollie charges now
            link.mandate_id = old_mandate
            link.save(update_fields=["mandate_id"])
        subscription.mandate_id = new_mandate
        subscription.save(update_fields=["mandate_id"])
        record(
            Action.MANDATE_CHANGED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={"mandate_id": [old_mandate, new_mandate], "paid_by": [None, payment.mollie_id]},
        )
        _mail(subscription, changed=True)
    else:  # ended meanwhile, or the same mandate: only the cent goes back
        logger.warning("Verification payment %s for subscription %s changed no mandate", payment.pk, subscription.pk)
    after_commit(MANDATE_CHANGE_FINISH, change.pk)


def _mail(subscription: Subscription, *, changed: bool) -> None:
    user = subscription.user
    if user is None or not user.email:
        return
    language = subscription.language or settings.LANGUAGE_CODE
    with translation.override(language):
        if changed:
            subject = _("Uw betaalmethode is gewijzigd")
            body = _(
                "Vanaf nu schrijven wij uw abonnement af met de nieuwe betaalmethode. De oude machtiging "
                "trekken wij in en de controlebetaling van € 0,01 betalen wij terug."
            )
        else:
            subject = _("Uw betaalmethode is niet gewijzigd")
            body = _(
                "De controlebetaling voor uw nieuwe betaalmethode is niet gelukt. Er is niets gewijzigd: "
                "wij schrijven af zoals voorheen. U kunt het opnieuw proberen."
            )
        context = {
            "name": greeting_name(user),
            "subject": subject,
            "body": body,
            "url": settings.SITE_URL + reverse("subscriptions:overview"),
        }
    send_later(
        "subscriptions/email/billing_change", to=billing_recipients(user=user), context=context, language=language
    )
