"""TOTP secrets and recovery-code seeds are stored encrypted (allauth's MFA adapter hook),
secrets stored in plain text before keep working and are encrypted by a migration, and
staff never see or edit them in the admin."""

from __future__ import annotations

import importlib
import time
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.apps import apps
from django.test import Client

from accounts import mfa

LOGIN = "/accounts/login/"


def current_code(secret: str) -> str:
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def log_in_with_code(password: str, secret: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"login": "jansen", "password": password})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    return client


@pytest.mark.django_db
def test_a_new_totp_secret_is_stored_encrypted_and_still_logs_in(customer, password):
    secret = generate_totp_secret()
    authenticator = TOTP.activate(customer, secret).instance
    stored = Authenticator.objects.get(pk=authenticator.pk).data["secret"]
    assert stored.startswith(mfa.PREFIX)
    assert secret not in stored
    client = log_in_with_code(password, secret)
    assert client.session["_auth_user_id"] == str(customer.pk)


@pytest.mark.django_db
def test_the_recovery_code_seed_is_stored_encrypted_and_codes_still_work(customer):
    codes = RecoveryCodes.activate(customer)
    stored = Authenticator.objects.get(pk=codes.instance.pk).data["seed"]
    assert stored.startswith(mfa.PREFIX)
    unused = codes.get_unused_codes()
    assert len(unused) == 10
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(unused[0])


@pytest.mark.django_db
def test_a_secret_stored_in_plain_text_before_still_logs_in(customer, password):
    secret = generate_totp_secret()
    Authenticator.objects.create(user=customer, type=Authenticator.Type.TOTP, data={"secret": secret})
    client = log_in_with_code(password, secret)
    assert client.session["_auth_user_id"] == str(customer.pk)


@pytest.mark.django_db
def test_the_migration_encrypts_plain_secrets_once_and_they_keep_working(customer, make_user, password):
    secret = generate_totp_secret()
    totp = Authenticator.objects.create(user=customer, type=Authenticator.Type.TOTP, data={"secret": secret})
    other = make_user("pietersen")
    seed = RecoveryCodes.generate_seed()
    recovery = Authenticator.objects.create(
        user=other,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": seed, "used_mask": 0, "migrated_codes": ["12345678", "87654321"]},
    )
    migration = importlib.import_module("accounts.migrations.0002_encrypt_mfa_secrets")
    migration.encrypt_plain_secrets(apps, None)
    totp.refresh_from_db()
    recovery.refresh_from_db()
    assert totp.data["secret"].startswith(mfa.PREFIX) and secret not in totp.data["secret"]
    assert recovery.data["seed"].startswith(mfa.PREFIX) and seed not in recovery.data["seed"]
    assert all(code.startswith(mfa.PREFIX) for code in recovery.data["migrated_codes"])
    assert RecoveryCodes(recovery).get_unused_codes() == ["12345678", "87654321"]
    once = dict(totp.data)
    migration.encrypt_plain_secrets(apps, None)  # a second run changes nothing
    totp.refresh_from_db()
    assert totp.data == once
    client = log_in_with_code(password, secret)
    assert client.session["_auth_user_id"] == str(customer.pk)


def test_a_rotated_key_still_reads_secrets_written_with_the_old_one():
    old = mfa.encrypt_secret("JBSWY3DPEHPK3PXP", keys=["old-key"])
    assert mfa.decrypt_secret(old, keys=["new-key", "old-key"]) == "JBSWY3DPEHPK3PXP"
    assert mfa.encrypt_secret(old, keys=["new-key"]) == old  # never encrypted twice


@pytest.fixture
def staff_client(make_user):
    staff = make_user("medewerker", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(
        user=staff, type=Authenticator.Type.TOTP, data={"secret": mfa.encrypt_secret(generate_totp_secret())}
    )
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.django_db
def test_staff_never_see_or_edit_a_customers_secret_in_the_admin(staff_client, customer):
    secret = generate_totp_secret()
    authenticator = TOTP.activate(customer, secret).instance
    stored = Authenticator.objects.get(pk=authenticator.pk).data["secret"]
    url = f"/admin/mfa/authenticator/{authenticator.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == HTTPStatus.OK
    body = page.content.decode()
    assert secret not in body and stored not in body
    assert 'name="data"' not in body
    listing = staff_client.get("/admin/mfa/authenticator/").content.decode()
    assert secret not in listing and stored not in listing
    response = staff_client.post(url, {"user": customer.pk, "type": "totp", "data": '{"secret": "ATTACKER"}'})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Authenticator.objects.get(pk=authenticator.pk).data["secret"] == stored
    assert staff_client.get("/admin/mfa/authenticator/add/").status_code == HTTPStatus.FORBIDDEN


@pytest.mark.django_db
def test_staff_may_remove_a_lost_authenticator(staff_client, customer):
    authenticator = TOTP.activate(customer, generate_totp_secret()).instance
    response = staff_client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()


HOSTILE = ["", "enc1:", "enc1:not-a-token", "enc1:" + "A" * 10_000]


@pytest.mark.django_db
@pytest.mark.parametrize("stored", HOSTILE, ids=range(len(HOSTILE)))
def test_a_damaged_stored_secret_refuses_the_code_without_a_500(customer, password, stored):
    Authenticator.objects.create(user=customer, type=Authenticator.Type.TOTP, data={"secret": stored})
    client = Client(raise_request_exception=False)
    response = client.post(LOGIN, {"login": "jansen", "password": password})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    answer = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    assert answer.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session


HOSTILE_CODES = ["", "0" * 10_000, "\x00\x00\x00", "<script>alert(1)</script>", "１２３４５６", "' OR 1=1 --"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", HOSTILE_CODES, ids=range(len(HOSTILE_CODES)))
def test_hostile_codes_against_an_encrypted_secret_are_refused_with_the_form(customer, password, code):
    TOTP.activate(customer, generate_totp_secret())
    client = Client(raise_request_exception=False)
    client.post(LOGIN, {"login": "jansen", "password": password})
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == HTTPStatus.OK
    assert "_auth_user_id" not in client.session
