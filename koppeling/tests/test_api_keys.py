"""Webshop API keys: shown once, stored as a hash with a recognisable prefix, at most ten
live, revoked by the customer; never in the audit trail; another customer's key is a 404."""

from __future__ import annotations

import hashlib
import re
from http import HTTPStatus

import pytest
from django.test import Client

from audit.models import AuditEvent
from koppeling import services
from koppeling.models import ApiKey
from koppeling.tests.conftest import subscribe


@pytest.fixture
def client_with_subscription(customer) -> Client:
    subscribe(customer)
    client = Client()
    client.force_login(customer)
    return client


def _shown_key(response) -> str:
    match = re.search(r'id="new-key-value" class="secret">([^<]+)<', response.content.decode())
    assert match, "no key shown"
    return match.group(1)


@pytest.mark.django_db
def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(client_with_subscription, customer):
    response = client_with_subscription.post("/portal/koppeling/sleutels/", {"name": "Webwinkel"})
    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    raw = _shown_key(response)
    key = ApiKey.objects.get(user=customer)
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert key.prefix == raw[:12] and raw.startswith("ekp_")
    assert raw not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    again = client_with_subscription.get("/portal/koppeling/sleutels/").content.decode()
    assert raw not in again and key.prefix in again and "Webwinkel" in again
    event = AuditEvent.objects.get(action="koppeling.api_key_created", subject_id=customer.pk)
    assert raw not in str(event.changes) and key.key_hash not in str(event.changes)


@pytest.mark.django_db
def test_a_key_authenticates_until_it_is_revoked_and_its_use_is_noted(client_with_subscription, customer):
    raw = _shown_key(client_with_subscription.post("/portal/koppeling/sleutels/", {"name": "Shop"}))
    key = services.api_key_authenticate(raw=raw)
    assert key is not None and key.last_used_at is not None
    assert services.api_key_authenticate(raw=raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    # The button opens a page that asks first; nothing is revoked until it is confirmed.
    confirm = client_with_subscription.get(f"/portal/koppeling/sleutels/{key.pk}/intrekken/")
    page = confirm.content.decode()
    assert confirm.status_code == HTTPStatus.OK and "Sleutel „Shop” intrekken?" in page
    assert "geen bestellingen meer doorgeven" in page and 'name="confirm" value="ja"' in page
    unconfirmed = client_with_subscription.post(f"/portal/koppeling/sleutels/{key.pk}/intrekken/")
    assert unconfirmed.status_code == HTTPStatus.OK and services.api_key_authenticate(raw=raw) is not None
    response = client_with_subscription.post(
        f"/portal/koppeling/sleutels/{key.pk}/intrekken/", {"confirm": "ja"}, follow=True
    )
    assert "is ingetrokken" in response.content.decode()
    assert services.api_key_authenticate(raw=raw) is None
    assert AuditEvent.objects.filter(action="koppeling.api_key_revoked", subject_id=customer.pk).exists()


@pytest.mark.django_db
def test_at_most_ten_live_keys(client_with_subscription, customer):
    for n in range(10):
        assert client_with_subscription.post("/portal/koppeling/sleutels/", {"name": f"k{n}"}).status_code == 200
    response = client_with_subscription.post("/portal/koppeling/sleutels/", {"name": "elfde"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "al 10 actieve sleutels" in response.content.decode()
    assert ApiKey.objects.filter(user=customer).count() == 10
    first = ApiKey.objects.filter(user=customer).last()
    client_with_subscription.post(f"/portal/koppeling/sleutels/{first.pk}/intrekken/", {"confirm": "ja"})
    assert client_with_subscription.post("/portal/koppeling/sleutels/", {"name": "elfde"}).status_code == 200


@pytest.mark.django_db
def test_another_customers_key_cannot_be_revoked(client_with_subscription, make_user):
    other = make_user("ander")
    subscribe(other)
    key, _raw = services.api_key_create(user=other, by=other, name="Van een ander")
    for key_id in (key.pk, 999999):
        response = client_with_subscription.post(f"/portal/koppeling/sleutels/{key_id}/intrekken/", {"confirm": "ja"})
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert client_with_subscription.get(f"/portal/koppeling/sleutels/{key_id}/intrekken/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
    assert "Van een ander" not in client_with_subscription.get("/portal/koppeling/sleutels/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "message"), [("", "Geef de sleutel een naam"), ("x" * 10_000, "hooguit 100"), ("a\x00b", "")]
)
def test_bad_names_save_nothing(client_with_subscription, name, message):
    response = client_with_subscription.post("/portal/koppeling/sleutels/", {"name": name})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert not ApiKey.objects.exists()


@pytest.mark.django_db
def test_html_in_a_name_is_shown_as_text(client_with_subscription):
    client_with_subscription.post("/portal/koppeling/sleutels/", {"name": "<script>x</script>"})
    page = client_with_subscription.get("/portal/koppeling/sleutels/").content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.django_db
def test_without_a_subscription_no_key_can_be_made(customer):
    client = Client()
    client.force_login(customer)
    response = client.post("/portal/koppeling/sleutels/", {"name": "Shop"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ApiKey.objects.exists()
