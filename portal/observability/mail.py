"""Counts every mail message the portal hands to the relay, whatever sent it (account mail,
invoices, marketing batches): ``EMAIL_BACKEND`` is this wrapper, the real backend is
``EMAIL_DELIVERY_BACKEND``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from core import metrics as shared


class CountingEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.delivery.open()

    def close(self) -> None:
        self.delivery.close()

    def send_messages(self, email_messages) -> int:
        messages = list(email_messages)
        if not messages:
            return 0
        try:
            sent = self.delivery.send_messages(messages) or 0
        except Exception:
            shared.increment(shared.MAIL_FAILED, len(messages))
            raise
        shared.increment(shared.MAIL_SENT, sent)
        shared.increment(shared.MAIL_FAILED, len(messages) - sent)
        return sent
