"""Orders coming in from the customer's webshop (the API's part of ``webshop.models.Order``).

Intake is idempotent. The same order number with the same content answers the stored
order again; the same number with other content is a conflict. An ``Idempotency-Key``
the webshop sends is honoured the same way. Two requests racing with the same number meet
at the database's unique constraint: the loser reads the winner's row and compares.

Amounts are computed here with ``Decimal``: each line's net amount rounded to cents, VAT
per rate over the sum of that rate's net amounts (as a Dutch invoice states it), half up.

An order is not an audit event: it is the webshop's data passing through (we act as a
processor for it), not something the customer did in the portal.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db import connection as db
from django.utils import timezone

from audit.events import Action
from audit.services import record
from consent.cookies.selectors import truncate_ip
from webshop.agreement import CURRENT_VERSION
from webshop.models import Order, ProcessorAgreementAcceptance

CENT = Decimal("0.01")
MAX_TOTAL = Decimal("9999999999.99")  # what Order's amount columns hold


class IntakeError(Exception):
    """The order cannot be taken in; ``code`` names why (the API turns it into a problem)."""

    code = "intake"


class OrderConflict(IntakeError):
    """The number or the Idempotency-Key was used before for other content."""

    code = "conflict"

    def __init__(self, *, order: Order, by_key: bool):
        super().__init__(order.number)
        self.order = order
        self.by_key = by_key


class TotalTooLarge(IntakeError):
    code = "total_too_large"


@dataclass(frozen=True)
class Amounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def order_amounts(payload: dict) -> Amounts:
    """Net, VAT and gross of a validated order (``payload`` as :func:`canonical_payload` makes it)."""
    net_per_rate: dict[int, Decimal] = {}
    for line in payload["lines"]:
        net = _cents(Decimal(line["quantity"]) * Decimal(line["unit_price"]))
        net_per_rate[line["vat_rate"]] = net_per_rate.get(line["vat_rate"], Decimal(0)) + net
    shipping = payload.get("shipping")
    if shipping:
        rate = shipping["vat_rate"]
        net_per_rate[rate] = net_per_rate.get(rate, Decimal(0)) + _cents(Decimal(shipping["amount"]))
    net = sum(net_per_rate.values(), Decimal(0))
    vat = sum((_cents(amount * rate / 100) for rate, amount in net_per_rate.items()), Decimal(0))
    return Amounts(net=net, vat=vat, gross=net + vat)


def canonical_payload(data: dict) -> dict:
    """The order as stored and hashed: decimals as normalised strings (``"2"`` and ``"2.00"``
    are the same quantity), the date in ISO form, keys as validated."""

    def clean(value):
        if isinstance(value, Decimal):
            text = format(value.normalize(), "f")
            return text
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, list):
            return [clean(item) for item in value]
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    return clean(data)


def content_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _existing(*, user, number: str, idempotency_key: str, digest: str) -> Order | None:
    """The stored order this request repeats, or None if it is new. Raises OrderConflict."""
    if idempotency_key:
        order = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if order is not None:
            if order.content_hash != digest:
                raise OrderConflict(order=order, by_key=True)
            return order
    order = Order.objects.filter(user=user, number=number).first()
    if order is not None and order.content_hash != digest:
        raise OrderConflict(order=order, by_key=False)
    return order


def _insert(order: Order) -> None:
    """One INSERT. Outside a transaction (a web request: autocommit) it commits on its own,
    one round trip instead of BEGIN, INSERT, COMMIT; inside one (a caller's atomic block,
    tests) it takes a savepoint, so a unique violation leaves the outer transaction usable."""
    if db.in_atomic_block:
        with transaction.atomic():
            order.save(force_insert=True)
    else:
        order.save(force_insert=True)


def order_receive(*, user, data: dict, idempotency_key: str = "") -> tuple[Order, bool]:
    """Take in one validated order (``webshop.schemas.OrderIn`` as a dict). Returns the
    order and whether it was new. Raises OrderConflict or TotalTooLarge.

    The insert comes first: a new order (the common case) costs one statement, and a repeat
    or a conflict is found by the unique constraints, which also settle a race."""
    payload = canonical_payload(data)
    digest = content_hash(payload)
    amounts = order_amounts(payload)
    if amounts.gross > MAX_TOTAL:
        raise TotalTooLarge(payload["number"])
    order = Order(
        user=user,
        number=payload["number"],
        order_date=data["date"],
        currency=payload["currency"],
        payload=payload,
        content_hash=digest,
        idempotency_key=idempotency_key,
        amount_net=amounts.net,
        amount_vat=amounts.vat,
        amount_gross=amounts.gross,
        paid_in_webshop=payload["paid"],
        received_at=timezone.now(),
    )
    try:
        _insert(order)
    except IntegrityError:
        # This number (or key) is stored already, perhaps by a request that raced this one.
        found = _existing(user=user, number=payload["number"], idempotency_key=idempotency_key, digest=digest)
        if found is None:  # pragma: no cover - the constraint fired, so the row exists
            raise
        return found, False
    return order, True


# --- the verwerkersovereenkomst ------------------------------------------------------------------


@transaction.atomic
def processor_agreement_accept(*, user, by, ip: str | None, user_agent: str) -> ProcessorAgreementAcceptance:
    """The customer accepts the current version (once per version; again is a no-op).
    Recorded like a consent: version, time, truncated network, browser; audited."""
    acceptance, created = ProcessorAgreementAcceptance.objects.get_or_create(
        user=user,
        version=CURRENT_VERSION,
        defaults={"ip_network": truncate_ip(ip), "user_agent": (user_agent or "")[:500]},
    )
    if created:
        record(
            Action.PROCESSOR_AGREEMENT_ACCEPTED,
            actor=by,
            subject=user,
            target=acceptance,
            changes={"versie": [None, acceptance.version]},
        )
    return acceptance


# --- stripping personal data at the end of its period (the register calls this) ------------------

# What stays of an order's payload once its period ends: the order log (number, date,
# currency, lines, shipping, paid) without the webshop's customer.
KEPT_AFTER_STRIPPING = ("number", "date", "currency", "lines", "shipping", "paid")


def orders_strip_personal_data(ids: list) -> int:
    """Remove the webshop customer's personal data from these orders' payloads (name,
    company, e-mail, phone, address, VAT id); number, amounts, Exact's ids and the status
    stay. Set-based per batch; an order already stripped is left alone."""
    now = timezone.now()
    stripped = []
    for order in Order.objects.filter(pk__in=ids, personal_data_stripped_at__isnull=True).only("pk", "payload"):
        order.payload = {key: order.payload[key] for key in KEPT_AFTER_STRIPPING if key in (order.payload or {})}
        order.personal_data_stripped_at = now
        stripped.append(order)
    Order.objects.bulk_update(stripped, ["payload", "personal_data_stripped_at"], batch_size=500)
    return len(stripped)
