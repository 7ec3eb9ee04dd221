"""The one way to write to the audit trail.

Call :func:`record` inside the transaction of the change it describes, so that the change
and its evidence are committed together or not at all. How the chain works is explained in
docs/audit.md and audit/chain.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from audit import chain as hashing
from audit.events import Action, ActorKind
from audit.models import AuditEvent
from core import request_context

CHANGED = "changed"
# Field names (or parts of them, split on "_" / "-" / ".") whose values are secrets.
SECRET_PARTS = frozenset(
    {
        "password",
        "password1",
        "password2",
        "passwd",
        "pwd",
        "token",
        "secret",
        "key",
        "apikey",
        "otp",
        "totp",
        "pin",
        "seed",
        "cvc",
        "cvv",
        "signature",
        "credentials",
    }
)
SECRET_NAMES = frozenset({"code", "codes", "recovery_codes", "api_key", "secret_key", "access_token", "refresh_token"})
# Values that look like credentials whatever the field is called (Mollie keys, bearer tokens).
SECRET_VALUE = re.compile(r"^(live|test|access|org)_[A-Za-z0-9]{20,}$|^Bearer\s+\S+$")
# The advisory lock (in audit_lock_chain_head) has two parts: a namespace ("AUDT" =
# 0x41554454) and the chain folded into 31 bits. Two chains that fold to the same number share
# a lock, which only makes them wait for each other.


def _is_secret_name(field: str) -> bool:
    lowered = field.lower()
    if lowered in SECRET_NAMES:
        return True
    return any(part in SECRET_PARTS for part in re.split(r"[_\-.\s]+", lowered))


def _mask(value: Any) -> Any:
    """Replace every secret (by field name, at any depth, or by its shape) with "changed"."""
    if isinstance(value, dict):
        return {
            k: CHANGED if _is_secret_name(str(k)) and v not in (None, "", CHANGED) else _mask(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_mask(v) for v in value]
    if isinstance(value, str) and SECRET_VALUE.match(value):
        return CHANGED
    return value


def _actor(actor, system: str | None) -> tuple[str, int | None, str]:
    if system:
        return ActorKind.SYSTEM, None, f"system ({system})"
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ActorKind.ANONYMOUS, None, "anonymous"
    kind = ActorKind.STAFF if actor.is_staff else ActorKind.CUSTOMER
    return kind, actor.pk, actor.get_username()


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for every field whose value changed."""
    return {
        field: [before.get(field), after.get(field)]
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
    }


def _lock_chain_and_read_head(chain: int) -> tuple[int, str | None]:
    """Serialise the writers of one chain until the end of the transaction, then read its
    head. The head is read only after the lock, so no two writers can extend the same head
    (the unique (chain, seq) constraint would refuse a fork anyway). On PostgreSQL both happen
    in one round trip (the function audit_lock_chain_head, migration 0004)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT head_seq, head_value FROM audit_lock_chain_head(%s)", [chain])
        else:  # SQLite: one writer at a time anyway
            cursor.execute(
                "SELECT seq, chain_value FROM audit_auditevent WHERE chain = %s ORDER BY seq DESC LIMIT 1", [chain]
            )
        row = cursor.fetchone()
    return (row[0], row[1]) if row and row[0] is not None else (0, None)


def record(
    action: Action | str,
    *,
    actor=None,
    system: str | None = None,
    subject=None,
    subject_id: int | None = None,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
) -> AuditEvent:
    """Record that ``actor`` (a user; ``system="Mollie"`` for machine actors) did ``action``
    to ``target``, about the customer ``subject`` (or ``subject_id``).

    Must run inside the transaction of the change: if writing the event fails, the whole
    transaction is marked for rollback (no savepoint), so the change cannot be committed
    without its evidence. ``action`` must be one of :class:`audit.events.Action`."""
    action = Action(action)  # ValueError for anything outside the enumeration
    kind, actor_id, label = _actor(actor, system)
    if subject is not None:
        subject_id = subject.pk
    if target is not None:
        target_type, target_id = target._meta.label_lower, target.pk
    context = request_context.current()
    masked = hashing.normalise_json(_mask(changes or {}))
    if not isinstance(masked, dict):
        raise TypeError("changes must be a dict of field -> value")
    ip = hashing.normalise_ip(context.ip)
    user_agent = (context.user_agent or "")[:500]
    label = label[:200]
    salt = hashing.new_salt()
    fields = {
        "actor_kind": str(kind),
        "actor_id": actor_id,
        "subject_id": subject_id,
        "action": action.value,
        "target_type": (target_type or "")[:100],
        "target_id": "" if target_id is None else str(target_id)[:64],
        "request_id": (context.request_id or "")[:64],
    }
    changes_json = hashing.canonical_json(masked)
    fields_json = hashing.field_names(masked)
    personal = hashing.personal_digest(
        salt=salt, actor_label=label, ip=ip, user_agent=user_agent, changes_json=changes_json
    )
    chain = hashing.chain_for(subject_id)
    with transaction.atomic(savepoint=False):
        previous_seq, previous_value = _lock_chain_and_read_head(chain)
        occurred_at = timezone.now()  # after the lock: times follow the sequence
        seq = previous_seq + 1
        digest = hashing.event_digest(
            chain=chain,
            seq=seq,
            occurred_us=hashing.microseconds(occurred_at),
            fields_json=fields_json,
            personal_digest=personal,
            **fields,
        )
        event = AuditEvent.objects.create(
            chain=chain,
            seq=seq,
            occurred_at=occurred_at,
            actor_label=label,
            changes=changes_json,  # stored as is: exactly the text that was hashed
            fields=fields_json,
            ip=ip,
            user_agent=user_agent,
            salt=salt,
            personal_digest=personal,
            digest=digest,
            chain_value=hashing.link(previous_value, digest),
            **fields,
        )
    event.changes = masked
    return event


# The one UPDATE the append-only trigger lets through (migration 0004): only while the
# transaction-local setting audit.redaction is on, and then only blanking these fields.
_REDACT_SQL = """
UPDATE audit_auditevent
   SET ip = NULL, user_agent = '', actor_label = '', salt = '', changes = '{}', redacted_at = %s
 WHERE chain = ANY(%s) AND redacted_at IS NULL AND (%s::timestamptz IS NULL OR occurred_at <= %s)
"""


def _redact_chains(chains: list[int], before: datetime | None) -> int:
    if not chains:
        return 0
    now = timezone.now()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.redaction', 'on', true)")
            cursor.execute(_REDACT_SQL, [now, chains, before, before])
            count = cursor.rowcount
            cursor.execute("SELECT set_config('audit.redaction', 'off', true)")
        return count
    events = AuditEvent.objects.filter(chain__in=chains, redacted_at__isnull=True)
    if before is not None:
        events = events.filter(occurred_at__lte=before)
    return events.update(
        ip=None, user_agent="", actor_label="", salt="", changes=hashing.REDACTED_CHANGES, redacted_at=now
    )


def redact_personal_fields(*, subject_id: int | None, before: datetime | None = None) -> int:
    """Blank the personal fields (IP address, user agent, actor label, the values in
    ``changes``; the names of the changed fields stay), and the salt, of the not yet redacted
    events about ``subject_id`` (None: the events about no customer), optionally only those
    that occurred at or before ``before``. Digests and chain values stay, so ``audit verify``
    still passes. Returns how many events were redacted."""
    return _redact_chains([hashing.chain_for(subject_id)], before)


def redact_customers(subject_ids: Iterable[int]) -> int:
    """The same for every event about each of these customers (an erasure batch), in one
    statement. Returns how many events were redacted."""
    return _redact_chains([hashing.chain_for(subject_id) for subject_id in subject_ids], None)
