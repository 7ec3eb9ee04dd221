from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=False)
def ping(value: str) -> str:
    """Answers with what it was given: proves a worker takes tasks from the broker."""
    return f"pong:{value}"


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_templated_mail(
    template_prefix: str, *, to: list[str], context: dict, language: str, headers: dict | None = None
) -> None:
    from portal.mail import render_and_send

    render_and_send(template_prefix, to=to, context=context, language=language, headers=headers)
