"""Signed checkpoints: every chain's length and head at one moment, signed with
``settings.AUDIT_SIGNING_KEY`` (which is not in the database) and written outside the
database (``settings.AUDIT_CHECKPOINT_DIR`` and the log).

Someone with write access to the database can recompute a whole chain after changing it, or
cut it short, or remove it: the chains alone would still look intact. A checkpoint they cannot
forge pins what the chains were, and ``audit verify`` compares against the latest one."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
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
    path: Path
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


def directory() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def create_checkpoint() -> Checkpoint:
    """Read every chain's head in one snapshot, sign it, write it to the checkpoint directory
    (atomically: temporary file, then rename) and log it."""
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
    target_dir = directory()
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"{FILE_PREFIX}{created:%Y%m%dT%H%M%S%fZ}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, separators=(",", ":")))
    os.replace(temporary, path)
    logger.info(
        "audit checkpoint %s: %d events in %d chains, root %s, signature %s",
        path.name,
        payload["events"],
        len(chains),
        payload["root"],
        document["signature"],
    )
    return _as_checkpoint(path, payload)


def _as_checkpoint(path: Path, payload: dict[str, Any]) -> Checkpoint:
    return Checkpoint(
        path=path,
        created_at=payload["created_at"],
        events=payload["events"],
        chains={int(chain): (int(length), str(head)) for chain, length, head in payload["chains"]},
        root=payload["root"],
    )


def latest_checkpoint() -> Checkpoint | None:
    """The newest checkpoint in the directory (names sort by time), its signature checked.
    Raises CheckpointError when it was altered or cannot be read."""
    target_dir = directory()
    if not target_dir.is_dir():
        return None
    names = sorted(p for p in target_dir.glob(f"{FILE_PREFIX}*.json"))
    if not names:
        return None
    path = names[-1]
    try:
        document = json.loads(path.read_text())
        payload, signature = document["payload"], document["signature"]
        if not hmac.compare_digest(_sign(payload), str(signature)):
            raise CheckpointError(f"{path.name}: signature does not match (altered, or signed with another key)")
        if _root(payload["chains"]) != payload["root"]:
            raise CheckpointError(f"{path.name}: root does not match its chains")
        return _as_checkpoint(path, payload)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CheckpointError(f"{path.name}: unreadable ({error})") from error
