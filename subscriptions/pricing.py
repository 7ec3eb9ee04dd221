"""The public price list (``/prijzen/``): reads only.

Prices are computed as a subscription and its invoices compute them: the amount charged is
the plan's price plus 21% VAT rounded half up to the cent (``subscription_start``), and the
invoice splits that amount back into net and VAT (``net = gross × 100 / 121``, half up).
Showing the same three numbers here means the page never promises a cent the invoice does
not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from subscriptions.models import CENT, VAT_RATE, Plan, with_vat


@dataclass(frozen=True)
class PlanPrice:
    plan: Plan
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_rate: Decimal
    included: tuple[str, ...]


def plan_price(plan: Plan, rate: Decimal = VAT_RATE) -> PlanPrice:
    gross = with_vat(plan.price, rate)
    net = (gross * Decimal("100") / (Decimal("100") + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    included = tuple(line.strip(" -•*\t") for line in plan.description.splitlines() if line.strip(" -•*\t"))
    return PlanPrice(plan=plan, net=net, vat=gross - net, gross=gross, vat_rate=rate, included=included)


def pricing_plans() -> list[PlanPrice]:
    """Every plan that can be taken out now (inactive plans are not offered)."""
    return [plan_price(plan) for plan in Plan.objects.filter(active=True).order_by("interval", "price", "name")]
