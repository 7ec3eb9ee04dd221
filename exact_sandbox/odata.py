"""The small part of OData v2 the sandbox speaks, the way Exact Online speaks it.

* ``$filter``: comparisons ``Field eq value`` joined by ``and``; values are strings in single
  quotes (a quote inside doubled), integers, ``true``/``false`` and ``guid'…'``. String
  comparisons ignore case, as Exact's database does.
* ``$select``: the listed fields only; ``$top``: at most that many rows.
* Pages of 60 rows with a ``__next`` link (``$skiptoken``) to the next page.
* Dates as Exact writes them: ``/Date(<epoch milliseconds>)/``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

PAGE_SIZE = 60

_COMPARISON = re.compile(
    r"\s*(?P<field>[A-Za-z][A-Za-z0-9_]*)\s+eq\s+"
    r"(?P<value>'(?:[^']|'')*'|guid'[0-9a-fA-F-]{36}'|-?\d+(?:\.\d+)?|true|false)\s*",
)


class ODataError(ValueError):
    """A request Exact would answer with 400 and its error body."""


@dataclass(frozen=True)
class Condition:
    field: str
    value: Any


def parse_filter(text: str, allowed: Iterable[str]) -> list[Condition]:
    """``Code eq '  12' and Email eq 'a@b.nl'`` → conditions; anything else is an error."""
    text = text.strip()
    if not text:
        return []
    allowed = set(allowed)
    conditions: list[Condition] = []
    position = 0
    while True:
        match = _COMPARISON.match(text, position)
        if match is None:
            raise ODataError(f"The filter could not be parsed near position {position}.")
        field = match.group("field")
        if field not in allowed:
            raise ODataError(f"Filtering on property '{field}' is not supported.")
        conditions.append(Condition(field, _literal(match.group("value"))))
        position = match.end()
        if position == len(text):
            return conditions
        if not text.startswith("and ", position):
            raise ODataError(f"The filter could not be parsed near position {position}.")
        position += 4


def _literal(raw: str) -> Any:
    if raw.startswith("guid'"):
        return uuid.UUID(raw[5:-1])
    if raw.startswith("'"):
        return raw[1:-1].replace("''", "'")
    if raw in ("true", "false"):
        return raw == "true"
    return Decimal(raw) if "." in raw else int(raw)


def matches(row: dict, conditions: list[Condition]) -> bool:
    for condition in conditions:
        value = row.get(condition.field)
        wanted = condition.value
        if isinstance(wanted, str):
            if not isinstance(value, str) or value.casefold() != wanted.casefold():
                return False
        elif isinstance(wanted, uuid.UUID):
            if str(value).lower() != str(wanted):
                return False
        elif value != wanted:
            return False
    return True


def select(row: dict, fields: str) -> dict:
    wanted = [name.strip() for name in fields.split(",") if name.strip()]
    if not wanted:
        return row
    unknown = [name for name in wanted if name not in row]
    if unknown:
        raise ODataError(f"The property '{unknown[0]}' does not exist.")
    picked = {name: row[name] for name in wanted}
    if "__metadata" in row:
        picked = {"__metadata": row["__metadata"], **picked}
    return picked


def top(params) -> int | None:
    raw = params.get("$top", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ODataError("$top must be a non-negative number.")
    return int(raw)


def page(rows: list[dict], params, next_url: Callable[[int], str]) -> dict:
    """One page of 60 rows; ``__next`` when more follow."""
    skip = params.get("$skiptoken", "0")
    start = int(skip) if skip.isdigit() else 0
    body: dict = {"results": rows[start : start + PAGE_SIZE]}
    if start + PAGE_SIZE < len(rows):
        body["__next"] = next_url(start + PAGE_SIZE)
    return body


def exact_date(value: datetime | date | None) -> str | None:
    """``/Date(1714521600000)/``: epoch milliseconds, UTC."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=UTC)
    return f"/Date({int(value.timestamp() * 1000)})/"


_EXACT_DATE = re.compile(r"^/Date\((-?\d+)\)/$")


def parse_date(value: Any, field: str) -> datetime:
    """What Exact accepts for a date: ISO 8601 (a date, or a date and time without zone) or
    its own ``/Date(ms)/``."""
    if isinstance(value, str):
        match = _EXACT_DATE.match(value)
        if match:
            return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ODataError(f"{field}: not a valid date.")
