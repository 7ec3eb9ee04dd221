"""/portal/blank/: the site's layout with empty content for a logged-in customer (the
benchmark's logged-in no-op page), and the per-language fragments the layout keeps."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


@pytest.mark.django_db
def test_it_sends_a_visitor_who_is_not_logged_in_to_the_login_page():
    response = Client().get("/portal/blank/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_shows_the_layout_with_the_customers_menu_and_nothing_in_main(client):
    response = client.get("/portal/blank/")
    page = response.content.decode()
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert response.status_code == 200
    assert "Uitloggen" in page and 'href="/portal/koppeling/"' in page
    assert main.split(">", 1)[1].strip() == ""
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_menu_follows_the_customers_language_although_it_is_kept_rendered(client):
    dutch = client.get("/portal/blank/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/portal/blank/").content.decode()
    assert "Profiel" in dutch and "Profile" not in dutch
    assert "Profile" in english and "Profiel" not in english
