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
