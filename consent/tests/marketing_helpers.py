"""Helpers for the marketing tests (plain functions: the app's conftest is shared)."""

from __future__ import annotations

import smtplib
from typing import ClassVar

from django.core.mail.backends.locmem import EmailBackend

from consent.marketing import services
from consent.models import Mailing


def mailing(**texts) -> Mailing:
    defaults = {
        "subject_nl": "Nieuw: koppeling met uw CRM",
        "body_nl": "Beste klant,\n\nVanaf nu koppelt u ook uw CRM.\n\nGroet, het team",
        "subject_en": "New: connect your CRM",
        "body_en": "Dear customer,\n\nYou can now connect your CRM too.\n\nRegards, the team",
    }
    return services.mailing_create(**{**defaults, **texts}, system="test")


def addresses(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


class FailingBackend(EmailBackend):
    """The locmem backend, except that the ``fail_at``-th message handed to it (counting
    from 1 over the whole test) raises as a relay that drops the connection would."""

    fail_at: ClassVar[int | None] = None
    handed: ClassVar[int] = 0

    def send_messages(self, messages):
        for message in messages:
            FailingBackend.handed += 1
            if FailingBackend.handed == FailingBackend.fail_at:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            super().send_messages([message])
        return len(messages)
