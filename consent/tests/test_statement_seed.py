"""The first version is the statement of 1 januari 2018, as the migration seeds it."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from consent.models import StatementVersion
from consent.statement import selectors as statement

pytestmark = pytest.mark.django_db


def test_the_seed_version_is_in_force_and_dated_1_januari_2018(client):
    version = StatementVersion.objects.get(number=1)
    assert version.is_published
    assert statement.current_version_label() == "1 (1 januari 2018)"
    page = client.get("/privacy/").content.decode()
    assert "Laatst gewijzigd op" in page and "1 januari 2018" in page


def test_the_seed_version_reproduces_the_text_of_the_seed_statement(client):
    page = client.get("/privacy/").content.decode()
    for sentence in (
        "Uw privacy is voor Codex Connectors B.V. van groot belang.",
        "Wij houden bij wat u gedaan heeft en wanneer, zodat daar bewijs van is.",
        "Elke e-mail bevat een afmeldlink.",
        "Sommige partners zijn gevestigd buiten de Europese Unie.",
        "Wij laten Google de IP-adressen niet anonimiseren.",
        "Deze heet de Autoriteit Persoonsgegevens.",
        "Klokgebouw 253",
    ):
        assert sentence in page, sentence


def test_the_english_page_is_the_english_text(client):
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Last changed on" in page and "1 January 2018" in page
    assert "Your privacy matters a great deal to Codex Connectors B.V." in page
    assert "Uw privacy is voor" not in page
