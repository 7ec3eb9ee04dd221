"""Recompute every digest and chain value and compare the chains with the latest signed
checkpoint.

On PostgreSQL the table is streamed with ``COPY (SELECT ... ORDER BY chain, seq) TO STDOUT``:
the canonical encoding (audit/chain.py) is the COPY text format, so each row's bytes are
hashed as they arrive, without decoding values. Memory stays flat however many events there
are, and the snapshot is one statement's, so events written meanwhile are simply not seen."""

from __future__ import annotations

import binascii
import hashlib
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection, transaction

from audit import chain as hashing
from audit.checkpoints import CheckpointError, latest_checkpoint, read_checkpoint

# Public part (1-12), personal part (13-17), then digest, chain value, redacted; see chain.py.
COPY_SQL = """
COPY (
    SELECT id, chain, seq, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor_kind, actor_id, subject_id,
           action, target_type, target_id, request_id, fields, personal_digest,
           salt, actor_label, ip, user_agent, changes,
           digest, chain_value, redacted_at IS NOT NULL
      FROM audit_auditevent
     WHERE chain >= %(low)s AND chain < %(high)s
     ORDER BY chain, seq
) TO STDOUT
"""
BATCH = 4096  # pieces of COPY output per check batch
PIPE_BUFFER = 1 << 20
ORM_COLUMNS = (
    "id",
    "chain",
    "seq",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "subject_id",
    "action",
    "target_type",
    "target_id",
    "request_id",
    "fields",
    "personal_digest",
    "salt",
    "actor_label",
    "ip",
    "user_agent",
    "changes",
    "digest",
    "chain_value",
    "redacted_at",
)


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


class _Walker:
    """Takes COPY text rows in (chain, seq) order and checks them. ``write`` is what psycopg2
    calls with each piece of COPY output; the loop is kept flat because it runs per event."""

    def __init__(self, pinned: dict[int, tuple[int, str]]) -> None:
        self.pinned = pinned
        self.rest = b""
        self.pending: list[bytes] = []
        self.chain: bytes | None = None
        self.chain_id = 0
        self.expected = 1
        self.previous = hashing.GENESIS
        self.pin_length = 0
        self.pin_head = b""
        self.events = 0
        self.redacted = 0
        self.seen: set[int] = set()
        self.problem: Problem | None = None

    def write(self, data: bytes | str) -> int:
        # psycopg2 calls this once per row: collect, and check in batches.
        self.pending.append(data if isinstance(data, bytes) else data.encode())
        if len(self.pending) >= BATCH:
            self._flush()
        return len(data)

    def feed(self, chunk: bytes) -> None:
        """A large piece of COPY output: checked at once."""
        self.pending.append(chunk)
        self._flush()

    def _flush(self) -> None:
        lines = (self.rest + b"".join(self.pending)).split(b"\n")
        self.pending = []
        self.rest = lines.pop()
        if lines:
            self._rows(lines)

    def _fail(self, reason: str, parts: list[bytes]) -> None:
        raise _Broken(Problem(reason, int(parts[0]), int(parts[1]), int(parts[2])))

    def _finish_chain(self) -> None:
        if self.chain is not None and self.pin_length and self.expected - 1 < self.pin_length:
            raise _Broken(
                Problem(
                    f"chain cut short: {self.expected - 1} events, the checkpoint recorded {self.pin_length}",
                    chain=self.chain_id,
                    seq=self.expected,
                )
            )

    def _rows(self, lines: list[bytes]) -> None:
        sha256 = hashlib.sha256
        hexlify = binascii.hexlify
        version = hashing.VERSION.encode() + b"\t"
        null = b"\\N"
        chain, expected, previous = self.chain, self.expected, self.previous
        pin_length, pin_head = self.pin_length, self.pin_head
        events = redacted = 0
        try:
            for line in lines:
                parts = line.split(b"\t")
                if parts[1] != chain:
                    self.chain, self.expected, self.pin_length = chain, expected, pin_length
                    self._finish_chain()
                    chain, expected, previous = parts[1], 1, hashing.GENESIS
                    chain_id = int(chain)
                    if chain_id in self.seen:
                        self._fail("chain appears twice", parts)
                    self.seen.add(chain_id)
                    self.chain_id = chain_id
                    pin_length, head = self.pinned.get(chain_id, (0, ""))
                    pin_head = head.encode()
                seq = int(parts[2])
                if seq != expected:
                    self._fail(
                        f"event {expected} of the chain is missing"
                        if seq > expected
                        else f"sequence number {seq} out of order (expected {expected})",
                        parts,
                    )
                if parts[6] != chain and not (parts[6] == null and chain == b"0"):
                    self._fail("event is in the chain of another customer", parts)
                if parts[20] == b"f":
                    if hexlify(sha256(b"\t".join(parts[13:18])).digest()) != parts[12]:
                        self._fail("personal fields (actor, IP address, browser or changes) were altered", parts)
                else:
                    redacted += 1
                    if parts[13] or parts[14] or parts[15] != null or parts[16] or parts[17] != b"{}":
                        self._fail("redacted event carries personal data again", parts)
                digest = sha256(version + b"\t".join(parts[1:13])).digest()
                if hexlify(digest) != parts[18]:
                    self._fail("content does not match its digest (event altered)", parts)
                value = sha256(previous + digest).digest()
                if hexlify(value) != parts[19]:
                    self._fail(
                        "chain value does not follow from the previous event "
                        "(an event removed, inserted or reordered before it)",
                        parts,
                    )
                if seq == pin_length and parts[19] != pin_head:
                    self._fail("chain rewritten: differs from the signed checkpoint at this event", parts)
                previous = value
                expected += 1
                events += 1
        finally:
            self.chain, self.expected, self.previous = chain, expected, previous
            self.pin_length, self.pin_head = pin_length, pin_head
            self.events += events
            self.redacted += redacted

    def close(self) -> None:
        self._flush()
        if self.rest:
            lines, self.rest = [self.rest], b""
            self._rows(lines)
        self._finish_chain()
        dropped = sorted(set(self.pinned) - self.seen)
        if dropped:
            raise _Broken(
                Problem(f"chain missing: the checkpoint recorded {self.pinned[dropped[0]][0]} events", chain=dropped[0])
            )


def _stream_orm(walker: _Walker) -> None:
    """The same rows, for databases without COPY (the embedded SQLite of `make run`)."""
    from audit.models import AuditEvent

    for row in AuditEvent.objects.order_by("chain", "seq").values_list(*ORM_COLUMNS).iterator(chunk_size=5000):
        values = list(row)
        values[3] = hashing.microseconds(values[3])
        values[17] = hashing.canonical_json(values[17])
        values[20] = "f" if values[20] is None else "t"
        walker.write(hashing._copy_text(values) + b"\n")


LOWEST, HIGHEST = -(2**63), 2**63 - 1


def _ranges(parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous ranges of chain numbers (each an index range scan), together
    covering every possible chain, so a chain the checkpoint knows but the table lost still
    falls into exactly one of them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(chain), max(chain) FROM audit_auditevent")
        low, high = cursor.fetchone()
    if low is None or parts == 1:
        return [(LOWEST, HIGHEST)]
    step = max(1, (high - low + 1) // parts)
    bounds = [LOWEST] + [low + step * k for k in range(1, parts)] + [HIGHEST]
    return list(zip(bounds, bounds[1:], strict=False))


def _check_partition(pinned: dict[int, tuple[int, str]], low: int, high: int) -> _Walker:
    """Check the chains ``low <= chain < high`` on this thread's own connection.

    psycopg2 hands COPY output over one row at a time; a Python callback per row would cost
    more than the checking itself. So the rows go into a pipe through a C-level buffered
    writer, and a second thread reads them in large pieces and checks them."""
    walker = _Walker({chain: pin for chain, pin in pinned.items() if low <= chain < high})
    read_end, write_end = os.pipe()
    reader = os.fdopen(read_end, "rb", buffering=PIPE_BUFFER)
    writer = os.fdopen(write_end, "wb", buffering=PIPE_BUFFER)

    def consume() -> None:
        with reader:
            while chunk := reader.read(PIPE_BUFFER):
                if walker.problem is None:
                    try:
                        walker.feed(chunk)
                    except _Broken as broken:
                        walker.problem = broken.problem  # keep draining, or the COPY would block

    checker = threading.Thread(target=consume)
    checker.start()
    try:
        with writer, transaction.atomic(), connection.cursor() as cursor:
            cursor.cursor.copy_expert(COPY_SQL % {"low": int(low), "high": int(high)}, writer)
    finally:
        checker.join()
    if walker.problem is None:
        try:
            walker.close()
        except _Broken as broken:
            walker.problem = broken.problem
    return walker


def _in_thread(function, *args):
    result: list[Any] = []
    error: list[BaseException] = []

    def run() -> None:
        try:
            result.append(function(*args))
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            error.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result, error


def verify(*, workers: int | None = None, checkpoint_name: str | None = None) -> Report:
    """Check the whole trail. On PostgreSQL the chains are split over ``workers`` connections
    (default 4), so the database streams in parallel; each chain is checked whole, in one
    snapshot, by one of them. Against the newest checkpoint, or the one named (a database
    restored from a backup is checked against the checkpoint that backup wrote)."""
    report = Report()
    started = time.perf_counter()
    try:
        checkpoint = read_checkpoint(checkpoint_name) if checkpoint_name else latest_checkpoint()
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
    if connection.vendor == "postgresql":
        parts = max(1, workers or 4)
        if parts == 1 or connection.in_atomic_block:
            # Inside a transaction (tests, callers) other connections cannot see its rows.
            walkers = [_check_partition(pinned, LOWEST, HIGHEST)]
        else:
            threads = [_in_thread(_check_partition, pinned, low, high) for low, high in _ranges(parts)]
            walkers = []
            for thread, result, error in threads:
                thread.join()
                if error:
                    raise error[0]
                walkers.extend(result)
    else:
        walker = _Walker(pinned)
        try:
            _stream_orm(walker)
            walker.close()
        except _Broken as broken:
            walker.problem = broken.problem
        walkers = [walker]
    problems = [w.problem for w in walkers if w.problem is not None]
    if problems:  # the first bad event in (chain, seq) order
        report.problem = min(problems, key=lambda p: (p.chain if p.chain is not None else -1, p.seq or 0))
    report.events = sum(w.events for w in walkers)
    report.redacted = sum(w.redacted for w in walkers)
    report.chains = sum(len(w.seen) for w in walkers)
    report.seconds = time.perf_counter() - started
    return report
