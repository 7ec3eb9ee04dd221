"""The VIES sandbox answers in the shape of VIES's REST API (``POST check-vat-number``),
refuses what VIES refuses, and injects the faults VIES is known for."""

from __future__ import annotations

from http import HTTPStatus

import pytest
import requests

from vies_sandbox import controls
from vies_sandbox.models import SandboxConsultation, SandboxFault

pytestmark = pytest.mark.django_db

RESULT_FIELDS = {
    "countryCode",
    "vatNumber",
    "requestDate",
    "valid",
    "requestIdentifier",
    "name",
    "address",
    "traderName",
    "traderStreet",
    "traderPostalCode",
    "traderCity",
    "traderCompanyType",
    "traderNameMatch",
    "traderStreetMatch",
    "traderPostalCodeMatch",
    "traderCityMatch",
    "traderCompanyTypeMatch",
}


@pytest.fixture
def post(vies_sandbox):
    def run(body=None, **kwargs):
        return requests.post(vies_sandbox.url + "/sandbox/vies/check-vat-number", json=body, timeout=5, **kwargs)

    return run


REQUESTER = {"requesterMemberStateCode": "NL", "requesterNumber": "004495445B01"}


def test_a_valid_vat_id_with_a_requester_gets_a_consultation_number(post):
    answer = post({"countryCode": "BE", "vatNumber": "0403170701", **REQUESTER})
    assert answer.status_code == HTTPStatus.OK
    body = answer.json()
    assert set(body) == RESULT_FIELDS
    assert body["valid"] is True and body["countryCode"] == "BE" and body["vatNumber"] == "0403170701"
    assert body["requestIdentifier"].startswith("WAPI") and len(body["requestIdentifier"]) == 16
    assert body["requestDate"].endswith("Z") and body["name"] and body["address"]
    assert body["traderNameMatch"] == "NOT_PROCESSED"


def test_without_a_requester_there_is_no_consultation_number(post):
    body = post({"countryCode": "DE", "vatNumber": "136695976"}).json()
    assert body["valid"] is True and body["requestIdentifier"] == ""


def test_a_wrong_number_is_invalid_with_nothing_disclosed(post):
    body = post({"countryCode": "BE", "vatNumber": "0403170702", **REQUESTER}).json()
    assert body["valid"] is False and body["name"] == "---" and body["address"] == "---"


def test_a_registration_decides_over_the_check_digits(post):
    controls.register("BE0403170701", valid=False)
    controls.register("EL094259216", name="ΑΘΗΝΑ Α.Ε.", address="Οδός 1\nΑθήνα")
    assert post({"countryCode": "BE", "vatNumber": "0403170701"}).json()["valid"] is False
    greek = post({"countryCode": "EL", "vatNumber": "094259216"}).json()
    assert greek["valid"] is True and greek["name"] == "ΑΘΗΝΑ Α.Ε."


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"countryCode": "US", "vatNumber": "123456789"}, "INVALID_INPUT"),
        ({"countryCode": "GR", "vatNumber": "094259216"}, "INVALID_INPUT"),  # Greece is EL at VIES
        ({"countryCode": "BE", "vatNumber": ""}, "INVALID_INPUT"),
        ({"countryCode": "BE", "vatNumber": "<script>"}, "INVALID_INPUT"),
        (
            {"countryCode": "BE", "vatNumber": "0403170701", "requesterMemberStateCode": "NL", "requesterNumber": "1"},
            "INVALID_REQUESTER_INFO",
        ),
        (["not", "an", "object"], "INVALID_INPUT"),
    ],
)
def test_what_vies_refuses_is_refused_with_its_error_list(post, body, code):
    answer = post(body)
    assert answer.status_code == HTTPStatus.BAD_REQUEST
    assert answer.json() == {
        "actionSucceed": False,
        "errorWrappers": [{"error": code, "message": answer.json()["errorWrappers"][0]["message"]}],
    }


def test_a_body_that_is_not_json_or_too_large_is_refused(vies_sandbox):
    url = vies_sandbox.url + "/sandbox/vies/check-vat-number"
    assert requests.post(url, data=b"{nope", timeout=5).status_code == HTTPStatus.BAD_REQUEST
    assert requests.post(url, data=b"x" * 10_000, timeout=5).status_code == HTTPStatus.BAD_REQUEST
    assert requests.get(url, timeout=5).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_member_state_fault_hits_only_that_country_and_is_used_up(post):
    controls.add_fault("MS_UNAVAILABLE", country="DE", count=2)
    assert post({"countryCode": "BE", "vatNumber": "0403170701"}).json()["valid"] is True
    for _ in range(2):
        answer = post({"countryCode": "DE", "vatNumber": "136695976"})
        assert answer.status_code == HTTPStatus.OK
        assert answer.json()["errorWrappers"][0]["error"] == "MS_UNAVAILABLE"
    assert post({"countryCode": "DE", "vatNumber": "136695976"}).json()["valid"] is True
    assert list(SandboxConsultation.objects.values_list("outcome", flat=True)) == [
        "valid",
        "MS_UNAVAILABLE",
        "MS_UNAVAILABLE",
        "valid",
    ]


def test_an_html_500_is_not_json(post):
    controls.add_fault("http_500")
    answer = post({"countryCode": "BE", "vatNumber": "0403170701"})
    assert answer.status_code == HTTPStatus.INTERNAL_SERVER_ERROR and answer.text.startswith("<html>")
    assert controls.clear_faults() == 0 and not SandboxFault.objects.filter(remaining__gt=0).exists()


def test_the_sandbox_is_off_in_production(post, settings):
    settings.PRODUCTION = True
    assert post({"countryCode": "BE", "vatNumber": "0403170701"}).status_code == HTTPStatus.NOT_FOUND


def test_the_command_registers_ids_and_arms_faults(post):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("vies_sandbox", "register", "be 0403170701", "--invalid", stdout=out)
    call_command("vies_sandbox", "fault", "MS_UNAVAILABLE", "--country", "de", stdout=out)
    assert "BE0403170701 (invalid)" in out.getvalue() and "MS_UNAVAILABLE DE ×1" in out.getvalue()
    assert post({"countryCode": "BE", "vatNumber": "0403170701"}).json()["valid"] is False
    call_command("vies_sandbox", "list", stdout=out)
    assert "BE0403170701: invalid" in out.getvalue()
