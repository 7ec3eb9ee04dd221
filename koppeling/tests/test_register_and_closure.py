"""The koppeling in the register: shown under "Wat wij bewaren", exported without tokens or
key hashes, removed with the account; closing the account disconnects at once."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from audit.events import Action
from audit.models import AuditEvent
from koppeling import services
from koppeling.models import ApiKey, Connection, KoppelingSettings
from koppeling.tests.conftest import subscribe
from register import registry
from retention.selectors import export_data


@pytest.fixture
def koppeling_customer(customer):
    subscribe(customer)
    row = Connection(user=customer, state=Connection.State.CONNECTED, division=1001, division_name="Demo Webshop B.V.")
    row.store_tokens(access_token="toegang-geheim", refresh_token="ververs-geheim", expires_at=timezone.now())
    row.save()
    KoppelingSettings.objects.create(user=customer, sales_journal="70", error_email="fouten@example.com")
    _key, raw = services.api_key_create(user=customer, by=customer, name="Webwinkel")
    customer.raw_api_key = raw
    return customer


@pytest.mark.django_db
def test_the_export_holds_the_koppeling_but_never_tokens_or_key_hashes(koppeling_customer):
    exported = json.dumps(export_data(user=koppeling_customer), default=str)
    data = export_data(user=koppeling_customer)["koppeling"]
    assert data["connection"]["division_name"] == "Demo Webshop B.V."
    assert data["settings"]["error_email"] == "fouten@example.com"
    assert data["api_keys"][0]["name"] == "Webwinkel"
    key = ApiKey.objects.get(user=koppeling_customer)
    connection = Connection.objects.get(user=koppeling_customer)
    for secret in (
        "toegang-geheim",
        "ververs-geheim",
        connection.access_token_encrypted,
        connection.refresh_token_encrypted,
        key.key_hash,
        koppeling_customer.raw_api_key,
    ):
        assert secret not in exported


@pytest.mark.django_db
def test_wat_wij_bewaren_lists_the_koppeling(koppeling_customer):
    client = Client()
    client.force_login(koppeling_customer)
    page = client.get("/portal/mijn-gegevens/").content.decode()
    assert str(registry.get("koppeling").verbose_name) in page
    assert "verwijderd met uw account" in page


@pytest.mark.django_db
def test_closing_the_account_disconnects_and_removes_the_tokens(koppeling_customer):
    from accounts.services import account_close

    account_close(user=koppeling_customer, by=koppeling_customer)
    connection = Connection.objects.get(user=koppeling_customer)
    assert connection.state == Connection.State.DISCONNECTED
    assert connection.refresh_token_encrypted == connection.access_token_encrypted == ""
    event = AuditEvent.objects.get(subject_id=koppeling_customer.pk, action=Action.KOPPELING_DISCONNECTED)
    assert event.changes["reden"] == [None, "account closed"]


@pytest.mark.django_db
def test_erasing_the_account_removes_connection_settings_and_keys(koppeling_customer):
    from accounts.personal_data import erase_accounts

    erase_accounts([koppeling_customer.pk])
    assert not Connection.objects.exists()
    assert not KoppelingSettings.objects.exists()
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_closing_the_account_revokes_its_api_keys_at_once_and_the_webshop_gets_401(koppeling_customer, make_user):
    from accounts.services import account_close

    other = make_user("ander")
    subscribe(other)
    _other_key, other_raw = services.api_key_create(user=other, by=other, name="Andere winkel")
    webshop = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {koppeling_customer.raw_api_key}"}
    assert webshop.get("/api/v1/orders/ONBEKEND/", **auth).status_code == 404  # the key works

    account_close(user=koppeling_customer, by=koppeling_customer)

    key = ApiKey.objects.get(user=koppeling_customer)
    assert key.revoked_at is not None
    event = AuditEvent.objects.get(subject_id=koppeling_customer.pk, action="koppeling.api_key_revoked")
    assert event.changes["reden"] == [None, "account closed"]
    answer = webshop.get("/api/v1/orders/ONBEKEND/", **auth)
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    # Another customer's key is untouched.
    assert ApiKey.objects.get(user=other).revoked_at is None
    assert webshop.get("/api/v1/orders/X/", HTTP_AUTHORIZATION=f"Bearer {other_raw}").status_code == 404


@pytest.mark.django_db
def test_a_key_of_an_inactive_account_is_refused_even_if_not_revoked(koppeling_customer):
    type(koppeling_customer).objects.filter(pk=koppeling_customer.pk).update(is_active=False)

    answer = Client().get("/api/v1/orders/X/", HTTP_AUTHORIZATION=f"Bearer {koppeling_customer.raw_api_key}")

    assert answer.status_code == 401
