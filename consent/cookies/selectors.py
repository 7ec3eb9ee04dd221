"""The visitor's cookie decision: which groups exist, what the visitor chose, whether that
choice is still in force, and how it is kept in the browser.

django-cookie-consent owns the groups (``CookieGroup`` rows, cached in the default cache)
and its own cookie with the state per group. Next to it we set a signed cookie that names
our proof (:class:`consent.models.CookieConsentRecord`): the consent id, the time of the
decision, the revision of the cookie part of the statement and the groups accepted. A
decision is in force only when both cookies agree and the signed one is genuine, younger
than :data:`VALIDITY` and of the current revision; otherwise the banner asks again and no
optional cookie is used. So the library's cookie alone (which a visitor can write
themselves) never switches analytics on, and no analytics runs without a record.

Reads only; the decision is recorded by :mod:`consent.cookies.services` and written into
the browser's cookies by :func:`consent.cookies.views.remember`.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cookie_consent.cache import all_cookie_groups
from cookie_consent.conf import settings as cookie_settings
from cookie_consent.models import CookieGroup
from cookie_consent.util import get_cookie_value_from_request
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.statement import selectors as statement

NECESSARY = "necessary"
ANALYTICS = "analytics"
# A decision counts for twelve months; then the banner asks again.
VALIDITY = relativedelta(months=12)
SIGNING_SALT = "consent.cookie-decision"
# Crockford's base32 without the look-alikes (no I, L, O, U): easy to read out on the phone.
_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Google Analytics 4 cookies: _ga and _ga_<container id>.
_ANALYTICS_COOKIE_PREFIXES = ("_ga_",)
_ANALYTICS_COOKIE_NAMES = frozenset({"_ga", "_gid", "_gat"})

# Names and descriptions shown to visitors, in their language. The database rows (in the
# admin) carry the Dutch text; a group added there later shows its own name.
GROUP_TEXT: dict[str, tuple[Any, Any]] = {
    NECESSARY: (
        _("Noodzakelijk"),
        _(
            "Nodig om het portaal te laten werken: ingelogd blijven, beveiliging tegen misbruik, "
            "uw taalkeuze en het onthouden van uw cookiekeuze. Deze cookies staan altijd aan."
        ),
    ),
    ANALYTICS: (
        _("Analytisch"),
        _(
            "Google Analytics: wij zien hoe bezoekers het portaal gebruiken, zodat wij het kunnen "
            "verbeteren. Google ontvangt daarbij uw IP-adres. Alleen met uw toestemming."
        ),
    ),
}


COOKIE_TEXT: dict[str, Any] = {
    "_ga": _("onderscheidt bezoekers (Google Analytics, 2 jaar)"),
    "_ga_<container-id>": _("houdt uw bezoek bij (Google Analytics, 2 jaar)"),  # GA_SESSION_COOKIE
}


def group_text(group: CookieGroup) -> tuple[str, str]:
    name, description = GROUP_TEXT.get(group.varname, (group.name, group.description))
    return str(name), str(description)


def necessary_cookies() -> list[tuple[str, Any]]:
    """The cookies the portal sets itself, always (their names differ in production)."""
    return [
        (settings.SESSION_COOKIE_NAME, _("houdt u ingelogd (sessie)")),
        (settings.CSRF_COOKIE_NAME, _("beveiliging van formulieren tegen misbruik")),
        (settings.LANGUAGE_COOKIE_NAME, _("uw taalkeuze")),
        (cookie_settings.COOKIE_CONSENT_NAME, _("uw keuze per soort cookie")),
        (proof_cookie_name(), _("het toestemmings-id van uw keuze")),
        ("messages", _("een melding voor de volgende pagina")),
    ]


def group_name(varname: str) -> str:
    if varname in GROUP_TEXT:
        return str(GROUP_TEXT[varname][0])
    group = all_cookie_groups().get(varname)
    return group.name if group is not None else varname


def group_cookies(group: CookieGroup) -> list[tuple[str, Any]]:
    if group.is_required:
        return necessary_cookies()
    return [(cookie_display_name(c.name), COOKIE_TEXT.get(c.name, c.description)) for c in group.cookie_set.all()]


GA_SESSION_COOKIE = "_ga_<container-id>"  # the library's row; the browser's cookie is _ga_<id>


def cookie_display_name(name: str) -> str:
    """The name a visitor finds in their browser: Google Analytics' session cookie is
    "_ga_" followed by the measurement id without "G-" ("_ga_ABC123"), not the placeholder
    the cookie table stores; without a measurement id "_ga_…"."""
    if name != GA_SESSION_COOKIE:
        return name
    measurement_id = (getattr(settings, "GA_MEASUREMENT_ID", "") or "").strip()
    return f"_ga_{measurement_id.removeprefix('G-')}" if measurement_id else "_ga_…"


def optional_groups() -> list[CookieGroup]:
    """The groups a visitor chooses about (the library caches them in the default cache)."""
    return sorted(all_cookie_groups().values(), key=lambda g: (g.ordering, g.varname))


def optional_varnames() -> frozenset[str]:
    return frozenset(all_cookie_groups())


def proof_cookie_name() -> str:
    return f"{cookie_settings.COOKIE_CONSENT_NAME}_id"


def new_consent_id() -> str:
    """Sixteen random characters (80 bits) in four groups, e.g. ``7K3M-9QXP-A2ZB-R4TD``."""
    raw = "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_consent_id(text: str) -> str:
    """What a visitor reads out or pastes, as stored: upper case, dashes every four."""
    raw = "".join(c for c in text.upper() if c.isalnum())
    raw = raw.translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))
    if len(raw) != 16:
        return text.strip().upper()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def truncate_ip(ip: str | None) -> str:
    """The network, never the address: IPv4 to /24, IPv6 to /48 (IPv4-mapped as IPv4)."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def expires_at(decided_at: datetime) -> datetime:
    return decided_at + VALIDITY


@dataclass(frozen=True)
class Decision:
    """A decision as remembered by the browser (from the signed cookie)."""

    consent_id: str
    decided_at: datetime
    revision: str
    accepted: frozenset[str]


def _read_signed(request: HttpRequest) -> Decision | None:
    value = request.COOKIES.get(proof_cookie_name())
    if not value or len(value) > 1000:
        return None
    try:
        data = signing.loads(value, salt=SIGNING_SALT)
        return Decision(
            consent_id=str(data["i"]),
            decided_at=datetime.fromtimestamp(int(data["t"]), tz=UTC),
            revision=str(data["r"]),
            accepted=frozenset(str(v) for v in data["a"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


def _in_force(request: HttpRequest) -> Decision | None:
    decision = _read_signed(request)
    if decision is None:
        return None
    if timezone.now() >= expires_at(decision.decided_at):
        return None
    if decision.revision != statement.cookie_revision():
        return None
    for group in optional_groups():
        # None: never decided, or the group got a new cookie since (the library's version).
        state = get_cookie_value_from_request(request, group.varname)
        if state is None or state != (group.varname in decision.accepted):
            return None
    return decision


def decision_in_force(request: HttpRequest) -> Decision | None:
    """The visitor's decision when it still counts; None means: ask (show the banner)."""
    if not hasattr(request, "_cookie_decision"):
        request._cookie_decision = _in_force(request)  # type: ignore[attr-defined]
    return request._cookie_decision  # type: ignore[attr-defined]


def remembered_decision(request: HttpRequest) -> Decision | None:
    """The last decision the browser remembers, in force or not (for the settings page)."""
    return _read_signed(request)


def allows(request: HttpRequest, varname: str) -> bool:
    decision = decision_in_force(request)
    return decision is not None and varname in decision.accepted


def is_analytics_cookie(name: str) -> bool:
    return name in _ANALYTICS_COOKIE_NAMES or name.startswith(_ANALYTICS_COOKIE_PREFIXES)


def validate_groups(accepted: Iterable[str], refused: Iterable[str]) -> tuple[list[str], list[str]]:
    """Both lists sorted, when together they are exactly the optional groups, once each."""
    accepted, refused = sorted(set(accepted)), sorted(set(refused))
    if set(accepted) & set(refused) or set(accepted) | set(refused) != optional_varnames():
        raise ValueError("a decision names every optional cookie group exactly once")
    return accepted, refused


# --- figures for the staff overview -------------------------------------------------------


@dataclass(frozen=True)
class DecisionsWeek:
    week: date  # its Monday
    accepted: int  # accepted optional cookies (one group or more)
    refused: int  # refused every optional group


def decisions_per_week(*, since: date, now: datetime | None = None) -> list[DecisionsWeek]:
    """Cookie decisions recorded per ISO week (local calendar) from the week ``since`` is in
    to this one: one query."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncWeek

    from consent.models import CookieConsentRecord
    from core.buckets import local_day, start_of, week_starts

    now = now or timezone.now()
    weeks = week_starts(since=since, today=timezone.localdate(now))
    rows = (
        CookieConsentRecord.objects.filter(decided_at__gte=start_of(weeks[0]), decided_at__lte=now)
        .order_by()
        .annotate(week=TruncWeek("decided_at"))
        .values("week")
        .annotate(refused=Count("pk", filter=Q(accepted=[])), total=Count("pk"))
    )
    found = {local_day(row["week"]): (row["total"] - row["refused"], row["refused"]) for row in rows}
    return [DecisionsWeek(week, *found.get(week, (0, 0))) for week in weeks]
