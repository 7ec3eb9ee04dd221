"""The sync engine's tasks (queued by name through core.on_commit.after_commit, or by beat)."""

from __future__ import annotations

from celery import shared_task

from sync.services import digest, run, schedule


@shared_task(name="sync.tasks.tick", ignore_result=True)
def tick() -> int:
    return schedule.tick()


@shared_task(name="sync.tasks.run_division", ignore_result=True, acks_late=True)
def run_division(user_id: int, trigger: str = "beat") -> None:
    run.run_division(user_id=user_id, trigger=trigger)


@shared_task(name="sync.tasks.error_digest", ignore_result=True)
def error_digest() -> int:
    return digest.send_digests()
