"""Settings of the multi-node rehearsal (portal/tests/test_rehearsal.py): the portal's own,
with beat writing the signed audit checkpoint every few seconds instead of hourly (and
nothing else), so that the rehearsal sees checkpoints beat wrote within its minutes."""

from portal.settings import *  # noqa: F403

CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint-hourly": {"task": "audit.tasks.audit_checkpoint", "schedule": 4.0},
}
