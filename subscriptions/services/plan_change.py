"""Changing plan (self-service): the rules, applied under the subscription's row lock.

Every move is shown first (:func:`plan_change_quote`: the amount charged now excl. and incl.
VAT, the new period amount, the date it applies from) and made only when the customer
confirms that same quote (its ``fingerprint``: a stale confirmation page is refused).

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
* **Monthly → yearly** takes effect at once: a new yearly period starts today. The charge is
  the yearly price minus the unused part of the paid month (the month's net price × the
  days left, today included / the days of that month), VAT on top. When it is paid the
  plan changes, the paid period runs to one year from the request, the charge is invoiced
  for that year, and Mollie's monthly subscription is replaced by a yearly one (Mollie
  cannot PATCH an interval) that starts when the year ends.
* **Yearly → monthly** is scheduled for the end of the paid year, like a downgrade; Mollie's
  yearly subscription is replaced at once by a monthly one that starts on that day.
* A **scheduled** change (downgrade, yearly → monthly) can be withdrawn until the day it
  takes effect (:func:`plan_change_withdraw`): Mollie's subscription goes back to the
  subscription's own amount and interval.
* The current plan, an inactive plan, a subscription that is not active or cancelled at the
  period end, the day the next charge is due: refused with a message, nothing changed.

One open change per subscription (a partial unique index; the subscription's row lock
serialises requests). The charge at Mollie is made by ``self_service`` (it needs
``payments``, which comes after this module)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
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
from subscriptions.models import CENT, MollieSubscription, Payment, Plan, PlanChange, Subscription, with_vat
from subscriptions.services.base import BillingError, current_time, lock_subscription, net_from_gross
from subscriptions.services.documents import invoice_issue
from subscriptions.services.mollie_sync import subscription_push

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


def _period_start(subscription: Subscription) -> date:
    end = subscription.current_period_end
    return end - (
        relativedelta(years=1) if subscription.plan.interval == Plan.Interval.YEAR else relativedelta(months=1)
    )


def interval_credit(*, subscription: Subscription, today: date) -> Decimal:
    """Monthly → yearly: the net value of the paid month's unused days (today included),
    rounded half up to the cent."""
    end = subscription.current_period_end
    period_days = (end - _period_start(subscription)).days
    days_left = max((end - today).days, 0)
    return (subscription.amount_net * days_left / period_days).quantize(CENT, rounding=ROUND_HALF_UP)


def _refuse_unless_changeable(subscription: Subscription, plan: Plan, *, today: date) -> None:
    if subscription.status != Subscription.Status.ACTIVE or subscription.current_period_end is None:
        raise BillingError(_("Alleen een actief abonnement kan van abonnementsvorm wisselen."))
    if today >= subscription.current_period_end:
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
    if subscription.plan_changes.filter(status__in=PlanChange.OPEN).exists():
        raise BillingError(_("Er loopt al een wijziging van uw abonnementsvorm."))


class StaleQuote(BillingError):
    """The confirmation page the customer confirmed no longer matches what would happen."""


@dataclass(frozen=True)
class PlanChangeQuote:
    """What moving ``subscription`` to ``plan`` today would do, as the confirmation page
    shows it and :func:`plan_change_request` then does it."""

    plan: Plan
    kind: str  # upgrade, downgrade, to_yearly, to_monthly
    now_net: Decimal  # charged now (0 for a scheduled change)
    now_gross: Decimal
    credit_net: Decimal  # monthly → yearly: the unused days of the month, deducted
    new_net: Decimal  # the new period amount
    new_gross: Decimal
    applies_on: date  # the day the new plan applies from
    charged_until: date | None  # at once: the new paid period ends the day before
    next_charge_on: date  # the next automatic payment after the move
    fingerprint: str

    @property
    def at_once(self) -> bool:
        return self.kind in ("upgrade", "to_yearly")

    @property
    def now_vat(self) -> Decimal:
        return self.now_gross - self.now_net

    @property
    def new_vat(self) -> Decimal:
        return self.new_gross - self.new_net


def plan_change_quote(*, subscription: Subscription, plan: Plan, today: date | None = None) -> PlanChangeQuote:
    """The quote for moving ``subscription`` to ``plan`` on ``today``. Raises
    :class:`BillingError` with the reason when the move cannot be made. Reads only."""
    today = today or timezone.localdate()
    _refuse_unless_changeable(subscription, plan, today=today)
    new_net = plan.price
    new_gross = with_vat(new_net, subscription.vat_rate)
    end = subscription.current_period_end
    credit = Decimal("0")
    charged_until = None
    if plan.interval == subscription.plan.interval:
        if plan.price > subscription.amount_net:
            kind = "upgrade"
            now_net, _gross = proration(subscription=subscription, plan=plan, today=today)
            charged_until, applies_on, next_on = end, today, end
        else:
            kind = "downgrade"
            now_net, applies_on, next_on = Decimal("0"), end, end
    elif plan.interval == Plan.Interval.YEAR:
        kind = "to_yearly"
        credit = interval_credit(subscription=subscription, today=today)
        now_net = max(new_net - credit, Decimal("0"))
        charged_until = today + relativedelta(years=1)
        applies_on, next_on = today, charged_until
    else:
        kind = "to_monthly"
        now_net, applies_on, next_on = Decimal("0"), end, end
    now_net = max(now_net, Decimal("0"))
    now_gross = with_vat(now_net, subscription.vat_rate) if now_net > 0 else Decimal("0")
    facts = [
        subscription.pk,
        subscription.plan_id,
        subscription.amount_gross,
        end,
        plan.pk,
        new_gross,
        now_gross,
        applies_on,
        next_on,
    ]
    fingerprint = hashlib.sha256("|".join(str(f) for f in facts).encode()).hexdigest()[:32]
    return PlanChangeQuote(
        plan=plan,
        kind=kind,
        now_net=now_net,
        now_gross=now_gross,
        credit_net=credit,
        new_net=new_net,
        new_gross=new_gross,
        applies_on=applies_on,
        charged_until=charged_until,
        next_charge_on=next_on,
        fingerprint=fingerprint,
    )


@transaction.atomic
def plan_change_request(*, subscription: Subscription, plan: Plan, by, fingerprint: str | None = None) -> PlanChange:
    """Record the customer's change to ``plan`` as quoted (``fingerprint``: the quote the
    customer confirmed; another one raises :class:`StaleQuote`): a move at once waits for
    its charge (made at Mollie by ``self_service.plan_change_start``), a scheduled one is
    planned for the next period. Raises :class:`BillingError` with the reason when it
    cannot be done."""
    subscription = lock_subscription(subscription)
    plan = Plan.objects.get(pk=plan.pk)
    today = timezone.localdate()
    quote = plan_change_quote(subscription=subscription, plan=plan, today=today)
    if fingerprint is not None and fingerprint != quote.fingerprint:
        raise StaleQuote(
            _(
                "De gegevens op de bevestigingspagina zijn niet meer actueel. Er is niets gewijzigd; controleer de bedragen en bevestig opnieuw."
            )
        )
    payment = None
    if quote.at_once and quote.now_gross > 0:
        payment = Payment.objects.create(
            user=subscription.user,
            subscription=subscription,
            sequence_type=Payment.Sequence.RECURRING,
            purpose=Payment.Purpose.PRORATION,
            amount=quote.now_gross,
            charge_date=today,
        )
    try:
        with transaction.atomic():
            change = PlanChange.objects.create(
                subscription=subscription,
                from_plan=subscription.plan,
                to_plan=plan,
                kind=PlanChange.Kind.NOW if quote.at_once else PlanChange.Kind.NEXT_PERIOD,
                status=PlanChange.Status.CHARGING if quote.at_once else PlanChange.Status.SCHEDULED,
                effective_on=quote.applies_on,
                amount_net=quote.new_net,
                amount_gross=quote.new_gross,
                payment=payment,
                charged_until=quote.charged_until,
            )
    except IntegrityError:  # (only if the lock were bypassed)
        raise BillingError(_("Er loopt al een wijziging van uw abonnementsvorm.")) from None
    changes = {
        "plan": [subscription.plan.name, plan.name],
        "kind": [None, change.kind],
        "effective_on": [None, change.effective_on.isoformat()],
        "amount_gross": [str(subscription.amount_gross), str(quote.new_gross)],
    }
    if quote.kind in ("to_yearly", "to_monthly"):
        changes["interval"] = [subscription.plan.interval, plan.interval]
    if quote.credit_net:
        changes["credit_net"] = [None, str(quote.credit_net)]
    if payment is not None:
        changes["proration_gross"] = [None, str(quote.now_gross)]
        record(
            Action.PAYMENT_CREATED,
            actor=by,
            subject_id=subscription.user_id,
            target=payment,
            changes={"amount": [None, str(quote.now_gross)], "purpose": [None, Payment.Purpose.PRORATION]},
        )
    record(
        Action.PLAN_CHANGE_REQUESTED, actor=by, subject_id=subscription.user_id, target=subscription, changes=changes
    )
    if payment is None:
        if quote.at_once:  # nothing left to charge (the last day of the period): at once, free
            _apply(change, subscription, system=None, by=by)
        else:
            after_commit(PLAN_CHANGE_MOLLIE_UPDATE, change.pk)
            _mail(subscription, change)
    return change


@transaction.atomic
def plan_change_withdraw(*, subscription: Subscription, by) -> PlanChange:
    """The customer withdraws the scheduled change (until the day it takes effect): it is
    closed as withdrawn, Mollie's subscription goes back to the subscription's own amount
    and interval (after commit), and the customer is mailed. Raises :class:`BillingError`
    when there is nothing to withdraw (also on a second click)."""
    subscription = lock_subscription(subscription)
    change = (
        subscription.plan_changes.select_for_update()
        .select_related("to_plan", "from_plan")
        .filter(status__in=PlanChange.OPEN)
        .first()
    )
    if change is None:
        raise BillingError(_("Er is geen ingeplande wijziging om in te trekken."))
    if change.status == PlanChange.Status.CHARGING:
        raise BillingError(
            _("Deze wijziging wacht op de afschrijving van de verrekening en kan niet meer worden ingetrokken.")
        )
    if change.effective_on <= timezone.localdate():
        raise BillingError(_("Deze wijziging is al ingegaan en kan niet meer worden ingetrokken."))
    change.status = PlanChange.Status.CANCELED
    change.withdrawn_at = current_time()
    change.save(update_fields=["status", "withdrawn_at"])
    record(
        Action.PLAN_CHANGE_WITHDRAWN,
        actor=by,
        subject_id=subscription.user_id,
        target=subscription,
        changes={
            "plan": [change.to_plan.name, subscription.plan.name],
            "effective_on": [change.effective_on.isoformat(), None],
            "amount_gross": [str(change.amount_gross), str(subscription.amount_gross)],
        },
    )
    after_commit(PLAN_CHANGE_MOLLIE_UPDATE, change.pk)
    _mail(subscription, change)
    return change


def _apply(change: PlanChange, subscription: Subscription, *, system: System | None, by=None) -> None:
    """Move the (locked) subscription to the change's plan and tell Mollie the new amount."""
    old = (subscription.plan.name, str(subscription.amount_gross))
    fields = ["plan", "amount_net", "amount_gross"]
    if change.kind == PlanChange.Kind.NOW and change.from_plan.interval != change.to_plan.interval:
        # Monthly → yearly: the charge paid a new year from the request.
        subscription.current_period_end = change.charged_until
        fields.append("current_period_end")
    subscription.plan = change.to_plan
    subscription.amount_net = change.amount_net
    subscription.amount_gross = change.amount_gross
    subscription.save(update_fields=fields)
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
        if change.from_plan.interval != change.to_plan.interval:
            credit = change.amount_net - net_from_gross(payment.amount, subscription.vat_rate)
            description = (
                f"{change.to_plan.billing_name}: overstap van {change.from_plan.name}, "
                f"min {euro(credit)} excl. btw voor de ongebruikte dagen"
            )
        else:
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
    """Bring Mollie's live subscription in line with the change: the new amount (PATCH) from
    its next charge on, or, when the interval changes, a new Mollie subscription in place of
    the old one (Mollie cannot PATCH an interval). For a withdrawn change: back to the
    subscription's own amount and interval. Idempotent (keys from the change; each step
    done once, recorded). True if it did something."""
    change = PlanChange.objects.select_related("subscription__customer", "to_plan", "from_plan").get(pk=change_id)
    if change.status == PlanChange.Status.CANCELED and change.withdrawn_at is not None:
        return _mollie_restore(change)
    subscription = change.subscription
    remote = subscription.active_remote()
    if change.mollie_updated_at or change.status in (PlanChange.Status.FAILED, PlanChange.Status.CANCELED):
        return False
    if change.status == PlanChange.Status.CHARGING or remote is None:
        # Not paid yet, or no Mollie subscription yet: the one created later uses the
        # subscription's amount (after an upgrade), nothing to do for now.
        return False
    if change.from_plan.interval != change.to_plan.interval:
        _mollie_replace(subscription, remote, key=f"change-{change.pk}-replace")
        amount = change.amount_gross
    else:
        index = subscription.remote_subscriptions.filter(id__lt=remote.id).count()
        amount = change.amount_gross
        mollie.subscription_amount_update(
            customer_id=subscription.customer.mollie_id,
            subscription_id=remote.mollie_id,
            amount=amount,
            description=f"{change.to_plan.billing_name} #{subscription.pk}-{index}",
            idempotency_key=f"change-{change.pk}-amount",
        )
    with transaction.atomic():
        locked = PlanChange.objects.select_for_update().get(pk=change.pk)
        if locked.mollie_updated_at is not None:
            return False
        locked.mollie_updated_at = current_time()
        locked.save(update_fields=["mollie_updated_at"])
        now_remote = subscription.active_remote()
        record(
            Action.PLAN_CHANGE_MOLLIE_UPDATED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={
                "mollie_subscription": [remote.mollie_id, now_remote.mollie_id if now_remote else None],
                "amount": [None, str(amount)],
            },
        )
    return True


def _mollie_replace(subscription: Subscription, remote: MollieSubscription, *, key: str) -> None:
    """Cancel Mollie's subscription ``remote`` and let ``subscription_push`` create the one
    that charges the next period (its amount and interval: ``selectors.next_charge_plan``)."""
    mollie.subscription_cancel(
        customer_id=subscription.customer.mollie_id,
        subscription_id=remote.mollie_id,
        idempotency_key=f"{key}-{remote.mollie_id}",
    )
    with transaction.atomic():
        locked = MollieSubscription.objects.select_for_update().get(pk=remote.pk)
        if locked.canceled_at is None:
            locked.canceled_at = current_time()
            locked.save(update_fields=["canceled_at"])
            record(
                Action.SUBSCRIPTION_UNSCHEDULED,
                system=System.MOLLIE,
                subject_id=subscription.user_id,
                target=subscription,
                changes={"mollie_subscription": [remote.mollie_id, None]},
            )
    subscription_push(subscription_id=subscription.pk)


def _mollie_restore(change: PlanChange) -> bool:
    """A withdrawn change: Mollie charges the subscription's own amount and interval again."""
    if change.mollie_restored_at is not None:
        return False
    subscription = Subscription.objects.select_related("customer", "plan").get(pk=change.subscription_id)
    remote = subscription.active_remote()
    if remote is not None and subscription.status in Subscription.CHARGED:
        if change.from_plan.interval != change.to_plan.interval:
            _mollie_replace(subscription, remote, key=f"change-{change.pk}-restore")
        else:
            index = subscription.remote_subscriptions.filter(id__lt=remote.id).count()
            mollie.subscription_amount_update(
                customer_id=subscription.customer.mollie_id,
                subscription_id=remote.mollie_id,
                amount=subscription.amount_gross,
                description=f"{subscription.plan.billing_name} #{subscription.pk}-{index}",
                idempotency_key=f"change-{change.pk}-restore",
            )
    with transaction.atomic():
        locked = PlanChange.objects.select_for_update().get(pk=change.pk)
        if locked.mollie_restored_at is not None:
            return False
        locked.mollie_restored_at = current_time()
        locked.save(update_fields=["mollie_restored_at"])
        record(
            Action.PLAN_CHANGE_MOLLIE_UPDATED,
            system=System.MOLLIE,
            subject_id=subscription.user_id,
            target=subscription,
            changes={
                "withdrawn": [None, change.pk],
                "amount": [str(change.amount_gross), str(subscription.amount_gross)],
            },
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
            "current": euro(subscription.amount_gross),
            "next": formats.date_format(subscription.current_period_end, "j F Y")
            if subscription.current_period_end
            else "",
        }
        if change.status == PlanChange.Status.CANCELED:
            subject = _("Uw wijziging van abonnementsvorm is ingetrokken")
            body = (
                _(
                    "U heeft de overstap van %(old)s naar %(new)s per %(date)s ingetrokken. "
                    "Uw abonnement blijft %(old)s: op %(next)s wordt %(current)s afgeschreven."
                )
                % values
            )
        elif change.status == PlanChange.Status.FAILED:
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
