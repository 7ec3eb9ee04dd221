"""The one place mail leaves the portal. E-mails are template triplets:
``<prefix>_subject.txt``, ``<prefix>_message.txt`` and ``<prefix>_message.html``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_and_send(
    template_prefix: str,
    *,
    to: list[str],
    context: dict,
    language: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Render the triplet and send it now. ``attachments``: (filename, content, mimetype)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        full_context = {
            "COMPANY": settings.COMPANY,
            "PRODUCT_NAME": settings.PRODUCT_NAME,
            "SITE_URL": settings.SITE_URL,
            **context,
        }
        subject = render_to_string(f"{template_prefix}_subject.txt", full_context).strip()
        text = render_to_string(f"{template_prefix}_message.txt", full_context)
        html = render_to_string(f"{template_prefix}_message.html", full_context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=to, headers=headers or {})
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send()


def send_later(
    template_prefix: str,
    *,
    to: list[str],
    context: dict,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue the mail for after the current transaction commits (a rolled-back change
    sends nothing)."""
    from django.db import transaction

    from portal.tasks import send_templated_mail

    lang = language or translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(
        lambda: send_templated_mail.delay(template_prefix, to=to, context=context, language=lang, headers=headers)
    )
