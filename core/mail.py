"""The one place mail leaves the portal. E-mails are template triplets:
``<prefix>_subject.txt``, ``<prefix>_message.txt`` and ``<prefix>_message.html``.

Every mail ends with the footer of ``email/footer.txt`` / ``email/footer.html``: the privacy
statement promises an unsubscribe link in every e-mail. Mail about the account, invoices and
payments is not advertising and is always sent; its footer says so and links to unsubscribing
from advertising (and to the E-mailvoorkeuren page) without suppressing anything itself.

The links come from the app that owns them (consent's marketing), registered by the setting
``MAIL_FOOTER_LINKS``: the dotted path of a callable ``links(address: str | None) -> dict``
giving ``unsubscribe_url`` (for one recipient's address) and ``preferences_url``. So this
module, in the shared library, imports no feature.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from core.on_commit import after_commit

# The mail task's registered name (core.tasks), kept from its first module: queued
# messages carry it.
SEND_TEMPLATED_MAIL = "portal.tasks.send_templated_mail"


def footer_links(address: str | None) -> dict[str, str]:
    """The footer's links for ``address`` (None: a mail to several recipients), from the
    callable named by ``settings.MAIL_FOOTER_LINKS``; none when no app registered one."""
    path = getattr(settings, "MAIL_FOOTER_LINKS", "")
    links = import_string(path)(address) if path else {}
    return {"unsubscribe_url": links.get("unsubscribe_url", ""), "preferences_url": links.get("preferences_url", "")}


def add_footer(message: EmailMessage, *, marketing: bool = False) -> EmailMessage:
    """Append the footer (in the active language) to the text and HTML bodies of
    ``message``. With one recipient the footer carries that address's one-click
    unsubscribe link."""
    context = {
        "marketing": marketing,
        **footer_links(message.to[0] if len(message.to) == 1 else None),
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


def reply_to() -> list[str]:
    """Mails come from a no-reply address; a customer who answers one (the statement mail
    asks for it, the billing mails say "neem contact met ons op") reaches the company."""
    address = settings.COMPANY.get("email")
    return [address] if address else []


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
            subject=" ".join(subject.split()),
            body=text,
            to=to,
            headers=headers or {},
            connection=connection,
            reply_to=reply_to(),
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
    lang = language or translation.get_language() or settings.LANGUAGE_CODE
    after_commit(SEND_TEMPLATED_MAIL, template_prefix, to=to, context=context, language=lang, headers=headers)
