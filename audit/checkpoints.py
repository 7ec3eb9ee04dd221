"""Signed checkpoints: every chain's length and head at one moment, signed with
``settings.AUDIT_SIGNING_KEY`` (which is not in the database) and written outside the
database (``STORAGES["checkpoints"]``: the object store in production, with object lock where
the store has it; ``settings.AUDIT_CHECKPOINT_DIR`` in development; and the log).

Someone with write access to the database can recompute a whole chain after changing it, or
cut it short, or remove it: the chains alone would still look intact. A checkpoint they cannot
forge pins what the chains were, and ``audit verify`` compares against the latest one."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

logger = logging.getLogger("audit.checkpoint")

FILE_PREFIX = "checkpoint-"
HEADS_SQL = """
SELECT e.chain, e.seq, e.chain_value
  FROM audit_auditevent e
  JOIN (SELECT chain, max(seq) AS seq FROM audit_auditevent GROUP BY chain) head ON head.chain = e.chain AND head.seq = e.seq
 ORDER BY e.chain
"""


class CheckpointError(Exception):
    """A checkpoint file that cannot be read or whose signature does not match."""


@dataclass(frozen=True)
class Checkpoint:
    path: PurePosixPath  # the storage name
    created_at: str
    events: int
    chains: dict[int, tuple[int, str]]  # chain -> (length, head chain value)
    root: str


def _canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _sign(payload: dict[str, Any]) -> str:
    return hmac.new(settings.AUDIT_SIGNING_KEY.encode(), _canonical(payload), hashlib.sha256).hexdigest()


def _root(chains: list[list[Any]]) -> str:
    """One hash over all (chain, length, head) triples, in chain order: short enough for the log."""
    digest = hashlib.sha256()
    for chain, length, head in chains:
        digest.update(f"{chain}:{length}:{head}\n".encode())
    return digest.hexdigest()


def storage():
    """Where checkpoints are written: ``STORAGES["checkpoints"]``, outside the database and,
    in production, outside any one machine: their own bucket or prefix of the object store,
    each object locked against deletion where the store supports it (portal/object_storage.py);
    ``AUDIT_CHECKPOINT_DIR`` on disk in development."""
    return storages["checkpoints"]


def create_checkpoint() -> Checkpoint:
    """Read every chain's head in one snapshot, sign it, write it (never over an existing
    checkpoint: the storage picks a new name before it would replace one) and log it.
    Checkpoints sit in a folder per month, so finding the newest reads one month's names."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(HEADS_SQL)
        chains = [[chain, seq, value] for chain, seq, value in cursor.fetchall()]
    created = timezone.now().astimezone(UTC)
    payload = {
        "version": 1,
        "created_at": created.isoformat(timespec="microseconds"),
        "events": sum(length for _chain, length, _head in chains),
        "chains": chains,
        "root": _root(chains),
    }
    document = {"payload": payload, "signature": _sign(payload)}
    wanted = f"{created:%Y-%m}/{FILE_PREFIX}{created:%Y%m%dT%H%M%S%fZ}.json"
    name = storage().save(wanted, ContentFile(json.dumps(document, separators=(",", ":")).encode()))
    path = PurePosixPath(name)
    logger.info(
        "audit checkpoint %s: %d events in %d chains, root %s, signature %s",
        path.name,
        payload["events"],
        len(chains),
        payload["root"],
        document["signature"],
    )
    return _as_checkpoint(path, payload)


def _as_checkpoint(path: PurePosixPath, payload: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        path=path,
        created_at=payload["created_at"],
        events=payload["events"],
        chains={int(chain): (int(length), str(head)) for chain, length, head in payload["chains"]},
        root=payload["root"],
    )


def _newest_name() -> str | None:
    """The newest checkpoint's storage name: names sort by time, months as folders (and, from
    before the folders, files at the top)."""
    target = storage()
    try:
        months, files = target.listdir("")
    except FileNotFoundError:  # a checkpoint directory not made yet
        return None
    candidates = [name for name in files if name.startswith(FILE_PREFIX) and name.endswith(".json")]
    for month in sorted(months, reverse=True):
        found = [n for n in target.listdir(month)[1] if n.startswith(FILE_PREFIX) and n.endswith(".json")]
        if found:
            candidates.append(f"{month}/{max(found)}")
            break
    return max(candidates, key=lambda name: PurePosixPath(name).name) if candidates else None


def latest_checkpoint() -> Checkpoint | None:
    """The newest checkpoint, its signature checked. Raises CheckpointError when it was
    altered or cannot be read."""
    try:
        name = _newest_name()
    except OSError as error:
        raise CheckpointError(f"None: unreadable ({error})") from error
    return None if name is None else read_checkpoint(name)


def checkpoint_names() -> list[str]:
    """Every checkpoint's storage name, oldest first (a restore drill counts those newer
    than its backup)."""
    target = storage()
    try:
        months, files = target.listdir("")
    except FileNotFoundError:
        return []
    names = [n for n in files if n.startswith(FILE_PREFIX) and n.endswith(".json")]
    for month in months:
        names += [f"{month}/{n}" for n in target.listdir(month)[1] if n.startswith(FILE_PREFIX) and n.endswith(".json")]
    return sorted(names, key=lambda name: PurePosixPath(name).name)


def read_checkpoint(name: str) -> Checkpoint:
    """One checkpoint by its storage name, its signature checked (CheckpointError otherwise)."""
    try:
        path = PurePosixPath(name)
        with storage().open(name, "rb") as stored:
            document = json.loads(stored.read())
        payload, signature = document["payload"], document["signature"]
        if not hmac.compare_digest(_sign(payload), str(signature)):
            raise CheckpointError(f"{path.name}: signature does not match (altered, or signed with another key)")
        if _root(payload["chains"]) != payload["root"]:
            raise CheckpointError(f"{path.name}: root does not match its chains")
        return _as_checkpoint(path, payload)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"{name}: unreadable ({error})") from error
