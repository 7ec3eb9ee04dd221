"""The sandbox's rules: what VIES answers to one check.

The answer has the shape of VIES's REST API (``POST /check-vat-number``): the fields
``countryCode``, ``vatNumber``, ``requestDate``, ``valid``, ``requestIdentifier``, ``name``,
``address`` and the ``trader…`` approximate-match fields, or an error as
``{"actionSucceed": false, "errorWrappers": [{"error": …, "message": …}]}``.

* A VAT id registered in ``SandboxRegistration`` is answered as registered.
* Any other VAT id is valid when its check digits are right (python-stdnum), under a
  made-up name and address, and invalid otherwise.
* A consultation number (``requestIdentifier``) comes only with a requester (our own VAT
  id), as at VIES; a requester VAT id that is itself not valid is refused.
* Faults (``SandboxFault``) answer the next checks with VIES's error codes, an HTML 500, or
  late.
"""

from __future__ import annotations

import re
import secrets
import string

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from stdnum.eu import vat as eu_vat

from vies_sandbox.models import SandboxConsultation, SandboxFault, SandboxRegistration

# VIES's member-state codes: the EU, Greece as EL, and Northern Ireland (XI).
MEMBER_STATES = frozenset("AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split())
_NUMBER = re.compile(r"^[0-9A-Za-z+*]{2,14}$")

MESSAGES = {
    "INVALID_INPUT": "The provided CountryCode is invalid or the VAT number is empty",
    "INVALID_REQUESTER_INFO": "The requester info is invalid",
    "MS_UNAVAILABLE": "The Member State service is unavailable, try again later or with another Member State",
    "MS_MAX_CONCURRENT_REQ": "The Member State service has reached its maximum of concurrent requests",
    "GLOBAL_MAX_CONCURRENT_REQ": "The service has reached its maximum of concurrent requests",
    "SERVICE_UNAVAILABLE": "An error was encountered at the network or web application level, try again later",
    "TIMEOUT": "The Member State service did not answer in time",
}


class ViesFault(Exception):
    def __init__(self, code: str, status: int = 200) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def enabled() -> bool:
    return not settings.PRODUCTION


def error_body(code: str) -> dict:
    return {"actionSucceed": False, "errorWrappers": [{"error": code, "message": MESSAGES.get(code, code)}]}


def take_fault(country: str) -> SandboxFault | None:
    """The first armed fault for this country (or every country), used up by one."""
    with transaction.atomic():
        fault = (
            SandboxFault.objects.select_for_update()
            .filter(Q(country="") | Q(country=country), remaining__gt=0)
            .order_by("id")
            .first()
        )
        if fault is not None:
            SandboxFault.objects.filter(pk=fault.pk).update(remaining=F("remaining") - 1)
        return fault


def _identifier() -> str:
    return "WAPI" + "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(12))


def _valid_vat_id(country: str, number: str) -> bool:
    try:
        return eu_vat.is_valid(country + number)
    except Exception:  # noqa: BLE001 (python-stdnum raises on some odd inputs: not valid)
        return False


def check(payload: dict) -> dict:
    """VIES's answer to one ``check-vat-number`` request, or :class:`ViesFault`."""
    country = str(payload.get("countryCode") or "").upper()
    number = str(payload.get("vatNumber") or "").replace(" ", "")
    requester_country = str(payload.get("requesterMemberStateCode") or "").upper()
    requester_number = str(payload.get("requesterNumber") or "").replace(" ", "")
    log = {
        "country_code": country[:2],
        "vat_number": number[:40],
        "requester": (requester_country + requester_number)[:40],
    }
    if country not in MEMBER_STATES or not _NUMBER.match(number):
        SandboxConsultation.objects.create(outcome="INVALID_INPUT", **log)
        raise ViesFault("INVALID_INPUT", status=400)
    if requester_number and (
        requester_country not in MEMBER_STATES or not _valid_vat_id(requester_country, requester_number)
    ):
        SandboxConsultation.objects.create(outcome="INVALID_REQUESTER_INFO", **log)
        raise ViesFault("INVALID_REQUESTER_INFO", status=400)
    registration = SandboxRegistration.objects.filter(vat_id=country + number.upper()).first()
    if registration is not None:
        valid, name, address = registration.valid, registration.name, registration.address
    else:
        valid = _valid_vat_id(country, number)
        name = f"SANDBOX ONDERNEMING {number.upper()}" if valid else ""
        address = f"Sandboxstraat {int(number[-3:]) if number[-3:].isdigit() else 1}\n1000 SANDBOXSTAD" if valid else ""
    identifier = _identifier() if requester_number else ""
    SandboxConsultation.objects.create(outcome="valid" if valid else "invalid", request_identifier=identifier, **log)
    now = timezone.now()
    return {
        "countryCode": country,
        "vatNumber": number,
        "requestDate": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "valid": valid,
        "requestIdentifier": identifier,
        "name": name if valid else "---",
        "address": address if valid else "---",
        "traderName": "",
        "traderStreet": "",
        "traderPostalCode": "",
        "traderCity": "",
        "traderCompanyType": "",
        "traderNameMatch": "NOT_PROCESSED",
        "traderStreetMatch": "NOT_PROCESSED",
        "traderPostalCodeMatch": "NOT_PROCESSED",
        "traderCityMatch": "NOT_PROCESSED",
        "traderCompanyTypeMatch": "NOT_PROCESSED",
    }
