"""Changing plan (self-service): the rules, applied under the subscription's row lock.

* An **upgrade** (a dearer plan of the same term) takes effect at once: the customer pays
  the pro-rata difference for the days left in the paid period, as a one-off charge on the
  subscription's mandate (``sequenceType: recurring``; Mollie has no proration). When that
  charge is paid the plan changes, the charge is invoiced (period: today up to the end of
  the paid period), and Mollie's subscription is PATCHed to the new amount, so the next
  period is charged at the new price. A failed charge changes nothing (no dunning: the
  paid period stays paid).
* A **downgrade** (a cheaper plan of the same term) is scheduled for the start of the next
  period (``current_period_end``): nothing is refunded. Mollie's subscription gets the new
  amount right away (PATCH after commit), because Mollie creates the next charge at the
  boundary itself (a direct debit even days before it): a PATCH at the boundary would race
  that charge. Ours moves to the new plan when the charge that starts the new period is
  applied, or at the boundary by :func:`plan_changes_due` when no charge came yet.
* Another term (month ↔ year), the current plan, an inactive plan, a subscription that is
  not active or cancelled at the period end: refused with a message, nothing changed.

One open change per subscription (a partial unique index; the subscription's row lock
serialises requests). The charge at Mollie is made by ``self_service`` (it needs
``payments``, which comes after this module)."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.events import Action
from audit.services import record
from core.formatting import euro, greeting_name
from core.mail import send_later
from core.on_commit import after_commit
from subscriptions import mollie
from subscriptions.billing_contact import billing_recipients
from subscriptions.enums import System
from subscriptions.models import CENT, Payment, Plan, PlanChange, Subscription, with_vat
from subscriptions.services.base import BillingError, current_time, lock_subscription
from subscriptions.services.documents import invoice_issue

logger = logging.getLogger(__name__)

PLAN_CHANGE_MOLLIE_UPDATE = "subscriptions.tasks.plan_change_mollie_update"


def proration(*, subscription: Subscription, plan: Plan, today: date) -> tuple[Decimal, Decimal]:
    """The pro-rata difference (net, gross) of moving ``subscription`` to ``plan`` today:
    the difference in net price × the days left in the paid period (today included) / the
    days of that period, rounded half up to the cent; VAT as the subscription's treatment
    (a reverse-charge customer pays the net amount)."""
    end = subscription.current_period_end
    start = end - (relativedelta(years=1) if plan.interval == Plan.Interval.YEAR else relativedelta(months=1))
    period_days = (end - start).days
    days_left = max((end - today).days, 0)
    net = ((plan.price - subscription.amount_net) * days_left / period_days).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, with_vat(net, subscription.vat_rate) if net > 0 else Decimal("0")


def _refuse_unless_changeable(subscription: Subscription, plan: Plan) -> None:
    if subscription.status != Subscription.Status.ACTIVE or subscription.current_period_end is None:
        raise BillingError(_("Alleen een actief abonnement kan van abonnementsvorm wisselen."))
    if timezone.localdate() >= subscription.current_period_end:
        # The next period's charge is due (Mollie makes it at the boundary itself): a change
        # now could not tell which period it is for.
        raise BillingError(
            _("Uw volgende termijn wordt nu afgeschreven. Wijzig uw abonnementsvorm nadat die betaling binnen is.")
        )
    if subscription.cancel_at_period_end:
        raise BillingError(
            _("Uw abonnement is opgezegd. Trek eerst de opzegging in om van abonnementsvorm te wisselen.")
        )
    if not plan.active:
        raise BillingError(_("Deze abonnementsvorm is niet meer af te sluiten."))
    if plan.pk == subscription.plan_id:
        raise BillingError(_("U heeft deze abonnementsvorm al."))
    if plan.interval != subscription.plan.interval:
        raise BillingError(
            _("Wisselen tussen een maand- en een jaarabonnement kan niet zelf; neem contact met ons op.")
        )
    if subscription.plan_changes.filter(status__in=PlanChange.OPEN).exists():
        raise BillingError(_("Er loopt al een wijziging van uw abonnementsvorm."))


@transaction.atomic
def plan_change_request(*, subscription: Subscription, plan: Plan, by) -> PlanChange:
    """Record the customer's change to ``plan``: an upgrade waits for its pro-rata charge
    (made at Mollie by ``self_service.plan_change_start``), a downgrade is scheduled for the
    next period. Raises :class:`BillingError` with the reason when it cannot be done."""
    subscription = lock_subscription(subscription)
    plan = Plan.objects.get(pk=plan.pk)
    _refuse_unless_changeable(subscription, plan)
    today = timezone.localdate()
    net_amount = plan.price
    gross_amount = with_vat(net_amount, subscription.vat_rate)
    upgrade = plan.price > subscription.amount_net
    charge_net, charge_gross = proration(subscription=subscription, plan=plan, today=today)
    payment = None
    if upgrade and charge_gross > 0:
        payment = Payment.objects.create(
            user=subscription.user,
            subscription=subscription,
            sequence_type=Payment.Sequence.RECURRING,
            purpose=Payment.Purpose.PRORATION,
            amount=charge_gross,
            charge_date=today,
        )
    try:
        with transaction.atomic():
            change = PlanChange.objects.create(
                subscription=subscription,
                from_plan=subscription.plan,
                to_plan=plan,
                kind=PlanChange.Kind.NOW if upgrade else PlanChange.Kind.NEXT_PERIOD,
                status=PlanChange.Status.CHARGING if upgrade else PlanChange.Status.SCHEDULED,
                effective_on=today if upgrade else subscription.current_period_end,
                amount_net=net_amount,
                amount_gross=gross_amount,
                payment=payment,
                charged_until=subscription.current_period_end if payment is not None else None,
            )
    except IntegrityError:  # (only if the lock were bypassed)
        raise BillingError(_("Er loopt al een wijziging van uw abonnementsvorm.")) from None
    changes = {
        "plan": [subscription.plan.name, plan.name],
        "kind": [None, change.kind],
        "effective_on": [None, change.effective_on.isoformat()],
        "amount_gross": [str(subscription.amount_gross), str(gross_amount)],
    }
    if payment is not None:
        changes["proration_gross"] = [None, str(charge_gross)]
        record(
            Action.PAYMENT_CREATED,
            actor=by,
            subject_id=subscription.user_id,
            target=payment,
            changes={"amount": [None, str(charge_gross)], "purpose": [None, Payment.Purpose.PRORATION]},
        )
    record(
        Action.PLAN_CHANGE_REQUESTED, actor=by, subject_id=subscription.user_id, target=subscription, changes=changes
    )
    if payment is None:
        if upgrade:  # nothing left to charge (the last day of the period): at once, free
            _apply(change, subscription, system=None, by=by)
        else:
            after_commit(PLAN_CHANGE_MOLLIE_UPDATE, change.pk)
            _mail(subscription, change)
    return change


def _apply(change: PlanChange, subscription: Subscription, *, system: System | None, by=None) -> None:
    """Move the (locked) subscription to the change's plan and tell Mollie the new amount."""
    old = (subscription.plan.name, str(subscription.amount_gross))
    subscription.plan = change.to_plan
    subscription.amount_net = change.amount_net
    subscription.amount_gross = change.amount_gross
    subscription.save(update_fields=["plan", "amount_net", "amount_gross"])
    change.status = PlanChange.Status.APPLIED
    change.applied_at = current_time()
    change.save(update_fields=["status", "applied_at"])
    who = {"system": system} if system else {"actor": by}
    record(
        Action.PLAN_CHANGED,
        **who,
        subject_id=subscription.user_id,
        target=subscription,
        changes={"plan": [old[0], change.to_plan.name], "amount_gross": [old[1], str(change.amount_gross)]},
    )
    if change.mollie_updated_at is None:
        after_commit(PLAN_CHANGE_MOLLIE_UPDATE, change.pk)


def proration_settled(subscription: Subscription, payment: Payment) -> None:
    """The pro-rata charge of an upgrade reached a final status (the payment and its
    subscription are locked by the caller; called once, when the status changes)."""
    change = PlanChange.objects.select_for_update().select_related("to_plan").filter(payment=payment).first()
    if change is None or change.status != PlanChange.Status.CHARGING:
        return
    if payment.status != Payment.Status.PAID:
        change.status = PlanChange.Status.FAILED
        change.save(update_fields=["status"])
        record(
            Action.PLAN_CHANGE_FAILED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={"plan": [subscription.plan.name, change.to_plan.name], "payment_status": [None, payment.status]},
        )
        _mail(subscription, change)
        return
    if subscription.status != Subscription.Status.ACTIVE:
        # Ended meanwhile: the money is recorded and invoiced, staff refunds; no change.
        logger.warning(
            "Proration %s paid for subscription %s in status %s", payment.pk, subscription.pk, subscription.status
        )
        change.status = PlanChange.Status.FAILED
        change.save(update_fields=["status"])
        _invoice(subscription, payment, change)
        return
    _apply(change, subscription, system=System.MOLLIE)
    _invoice(subscription, payment, change)
    _mail(subscription, change)


def _invoice(subscription: Subscription, payment: Payment, change: PlanChange) -> None:
    """The pro-rata charge's invoice: the days it was computed for (from the day of the
    request up to the end of the period paid then), however late it was paid."""
    with translation.override("nl"):
        description = f"{change.to_plan.billing_name}: verrekening overstap van {change.from_plan.name} (pro rata)"
    invoice_issue(
        payment,
        subscription,
        change.effective_on,
        period_end=change.charged_until - timedelta(days=1),
        description=description,
    )


def scheduled_apply(subscription: Subscription, *, on: date) -> bool:
    """A scheduled change whose date has come (``on``: the start of the period being paid,
    or today) moves the (locked) subscription to its plan. True if it did."""
    change = (
        subscription.plan_changes.select_for_update()
        .select_related("to_plan", "from_plan")
        .filter(status=PlanChange.Status.SCHEDULED, effective_on__lte=on)
        .first()
    )
    if change is None:
        return False
    _apply(change, subscription, system=System.BILLING)
    _mail(subscription, change)
    return True


def plan_changes_due() -> int:
    """Apply every scheduled change whose date has come (the subscription's period rolled
    over without its charge being applied yet). Run by reconciliation; idempotent."""
    today = timezone.localdate()
    done = 0
    for subscription_id in PlanChange.objects.filter(
        status=PlanChange.Status.SCHEDULED, effective_on__lte=today
    ).values_list("subscription_id", flat=True):
        with transaction.atomic():
            subscription = lock_subscription(Subscription(pk=subscription_id))
            if subscription.status in Subscription.CHARGED:
                done += scheduled_apply(subscription, on=today)
            else:  # ended meanwhile: the change lapses
                PlanChange.objects.filter(subscription=subscription, status=PlanChange.Status.SCHEDULED).update(
                    status=PlanChange.Status.CANCELED
                )
    return done


def plan_change_mollie_update(*, change_id: int) -> bool:
    """PATCH Mollie's live subscription to the change's amount and plan name (from its next
    charge on). Idempotent (key from the change; done once, recorded). True if it did."""
    change = PlanChange.objects.select_related("subscription__customer", "to_plan").get(pk=change_id)
    subscription = change.subscription
    remote = subscription.active_remote()
    if change.mollie_updated_at or change.status in (PlanChange.Status.FAILED, PlanChange.Status.CANCELED):
        return False
    if change.status == PlanChange.Status.CHARGING or remote is None:
        # Not paid yet, or no Mollie subscription yet: the one created later uses the
        # subscription's amount (after an upgrade), nothing to do for now.
        return False
    index = subscription.remote_subscriptions.filter(id__lt=remote.id).count()
    mollie.subscription_amount_update(
        customer_id=subscription.customer.mollie_id,
        subscription_id=remote.mollie_id,
        amount=change.amount_gross,
        description=f"{change.to_plan.billing_name} #{subscription.pk}-{index}",
        idempotency_key=f"change-{change.pk}-amount",
    )
    with transaction.atomic():
        locked = PlanChange.objects.select_for_update().get(pk=change.pk)
        if locked.mollie_updated_at is not None:
            return False
        locked.mollie_updated_at = current_time()
        locked.save(update_fields=["mollie_updated_at"])
        record(
            Action.PLAN_CHANGE_MOLLIE_UPDATED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={"mollie_subscription": [None, remote.mollie_id], "amount": [None, str(change.amount_gross)]},
        )
    return True


def _mail(subscription: Subscription, change: PlanChange) -> None:
    user = subscription.user
    if user is None or not user.email:
        return
    language = subscription.language or settings.LANGUAGE_CODE
    with translation.override(language):
        values = {
            "old": change.from_plan.name,
            "new": change.to_plan.name,
            "date": formats.date_format(change.effective_on, "j F Y"),
            "amount": euro(change.amount_gross),
        }
        if change.status == PlanChange.Status.FAILED:
            subject = _("Uw abonnementsvorm is niet gewijzigd")
            body = (
                _(
                    "De verrekening voor de overstap van %(old)s naar %(new)s kon niet worden afgeschreven. "
                    "Uw abonnement blijft %(old)s; er is niets gewijzigd."
                )
                % values
            )
        elif change.status == PlanChange.Status.SCHEDULED:
            subject = _("Uw wijziging van abonnementsvorm is ingepland")
            body = (
                _(
                    "Uw abonnement gaat op %(date)s over van %(old)s naar %(new)s. "
                    "Vanaf die termijn wordt %(amount)s per termijn afgeschreven."
                )
                % values
            )
        else:
            subject = _("Uw abonnementsvorm is gewijzigd")
            body = (
                _(
                    "Uw abonnement is gewijzigd van %(old)s naar %(new)s. "
                    "Vanaf de volgende termijn wordt %(amount)s per termijn afgeschreven."
                )
                % values
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
