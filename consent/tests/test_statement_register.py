"""The statement's data sections come from the retention register and the processors: every
category, its purpose, legal basis and period is named, in Dutch and in English."""

from __future__ import annotations

from datetime import date
from http import HTTPStatus

import pytest
from django.utils import translation
from django.utils.html import escape

from consent.models import Processor
from consent.tests.statement_helpers import seed  # noqa: F401  (fixture)
from register import registry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_names_every_category_purpose_basis_and_period_of_the_register(client, seed, language):  # noqa: F811
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    with translation.override(language):
        assert registry.categories(), "the register is empty"
        for category in registry.categories():
            assert escape(str(category.verbose_name)) in page, category.name
            assert escape(str(category.purpose)) in page, category.name
            assert escape(str(category.legal_basis.label).capitalize()) in page, category.name
            retention = category.retention_text()
            assert escape(retention[:1].upper() + retention[1:]) in page, (category.name, retention)


@pytest.mark.parametrize(
    ("language", "heading", "no_basis_needed"),
    [
        ("nl", "Ontvangers en verwerkers", "niet nodig (binnen de EU)"),
        ("en", "Recipients and processors", "not needed"),
    ],
)
def test_it_lists_every_processor_with_country_and_transfer_basis(client, seed, language, heading, no_basis_needed):  # noqa: F811
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert heading in page and no_basis_needed in page
    processors = list(Processor.objects.all())
    assert {p.key for p in processors} >= {"hosting", "mail", "mollie", "google"}
    for processor in processors:
        assert escape(processor.name) in page
        assert escape(processor.purpose(language)) in page
        if processor.outside_eu:
            assert escape(processor.transfer_basis(language)) in page


def test_the_date_of_the_processing_agreement_is_shown(client, seed):  # noqa: F811
    Processor.objects.filter(key="mollie").update(agreement_date=date(2018, 5, 25))
    assert "25-05-2018" in client.get("/privacy/").content.decode()  # a table: dd-mm-jjjj
    assert "25-05-2018" in client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_every_recipient_the_register_names_is_a_processor_in_the_statement(seed):  # noqa: F811
    named = {key for category in registry.categories() for key in category.recipients}
    assert named, "no category names a recipient"
    assert named <= set(Processor.objects.values_list("key", flat=True))


def test_a_category_shows_who_receives_its_data(client, seed):  # noqa: F811
    page = client.get("/privacy/").content.decode()
    billing = page.split('id="category-billing"')[1].split("</section>")[0]
    assert "Mollie B.V." in billing and "Hostingprovider" in billing


def test_the_complaint_section_links_to_the_autoriteit_persoonsgegevens_and_shows_our_contact_details(
    client,
    seed,  # noqa: F811
    settings,
):
    settings.COMPANY = {**settings.COMPANY, "email": "privacy@codexconnectors.example", "phone": "+31401234567"}
    page = client.get("/privacy/").content.decode()
    assert 'href="https://autoriteitpersoonsgegevens.nl/"' in page
    assert "privacy@codexconnectors.example" in page and "+31401234567" in page


def test_the_opened_record_is_personal_data_in_the_register():
    category = registry.get("statement_notices")
    assert category.disposed_with == "account" and category.export is not None
