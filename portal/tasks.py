from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=False)
def ping(value: str) -> str:
    """Answers with what it was given: proves a worker takes tasks from the broker."""
    return f"pong:{value}"
