"""Give the events written before the chain existed their place in it.

The encoding is copied here on purpose (migrations do not import app code): it is version
"v1" of audit/chain.py and must stay byte for byte the same."""

import hashlib
import ipaddress
import json
import secrets
from datetime import UTC, datetime, timedelta

from django.db import migrations

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ESCAPES = str.maketrans({"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"})
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode


def _text(values):
    return "\t".join("\\N" if v is None else str(v).translate(ESCAPES) for v in values).encode()


def _ip(ip):
    if not ip:
        return None
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.compressed


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    heads = {}
    for event in AuditEvent.objects.filter(digest="").order_by("occurred_at", "id").iterator():
        chain = 0 if event.subject_id is None else event.subject_id
        seq, previous = heads.get(chain, (0, bytes(32)))
        seq += 1
        changes = event.changes if isinstance(event.changes, dict) else {}
        changes_json = _json(changes)
        fields = _json(sorted(changes))
        ip = _ip(event.ip)
        salt = secrets.token_hex(16)
        personal = hashlib.sha256(_text([salt, event.actor_label, ip, event.user_agent, changes_json])).hexdigest()
        occurred_us = (event.occurred_at - EPOCH) // timedelta(microseconds=1)
        digest = hashlib.sha256(_text([
            "v1", chain, seq, occurred_us, event.actor_kind, event.actor_id, event.subject_id, event.action,
            event.target_type, event.target_id, event.request_id, fields, personal,
        ])).digest()
        value = hashlib.sha256(previous + digest).digest()
        AuditEvent.objects.filter(pk=event.pk).update(
            chain=chain, seq=seq, salt=salt, ip=ip, changes=changes, fields=fields, personal_digest=personal,
            digest=digest.hex(), chain_value=value.hex(),
        )
        heads[chain] = (seq, value)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_event_chain_fields"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
