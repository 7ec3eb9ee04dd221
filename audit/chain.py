"""How an audit event is turned into bytes and hashed. Pure functions, no database.

Each event has two parts:

* the *personal part*: salt, actor label, IP address, user agent, ``changes`` (as canonical
  JSON), hashed into ``personal_digest``;
* the *public part*: format version, chain, sequence number, time (integer microseconds since
  the epoch, UTC), actor kind and id, customer, action, target type and id, request id, the
  names of the changed fields (canonical JSON array) and ``personal_digest``, hashed into
  ``digest``.

``chain_value = SHA-256(previous chain_value || digest)`` (raw 32-byte values; 32 zero bytes
before the first event of a chain) links the events of one chain.

The canonical encoding of a part is its values in PostgreSQL's COPY text format: each value
with backslash, backspace, form feed, newline, carriage return, tab and vertical tab escaped,
NULL as ``\\N``, joined by tabs, UTF-8. It is unambiguous, and ``audit verify`` can hash the
bytes PostgreSQL streams out with ``COPY ... TO STDOUT`` without decoding a single value; the
columns that take part are stored as text exactly as they were hashed.

Redaction blanks the personal part (and the salt) but keeps ``personal_digest``: the digest
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
REDACTED_CHANGES = "{}"

_COPY_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "\b": "\\b",
        "\f": "\\f",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\v": "\\v",
    }
)
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode


def chain_for(subject_id: int | None) -> int:
    return NO_CUSTOMER_CHAIN if subject_id is None else int(subject_id)


def new_salt() -> str:
    return secrets.token_hex(16)


def microseconds(moment: datetime) -> int:
    """Exact microseconds since the epoch (no float rounding)."""
    return (moment - EPOCH) // ONE_MICROSECOND


def normalise_ip(ip: str | None) -> str | None:
    """One spelling per address; IPv4 inside IPv6 (``::ffff:1.2.3.4``) becomes plain IPv4."""
    if not ip:
        return None
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.compressed


def normalise_json(value: Any) -> Any:
    """Plain dicts, lists, strings, ints, bools and None. Decimals, floats, dates and other
    objects become strings, so what is hashed is exactly what is read back."""
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


def canonical_json(value: Any) -> str:
    return _json(value)


def field_names(changes: dict) -> str:
    """The names of the changed fields, kept (and hashed in the public part) after redaction."""
    return _json(sorted(changes))


def _copy_text(values: list[Any]) -> bytes:
    return "\t".join("\\N" if v is None else str(v).translate(_COPY_ESCAPES) for v in values).encode()


def personal_digest(*, salt: str, actor_label: str, ip: str | None, user_agent: str, changes_json: str) -> str:
    return hashlib.sha256(_copy_text([salt, actor_label, ip, user_agent, changes_json])).hexdigest()


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
    fields_json: str,
    personal_digest: str,
) -> str:
    return hashlib.sha256(
        _copy_text(
            [
                VERSION,
                chain,
                seq,
                occurred_us,
                actor_kind,
                actor_id,
                subject_id,
                action,
                target_type,
                target_id,
                request_id,
                fields_json,
                personal_digest,
            ]
        )
    ).hexdigest()


def link(previous: str | None, digest: str) -> str:
    """The chain value after ``digest``; ``previous`` is None for the first event."""
    head = bytes.fromhex(previous) if previous else GENESIS
    return hashlib.sha256(head + bytes.fromhex(digest)).hexdigest()
