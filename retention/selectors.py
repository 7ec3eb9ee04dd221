"""Reads of retention: the report, a customer's explanations and export data, whether an
export can still be downloaded, and finding a user for the ops commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F

from register import registry
from retention.base import RetentionError, now
from retention.models import DataExport, ExportStatus, LegalHold

REPORT_HORIZON = timedelta(days=30)


def report() -> list[dict[str, Any]]:
    """Per enforced category: due now, due within the next 30 days, held back by a hold."""
    at = now()
    held_ids = LegalHold.objects.held_user_ids()
    rows = []
    for category in registry.enforced_categories():
        due_now = category.due_queryset(at, held_ids).count()
        due_soon = category.due_queryset(at + REPORT_HORIZON, held_ids).count() - due_now
        rows.append(
            {
                "policy": category.name,
                "name": str(category.verbose_name),
                "period": category.period.describe() if category.period else "",
                "end_action": str(category.end_action),
                "legal_basis": str(category.legal_basis),
                "due_now": due_now,
                "due_next_30_days": max(due_soon, 0),
                "held": category.held_queryset(at, held_ids).count(),
            }
        )
    return rows


def resolve_user(identifier: str):
    """A user by username (case-insensitive), e-mail address (any of the account's
    addresses, case-insensitive) or numeric id."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier or "\x00" in identifier:
        raise RetentionError("no user given")
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        ids = set(EmailAddress.objects.filter(email__iexact=identifier).values_list("user_id", flat=True))
        ids |= set(User.objects.filter(email__iexact=identifier).values_list("pk", flat=True))
        if len(ids) > 1:
            raise RetentionError(f"more than one user has the address {identifier!r}: give the username or the id")
        user = User.objects.filter(pk__in=ids).first()
    if user is None and identifier.isdigit():
        user = User.objects.filter(pk=int(identifier)).first()
    if user is None:
        raise RetentionError(f"no user {identifier!r} (give a username, an e-mail address or an id)")
    return user


def explain(*, user) -> list[registry.Explanation]:
    at = now()
    on_hold = LegalHold.objects.active().filter(subject_id=user.pk).exists()
    explanations = []
    for category in registry.categories():
        if category.explain is None:
            continue
        item = category.explain(user, at)
        if on_hold:
            item = registry.Explanation(
                category=item.category, held=item.held, removal_at=item.removal_at, note=item.note, on_hold=True
            )
        explanations.append(item)
    return explanations


def export_data(*, user) -> dict[str, Any]:
    """Everything the register holds about ``user``: category name → exported data."""
    return {c.name: c.export(user) for c in registry.categories() if c.export is not None}


def export_is_downloadable(export: DataExport, *, at: datetime | None = None) -> bool:
    from retention.personal_data import EXPORT_PERIOD

    at = at or now()
    return (
        export.status == ExportStatus.READY
        and export.ready_at is not None
        and EXPORT_PERIOD.ends_at(export.ready_at) > at
    )


def export_expires_at(export: DataExport) -> datetime | None:
    from retention.personal_data import EXPORT_PERIOD

    return EXPORT_PERIOD.ends_at(export.ready_at) if export.ready_at else None


def legal_holds(*, user, limit: int = 20) -> list[LegalHold]:
    """The holds on ``user``, active ones first, then the newest (one query)."""
    return list(
        LegalHold.objects.filter(subject_id=user.pk).order_by(F("released_at").desc(nulls_first=True), "-created_at")[
            :limit
        ]
    )


@dataclass(frozen=True)
class DueNext:
    """What retention will delete or anonymise of one category: rows past their period now
    (the daily job takes them tonight) and rows whose period ends within the horizon."""

    name: str
    verbose_name: str
    end_action: str
    due_now: int
    due_soon: int  # not due now, due within the horizon


def due_next(*, horizon: timedelta = REPORT_HORIZON) -> list[DueNext]:
    """Per enforced category of the register, as the report counts it (customers under a
    legal hold left out). One query for all categories: each category's two due querysets
    (now, and at the end of the horizon) counted as subqueries of one SELECT."""
    at = now()
    held_ids = LegalHold.objects.held_user_ids()
    categories = registry.enforced_categories()
    counts, params = [], []
    for category in categories:
        for moment in (at, at + horizon):
            sql, values = category.due_queryset(moment, held_ids).order_by().values("pk").query.sql_with_params()
            counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS due)")  # noqa: S608 (Django-compiled SQL, values as parameters)
            params.extend(values)
    if not counts:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts), params)
        found = cursor.fetchone()
    return [
        DueNext(
            name=category.name,
            verbose_name=str(category.verbose_name),
            end_action=str(category.end_action.label),
            due_now=found[2 * index],
            due_soon=max(found[2 * index + 1] - found[2 * index], 0),
        )
        for index, category in enumerate(categories)
    ]
