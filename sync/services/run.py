"""One run of one customer's koppeling: the enabled flows, in order, for a bounded batch.

customers → relations, items → articles, orders → sales invoices, then the payment status
back. Each order is finished (synced, failed, or put back with a backoff) in its own small
write, so a worker killed mid-run loses at most the order it was busy with, and that one is
made again without a duplicate:

* a relation or an article is always looked up (e-mail, code) before it is created;
* before the POST of a sales invoice the order's ``attempts`` is raised and committed; an
  order with ``attempts`` above zero may already be in Exact, so it is looked up by
  ``YourRef`` (the order number) before it is sent again.

Exact's limits: the client (``koppeling.exact``) keeps the minute and day budgets from the
answers' headers and refuses to call a blocked endpoint; a run stops at the first
``ExactRateLimited`` and is planned again for when the budget is back. The run stops calling
an endpoint well before Exact's error rule (``SYNC_ENDPOINT_ERROR_LIMIT`` errors in the
hour), and asks for a new access token only when the current one is about to expire (or
after Exact refused it, but never within 9.5 minutes of the previous refresh).

One run per division at a time: a PostgreSQL advisory lock held by the run's database
session (released by PostgreSQL itself when a killed worker's connection drops).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DatabaseError
from django.db import connection as db
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from koppeling import exact
from koppeling.models import Connection, Flow, KoppelingSettings
from koppeling.selectors import koppeling_status
from koppeling.services import KoppelingError, connection_access_token
from sync.models import SyncedArticle, SyncRun, SyncState
from sync.services import schedule
from webshop.models import Order

logger = logging.getLogger(__name__)

LOCK_CLASS = 0x53594E  # the first key of the advisory lock: "SYN"
REFRESH_AT_MOST_EVERY = timedelta(minutes=9, seconds=30)
SHIPPING_CODE = "VERZENDKOSTEN"
ITEM_CODE_LENGTH = 30  # Exact's logistics/Items Code
ENDPOINT_ACCOUNTS = "crm/Accounts"
ENDPOINT_ITEMS = "logistics/Items"
ENDPOINT_INVOICES = "salesinvoice/SalesInvoices"
ENDPOINT_RECEIVABLES = "cashflow/Receivables"


class OrderInvalid(Exception):
    """The order cannot go to Exact as the settings stand: failed, with a hint (no call made)."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


class StopRun(Exception):
    """Nothing more can be done in this run. ``until``: when to try again (None: next interval)."""

    def __init__(self, message: str, *, outcome: str, until: datetime | None = None) -> None:
        super().__init__(message)
        self.message, self.outcome, self.until = message, outcome, until


@dataclass
class Counts:
    synced: int = 0
    failed: int = 0
    skipped: int = 0


# --- the lock ---------------------------------------------------------------------------------


@contextmanager
def division_lock(key: int) -> Iterator[bool]:
    """Yields whether this process holds the division's lock (never waits). PostgreSQL: a
    session advisory lock, gone with the connection when the worker dies. Elsewhere (SQLite
    under ``make run``): a cache entry that expires."""
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, key])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                try:
                    with db.cursor() as cursor:
                        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, key])
                except DatabaseError:  # the connection is gone, and the lock with it
                    logger.warning("sync: unlocking division %s failed", key)
        return
    cache_key = f"sync:lock:{key}"
    held = cache.add(cache_key, 1, timeout=settings.SYNC_RUN_SECONDS * 3 + 60)
    try:
        yield held
    finally:
        if held:
            cache.delete(cache_key)


def _lock_key(connection: Connection) -> int:
    return int(connection.division) if connection.division else -int(connection.user_id)


# --- talking to Exact -------------------------------------------------------------------------


class _Exact:
    """The run's access to Exact: one division, one access token, calls counted, the error
    rule kept."""

    def __init__(self, connection: Connection) -> None:
        self.connection_id = connection.pk
        self.division = int(connection.division)
        self.calls = 0
        self.token = connection_access_token(connection_id=self.connection_id)

    def guard(self, endpoint: str) -> None:
        errors = exact.error_count(division=self.division, endpoint=endpoint)
        if errors >= settings.SYNC_ENDPOINT_ERROR_LIMIT:
            raise StopRun(
                _("Exact Online meldde te veel fouten; de koppeling wacht een uur met %(endpoint)s.")
                % {"endpoint": endpoint},
                outcome=SyncRun.Outcome.PAUSED,
                until=timezone.now() + timedelta(hours=1),
            )

    def __call__(self, endpoint: str, function: Callable[..., Any], **arguments: Any) -> Any:
        self.guard(endpoint)
        self.calls += 1
        try:
            return function(access_token=self.token, division=self.division, **arguments)
        except exact.ExactUnauthorized:
            self._renew()
            self.calls += 1
            return function(access_token=self.token, division=self.division, **arguments)

    def _renew(self) -> None:
        """Exact refused the token. A new one at most once per 9.5 minutes: a refresh sooner
        is refused by Exact and counts against the app."""
        issued = Connection.objects.filter(pk=self.connection_id).values_list("refreshed_at", "connected_at").first()
        refreshed_at = (issued[0] or issued[1]) if issued else None
        now = timezone.now()
        if refreshed_at and now - refreshed_at < REFRESH_AT_MOST_EVERY:
            raise StopRun(
                _("Exact Online weigerde de toegang; de koppeling probeert het later opnieuw."),
                outcome=SyncRun.Outcome.FAILED,
                until=refreshed_at + REFRESH_AT_MOST_EVERY,
            )
        self.token = connection_access_token(connection_id=self.connection_id, failed_token=self.token)


# --- reading the order ------------------------------------------------------------------------


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise OrderInvalid(
            "invalid_order", _("De bestelling bevat een ongeldig getal (%(what)s).") % {"what": what}, ""
        ) from None
    if not number.is_finite():
        raise OrderInvalid(
            "invalid_order", _("De bestelling bevat een ongeldig getal (%(what)s).") % {"what": what}, ""
        )
    return number


def _rate_label(rate: Decimal) -> str:
    return f"{rate.normalize():f}"


@dataclass(frozen=True)
class _Line:
    code: str
    description: str
    quantity: Decimal
    price: Decimal
    vat_code: str


def _vat_code(koppeling: KoppelingSettings, rate: Decimal) -> str:
    by_rate = {
        Decimal(21): koppeling.vat_code_high,
        Decimal(9): koppeling.vat_code_low,
        Decimal(0): koppeling.vat_code_zero,
    }
    code = by_rate.get(rate, "")
    if not code:
        label = _rate_label(rate)
        raise OrderInvalid(
            "vat_unmapped",
            _("BTW-tarief %(rate)s%% heeft geen BTW-code in Exact Online.") % {"rate": label},
            _("BTW-tarief %(rate)s%% is niet gekoppeld: kies een BTW-code bij Instellingen") % {"rate": label},
        )
    return code


def _lines(order: Order, koppeling: KoppelingSettings) -> list[_Line]:
    payload = order.payload if isinstance(order.payload, dict) else {}
    lines: list[_Line] = []
    for row in payload.get("lines") or []:
        if not isinstance(row, dict):
            continue
        code = str(row.get("sku") or "").strip()
        if not code:
            raise OrderInvalid("invalid_order", _("Een regel van de bestelling heeft geen artikelcode."), "")
        if len(code) > ITEM_CODE_LENGTH:  # cut short, two SKUs could become one article
            raise OrderInvalid(
                "sku_too_long",
                _("Artikelcode %(code)s is langer dan %(n)s tekens; Exact Online staat dat niet toe.")
                % {"code": code, "n": ITEM_CODE_LENGTH},
                _("Gebruik in de webwinkel artikelcodes van hoogstens %(n)s tekens en kies 'Opnieuw proberen'")
                % {"n": ITEM_CODE_LENGTH},
            )
        lines.append(
            _Line(
                code=code,
                description=str(row.get("description") or code)[:60],
                quantity=_decimal(row.get("quantity"), "aantal"),
                price=_decimal(row.get("unit_price"), "prijs"),
                vat_code=_vat_code(koppeling, _decimal(row.get("vat_rate"), "btw-tarief")),
            )
        )
    shipping = payload.get("shipping")
    amount = shipping.get("amount") if isinstance(shipping, dict) else payload.get("shipping_amount")
    rate = shipping.get("vat_rate") if isinstance(shipping, dict) else payload.get("shipping_vat_rate")
    if amount not in (None, "", 0, "0") and _decimal(amount, "verzendkosten") != 0:
        lines.append(
            _Line(
                code=SHIPPING_CODE,
                description=_("Verzendkosten"),
                quantity=Decimal(1),
                price=_decimal(amount, "verzendkosten"),
                vat_code=_vat_code(koppeling, _decimal(rate if rate is not None else 21, "btw-tarief")),
            )
        )
    if not lines:
        raise OrderInvalid("invalid_order", _("De bestelling heeft geen regels."), "")
    return lines


def _customer(order: Order) -> dict:
    payload = order.payload if isinstance(order.payload, dict) else {}
    customer = payload.get("customer")
    return customer if isinstance(customer, dict) else {}


# --- the run ----------------------------------------------------------------------------------


class _Engine:
    def __init__(self, *, user, koppeling: KoppelingSettings, connection: Connection, run: SyncRun) -> None:
        self.user = user
        self.koppeling = koppeling
        self.flows = set(koppeling.flows or [])
        self.connection = connection
        self.division = int(connection.division)
        self.run = run
        self.counts = Counts()
        self.accounts: dict[str, str] = {}
        self.articles: dict[str, str] = dict(
            SyncedArticle.objects.filter(user=user, division=self.division).values_list("code", "exact_id")
        )
        self.deadline = time.monotonic() + settings.SYNC_RUN_SECONDS
        self.exact: _Exact | None = None
        self.backlog = False

    # the orders --------------------------------------------------------------------------

    def queue(self):
        now = timezone.now()
        orders = Order.objects.filter(user=self.user, status=Order.Status.RECEIVED).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        if self.koppeling.start_date:
            orders = orders.filter(order_date__gte=self.koppeling.start_date)
        if Flow.ORDERS not in self.flows:
            orders = orders.filter(exact_account_id="")
        return orders.order_by("received_at", "pk")

    def work(self) -> None:
        if self.koppeling.start_date:
            self.counts.skipped = Order.objects.filter(
                user=self.user, status=Order.Status.RECEIVED, order_date__lt=self.koppeling.start_date
            ).count()
        if self.flows & {Flow.ORDERS, Flow.CUSTOMERS, Flow.ITEMS}:
            batch = list(self.queue()[: settings.SYNC_BATCH_ORDERS + 1])
            self.backlog = len(batch) > settings.SYNC_BATCH_ORDERS
            for order in batch[: settings.SYNC_BATCH_ORDERS]:
                if time.monotonic() > self.deadline:
                    self.backlog = True
                    break
                self.one(order)
        if Flow.PAYMENT_STATUS in self.flows and time.monotonic() < self.deadline:
            self.payments()

    def client(self) -> _Exact:
        if self.exact is None:
            self.exact = _Exact(self.connection)
        return self.exact

    def one(self, order: Order) -> None:
        try:
            self.order(order)
        except OrderInvalid as error:
            self.fail(order, error.code, error.message, error.hint)
        except exact.ExactRateLimited as error:
            raise StopRun(
                _("De limiet van Exact Online is bereikt; de koppeling gaat verder om %(time)s.")
                % {"time": timezone.localtime(error.reset_at).strftime("%H:%M")},
                outcome=SyncRun.Outcome.PAUSED,
                until=error.reset_at,
            ) from error
        except exact.ExactValidationError as error:
            self.fail(order, "exact_refused", error.exact_message or str(error), _hint(error.endpoint))
        except exact.ExactRefused as error:
            self.fail(order, f"exact_{error.status}", error.exact_message or str(error), _hint(error.endpoint))
        except exact.ExactUnavailable as error:  # ambiguous or not reached: try again later
            self.later(order, str(error))

    def order(self, order: Order) -> None:
        lines = _lines(order, self.koppeling) if Flow.ORDERS in self.flows else []
        if Flow.ORDERS in self.flows and not self.koppeling.sales_journal:
            raise OrderInvalid(
                "no_journal",
                _("Er is geen verkoopdagboek gekozen."),
                _("Kies een verkoopdagboek bij Instellingen"),
            )
        if Flow.ORDERS in self.flows and order.attempts and order.exact_division in (None, self.division):
            # An earlier POST may have reached Exact: look before sending it again.
            found = self.client()(ENDPOINT_INVOICES, exact.find_sales_invoice, your_ref=order.number)
            if found is not None:
                self.synced(order, found, account_id=order.exact_account_id)
                return
        account_id = self.relation(order)
        if Flow.ORDERS not in self.flows:
            if self.flows & {Flow.ITEMS}:
                self.items(_lines_for_items(order))
            Order.objects.filter(pk=order.pk).update(exact_account_id=account_id, exact_division=self.division)
            return
        items = self.items(lines)
        Order.objects.filter(pk=order.pk, status=Order.Status.RECEIVED).update(
            attempts=F("attempts") + 1, exact_division=self.division, exact_account_id=account_id
        )
        invoice = self.client()(
            ENDPOINT_INVOICES,
            exact.create_sales_invoice,
            ordered_by=account_id,
            journal=self.koppeling.sales_journal,
            your_ref=order.number,
            invoice_date=order.order_date,
            description=(_("Webshopbestelling %(number)s") % {"number": order.number})[:60],
            lines=[
                exact.InvoiceLine(
                    item_id=items[line.code],
                    quantity=line.quantity,
                    net_price=line.price,
                    vat_code=line.vat_code,
                    description=line.description,
                )
                for line in lines
            ],
        )
        self.synced(order, invoice, account_id=account_id)

    def relation(self, order: Order) -> str:
        """customers → relations: by code (when the webshop sends one) or e-mail; created
        only while that flow is ticked."""
        if order.exact_account_id and order.exact_division == self.division:
            return order.exact_account_id
        customer = _customer(order)
        email = str(customer.get("email") or "").strip().lower()
        code = str(customer.get("code") or "").strip()
        code = code if code.isdigit() and len(code) <= exact.ACCOUNT_CODE_WIDTH else ""
        key = f"code:{code}" if code else f"email:{email}"
        if not code and not email:
            raise OrderInvalid(
                "no_customer", _("De bestelling heeft geen e-mailadres van de klant."), _("Stuur het e-mailadres mee")
            )
        if key in self.accounts:
            return self.accounts[key]
        if not code:
            earlier = (
                Order.objects.filter(
                    user=self.user, exact_division=self.division, payload__customer__email__iexact=email
                )
                .exclude(exact_account_id="")
                .values_list("exact_account_id", flat=True)
                .first()
            )
            if earlier:
                self.accounts[key] = earlier
                return earlier
        lookup = {"code": code} if code else {"email": email}
        found = self.client()(ENDPOINT_ACCOUNTS, exact.find_account, **lookup)
        if found is None:
            if Flow.CUSTOMERS not in self.flows:
                raise OrderInvalid(
                    "relation_missing",
                    _("De klant bestaat niet als relatie in Exact Online."),
                    _("Zet 'Klanten → relaties' aan bij Instellingen, of maak de relatie aan in Exact Online"),
                )
            address = customer.get("address") if isinstance(customer.get("address"), dict) else {}
            found = self.client()(
                ENDPOINT_ACCOUNTS,
                exact.create_account,
                name=str(customer.get("company") or customer.get("name") or email)[:50],
                email=email,
                code=code,
                phone=str(customer.get("phone") or "")[:30],
                address_line=str(address.get("street") or "")[:100],
                postcode=str(address.get("postal_code") or "")[:20],
                city=str(address.get("city") or "")[:60],
                country=str(address.get("country") or "")[:2],
                vat_number=str(customer.get("vat_id") or "")[:30],
            )
        self.accounts[key] = found.id
        return found.id

    def items(self, lines: list[_Line]) -> dict[str, str]:
        """items → articles: by code; created only while that flow is ticked."""
        found: dict[str, str] = {}
        for line in lines:
            if line.code in found:
                continue
            if line.code not in self.articles:
                item = self.client()(ENDPOINT_ITEMS, exact.find_item, code=line.code)
                if item is None:
                    if Flow.ITEMS not in self.flows:
                        raise OrderInvalid(
                            "item_missing",
                            _("Artikel %(code)s bestaat niet in Exact Online.") % {"code": line.code},
                            _(
                                "Zet 'Producten → artikelen' aan bij Instellingen, of maak het artikel aan in Exact Online"
                            ),
                        )
                    item = self.client()(
                        ENDPOINT_ITEMS, exact.create_item, code=line.code, description=line.description or line.code
                    )
                SyncedArticle.objects.update_or_create(
                    user=self.user, division=self.division, code=line.code, defaults={"exact_id": item.id}
                )
                self.articles[line.code] = item.id
            found[line.code] = self.articles[line.code]
        return found

    # what became of the order ---------------------------------------------------------------

    def synced(self, order: Order, invoice: exact.ExactSalesInvoice, *, account_id: str) -> None:
        changed = Order.objects.filter(pk=order.pk, status=Order.Status.RECEIVED).update(
            status=Order.Status.SYNCED,
            exact_division=self.division,
            exact_account_id=account_id or order.exact_account_id,
            exact_invoice_id=invoice.id,
            exact_invoice_number=str(invoice.number or ""),
            synced_at=timezone.now(),
            next_attempt_at=None,
            error_code="",
            error_message="",
            error_hint="",
            failed_at=None,
        )
        self.counts.synced += changed

    def fail(self, order: Order, code: str, message: str, hint: str) -> None:
        changed = Order.objects.filter(pk=order.pk, status=Order.Status.RECEIVED).update(
            status=Order.Status.FAILED,
            error_code=code[:40],
            error_message=message[:2000],
            error_hint=(hint or _("Pas de bestelling of de instellingen aan en kies 'Opnieuw proberen'"))[:300],
            failed_at=timezone.now(),
            next_attempt_at=None,
        )
        self.counts.failed += changed

    def later(self, order: Order, reason: str) -> None:
        """Exact did not answer (or its answer was lost): try again after a backoff; after
        SYNC_GIVE_UP_AFTER the order fails and waits for the customer."""
        now = timezone.now()
        if now - order.received_at > timedelta(seconds=settings.SYNC_GIVE_UP_AFTER):
            self.fail(
                order,
                "exact_unavailable",
                _("Exact Online gaf herhaaldelijk geen antwoord."),
                _("Kies 'Opnieuw proberen' als Exact Online weer bereikbaar is"),
            )
            return
        tries = max(order.attempts, 1)
        delay = min(3600, settings.SYNC_RETRY_BACKOFF * 2 ** min(tries, 7))
        logger.info("sync: order %s put back for %ss (%s)", order.pk, delay, reason)
        Order.objects.filter(pk=order.pk, status=Order.Status.RECEIVED).update(
            next_attempt_at=now + timedelta(seconds=delay)
        )

    # payment status back ----------------------------------------------------------------------

    def payments(self) -> None:
        journal = self.koppeling.sales_journal
        if not journal:
            return
        now = timezone.now()
        cutoff = now - timedelta(seconds=settings.SYNC_PAYMENT_CHECK_EVERY)
        due = (
            Order.objects.filter(user=self.user, status=Order.Status.SYNCED, exact_division=self.division)
            .exclude(exact_invoice_number="")
            .exclude(payment_status=Order.PaymentStatus.PAID)
            .filter(  # a new invoice is unpaid: first read one check period after the sync
                Q(payment_checked_at__isnull=True, synced_at__lt=cutoff) | Q(payment_checked_at__lt=cutoff)
            )
            .order_by(F("payment_checked_at").asc(nulls_first=True), "pk")[: settings.SYNC_PAYMENT_BATCH]
        )
        states = {
            exact.PaymentState.PAID: Order.PaymentStatus.PAID,
            exact.PaymentState.OPEN: Order.PaymentStatus.OPEN,
            exact.PaymentState.UNBOOKED: Order.PaymentStatus.UNKNOWN,
        }
        for order in list(due):
            if time.monotonic() > self.deadline or not order.exact_invoice_number.isdigit():
                break
            try:
                status = self.client()(
                    ENDPOINT_RECEIVABLES,
                    exact.payment_status,
                    invoice_number=int(order.exact_invoice_number),
                    journal=journal,
                )
            except exact.ExactRateLimited:
                raise
            except exact.ExactError:
                logger.info("sync: payment status of order %s not read", order.pk)
                continue
            Order.objects.filter(pk=order.pk).update(payment_status=states[status.state], payment_checked_at=now)


def _lines_for_items(order: Order) -> list[_Line]:
    payload = order.payload if isinstance(order.payload, dict) else {}
    return [
        _Line(str(row.get("sku")).strip(), str(row.get("description") or "")[:60], Decimal(1), Decimal(0), "")
        for row in payload.get("lines") or []
        if isinstance(row, dict) and row.get("sku") and len(str(row.get("sku")).strip()) <= ITEM_CODE_LENGTH
    ]


def _hint(endpoint: str) -> str:
    if endpoint == ENDPOINT_ACCOUNTS:
        return _("Controleer de klantgegevens van de bestelling en kies 'Opnieuw proberen'")
    if endpoint == ENDPOINT_ITEMS:
        return _("Controleer de artikelen van de bestelling en kies 'Opnieuw proberen'")
    return _("Controleer de instellingen (dagboek, BTW-codes) en de bestelling en kies 'Opnieuw proberen'")


# --- the entry point --------------------------------------------------------------------------


def _state(user) -> SyncState:
    state, _created = SyncState.objects.get_or_create(user=user)
    return state


def _next_due(user, interval_minutes: int) -> datetime:
    now = timezone.now()
    planned = now + timedelta(minutes=interval_minutes)
    soonest = Order.objects.filter(
        user=user, status=Order.Status.RECEIVED, next_attempt_at__isnull=False, next_attempt_at__gt=now
    ).aggregate(at=Min("next_attempt_at"))["at"]
    return min(planned, soonest) if soonest else planned


def run_division(*, user_id: int, trigger: str = SyncRun.Trigger.BEAT) -> SyncRun | None:
    """Run the customer's koppeling once (a bounded batch). None when it may not run now or
    another run holds the division; otherwise the finished run."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    status = koppeling_status(user=user)
    SyncState.objects.filter(user=user).update(queued_at=None)
    koppeling = status.settings
    connection = status.connection
    if not status.may_run or koppeling is None or connection is None or not connection.division:
        interval = koppeling.sync_interval_minutes if koppeling else 60
        SyncState.objects.update_or_create(
            user=user, defaults={"next_run_at": timezone.now() + timedelta(minutes=interval), "backlog": False}
        )
        return None
    with division_lock(_lock_key(connection)) as held:
        if not held:
            logger.info("sync: division %s is busy; run of user %s skipped", connection.division, user_id)
            return None
        SyncRun.objects.filter(user=user, outcome=SyncRun.Outcome.RUNNING).update(
            outcome=SyncRun.Outcome.INTERRUPTED, finished_at=timezone.now()
        )
        run = SyncRun.objects.create(user=user, division=connection.division, trigger=trigger)
        engine = _Engine(user=user, koppeling=koppeling, connection=connection, run=run)
        stop: StopRun | None = None
        try:
            engine.work()
        except StopRun as error:
            stop = error
        except KoppelingError as error:
            stop = StopRun(str(error), outcome=SyncRun.Outcome.FAILED)
        except exact.ExactRateLimited as error:
            stop = StopRun(
                _("De limiet van Exact Online is bereikt; de koppeling gaat later verder."),
                outcome=SyncRun.Outcome.PAUSED,
                until=error.reset_at,
            )
        except exact.ExactError as error:
            logger.warning("sync: run %s stopped: %s", run.pk, error.__class__.__name__)
            stop = StopRun(
                _("Exact Online was niet bereikbaar; de koppeling probeert het later opnieuw."),
                outcome=SyncRun.Outcome.FAILED,
                until=timezone.now() + timedelta(minutes=5),
            )
        run = _finish(engine, stop)
    _continue(run, stop)
    return run


CONTINUE_WITHIN = timedelta(seconds=90)  # a budget that resets this soon is waited for by a queued task


def _continue(run: SyncRun, stop: StopRun | None) -> None:
    """A run that stopped at its bound (or at the minute budget) queues its continuation, at
    the back of the queue, so other customers' runs queued meanwhile go first. Longer waits
    (the day budget, a blocked endpoint) are left to the tick, as is everything when tasks run
    eagerly."""
    if not settings.SYNC_CONTINUE_BACKLOG or current_app.conf.task_always_eager:
        return  # eager tasks (tests, development without Redis) would recurse: the tick continues
    state = SyncState.objects.filter(user_id=run.user_id).values_list("backlog", "next_run_at").first()
    if not state or not state[0]:
        return
    wait = (state[1] - timezone.now()).total_seconds() if state[1] else 0.0
    if stop is not None and (stop.until is None or wait > CONTINUE_WITHIN.total_seconds()):
        return
    schedule.queue_run(user_id=run.user_id, trigger=run.trigger, countdown=wait if wait > 0 else None)


def _finish(engine: _Engine, stop: StopRun | None) -> SyncRun:
    run, counts, now = engine.run, engine.counts, timezone.now()
    run.finished_at = now
    run.duration = now - run.started_at
    run.synced, run.failed, run.skipped = counts.synced, counts.failed, counts.skipped
    run.calls = engine.exact.calls if engine.exact else 0
    if stop is not None:
        run.outcome, run.message = stop.outcome, stop.message[:300]
    elif counts.failed:
        run.outcome = SyncRun.Outcome.ERRORS
    else:
        run.outcome = SyncRun.Outcome.OK
    run.save()
    if stop is not None and stop.until is not None:
        next_run, backlog = max(stop.until, now), True
    elif stop is not None:
        next_run, backlog = now + timedelta(minutes=engine.koppeling.sync_interval_minutes), False
    elif engine.backlog:
        next_run, backlog = now, True
    else:
        next_run, backlog = _next_due(engine.user, engine.koppeling.sync_interval_minutes), False
    SyncState.objects.update_or_create(
        user=engine.user, defaults={"next_run_at": next_run, "last_run_at": now, "backlog": backlog}
    )
    return run
