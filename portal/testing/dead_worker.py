"""Killing a whole Celery worker in a test, and the times within which its tasks must have
run again (issue 18, item 8; docs/operations.md "A dead worker").

The workers of such a test get a short broker visibility timeout (``RECOVERY_ENV``), so the
test takes seconds where production takes minutes; the arithmetic is the same:

    a task held by a worker that died runs again at most
    visibility timeout + restore interval after it was handed out,
    once another worker runs (each worker also looks when it starts).

The tests count from the moment the other worker answers (its start-up is not the broker's
doing) and allow the task's own run on this shared machine on top.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

VISIBILITY_TIMEOUT_S = 8
RESTORE_INTERVAL_S = 1  # max(1, min(60, visibility // 10)) as in portal/settings.py
# The machine is shared: starting the second worker and running the task again may take this
# long on top (Django's start-up alone is several seconds under load).
ALLOWANCE_S = 40
RECOVERY_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
    "MARKETING_STALE_CLAIM_SECONDS": "3",
    "MARKETING_BATCH_PAUSE": "0",
    "DATABASE_CONN_MAX_AGE": "0",
}


def stated_time_s() -> float:
    """Seconds, from the moment another worker runs, within which every task the dead worker
    held has completed."""
    return VISIBILITY_TIMEOUT_S + RESTORE_INTERVAL_S + ALLOWANCE_S


def kill_whole_worker(worker) -> None:
    """SIGKILL to the worker's whole process group (main process and any pool children): no
    warm shutdown, no acknowledgement, no message given back to the broker."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.process.wait(timeout=15)


@contextmanager
def tasks_to(queue: str) -> Iterator[None]:
    """Tasks queued by this test process go to ``queue`` (through Redis, not eagerly)."""
    from portal.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
