"""The signup form offers the objection to marketing mail (soft opt-in); the choice made
there is the first audit event about it."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEvent
from consent.models import MarketingPreference

SIGNUP = "/accounts/signup/"
GOOD = {
    "username": "bakker",
    "email": "bakker@example.com",
    "password1": "Lang-genoeg-wachtwoord-1",
    "password2": "Lang-genoeg-wachtwoord-1",
}


@pytest.mark.django_db
def test_the_form_offers_the_objection(client):
    page = client.get(SIGNUP).content.decode()
    assert "Ik wil geen aanbiedingen per e-mail ontvangen" in page
    assert 'name="no_marketing"' in page and 'type="checkbox"' in page


@pytest.mark.django_db
def test_ticking_the_box_records_the_objection(client):
    response = client.post(SIGNUP, {**GOOD, "no_marketing": "on"})
    assert response.status_code == HTTPStatus.FOUND
    user = get_user_model().objects.get(username="bakker")
    assert MarketingPreference.objects.get(user=user).objected is True
    event = AuditEvent.objects.get(subject_id=user.pk, action="marketing.objected")
    assert event.changes == {"objected": [None, True], "via": [None, "signup"]}


@pytest.mark.django_db
def test_leaving_it_open_records_the_soft_opt_in_in_the_signup_language(client):
    client.post(SIGNUP, GOOD, HTTP_ACCEPT_LANGUAGE="en")
    user = get_user_model().objects.get(username="bakker")
    preference = MarketingPreference.objects.get(user=user)
    assert (preference.objected, preference.language) == (False, "en")
    assert AuditEvent.objects.filter(subject_id=user.pk, action="marketing.opted_in").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x" * 10_000, "<script>", "\x00", "false"])
def test_odd_values_of_the_box_never_break_signup(client, value):
    response = client.post(SIGNUP, {**GOOD, "no_marketing": value})
    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    user = get_user_model().objects.filter(username="bakker").first()
    if user is not None:  # a checkbox reads any value but "false" as ticked, like a browser sends "on"
        assert MarketingPreference.objects.get(user=user).objected is (value != "false")
