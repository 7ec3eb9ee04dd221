"""The invoice mail on a real Celery worker: the sandbox's duplicated webhooks, our webhook
task, the PDF task and the mail task all run in the worker process, and the invoice is
mailed exactly once, with the stored PDF attached.

The worker mails through the development console backend, so its mail is in its log."""

from __future__ import annotations

import base64
import re
from http import HTTPStatus

import pytest
from django.test import Client

from mollie_sandbox import controls
from subscriptions import tasks
from subscriptions.models import Invoice
from subscriptions.tests.conftest import checkout

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _succeeded(log: str, task: str) -> int:
    return len(re.findall(rf"Task subscriptions\.tasks\.{task}\[[0-9a-f-]+\] succeeded", log))


def test_the_invoice_is_mailed_once_on_a_real_worker_despite_duplicated_webhooks_and_tasks(
    sandbox_worker, subscribe, customer
):
    controls.add_fault("webhook_duplicate", count=3)
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    invoice = sandbox_worker.wait_until(
        lambda: Invoice.objects.filter(payment__pk=payment.pk, mailed_at__isnull=False).first(), timeout=60
    )
    payment.refresh_from_db()
    # More of the same: Mollie's webhook again, and the PDF and mail tasks repeated.
    for _ in range(3):
        assert Client().post("/webhooks/mollie/", {"id": payment.mollie_id}).status_code == HTTPStatus.OK
        tasks.render_pdf.delay("invoice", invoice.pk)
        tasks.mail_document.delay("invoice", invoice.pk)
    # 1 (the payment) + 3 (after each render_pdf) + 3 (direct): all have run.
    sandbox_worker.wait_until(lambda: _succeeded(sandbox_worker.log_text(), "mail_document") >= 7, timeout=60)
    log = sandbox_worker.log_text()
    assert _succeeded(log, "process_webhook") >= 2  # the duplicates did reach the worker
    assert log.count(f"Subject: Factuur {invoice.number} voor Exact koppeling") == 1
    assert f"To: {customer.email}" in log
    assert f'filename="factuur-{invoice.number}.pdf"' in log
    invoice.refresh_from_db()
    encoded = base64.encodebytes(bytes(invoice.pdf)).decode().split()
    assert all(line in log for line in encoded)  # the stored PDF, every byte of it
    assert Invoice.objects.count() == 1
