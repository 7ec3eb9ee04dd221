"""Demo data beyond the two accounts; later features add theirs here (idempotently)."""

from __future__ import annotations


def seed_more(*, stdout) -> None:
    return None
