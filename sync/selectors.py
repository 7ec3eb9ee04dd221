"""Reads of the sync engine for the Synchronisatie page and the dashboard. Each is one bounded
query on indexed columns (the runs per customer, newest first; the orders' queue index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from koppeling.models import Flow, KoppelingSettings
from sync.models import SyncRun, SyncState
from webshop.models import Order

# What each flow does when ticked, in the order a run works through them.
FLOW_ORDER = (Flow.CUSTOMERS, Flow.ITEMS, Flow.ORDERS, Flow.PAYMENT_STATUS)
FLOW_EFFECT = {
    Flow.CUSTOMERS: _("Klanten worden in Exact Online gezocht op e-mailadres en anders als relatie aangemaakt."),
    Flow.ITEMS: _("Producten worden in Exact Online gezocht op artikelcode en anders als artikel aangemaakt."),
    Flow.ORDERS: _("Bestellingen worden verkoopfacturen in het gekozen dagboek, met uw bestelnummer als referentie."),
    Flow.PAYMENT_STATUS: _("De betaalstatus van de facturen wordt uit Exact Online gelezen."),
}
FLOW_OFF = _("Staat uit: de koppeling doet hier niets mee.")


@dataclass(frozen=True)
class FlowState:
    flow: str
    label: str
    enabled: bool
    effect: str  # what happens (enabled) or that nothing happens (not)


def last_run(*, user) -> SyncRun | None:
    return SyncRun.objects.filter(user=user).order_by("-started_at", "-pk").first()


RUNS_PER_PAGE = 25


def runs_page(*, user, page: str | int | None) -> Page:
    """One page of the customer's runs, newest first; a page number out of range or not a
    number gives the nearest page (two queries: the count and the page)."""
    return Paginator(SyncRun.objects.filter(user=user).order_by("-started_at", "-pk"), RUNS_PER_PAGE).get_page(page)


def runs(*, user, limit: int = 50) -> list[SyncRun]:
    """The customer's runs, newest first (time, duration, counts, outcome)."""
    return list(SyncRun.objects.filter(user=user).order_by("-started_at", "-pk")[:limit])


def open_error_count(*, user) -> int:
    return Order.objects.filter(user=user, status=Order.Status.FAILED).count()


def open_errors(*, user, limit: int = 100) -> list[Order]:
    """Failed orders, newest failure first, with Exact's message and our hint."""
    return list(
        Order.objects.filter(user=user, status=Order.Status.FAILED)
        .only(
            "pk",
            "user_id",
            "number",
            "order_date",
            "amount_gross",
            "error_code",
            "error_message",
            "error_hint",
            "failed_at",
            "status",
        )
        .order_by("-failed_at", "-pk")[:limit]
    )


def waiting_count(*, user) -> int:
    """Orders received and not yet in Exact (including those waiting for a retry)."""
    return Order.objects.filter(user=user, status=Order.Status.RECEIVED).count()


def next_run_at(*, user) -> datetime | None:
    return SyncState.objects.filter(user=user).values_list("next_run_at", flat=True).first()


def flows_state(*, user, settings: KoppelingSettings | None = None) -> list[FlowState]:
    """Each flow, ticked or not, and what that means (an unticked flow does nothing)."""
    if settings is None:
        settings = KoppelingSettings.objects.filter(user=user).only("flows").first()
    ticked = set(settings.flows or []) if settings else set()
    return [
        FlowState(
            flow=flow.value,
            label=str(flow.label),
            enabled=flow.value in ticked,
            effect=str(FLOW_EFFECT[flow] if flow.value in ticked else FLOW_OFF),
        )
        for flow in FLOW_ORDER
    ]


@dataclass(frozen=True)
class SyncSummary:
    """For the dashboard: the last run and the open errors (one query, ``summary``)."""

    last_run: SyncRun | None
    open_errors: int


# The dashboard's card, read on every visit of the dashboard: one fixed statement (the ORM's
# compilation of the same query cost several times its execution), portable between
# PostgreSQL and SQLite. The open errors are an index-only count on the orders' queue index
# (user, status, ...); the last run comes from the runs' (user, started_at) index.
_SUMMARY_SQL = (
    "SELECT e.n, r.id, r.started_at, r.outcome, r.synced, r.failed"
    " FROM (SELECT COUNT(*) AS n FROM {orders} WHERE user_id = %s AND status = %s) e"
    " LEFT JOIN (SELECT id, started_at, outcome, synced, failed FROM {runs} WHERE user_id = %s"
    " ORDER BY started_at DESC, id DESC LIMIT 1) r ON 1 = 1"
)


def summary(*, user) -> SyncSummary:
    """One query whatever the history: the last run (only what the card shows) and the count
    of open errors, always fresh (no cache: a fixed error leaves the count at once)."""
    sql = _SUMMARY_SQL.format(
        orders=connection.ops.quote_name(Order._meta.db_table), runs=connection.ops.quote_name(SyncRun._meta.db_table)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, Order.Status.FAILED.value, user.pk])
        open_errors, run_id, started_at, outcome, synced, failed = cursor.fetchone()
    if run_id is None:
        return SyncSummary(last_run=None, open_errors=open_errors)
    if isinstance(started_at, str):  # SQLite answers text
        started_at = parse_datetime(started_at)
    if timezone.is_naive(started_at):
        started_at = timezone.make_aware(started_at, UTC)
    run = SyncRun(id=run_id, user_id=user.pk, started_at=started_at, outcome=outcome, synced=synced, failed=failed)
    run._state.adding, run._state.db = False, connection.alias  # as if loaded: a stored row
    return SyncSummary(last_run=run, open_errors=open_errors)


# --- figures for the staff overview -------------------------------------------------------


@dataclass(frozen=True)
class RunsDay:
    day: date
    runs: int
    failing: int  # runs that ended with errors, failed or broke off
    synced: int  # orders written into Exact
    failed: int  # orders that failed

    @property
    def error_rate(self) -> float:
        """The share of failing runs, in per cent (0 on a day without runs)."""
        return 100 * self.failing / self.runs if self.runs else 0.0


FAILING_OUTCOMES = (SyncRun.Outcome.ERRORS, SyncRun.Outcome.FAILED, SyncRun.Outcome.INTERRUPTED)


def runs_per_day(*, days: int, now: datetime | None = None) -> list[RunsDay]:
    """The koppeling's runs of all customers per local day of the last ``days`` days: one query
    (on the index over ``started_at``)."""
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import TruncDate

    from core.buckets import days as last_days
    from core.buckets import start_of

    now = now or timezone.now()
    wanted = last_days(count=days, today=timezone.localdate(now))
    rows = (
        SyncRun.objects.filter(started_at__gte=start_of(wanted[0]), started_at__lte=now)
        .order_by()
        .annotate(day=TruncDate("started_at"))
        .values("day")
        .annotate(
            runs=Count("pk"),
            failing=Count("pk", filter=Q(outcome__in=FAILING_OUTCOMES)),
            synced=Sum("synced"),
            failed=Sum("failed"),
        )
    )
    found = {row["day"]: row for row in rows}
    return [
        RunsDay(
            day=day,
            runs=found[day]["runs"],
            failing=found[day]["failing"],
            synced=found[day]["synced"] or 0,
            failed=found[day]["failed"] or 0,
        )
        if day in found
        else RunsDay(day=day, runs=0, failing=0, synced=0, failed=0)
        for day in wanted
    ]
