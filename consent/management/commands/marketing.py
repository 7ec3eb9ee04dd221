"""``manage.py marketing``: marketing mail for ops.

  send --subject TEXT --body-file FILE [--subject-en TEXT --body-file-en FILE] [--dry-run]

Sends one mailing to every active customer with a verified e-mail address who has not
objected, each in their language (without an English text, English-speaking customers get
the Dutch one), in batches on the Celery worker, exactly as "Versturen" in the admin does.
Prints how many customers it goes to; --dry-run prints that and changes nothing. Empty or
unreadable texts: a clear message, exit status 2, nothing sent.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from consent.marketing import selectors, services


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _read(path: str | None, option: str) -> str:
    if path is None:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(f"{option}: cannot read {path!r} as UTF-8 text ({exc.__class__.__name__})") from None


def _customers(count: int) -> str:
    return f"{count} customer" if count == 1 else f"{count} customers"


class Command(BaseCommand):
    help = (
        "Send a marketing mailing to every active, verified customer who has not objected (soft opt-in; "
        "each mail has a one-click unsubscribe link), in batches on the Celery worker. See docs/consent.md."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{send}")
        send = sub.add_parser("send", help="send a mailing (or count its recipients with --dry-run)")
        send.add_argument("--subject", required=True, help="the subject (Dutch)")
        send.add_argument("--body-file", required=True, metavar="FILE", help="the text of the mail (Dutch, UTF-8)")
        send.add_argument("--subject-en", default="", help="the English subject (with --body-file-en)")
        send.add_argument("--body-file-en", metavar="FILE", help="the English text (with --subject-en)")
        send.add_argument("--dry-run", action="store_true", help="print how many customers it goes to; send nothing")

    def handle(self, *args, **options) -> None:
        with translation.override("en"):
            self._send(options)

    def _send(self, options: dict) -> None:
        texts = {
            "subject_nl": options["subject"],
            "body_nl": _read(options["body_file"], "--body-file"),
            "subject_en": options["subject_en"] or "",
            "body_en": _read(options["body_file_en"], "--body-file-en"),
        }
        try:
            texts = services.mailing_validate(**texts)
        except services.MailingError as exc:
            raise _bad(str(exc)) from None
        if options["dry_run"]:
            count = selectors.eligible_customers().count()
            self.stdout.write(f"dry run: the mailing would go to {_customers(count)}; nothing was sent")
            return
        with transaction.atomic():
            mailing = services.mailing_create(**texts, system="manage.py marketing")
            mailing = services.mailing_send(mailing=mailing, system="manage.py marketing")
        self.stdout.write(
            f"mailing #{mailing.pk} goes to {_customers(mailing.recipient_count)}; "
            "it is sent in batches by the Celery worker"
        )
