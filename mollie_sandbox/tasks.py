from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def deliver_webhook(webhook_id: int) -> None:
    """One attempt to call the portal's webhook (the sandbox plays Mollie)."""
    from mollie_sandbox.engine import enabled, webhook_deliver

    if enabled():
        webhook_deliver(webhook_id)
