"""The menu and the breadcrumbs name what they open; every page has an icon (no 404 for it);
an optional field says "(niet verplicht)" once."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

# The menu's name for each page, and what the page calls itself (its <h1>).
PAGES = {
    "accounts:profile": ("Profiel", "Profiel"),
    "retention:overview": ("Wat wij bewaren", "Wat wij over u bewaren"),
    "subscriptions:overview": ("Abonnement", "Abonnement"),
    "audit:activity": ("Activiteit", "Activiteit"),
}


def menu_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav aria-label="Hoofdmenu">(.*?)</nav>', html, re.S).group(1)
    return {href: re.sub(r"\s+", " ", text).strip() for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', nav)}


@pytest.mark.django_db
def test_each_menu_item_names_the_page_it_opens(client, customer):
    client.force_login(customer)
    links = menu_links(client.get(reverse("portal:dashboard")).content.decode())
    for url_name, (name, title) in PAGES.items():
        url = reverse(url_name)
        assert links[url] == name
        heading = re.search(r"<h1>(.*?)</h1>", client.get(url).content.decode(), re.S).group(1)
        assert heading.startswith(title), (url, heading)


@pytest.mark.django_db
def test_the_profile_breadcrumb_names_the_overview_it_leads_to(client, customer):
    client.force_login(customer)
    html = client.get(reverse("accounts:profile")).content.decode()
    crumbs = re.search(r'<nav aria-label="Kruimelpad" class="breadcrumbs">(.*?)</nav>', html, re.S).group(1)
    assert f'<a href="{reverse("portal:dashboard")}">Overzicht</a> › Profiel' in crumbs
    assert "Mijn gegevens" not in crumbs


@pytest.mark.django_db
def test_every_page_links_an_icon_that_exists(client):
    html = client.get(reverse("home")).content.decode()
    icons = re.findall(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert icons == ["favicon.svg", "favicon.ico"]
    for icon in icons:
        path = finders.find(icon)
        assert path and Path(path).read_bytes()


@pytest.mark.django_db
def test_the_icon_is_served_and_favicon_ico_does_not_404(live_server):
    import urllib.request

    for path in ("/static/favicon.svg", "/static/favicon.ico", "/favicon.ico"):
        with urllib.request.urlopen(live_server.url + path) as response:  # noqa: S310 (our own test server)
            assert response.status == HTTPStatus.OK
            assert response.read()


@pytest.mark.django_db
def test_the_close_page_says_not_required_once(client, customer):
    client.force_login(customer)
    html = client.get(reverse("accounts:close")).content.decode()
    assert "(niet verplicht) (niet verplicht)" not in re.sub(r"<[^>]+>", "", html)
    assert re.sub(r"<[^>]+>|\s+", " ", html).count("niet verplicht") == 1
