"""Where the portal's Mollie calls go, and when the sandbox exists at all."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import clear_url_caches
from mollie.api.error import RequestSetupError

from mollie_sandbox.engine import enabled
from subscriptions import mollie

pytestmark = pytest.mark.django_db


def test_development_without_a_key_uses_the_sandbox(settings):
    settings.MOLLIE_API_KEY = ""
    settings.MOLLIE_API_ENDPOINT = ""
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert mollie.endpoint() == "http://127.0.0.1:8000/sandbox/mollie"
    assert mollie.api_key() == settings.MOLLIE_SANDBOX_API_KEY
    assert mollie.client().api_endpoint == "http://127.0.0.1:8000/sandbox/mollie"


def _reload_urls() -> None:
    import importlib

    import portal.urls
    import subscriptions.urls

    importlib.reload(subscriptions.urls)
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.fixture
def live_key(settings):
    """A live key, with the URLs built as a process started with it would build them."""
    settings.MOLLIE_API_KEY = "live_abcdefghijklmnopqrstuvwxyz01"
    settings.MOLLIE_API_ENDPOINT = ""
    _reload_urls()
    yield
    settings.MOLLIE_API_KEY = ""
    _reload_urls()


def test_a_live_key_never_meets_the_sandbox(live_key, client):
    assert not enabled()
    assert mollie.endpoint() == ""  # the client's default: https://api.mollie.com
    assert (
        client.get("/sandbox/mollie/v2/payments", HTTP_AUTHORIZATION="Bearer test_abcdefghij").status_code
        == HTTPStatus.NOT_FOUND
    )
    assert client.get("/sandbox/mollie/checkout/tr_abcdef/").status_code == HTTPStatus.NOT_FOUND
    assert not [p for p in __import__("portal.urls").urls.urlpatterns if "sandbox/mollie" in str(p.pattern)]


def test_even_if_mounted_the_sandbox_refuses_once_a_live_key_is_configured(settings, client):
    settings.MOLLIE_API_KEY = "live_abcdefghijklmnopqrstuvwxyz01"
    assert (
        client.get("/sandbox/mollie/v2/payments", HTTP_AUTHORIZATION="Bearer test_abcdefghij").status_code
        == HTTPStatus.NOT_FOUND
    )


def test_production_never_has_the_sandbox(settings):
    """Production does not install the sandbox app (mollie_sandbox/tests/
    test_installed_only_in_development.py runs it): no sandbox key, no sandbox endpoint;
    and the sandbox's own guard refuses production anyway."""
    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != "mollie_sandbox"]
    settings.MOLLIE_API_KEY = ""
    settings.MOLLIE_API_ENDPOINT = ""
    assert not mollie.sandbox_in_use() and mollie.endpoint() == ""
    with pytest.raises(Exception, match="MOLLIE_API_KEY"):
        mollie.api_key()
    settings.PRODUCTION = True
    assert not enabled()


def test_a_malformed_key_is_a_setup_error_not_an_outage(settings):
    settings.MOLLIE_API_KEY = "not-a-key"
    with pytest.raises(mollie.MollieMisconfigured) as excinfo:
        mollie.payment_get("tr_abcdef")
    assert isinstance(excinfo.value.__cause__, RequestSetupError)
    assert not isinstance(excinfo.value, mollie.MollieUnavailable) and "not-a-key" not in str(excinfo.value)


@pytest.mark.django_db
def test_reloading_the_urlconf_leaves_the_admin_index_and_login_working(staff, client):
    _reload_urls()
    _reload_urls()
    admin = Client()
    admin.force_login(staff)
    index = admin.get("/admin/")
    assert index.status_code == HTTPStatus.OK and 'href="/admin/overzicht/"' in index.content.decode()
    login = client.get("/admin/login/")
    assert login.status_code == HTTPStatus.FOUND and login["Location"].startswith("/accounts/login/")
