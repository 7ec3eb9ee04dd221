"""The mail task: mail queued by :func:`core.mail.send_later` is rendered and sent here."""

from __future__ import annotations

from celery import shared_task

from core.mail import SEND_TEMPLATED_MAIL, render_and_send


@shared_task(
    name=SEND_TEMPLATED_MAIL, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=540, max_retries=8
)
def send_templated_mail(
    template_prefix: str, *, to: list[str], context: dict, language: str, headers: dict | None = None
) -> None:
    render_and_send(template_prefix, to=to, context=context, language=language, headers=headers)
