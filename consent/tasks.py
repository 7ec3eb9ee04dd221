"""Celery tasks of the consent app (the worker imports this module)."""

from __future__ import annotations

# --- statement ---
from consent.statement_services import announce_batch_task, announce_version_task

__all__ = ["announce_batch_task", "announce_version_task"]
