"""Give the events written before the chain existed their place in it.

The encoding is copied here on purpose (migrations never import app code): it is version
"v1" of audit/chain.py and must stay byte-for-byte the same."""

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

from django.db import migrations

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    heads: dict[int, tuple[int, bytes]] = {}
    for event in AuditEvent.objects.filter(digest="").order_by("occurred_at", "id").iterator():
        chain = 0 if event.subject_id is None else event.subject_id
        seq, previous = heads.get(chain, (0, bytes(32)))
        seq += 1
        salt = secrets.token_hex(16)
        changes = event.changes or {}
        personal = hashlib.sha256(
            _dumps([salt, event.actor_label, event.ip, event.user_agent, changes]).encode()
        ).hexdigest()
        occurred_us = (event.occurred_at - EPOCH) // timedelta(microseconds=1)
        digest = hashlib.sha256(
            _dumps(["v1", chain, seq, occurred_us, event.actor_kind, event.actor_id, event.subject_id, event.action,
                    event.target_type, event.target_id, event.request_id, sorted(changes), personal]).encode()
        ).hexdigest()
        value = hashlib.sha256(previous + bytes.fromhex(digest)).digest()
        AuditEvent.objects.filter(pk=event.pk).update(
            chain=chain, seq=seq, salt=salt, personal_digest=personal, digest=digest, chain_value=value.hex()
        )
        heads[chain] = (seq, value)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_event_chain_fields"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
