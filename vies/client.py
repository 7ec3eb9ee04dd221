"""The only module that talks to VIES (the EU's VAT Information Exchange System), through
its REST API: ``POST {VIES_API_URL}/check-vat-number``.

The request names the requester (our own VAT id, ``settings.COMPANY["vat_id"]``), so a
valid answer carries a consultation number (``requestIdentifier``): the proof that we
checked. VIES answers a member state's trouble with a list of errors
(``{"errorWrappers": [{"error": "MS_UNAVAILABLE", …}]}``) instead of a result, at whichever
HTTP status: such an answer, a timeout, a network error or a page that is not JSON is
:class:`ViesUnavailable` (try again later). Nothing is retried here; the service decides.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests
from django.apps import apps
from django.conf import settings

logger = logging.getLogger(__name__)

PRODUCTION_URL = "https://ec.europa.eu/taxation_customs/vies/rest-api"
# Errors that mean "ask again later": the answer says nothing about the VAT id.
RETRYABLE = frozenset(
    {
        "MS_UNAVAILABLE",
        "MS_MAX_CONCURRENT_REQ",
        "GLOBAL_MAX_CONCURRENT_REQ",
        "SERVICE_UNAVAILABLE",
        "TIMEOUT",
        "SERVER_BUSY",
    }
)


class ViesUnavailable(Exception):
    """VIES gave no answer about the VAT id; ``code`` says why (VIES's error code,
    ``timeout``, ``unreachable`` or ``bad_answer``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ViesAnswer:
    valid: bool
    name: str
    address: str
    consultation_number: str
    request_date: str
    raw: dict[str, Any]


def endpoint() -> str:
    """``VIES_API_URL``, else the project's sandbox (development and tests), else VIES."""
    if settings.VIES_API_URL:
        return settings.VIES_API_URL.rstrip("/")
    if apps.is_installed("vies_sandbox") and not settings.PRODUCTION:
        return settings.SITE_URL + "/sandbox/vies"
    return PRODUCTION_URL


def split(vat_id: str) -> tuple[str, str]:
    """``"BE0403170701"`` → ``("BE", "0403170701")`` (Greece is ``EL`` at VIES, as in its ids)."""
    compact = vat_id.replace(" ", "").upper()
    return compact[:2], compact[2:]


def _text(value: Any) -> str:
    text = str(value or "").strip()
    return "" if text == "---" else text  # VIES's "not disclosed"


def check(vat_id: str) -> ViesAnswer:
    country, number = split(vat_id)
    requester_country, requester_number = split(settings.COMPANY.get("vat_id") or "")
    payload = {"countryCode": country, "vatNumber": number}
    if requester_number:
        payload |= {"requesterMemberStateCode": requester_country, "requesterNumber": requester_number}
    try:
        response = requests.post(
            endpoint() + "/check-vat-number",
            json=payload,
            timeout=settings.VIES_TIMEOUT,
            headers={"Accept": "application/json"},
        )
    except requests.Timeout as exc:
        raise ViesUnavailable("timeout") from exc
    except requests.RequestException as exc:
        raise ViesUnavailable("unreachable") from exc
    try:
        body = response.json()
    except ValueError as exc:
        logger.warning("VIES answered HTTP %s without JSON", response.status_code)
        raise ViesUnavailable("bad_answer") from exc
    if not isinstance(body, dict):
        raise ViesUnavailable("bad_answer")
    errors = body.get("errorWrappers") or []
    if errors:
        code = str((errors[0] or {}).get("error") or "bad_answer")[:40]
        if code not in RETRYABLE:
            # INVALID_INPUT (our format check let something through) or INVALID_REQUESTER_INFO
            # (our own VAT id in COMPANY_VAT_ID): for ops, and asked again later.
            logger.error("VIES refused the check: %s", code)
        raise ViesUnavailable(code)
    if response.status_code != 200 or not isinstance(body.get("valid"), bool):
        logger.warning("VIES answered HTTP %s without a result", response.status_code)
        raise ViesUnavailable("bad_answer")
    return ViesAnswer(
        valid=body["valid"],
        name=_text(body.get("name"))[:300],
        address=_text(body.get("address"))[:2000],
        consultation_number=str(body.get("requestIdentifier") or "")[:40],
        request_date=str(body.get("requestDate") or "")[:40],
        raw=body,
    )
