"""Mollie's webhook: ``POST /webhooks/mollie/`` with one form field, ``id``.

Mollie signs nothing, so the body is only a hint: the task fetches the payment from
Mollie and trusts only that. The view answers fast: 200 for any well-formed id (known or
not, so it reveals nothing), 400 for anything else, 503 when the database or the queue is
down (Mollie then tries again later).
"""

from __future__ import annotations

import logging
import re
import time
from http import HTTPStatus

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from subscriptions.models import Payment

logger = logging.getLogger(__name__)
PAYMENT_ID = re.compile(r"tr_[A-Za-z0-9]{4,32}")  # whole string (fullmatch: no trailing newline)
MAX_BODY = 1024


@csrf_exempt
@require_POST
def mollie_webhook(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BODY + 1
    if length > MAX_BODY:
        return HttpResponse(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
    mollie_id = request.POST.get("id", "")
    if set(request.POST.keys()) - {"id"} or len(request.POST.getlist("id")) != 1 or not PAYMENT_ID.fullmatch(mollie_id):
        return HttpResponse(status=HTTPStatus.BAD_REQUEST)
    try:
        known = Payment.objects.filter(mollie_id=mollie_id).exists()
    except DatabaseError:
        logger.exception("Webhook for %s: database unavailable", mollie_id)
        return HttpResponse(status=HTTPStatus.SERVICE_UNAVAILABLE)
    from django.core.cache import cache

    from subscriptions.tasks import WEBHOOK_QUEUED, process_webhook

    mark = WEBHOOK_QUEUED.format(mollie_id)
    try:
        # Coalesce: while a task for this id is waiting in the queue, a further delivery
        # adds nothing (the waiting task fetches the payment after it, so it sees what the
        # delivery announced). The task clears the mark when it starts.
        if not cache.add(mark, 1, timeout=600):
            logger.info("Webhook for %s coalesced with the one already queued", mollie_id)
            return HttpResponse(status=HTTPStatus.OK)
    except Exception:  # Redis down: let Mollie retry
        logger.exception("Webhook for %s: cache unavailable", mollie_id)
        return HttpResponse(status=HTTPStatus.SERVICE_UNAVAILABLE)
    try:
        process_webhook.delay(mollie_id, received_at=time.time())  # the metrics' webhook lag starts here
    except Exception as exc:  # noqa: BLE001  (broker, database or Mollie down: let Mollie retry)
        cache.delete(mark)
        logger.warning("Webhook for %s not handled now (%s); Mollie will retry", mollie_id, exc.__class__.__name__)
        return HttpResponse(status=HTTPStatus.SERVICE_UNAVAILABLE)
    logger.info("Webhook for %s (%s) queued", mollie_id, "known" if known else "not yet known")
    return HttpResponse(status=HTTPStatus.OK)
