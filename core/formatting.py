"""Amounts and names as people read them, in the active language: "€ 1.234,56" in Dutch,
"€ 1,234.56" in English. The invoice PDF keeps its own (always Dutch) notation."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats


def euro(amount: Decimal | int | float | str | None) -> str:
    """An amount in euros with two decimals and thousands grouped, in the active language;
    "–" for no amount."""
    if amount is None or amount == "":
        return "–"
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"€ {formats.number_format(value, 2, use_l10n=True, force_grouping=True)}"


def greeting_name(user) -> str:
    """The name a mail greets by: the profile's full name when the customer gave one, else
    the username."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None) if _has_profile(user) else None
    full_name = (getattr(profile, "full_name", "") or "").strip()
    return full_name or user.get_username()


def _has_profile(user) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        user.profile  # noqa: B018 (a missing one-to-one raises)
    except (ObjectDoesNotExist, AttributeError):
        return False
    return True


# Dutch area codes of two digits (the rest have three; mobile numbers start with 6).
_TWO_DIGIT_AREAS = frozenset(
    "10 13 15 20 23 24 26 30 33 35 36 38 40 43 45 46 50 53 55 58 70 71 72 73 74 75 76 77 78 79".split()
)


def phone_display(raw: str) -> str:
    """A phone number as people read it: "+31767002008" -> "+31 76 700 2008", a mobile
    "+31612345678" -> "+31 6 1234 5678". Anything that is not a Dutch number in
    international form is returned as given."""
    digits = "".join(ch for ch in raw if ch.isdigit() or ch == "+")
    if not (digits.startswith("+31") and len(digits) == 12 and digits[1:].isdigit()):
        return raw.strip()
    national = digits[3:]
    if national.startswith("6"):
        return f"+31 6 {national[1:5]} {national[5:]}"
    area_length = 2 if national[:2] in _TWO_DIGIT_AREAS else 3
    area, rest = national[:area_length], national[area_length:]
    return f"+31 {area} {rest[:-4]} {rest[-4:]}"


def phone_uri(raw: str) -> str:
    """The number for a tel: link: digits and the plus only."""
    return "".join(ch for ch in raw if ch.isdigit() or ch == "+")


def postal_code_display(raw: str) -> str:
    """A Dutch postal code with its space: "5617AC" -> "5617 AC"; anything else as given."""
    compact = raw.replace(" ", "").upper()
    if len(compact) == 6 and compact[:4].isdigit() and compact[4:].isalpha() and compact[4:].isascii():
        return f"{compact[:4]} {compact[4:]}"
    return raw.strip()


def country_name(code: str) -> str:
    """A country code ("NL") as its name in the active language ("Nederland")."""
    from django_countries import countries

    return countries.name(code) or code if code else ""
