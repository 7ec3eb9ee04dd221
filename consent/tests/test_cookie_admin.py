"""Staff look a consent id up in the admin, read only."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator

from consent.cookies import services
from consent.tests.cookie_fixtures import cookie_groups  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cookie_groups")]
CHANGELIST = "/admin/consent/cookieconsentrecord/"


@pytest.fixture
def staff_client(client, make_user):
    staff = make_user("beheerder", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


def _decide(user=None):
    return services.cookie_choice_record(
        accepted=["analytics"], refused=[], user=user, ip="198.51.100.200", user_agent="Test/1"
    )


def test_staff_find_a_consent_id_as_the_visitor_reads_it_out(staff_client, customer):
    wanted = _decide(customer)
    other = _decide()
    spoken = wanted.consent_id.lower().replace("-", " ").replace("0", "o")
    page = staff_client.get(CHANGELIST, {"q": spoken}).content.decode()
    assert wanted.consent_id in page and other.consent_id not in page
    detail = staff_client.get(f"{CHANGELIST}{wanted.pk}/change/")
    assert detail.status_code == HTTPStatus.OK
    text = detail.content.decode()
    assert "198.51.100.0/24" in text and "jansen" in text and "1 (1 januari 2018)" in text


def test_the_records_cannot_be_added_changed_or_deleted_in_the_admin(staff_client):
    record = _decide()
    assert staff_client.get(f"{CHANGELIST}add/").status_code == HTTPStatus.FORBIDDEN
    staff_client.post(f"{CHANGELIST}{record.pk}/change/", {"consent_id": "FORGED", "accepted": "[]"})
    assert staff_client.get(f"{CHANGELIST}{record.pk}/delete/").status_code == HTTPStatus.FORBIDDEN
    record.refresh_from_db()
    assert record.consent_id != "FORGED" and record.accepted == ["analytics"]


def test_a_nonsense_search_finds_nothing_and_fails_nothing(staff_client):
    _decide()
    for term in ("<script>", "a\x00b", "x" * 10_000, "\u2603", "' OR 1=1 --"):
        response = staff_client.get(CHANGELIST, {"q": term})
        assert response.status_code == HTTPStatus.OK
