"""Production mode (no DJANGO_DEBUG) refuses to start without its secrets and passes
`check --deploy` when configured."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "portal.example.nl",
    "SITE_URL": "https://portal.example.nl",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.example.nl",
    "AUDIT_SIGNING_KEY": "audit-signing-key-kept-outside-the-database",
    "TRUSTED_PROXY_COUNT": "1",
    "TRUSTED_PROXIES": "127.0.0.1",
    "MOLLIE_API_KEY": "live_productionkeyforthesettingstestonly000",
    "MFA_ENCRYPTION_KEY": "mfa-encryption-key-kept-outside-the-database",
    "COMPANY_KVK": "12345678",
    "COMPANY_VAT_ID": "NL004495445B01",
    "EXACT_CLIENT_ID": "8d9c3a2e-0000-4000-8000-000000000001",
    "EXACT_CLIENT_SECRET": "exact-client-secret-from-the-app-centre",
    "KOPPELING_TOKEN_KEY": "ODAhnUeRSYcCFF8WLAbBCHeKWaeUEHB1AMdWRrcvKoQ=",
    "S3_BUCKET": "portal-files",
    "S3_ENDPOINT_URL": "https://objects.example.nl",
    "S3_REGION": "eu-west-1",
    "S3_ACCESS_KEY_ID": "portal",
    "S3_SECRET_ACCESS_KEY": "object-storage-secret-kept-outside-the-database",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            (
                "DJANGO_",
                "DATABASE_URL",
                "REDIS_URL",
                "SITE_URL",
                "EMAIL_",
                "AUDIT_",
                "MOLLIE_",
                "MFA_",
                "S3_",
                "SINGLE_NODE",
            )
        )
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_non_boolean_debug_flag():
    result = manage("check", env={**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_production_refuses_to_start_without_the_kvk_number_and_vat_id_an_invoice_needs():
    for name in ("COMPANY_KVK", "COMPANY_VAT_ID"):
        result = manage("check", env={k: v for k, v in PRODUCTION_ENV.items() if k != name})
        assert result.returncode != 0
        assert f"The environment variable {name} must be set." in result.stderr
    for name, wrong in (("COMPANY_KVK", "1234567"), ("COMPANY_KVK", "１２３４５６７８"), ("COMPANY_VAT_ID", "NL123")):
        result = manage("check", env={**PRODUCTION_ENV, name: wrong})
        assert result.returncode != 0
        assert f"{name} is not valid" in result.stderr


def test_production_refuses_to_start_without_a_mollie_api_key():
    result = manage("check", env={k: v for k, v in PRODUCTION_ENV.items() if k != "MOLLIE_API_KEY"})
    assert result.returncode != 0
    assert "The environment variable MOLLIE_API_KEY must be set." in result.stderr


def test_production_behind_a_proxy_refuses_to_start_without_the_proxies_that_may_forward():
    result = manage("check", env={k: v for k, v in PRODUCTION_ENV.items() if k != "TRUSTED_PROXIES"})
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must be set" in result.stderr


def test_production_refuses_a_proxy_list_that_trusts_everyone_or_is_not_an_address():
    for wrong, message in (
        ("0.0.0.0/0", "not every IPv4 address"),
        ("::/0", "not every IPv4 and every IPv6 address"),
        ("proxy<1>", "not an IP"),
    ):
        result = manage("check", env={**PRODUCTION_ENV, "TRUSTED_PROXIES": wrong})
        assert result.returncode != 0, wrong
        assert message in result.stderr, result.stderr


def test_production_refuses_to_start_without_the_key_that_encrypts_mfa_secrets():
    result = manage("check", env={k: v for k, v in PRODUCTION_ENV.items() if k != "MFA_ENCRYPTION_KEY"})
    assert result.returncode != 0
    assert "The environment variable MFA_ENCRYPTION_KEY must be set." in result.stderr


def test_production_refuses_to_start_without_the_exact_online_settings():
    for name in ("EXACT_CLIENT_ID", "EXACT_CLIENT_SECRET", "KOPPELING_TOKEN_KEY"):
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != name}
        result = manage("check", env=env)
        assert result.returncode != 0
        assert name in result.stderr


def test_production_has_no_exact_sandbox():
    code = "from django.apps import apps; print(apps.is_installed('exact_sandbox'))"
    result = manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
