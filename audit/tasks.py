from __future__ import annotations

from celery import shared_task

from audit.checkpoints import create_checkpoint


@shared_task(name="audit.tasks.audit_checkpoint", acks_late=True)
def audit_checkpoint() -> str:
    """Hourly (beat): a signed checkpoint of every chain's head, written outside the database."""
    return create_checkpoint().path.name
