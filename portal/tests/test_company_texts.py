"""How the company's details and addresses read on the pages: the postal code with its
space, the phone number grouped (the tel: link keeps the digits), country names instead of
codes, one full stop after "B.V."."""

from __future__ import annotations

import pytest

from core.formatting import country_name, phone_display, phone_uri, postal_code_display


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("+31767002008", "+31 76 700 2008"),
        ("+31 76 700 2008", "+31 76 700 2008"),
        ("+31612345678", "+31 6 1234 5678"),
        ("+31201234567", "+31 20 123 4567"),
        ("+31413123456", "+31 413 12 3456"),
        ("+3212345678", "+3212345678"),  # not Dutch: as given
        ("", ""),
    ],
)
def test_phone_numbers_are_grouped(raw, shown):
    assert phone_display(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"), [("5617AC", "5617 AC"), ("5617 ac", "5617 AC"), ("1000", "1000"), ("SW1A 1AA", "SW1A 1AA")]
)
def test_dutch_postal_codes_get_their_space(raw, shown):
    assert postal_code_display(raw) == shown


def test_country_codes_read_as_names():
    from django.utils import translation

    with translation.override("nl"):
        assert country_name("NL") == "Nederland"
    with translation.override("en"):
        assert country_name("NL") == "Netherlands"
    assert country_name("") == ""


@pytest.mark.django_db
def test_the_statement_and_the_footer_show_the_company_as_people_read_it(client):
    from consent.tests.statement_helpers import ensure_seed

    ensure_seed()
    page = client.get("/privacy/").content.decode()
    assert "5617 AC" in page and "5617AC" not in page
    assert "+31 76 700 2008" in page and 'href="tel:+31767002008"' in page
    assert "B.V.." not in page and "Codex Connectors B.V." in page
    assert phone_uri("+31 76 700 2008") == "+31767002008"


@pytest.mark.django_db
def test_the_statements_processors_table_names_countries(client):
    from consent.tests.statement_helpers import ensure_seed

    ensure_seed()
    page = client.get("/privacy/").content.decode()
    assert "<td>Nederland</td>" in page or "<td>Ierland</td>" in page or "<td>Verenigde Staten</td>" in page
