"""The one place mail leaves the portal. E-mails are template triplets:
``<prefix>_subject.txt``, ``<prefix>_message.txt`` and ``<prefix>_message.html``.

Every mail ends with the footer of ``email/footer.txt`` / ``email/footer.html``: the privacy
statement promises an unsubscribe link in every e-mail. Mail about the account, invoices and
payments is not advertising and is always sent; its footer says so and links to unsubscribing
from advertising (and to the E-mailvoorkeuren page) without suppressing anything itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from consent.marketing.tokens import preferences_url, unsubscribe_url


def add_footer(message: EmailMessage, *, marketing: bool = False) -> EmailMessage:
    """Append the footer (in the active language) to the text and HTML bodies of
    ``message``. With one recipient the footer carries that address's one-click
    unsubscribe link."""
    context = {
        "marketing": marketing,
        "unsubscribe_url": unsubscribe_url(message.to[0]) if len(message.to) == 1 else "",
        "preferences_url": preferences_url(),
        "COMPANY": settings.COMPANY,
        "PRODUCT_NAME": settings.PRODUCT_NAME,
    }
    text = render_to_string("email/footer.txt", context).strip()
    message.body = f"{message.body.rstrip()}\n\n-- \n{text}\n"
    if isinstance(message, EmailMultiAlternatives):
        html = render_to_string("email/footer.html", context).strip()
        alternatives, message.alternatives = list(message.alternatives), []
        for content, mimetype in alternatives:
            if mimetype == "text/html":
                head, marker, tail = content.rpartition("</body>")
                content = f"{head}{html}{marker}{tail}" if marker else f"{content}{html}"
            message.attach_alternative(content, mimetype)
    return message


def build_message(
    template_prefix: str,
    *,
    to: list[str],
    context: dict,
    language: str | None = None,
    headers: dict[str, str] | None = None,
    marketing: bool = False,
    connection=None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> EmailMultiAlternatives:
    """Render the triplet into a message (footer added). ``attachments``: (filename, content,
    mimetype)."""
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
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()), body=text, to=to, headers=headers or {}, connection=connection
        )
        message.attach_alternative(html, "text/html")
        add_footer(message, marketing=marketing)
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    return message


def render_and_send(
    template_prefix: str,
    *,
    to: list[str],
    context: dict,
    language: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Render the triplet and send it now."""
    build_message(
        template_prefix, to=to, context=context, language=language, headers=headers, attachments=attachments
    ).send()


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
