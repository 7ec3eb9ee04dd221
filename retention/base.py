"""What every part of retention shares: its one clock and the exception with which a
retention service refuses a request."""

from __future__ import annotations

import getpass
from datetime import datetime
from typing import Any

from django.utils import timezone


def now() -> datetime:
    """The one clock of retention (tests travel with time_machine)."""
    return timezone.now()


class RetentionError(Exception):
    """A request the retention service refuses (bad user, unknown policy, ...)."""


class RunInProgress(RetentionError):
    pass


def ops_label(by) -> tuple[Any, str | None, str]:
    """(actor, system, label) for the audit event and the hold record."""
    if by is not None and getattr(by, "is_authenticated", False):
        return by, None, by.get_username()
    label = str(by) if by else f"manage.py ({getpass.getuser()})"
    return None, "retention", label
