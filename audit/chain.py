"""How an audit event is turned into bytes and hashed. Pure functions, no database.

Each event has two parts:

* the *personal part* (actor label, IP address, user agent, the values in ``changes``),
  hashed together with a random salt into ``personal_digest``;
* the *public part* (chain, sequence number, time, actor kind and id, customer, action,
  target, request id, the names of the changed fields) plus ``personal_digest``, hashed into
  ``digest``.

``chain_value = SHA-256(previous chain_value || digest)`` links the events of one chain.

Redaction blanks the personal part and the salt but keeps ``personal_digest``: the digest
and the chain still verify, and without the salt the stored personal digest cannot be used to
guess the blanked values (an IP address alone would be easy to brute-force).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

VERSION = "v1"
NO_CUSTOMER_CHAIN = 0  # user ids start at 1
GENESIS = bytes(32)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode


def chain_for(subject_id: int | None) -> int:
    return NO_CUSTOMER_CHAIN if subject_id is None else int(subject_id)


def new_salt() -> str:
    return secrets.token_hex(16)


def microseconds(moment: datetime) -> int:
    """Exact microseconds since the epoch (no float rounding)."""
    return (moment - EPOCH) // ONE_MICROSECOND


def normalise_ip(ip: str | None) -> str | None:
    """The text form PostgreSQL's inet gives back, so the digest survives the round trip."""
    if not ip:
        return None
    return ipaddress.ip_address(ip).compressed


def normalise_json(value: Any) -> Any:
    """What a JSON column gives back for ``value``: plain dicts, lists, strings, ints, bools
    and None. Decimals, floats, dates and other objects become strings, so the digest taken
    before the insert equals the one recomputed from the stored row."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict):
        return {str(k): normalise_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [normalise_json(v) for v in items]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(value)
    return str(value)


def personal_digest(*, salt: str, actor_label: str, ip: str | None, user_agent: str, changes: dict) -> str:
    encoded = _dumps([salt, actor_label, ip, user_agent, changes]).encode()
    return hashlib.sha256(encoded).hexdigest()


def event_digest(
    *,
    chain: int,
    seq: int,
    occurred_us: int,
    actor_kind: str,
    actor_id: int | None,
    subject_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    request_id: str,
    change_fields: list[str],
    personal_digest: str,
) -> str:
    encoded = _dumps(
        [VERSION, chain, seq, occurred_us, actor_kind, actor_id, subject_id, action, target_type, target_id,
         request_id, change_fields, personal_digest]
    ).encode()
    return hashlib.sha256(encoded).hexdigest()


def link(previous: str | None, digest: str) -> str:
    """The chain value after ``digest``; ``previous`` is None for the first event."""
    head = bytes.fromhex(previous) if previous else GENESIS
    return hashlib.sha256(head + bytes.fromhex(digest)).hexdigest()


def redacted_changes(changes: dict) -> dict:
    """The field names stay (they are part of the public digest); the values go."""
    return dict.fromkeys(changes)
