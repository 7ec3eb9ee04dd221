"""The one way a service queues follow-up work (a mail, a call to Mollie, a PDF): by the
task's registered name, once the current transaction commits. Never inside it (a slow SMTP
server or Mollie never holds our row locks), never when it rolls back.

Naming the task instead of importing it keeps the direction one way: tasks import
services, services never import tasks. Each app's ``AppConfig.ready`` imports its
``tasks`` module, so every name is registered in every process (web, worker, command)."""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def after_commit(
    task_name: str, *args: object, robust: bool = False, countdown: float | None = None, **kwargs: object
) -> None:
    """Queue the task registered as ``task_name`` with ``args`` / ``kwargs`` once the current
    transaction commits (at once outside a transaction). ``robust``: a failure to queue is
    logged instead of raised (the work is repaired another way, e.g. on first use).
    ``countdown``: seconds the task waits before it runs."""

    def send() -> None:
        task = current_app.tasks[task_name]
        if countdown:
            task.apply_async(args=args, kwargs=kwargs, countdown=countdown)
        else:
            task.delay(*args, **kwargs)

    transaction.on_commit(send, robust=robust)
