"""Recompute every digest and chain value and compare the chains with the latest signed
checkpoint. Streams the table in (chain, seq) order through a server-side cursor, so memory
stays flat however many events there are."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction

from audit import chain as hashing
from audit.checkpoints import CheckpointError, latest_checkpoint

COLUMNS = (
    "id, chain, seq, occurred_at, actor_kind, actor_id, subject_id, action, target_type, target_id, request_id, "
    "changes, actor_label, ip, user_agent, salt, personal_digest, digest, chain_value, redacted_at"
)
FETCH = 20_000


@dataclass
class Problem:
    reason: str
    event_id: int | None = None
    chain: int | None = None
    seq: int | None = None

    def __str__(self) -> str:
        where = []
        if self.event_id is not None:
            where.append(f"event {self.event_id}")
        if self.chain is not None:
            where.append(f"chain {self.chain}")
        if self.seq is not None:
            where.append(f"seq {self.seq}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


@dataclass
class Report:
    events: int = 0
    chains: int = 0
    redacted: int = 0
    checkpoint: str | None = None
    checkpoint_created_at: str | None = None
    checkpoint_chains: int = 0
    seconds: float = 0.0
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["events_per_second"] = round(self.events_per_second)
        data["problem"] = None if self.problem is None else {**asdict(self.problem), "message": str(self.problem)}
        return data


class _Broken(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def verify() -> Report:
    report = Report()
    started = time.perf_counter()
    try:
        checkpoint = latest_checkpoint()
    except CheckpointError as error:
        report.problem = Problem(f"checkpoint: {error}")
        return report
    pinned: dict[int, tuple[int, str]] = {}
    if checkpoint is not None:
        report.checkpoint = checkpoint.path.name
        report.checkpoint_created_at = checkpoint.created_at
        report.checkpoint_chains = len(checkpoint.chains)
        pinned = checkpoint.chains
    else:
        report.notes.append("no checkpoint yet: chains checked for internal consistency only")
    try:
        with transaction.atomic():
            _walk(report, pinned)
    except _Broken as broken:
        report.problem = broken.problem
    report.seconds = time.perf_counter() - started
    return report


def _walk(report: Report, pinned: dict[int, tuple[int, str]]) -> None:
    """The hot loop: kept flat and local (no per-row function calls into chain.py) because it
    must do well over 100,000 events per second. It computes exactly what chain.py defines."""
    sha256 = hashlib.sha256
    loads = json.loads
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode
    fromhex = bytes.fromhex
    version = hashing.VERSION
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    micro = timedelta(microseconds=1)
    genesis = hashing.GENESIS
    seen: set[int] = set()

    current_chain: int | None = None
    expected = 1
    previous = genesis
    pin_length, pin_head = 0, ""
    events = redacted = 0

    def finish_chain() -> None:
        if current_chain is not None and pin_length and expected - 1 < pin_length:
            raise _Broken(Problem(
                f"chain cut short: {expected - 1} events, the checkpoint recorded {pin_length}",
                chain=current_chain, seq=expected,
            ))

    cursor = connection.chunked_cursor()
    raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
    raw.itersize = FETCH
    raw.execute(f"SELECT {COLUMNS} FROM audit_auditevent ORDER BY chain, seq")  # noqa: S608 (constant)
    try:
        for (pk, chain, seq, occurred_at, actor_kind, actor_id, subject_id, action, target_type, target_id, request_id,
             changes_json, actor_label, ip, user_agent, salt, personal_digest, digest, chain_value, redacted_at) in raw:
            if chain != current_chain:
                finish_chain()
                if chain in seen:  # impossible in (chain, seq) order unless the data is odd
                    raise _Broken(Problem("chain appears twice", pk, chain, seq))
                seen.add(chain)
                current_chain, expected, previous = chain, 1, genesis
                pin_length, pin_head = pinned.get(chain, (0, ""))
            if seq != expected:
                reason = (f"event {expected} of the chain is missing" if seq > expected
                          else f"sequence number {seq} out of order (expected {expected})")
                raise _Broken(Problem(reason, pk, chain, seq))
            if chain != (subject_id if subject_id is not None else 0):
                raise _Broken(Problem("event is in the chain of another customer", pk, chain, seq))
            changes = loads(changes_json) if isinstance(changes_json, str) else changes_json
            if not isinstance(changes, dict):
                raise _Broken(Problem("changes are not an object", pk, chain, seq))
            if redacted_at is None:
                computed = sha256(dumps([salt, actor_label, ip, user_agent, changes]).encode()).hexdigest()
                if computed != personal_digest:
                    raise _Broken(Problem("personal fields (actor, IP, browser or changes) were altered", pk, chain, seq))
            else:
                redacted += 1
                if ip is not None or user_agent or actor_label or salt or any(v is not None for v in changes.values()):
                    raise _Broken(Problem("redacted event carries personal data again", pk, chain, seq))
            computed = sha256(dumps([
                version, chain, seq, (occurred_at - epoch) // micro, actor_kind, actor_id, subject_id, action,
                target_type, target_id, request_id, sorted(changes), personal_digest,
            ]).encode()).hexdigest()
            if computed != digest:
                raise _Broken(Problem("content does not match its digest (event altered)", pk, chain, seq))
            value = sha256(previous + fromhex(digest)).digest()
            if value.hex() != chain_value:
                raise _Broken(Problem("chain value does not follow from the previous event (event removed, inserted or reordered before it)", pk, chain, seq))
            if seq == pin_length and chain_value != pin_head:
                raise _Broken(Problem("chain rewritten: differs from the signed checkpoint at this event", pk, chain, seq))
            previous = value
            expected += 1
            events += 1
        finish_chain()
    finally:
        report.events, report.redacted, report.chains = events, redacted, len(seen)
        cursor.close()
    dropped = sorted(set(pinned) - seen)
    if dropped:
        raise _Broken(Problem(f"chain missing: the checkpoint recorded {pinned[dropped[0]][0]} events", chain=dropped[0]))
