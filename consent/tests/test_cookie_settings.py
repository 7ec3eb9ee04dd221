"""Configuration of the cookie part: the consent cookies are Secure (and __Host-) in
production, and a malformed GA_MEASUREMENT_ID stops the start instead of reaching pages."""

from __future__ import annotations

from portal.tests.test_production_settings import PRODUCTION_ENV, manage

SHOW = (
    "from django.conf import settings as s; print(s.COOKIE_CONSENT_NAME, s.COOKIE_CONSENT_SECURE, s.GA_MEASUREMENT_ID)"
)


def test_production_makes_the_consent_cookies_secure_host_only_cookies():
    result = manage("shell", "-c", SHOW, env={**PRODUCTION_ENV, "GA_MEASUREMENT_ID": "G-ABC123XYZ"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["__Host-cookie_consent", "True", "G-ABC123XYZ"]


def test_a_malformed_measurement_id_stops_the_start():
    for bad in ('G-"><script>', "UA-12345-1", "g-abc123"):
        result = manage("check", env={**PRODUCTION_ENV, "GA_MEASUREMENT_ID": bad})
        assert result.returncode != 0
        assert "GA_MEASUREMENT_ID" in result.stderr
