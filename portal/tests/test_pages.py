"""Every page: Dutch by default, English complete, the shared layout, no inline code."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/", "/privacy/"]
CUSTOMER_PAGES = [
    "/portal/",
    "/portal/gegevens/profiel/",
    "/portal/account/opheffen/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/portal/koppeling/",
    "/portal/koppeling/sleutels/",
    "/portal/koppeling/synchronisatie/",
]


def test_no_template_carries_inline_script_or_style():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_are_dutch_by_default_with_the_shared_layout(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert '<html lang="nl">' in page
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in page
    assert 'href="/privacy/"' in page and 'href="/cookies/"' in page and "mailto:" in page
    assert 'name="language"' in page
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_the_language_switch_turns_pages_english(client, path):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(path).content.decode()
    assert '<html lang="en">' in page
    assert "Privacy statement" in page and "Privacyverklaring</a>" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_customer_pages_open_for_a_logged_in_customer(client, customer, path):
    client.force_login(customer)
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert "Uitloggen" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_customer_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_an_unknown_page_is_a_plain_404(client):
    response = client.get("/bestaat-niet/<script>")
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_logged_in_pages_are_not_cached_and_features_are_off(client, customer):
    client.force_login(customer)
    response = client.get("/portal/gegevens/profiel/")
    assert response["Cache-Control"] == "no-store, private"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_cookie_settings_page_uses_the_portal_layout(client):
    page = client.get("/cookies/").content.decode()
    assert "<h1>Cookie-instellingen</h1>" in page
    assert '<main id="main"' in page
