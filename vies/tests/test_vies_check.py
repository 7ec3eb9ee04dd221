"""A VAT id is checked in VIES when it is saved: the answer kept as proof (date, valid or
not, VIES's name and address, the consultation number), shown on the profile page; VIES
unavailable leaves it "niet gecontroleerd", tells the customer why, and is tried again."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Profile
from accounts.services import profile_for
from audit.models import AuditEvent
from vies import services
from vies.models import VatCheck
from vies.tests.conftest import BELGIAN, OUR_VAT_ID, PROFILE_URL
from vies_sandbox import controls
from vies_sandbox.models import SandboxConsultation

pytestmark = pytest.mark.django_db


def _profile(user, **fields) -> None:
    profile_for(user)
    Profile.objects.filter(user=user).update(**fields)


def test_a_saved_vat_id_is_checked_in_vies_and_the_proof_is_kept_and_shown(vies_sandbox, logged_in, customer):
    controls.register("BE0403170701", name="NV DUPONT", address="Rue Neuve 1\n1000 Bruxelles")
    response = logged_in.post(PROFILE_URL, BELGIAN)
    assert response.status_code == HTTPStatus.FOUND

    check = VatCheck.objects.get(user=customer)
    assert check.vat_id == "BE0403170701" and check.result == VatCheck.Result.VALID
    assert check.name == "NV DUPONT" and check.address == "Rue Neuve 1\n1000 Bruxelles"
    assert check.consultation_number.startswith("WAPI") and check.checked_at is not None
    assert check.requester == OUR_VAT_ID and check.response["requestIdentifier"] == check.consultation_number
    consultation = SandboxConsultation.objects.get()  # asked once, with us as the requester
    assert (consultation.country_code, consultation.vat_number, consultation.requester) == (
        "BE",
        "0403170701",
        OUR_VAT_ID,
    )
    event = AuditEvent.objects.get(action="profile.vat_id_checked")
    assert event.subject_id == customer.pk and event.changes["result"] == [None, "valid"]

    page = logged_in.get(PROFILE_URL).content.decode()
    assert "Gecontroleerd in VIES op" in page and ": geldig." in page
    assert "NV DUPONT" in page and check.consultation_number in page
    assert "Wij verleggen de btw naar u." in page


def test_vies_saying_invalid_is_stored_and_the_customer_is_told_dutch_vat_applies(vies_sandbox, logged_in, customer):
    controls.register("BE0403170701", valid=False)
    logged_in.post(PROFILE_URL, BELGIAN)
    check = VatCheck.objects.get(user=customer)
    assert check.result == VatCheck.Result.INVALID and check.name == "" and check.checked_at is not None
    page = logged_in.get(PROFILE_URL).content.decode()
    assert "Volgens VIES is dit geen geldig btw-identificatienummer" in page
    assert "Daarom berekenen wij 21% Nederlandse btw." in page
    assert Profile.objects.get(user=customer).vat_id == "BE0403170701"  # saved: the customer may be right


@pytest.mark.parametrize(
    ("fault", "reason", "text"),
    [
        ("MS_UNAVAILABLE", "MS_UNAVAILABLE", "de belastingdienst van het land van dit nummer gaf VIES geen antwoord"),
        ("MS_MAX_CONCURRENT_REQ", "MS_MAX_CONCURRENT_REQ", "VIES was te druk"),
        ("http_500", "bad_answer", "VIES was niet bereikbaar"),
    ],
)
def test_vies_unavailable_leaves_it_unchecked_tells_why_and_tries_again(
    vies_sandbox, logged_in, customer, fault, reason, text
):
    controls.add_fault(fault, country="BE")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        response = logged_in.post(PROFILE_URL, BELGIAN)
        assert response.status_code == HTTPStatus.FOUND  # the VAT id is saved all the same
        check = VatCheck.objects.get(user=customer)
        assert check.result == VatCheck.Result.UNCHECKED and check.reason == reason
        assert check.next_attempt_at == timezone.now() + timedelta(minutes=2)
        page = logged_in.get(PROFILE_URL).content.decode()
        assert "Niet gecontroleerd" in page and text in page
        assert "Wij proberen het automatisch opnieuw" in page
        assert "Tot de controle gelukt is, berekenen wij 21% Nederlandse btw." in page

        clock.shift(timedelta(minutes=1, seconds=59))  # not yet due
        assert services.vat_checks_retry_due() == 0
        clock.shift(timedelta(seconds=2))
        assert services.vat_checks_retry_due() == 1
        check.refresh_from_db()
        assert check.result == VatCheck.Result.VALID and check.attempts == 2 and check.consultation_number
        assert "Gecontroleerd in VIES op" in logged_in.get(PROFILE_URL).content.decode()


def test_attempts_back_off_and_stop_after_a_week(vies_sandbox, customer):
    _profile(customer, vat_id="DE136695976", country="DE", company_name="Schmidt GmbH")
    controls.add_fault("MS_UNAVAILABLE", country="DE", count=1000)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        check = services.vat_check_request(user=customer, vat_id="DE136695976")
        check.refresh_from_db()
        gaps = []
        while check.next_attempt_at is not None:
            gaps.append(check.next_attempt_at - timezone.now())
            clock.move_to(check.next_attempt_at)
            services.vat_checks_retry_due()
            check.refresh_from_db()
        ended = timezone.now()
    assert gaps[:6] == [timedelta(minutes=m) for m in (2, 5, 15, 30, 60, 60)]
    assert check.result == VatCheck.Result.UNCHECKED and check.next_attempt_at is None
    assert timedelta(days=7) <= ended - start < timedelta(days=7, hours=1)


def test_a_changed_vat_id_stops_the_retries_of_the_old_one(vies_sandbox, logged_in, customer):
    controls.add_fault("MS_UNAVAILABLE", country="BE")
    logged_in.post(PROFILE_URL, BELGIAN)
    old = VatCheck.objects.get(user=customer)
    logged_in.post(PROFILE_URL, {**BELGIAN, "vat_id": "BE0123456749"})
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        services.vat_checks_retry_due()
    old.refresh_from_db()
    assert old.result == VatCheck.Result.UNCHECKED and old.reason == "superseded" and old.next_attempt_at is None
    assert VatCheck.objects.get(user=customer, vat_id="BE0123456749").result == VatCheck.Result.VALID


@pytest.mark.django_db(transaction=True)
def test_a_vies_that_answers_too_late_is_a_timeout(vies_sandbox, settings, customer):
    settings.VIES_TIMEOUT = (1, 1)
    _profile(customer, vat_id="BE0403170701", country="BE")
    controls.add_fault("slow", delay_seconds=2.5)
    check = services.vat_check_request(user=customer, vat_id="BE0403170701")
    check.refresh_from_db()
    assert check.result == VatCheck.Result.UNCHECKED and check.reason == "timeout"
    assert check.next_attempt_at is not None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("BE0403170702", "Vul een geldig btw-identificatienummer in"),  # wrong check digits
        ("US123456789", "hoort niet bij een land van de EU"),
        ("GB123456789", "hoort niet bij een land van de EU"),
        ("BE<script>", "Vul een geldig btw-identificatienummer in"),
        ("BE" + "1" * 5000, "Zorg dat deze waarde niet meer dan 20 tekens bevat"),
        ("NL004495445B01\x00", "Null-tekens zijn niet toegestaan."),
    ],
)
def test_hostile_vat_ids_get_a_dutch_message_and_nothing_is_saved_or_asked(
    vies_sandbox, logged_in, customer, value, message
):
    response = logged_in.post(PROFILE_URL, {**BELGIAN, "vat_id": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert message in page and "Niet opgeslagen" in page
    assert not VatCheck.objects.exists() and not SandboxConsultation.objects.exists()
    assert Profile.objects.get(user=customer).vat_id == ""


def test_the_daily_renewal_asks_again_after_25_days_only(vies_sandbox, customer):
    _profile(customer, vat_id="BE0403170701", country="BE", company_name="Dupont SPRL")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.vat_check_request(user=customer, vat_id="BE0403170701")
    with time_machine.travel(start + timedelta(days=25) - timedelta(seconds=1), tick=False):
        assert services.vat_checks_renew() == 0
    with time_machine.travel(start + timedelta(days=25, seconds=1), tick=False):
        assert services.vat_checks_renew() == 1
        assert services.vat_checks_renew() == 0  # the new one is recent
    assert list(VatCheck.objects.filter(user=customer).values_list("result", flat=True)) == ["valid", "valid"]


def test_the_retry_task_asks_no_sooner_than_the_back_off_says(vies_sandbox, customer):
    from vies import tasks

    _profile(customer, vat_id="BE0403170701", country="BE")
    controls.add_fault("MS_UNAVAILABLE", country="BE")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        check = services.vat_check_request(user=customer, vat_id="BE0403170701")
        check.refresh_from_db()
        assert check.result == VatCheck.Result.UNCHECKED
        tasks.retry_check(check.pk)  # early (a worker would hold it until its countdown)
        assert SandboxConsultation.objects.count() == 1
        clock.shift(timedelta(minutes=2))
        tasks.retry_check(check.pk)
        check.refresh_from_db()
        assert check.result == VatCheck.Result.VALID and SandboxConsultation.objects.count() == 2
        tasks.retry_check(check.pk)  # once answered, a repeated task does nothing
    assert SandboxConsultation.objects.count() == 2


def test_no_retry_task_waits_longer_than_the_broker_holds_it(vies_sandbox, customer, monkeypatch, settings):
    """A countdown past TASK_LONGEST_COUNTDOWN would outlive the broker's visibility timeout and
    be handed out twice: waits of 15 minutes and more are left to the 10-minute job."""
    queued = []
    monkeypatch.setattr(services, "after_commit", lambda name, *args, **kwargs: queued.append(kwargs["countdown"]))
    _profile(customer, vat_id="DE136695976", country="DE", company_name="Schmidt GmbH")
    controls.add_fault("MS_UNAVAILABLE", country="DE", count=1000)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        check = services.vat_check_request(user=customer, vat_id="DE136695976")
        for _ in range(4):
            check.refresh_from_db()
            clock.move_to(check.next_attempt_at)
            services.vat_checks_retry_due()
    check.refresh_from_db()
    assert check.attempts == 5 and check.next_attempt_at is not None  # still being tried, by the job
    assert queued == [120, 300]  # the 2- and 5-minute waits; 15, 30 and 60 minutes have no task
    assert all(wait <= settings.TASK_LONGEST_COUNTDOWN for wait in queued)
