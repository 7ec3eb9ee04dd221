"""The sandbox's HTTP face: VIES's REST endpoint ``POST check-vat-number`` (JSON in, JSON
out, no authentication, as at VIES) with the faults armed through ``manage.py vies_sandbox``
or :mod:`vies_sandbox.controls`."""

from __future__ import annotations

import json
import time

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vies_sandbox import engine
from vies_sandbox.models import SandboxConsultation, SandboxFault

_MAX_BODY = 4096


@csrf_exempt
@require_POST
def check_vat_number(request: HttpRequest) -> HttpResponse:
    if not engine.enabled():
        raise Http404
    if len(request.body) > _MAX_BODY:
        return JsonResponse(engine.error_body("INVALID_INPUT"), status=400)
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse(engine.error_body("INVALID_INPUT"), status=400)
    if not isinstance(payload, dict):
        return JsonResponse(engine.error_body("INVALID_INPUT"), status=400)
    country = str(payload.get("countryCode") or "").upper()[:2]
    fault = engine.take_fault(country)
    if fault is not None and fault.kind != SandboxFault.Kind.SLOW:
        SandboxConsultation.objects.create(
            country_code=country, vat_number=str(payload.get("vatNumber") or "")[:40], outcome=fault.kind
        )
        if fault.kind == SandboxFault.Kind.HTTP_500:
            return HttpResponse("<html><body><h1>500 Internal Server Error</h1></body></html>", status=500)
        # VIES answers a member state's trouble with an error list, not a result.
        return JsonResponse(engine.error_body(fault.kind), status=200)
    try:
        response = JsonResponse(engine.check(payload))
    except engine.ViesFault as error:
        response = JsonResponse(engine.error_body(error.code), status=error.status)
    if fault is not None:  # answered, but late: the client has given up by then
        time.sleep(fault.delay_seconds)
    return response
