"""Reads of the koppeling's state for the dashboard, the koppeling page and whatever runs
the koppeling. Bounded queries: one for the connection, one for the settings, and the
billing selector's two; the dashboard's ``dashboard_status`` is one fixed statement."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection as db
from django.db.models import DEFERRED, DecimalField
from django.utils.translation import gettext_lazy as _

from koppeling.models import Connection, KoppelingSettings
from subscriptions.models import Plan, PlanChange, Subscription
from subscriptions.selectors import BillingState, BillingSummary, billing_summary, summary_of


class KoppelingState(StrEnum):
    NOT_CONNECTED = "not_connected"
    CHOOSING = "choosing"
    ACTIVE = "active"
    PAUSED = "paused"
    NEEDS_RECONNECT = "needs_reconnect"
    PAYMENT_OVERDUE = "payment_overdue"


STATE_LABELS = {
    KoppelingState.NOT_CONNECTED: _("Niet verbonden"),
    KoppelingState.CHOOSING: _("Administratie kiezen"),
    KoppelingState.ACTIVE: _("Actief"),
    KoppelingState.PAUSED: _("Gepauzeerd"),
    KoppelingState.NEEDS_RECONNECT: _("Opnieuw verbinden nodig"),
    KoppelingState.PAYMENT_OVERDUE: _("Betaling achterstallig"),
}


class PauseReason(StrEnum):
    NONE = ""
    CUSTOMER = "customer"  # the customer paused it
    NO_SUBSCRIPTION = "no_subscription"  # never subscribed, or the subscription ended
    ENDED_UNPAID = "ended_unpaid"  # the subscription ended for non-payment


@dataclass(frozen=True)
class KoppelingStatus:
    state: KoppelingState
    connection: Connection | None
    settings: KoppelingSettings | None
    billing: BillingSummary
    pause_reason: PauseReason = PauseReason.NONE

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def editable(self) -> bool:
        """Settings and keys can be changed only with a live subscription."""
        return self.billing.is_live

    @property
    def may_run(self) -> bool:
        """Whether the koppeling may sync now. It keeps running while a failed payment is
        still being collected (the subscription is live); it stops when that ends unpaid."""
        if self.state == KoppelingState.PAYMENT_OVERDUE:
            return not (self.settings is not None and self.settings.paused)
        return self.state == KoppelingState.ACTIVE


# Read with the billing selector's subscription query, so that the common case (a customer
# with a subscription) costs one query for billing and the koppeling together.
_RELATED = ("user__exact_connection", "user__koppeling_settings")


def _connection_and_settings(user, billing: BillingSummary) -> tuple[Connection | None, KoppelingSettings | None]:
    """Both rows: joined to the subscription that ``billing`` read, else in one query (two
    reverse one-to-ones joined to the user row)."""
    subscription = billing.subscription
    if subscription is not None and subscription.user_id == user.pk and Subscription.user.is_cached(subscription):
        row = subscription.user
        model = type(row)
        if model.exact_connection.is_cached(row) and model.koppeling_settings.is_cached(row):
            return _related(row)
    row = get_user_model().objects.filter(pk=user.pk).select_related("exact_connection", "koppeling_settings").first()
    return _related(row)


def _related(row) -> tuple[Connection | None, KoppelingSettings | None]:
    found = []
    for name in ("exact_connection", "koppeling_settings"):
        try:
            found.append(getattr(row, name))
        except (ObjectDoesNotExist, AttributeError):
            found.append(None)
    return found[0], found[1]


def koppeling_status(*, user, billing: BillingSummary | None = None) -> KoppelingStatus:
    """The one place that decides what the koppeling's state is.

    Billing is read, never written: a subscription that ended for non-payment (or never
    existed) shows, and acts, as paused, because whatever runs the koppeling asks
    ``may_run`` first. That is the hook between billing and the koppeling."""
    billing = billing or billing_summary(user=user, related=_RELATED)
    connection, settings = _connection_and_settings(user, billing)
    return _decide(connection, settings, billing)


def _decide(
    connection: Connection | None, settings: KoppelingSettings | None, billing: BillingSummary
) -> KoppelingStatus:
    def status(state: KoppelingState, reason: PauseReason = PauseReason.NONE) -> KoppelingStatus:
        return KoppelingStatus(state, connection, settings, billing, reason)

    if connection is None or connection.state == Connection.State.DISCONNECTED:
        return status(KoppelingState.NOT_CONNECTED)
    if connection.state == Connection.State.NEEDS_RECONNECT:
        return status(KoppelingState.NEEDS_RECONNECT)
    if connection.state == Connection.State.CHOOSING:
        return status(KoppelingState.CHOOSING)
    if billing.state == BillingState.PAST_DUE:
        return status(KoppelingState.PAYMENT_OVERDUE)
    if billing.state == BillingState.ENDED_UNPAID:
        return status(KoppelingState.PAUSED, PauseReason.ENDED_UNPAID)
    if not billing.is_live:
        return status(KoppelingState.PAUSED, PauseReason.NO_SUBSCRIPTION)
    if settings is not None and settings.paused:
        return status(KoppelingState.PAUSED, PauseReason.CUSTOMER)
    return status(KoppelingState.ACTIVE)


# --- the dashboard: koppeling_status in one fixed statement -----------------------------------
#
# Read on every visit of the dashboard. The ORM's form (a five-table select_related of whole
# rows, then the scheduled plan change) cost about 1.5 ms CPU per visit, nearly all of it
# compiling the queries and building model objects from wide rows (the user, the connection
# with its tokens and JSON); this statement is written once (formatted on first use) and
# reads only the columns the dashboard shows or decides on. It picks the subscription as billing_summary
# does (the newest live one; else the canceled or ended one that ended last), with its plan's
# name and its scheduled plan change's amount, and the connection's and settings' rows;
# koppeling/tests/test_dashboard_status.py holds it to koppeling_status in every state.
# Portable between PostgreSQL and SQLite (the development database).
_SUBSCRIPTION_COLUMNS = (
    "id",
    "status",
    "plan_id",
    "amount_gross",
    "current_period_end",
    "cancel_at_period_end",
    "end_reason",
    "dunning_amount",
)
_CONNECTION_COLUMNS = ("id", "state", "division", "division_name")
_SETTINGS_COLUMNS = ("id", "paused")
_DASHBOARD_SQL = (
    "SELECT {s_columns}, p.name, c.amount_gross, {k_columns}, {ks_columns}"
    " FROM (SELECT 1 AS one) o"
    " LEFT JOIN (SELECT * FROM ("
    "SELECT * FROM (SELECT 0 AS pick, {columns} FROM {subscriptions} WHERE user_id = %s AND status IN ({live})"
    " ORDER BY created_at DESC LIMIT 1) a"
    " UNION ALL "
    "SELECT * FROM (SELECT 1 AS pick, {columns} FROM {subscriptions} WHERE user_id = %s AND status IN ({ended})"
    " ORDER BY ended_at DESC, created_at DESC LIMIT 1) b"
    ") both_ ORDER BY pick LIMIT 1) s ON 1 = 1"
    " LEFT JOIN {plans} p ON p.id = s.plan_id"
    " LEFT JOIN {changes} c ON c.subscription_id = s.id AND c.status = %s"
    " LEFT JOIN {connections} k ON k.user_id = %s"
    " LEFT JOIN {settings} ks ON ks.user_id = %s"
)
_LIVE = tuple(status.value for status in Subscription.LIVE)
_ENDED = (Subscription.Status.CANCELED.value, Subscription.Status.ENDED.value)
_dashboard_sql: dict[str, str] = {}  # per database vendor, made on first use


def _statement() -> str:
    sql = _dashboard_sql.get(db.vendor)
    if sql is None:
        quote = db.ops.quote_name
        sql = _DASHBOARD_SQL.format(
            columns=", ".join(_SUBSCRIPTION_COLUMNS),
            s_columns=", ".join(f"s.{name}" for name in _SUBSCRIPTION_COLUMNS),
            k_columns=", ".join(f"k.{name}" for name in _CONNECTION_COLUMNS),
            ks_columns=", ".join(f"ks.{name}" for name in _SETTINGS_COLUMNS),
            live=", ".join(["%s"] * len(_LIVE)),
            ended=", ".join(["%s"] * len(_ENDED)),
            subscriptions=quote(Subscription._meta.db_table),
            plans=quote(Plan._meta.db_table),
            changes=quote(PlanChange._meta.db_table),
            connections=quote(Connection._meta.db_table),
            settings=quote(KoppelingSettings._meta.db_table),
        )
        _dashboard_sql[db.vendor] = sql
    return sql


def _value(field, value):
    """As the ORM would give it: SQLite answers text, floats and 0/1 where PostgreSQL answers
    dates, decimals and booleans; ``to_python`` (and the field's places) makes them alike."""
    value = field.to_python(value)
    if isinstance(field, DecimalField) and value is not None:
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def _row(model, names: tuple[str, ...], values) -> object | None:
    """A model object of the columns read, the others deferred (read on access, as with
    ``.only()``); None when the LEFT JOIN found no row."""
    if values[0] is None:
        return None
    read = dict(zip(names, values, strict=True))
    return model.from_db(
        db.alias,
        None,
        [_value(f, read[f.attname]) if f.attname in read else DEFERRED for f in model._meta.concrete_fields],
    )


def dashboard_status(*, user) -> KoppelingStatus:
    """:func:`koppeling_status` (billing included) for the dashboard, in one fixed query
    whatever the customer's history. The subscription, connection and settings objects hold
    only what the dashboard reads; use :func:`koppeling_status` for anything else."""
    params = [user.pk, *_LIVE, user.pk, *_ENDED, PlanChange.Status.SCHEDULED.value, user.pk, user.pk]
    with db.cursor() as cursor:
        cursor.execute(_statement(), params)
        row = cursor.fetchone()
    n_sub, n_con = len(_SUBSCRIPTION_COLUMNS), len(_CONNECTION_COLUMNS)
    subscription = _row(Subscription, _SUBSCRIPTION_COLUMNS, row[:n_sub])
    plan_name, scheduled_amount = row[n_sub], row[n_sub + 1]
    connection = _row(Connection, _CONNECTION_COLUMNS, row[n_sub + 2 : n_sub + 2 + n_con])
    settings = _row(KoppelingSettings, _SETTINGS_COLUMNS, row[n_sub + 2 + n_con :])
    if subscription is not None:
        subscription.plan = _row(Plan, ("id", "name"), (subscription.plan_id, plan_name))
    for one in (subscription, connection, settings):
        if one is not None:  # the user's row is the request's: no query to reach it
            one.user_id = user.pk
            type(one).user.field.set_cached_value(one, user)
    if scheduled_amount is not None:
        scheduled_amount = _value(PlanChange._meta.get_field("amount_gross"), scheduled_amount)

    def next_amount(live: Subscription):
        return live.amount_gross if scheduled_amount is None else scheduled_amount

    billing = summary_of(subscription, next_amount=next_amount)
    return _decide(connection, settings, billing)
