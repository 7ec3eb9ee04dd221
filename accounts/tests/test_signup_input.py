"""The signup form under hostile input: a clear error, nothing saved, never a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

SIGNUP = "/accounts/signup/"
GOOD = {
    "username": "bakker",
    "email": "bakker@example.com",
    "password1": "Lang-genoeg-wachtwoord-1",
    "password2": "Lang-genoeg-wachtwoord-1",
}

HOSTILE = st.one_of(
    st.text(max_size=200),
    st.text(alphabet="<>'\";-\\/%_\x00 abc@.", max_size=60),
    st.sampled_from(
        ["", " ", "x" * 10_000, "<script>alert(1)</script>", "' OR '1'='1", "admin'--", "ä@ö.nl", "a@b", "\u202e"]
    ),
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "", "Dit veld is verplicht."),
        ("email", "geen-adres", "Voer een geldig e-mailadres in."),
        ("password2", "iets-anders-123456", "hetzelfde wachtwoord twee keer"),
        ("username", "<script>", "Gebruikersnaam"),
        ("username", "x" * 10_000, "tekens"),
        ("email", "x" * 10_000 + "@example.com", "tekens"),
    ],
)
def test_bad_signups_are_refused_with_a_dutch_message(client, field, value, message):
    response = client.post(SIGNUP, {**GOOD, field: value})
    assert response.status_code == HTTPStatus.OK
    assert message.lower() in response.content.decode().lower()
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_a_short_or_common_password_is_refused(client):
    response = client.post(SIGNUP, {**GOOD, "password1": "kort-1", "password2": "kort-1"})
    assert "Dit wachtwoord is te kort. Het moet minstens 12 tekens bevatten." in response.content.decode()
    for password in ["password1234", "123456789012"]:
        response = client.post(SIGNUP, {**GOOD, "password1": password, "password2": password})
        assert response.status_code == HTTPStatus.OK
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_a_taken_email_or_username_is_refused(client, customer):
    client.post(SIGNUP, {**GOOD, "username": "jansen"})
    client.post(SIGNUP, {**GOOD, "email": "JANSEN@example.com"})
    assert get_user_model().objects.count() == 1


@pytest.mark.django_db
@hsettings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["username", "email", "password1"]), value=HOSTILE)
def test_any_signup_input_gives_a_page_or_an_account_never_an_error(field, value):
    cache.clear()  # each example is a new visitor, not the 50th signup from one IP in a minute
    client = Client()
    data = {**GOOD, field: value}
    if field == "password1":
        data["password2"] = value
    response = client.post(SIGNUP, data)
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    users = get_user_model().objects.all()
    if response.status_code == HTTPStatus.OK:
        assert not users.exists()
    else:
        assert users.count() == 1
        users.delete()
