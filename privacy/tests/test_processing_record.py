"""The Article 30 record in the admin: the page, its PDF and CSV, who may see them, and what
a hostile query string gets."""

from __future__ import annotations

import csv
import io
from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts import roles
from accounts.models import Profile
from audit.models import AuditEvent
from register import registry
from webshop.services import processor_agreement_accept

pytestmark = pytest.mark.django_db

PAGE = reverse("privacy_processing_record")
DOWNLOAD = reverse("privacy_processing_record_download")


@pytest.fixture
def shop_customer(customer):
    Profile.objects.create(user=customer, full_name="Jan Jansen", company_name="Jansen Fietsen B.V.", country="NL")
    processor_agreement_accept(user=customer, by=customer, ip="192.0.2.10", user_agent="test")
    return customer


def _downloads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="privacy.record_downloaded"))


def test_the_office_sees_both_parts_with_every_register_entry(office_client, shop_customer):
    response = office_client.get(PAGE)
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "Deel 1: verwerkingen als verwerkingsverantwoordelijke" in text
    assert "Deel 2: verwerkingen als verwerker voor onze klanten" in text
    for category in registry.categories():
        assert f"({category.name})" in text, category.name
    assert "Codex Connectors B.V." in text and "Klokgebouw 253, 5617 AC Eindhoven, Nederland" in text
    assert "Jansen Fietsen B.V." in text and "jansen@example.com" in text  # the processor part's controller
    assert "Alle verkeer versleuteld over HTTPS" in text  # the general measures
    assert "klanten van de webwinkels van onze klanten" in text
    assert _downloads() == []  # looking is not downloading


def test_the_pdf_is_dated_numbered_and_holds_every_activity(office_client, office, shop_customer):
    response = office_client.get(DOWNLOAD, {"format": "pdf", "lang": "nl"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    assert response["Content-Disposition"] == f'attachment; filename="verwerkingsregister-{today.isoformat()}-nl.pdf"'
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in page
    assert "Register van verwerkingsactiviteiten" in text and "Codex Connectors B.V." in text
    months = ("januari februari maart april mei juni juli augustus september oktober november december").split()
    assert f"{today.day} {months[today.month - 1]} {today.year}" in text
    for category in registry.categories():
        assert f"({category.name})" in text, category.name
        assert " ".join(str(category.verbose_name).split()) in text, category.name
    assert "Jansen Fietsen B.V." in text
    (event,) = _downloads()
    assert event.actor_id == office.pk and event.changes["format"] == [None, "pdf"]


def test_the_csv_has_one_row_per_activity_and_part(office_client, shop_customer):
    response = office_client.get(DOWNLOAD, {"format": "csv"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM, as the other CSV exports
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Deel", "Activiteit", "Naam"] and "Betrokkenen" in header
    by_key = {row[1]: dict(zip(header, row, strict=True)) for row in body}
    assert len(body) == len(by_key) == len(registry.categories())
    for category in registry.categories():
        row = by_key[category.name]
        assert row["Naam"] == str(category.verbose_name)
        assert row["Beveiliging (naast de algemene maatregelen)"] == str(category.security)
        assert row["Betrokkenen"] and row["Ontvangers"] and row["Doel"]
    assert by_key["webshop_order_personal"]["Deel"] == "verwerker"
    assert by_key["webshop_order_personal"]["Namens"] == "1 klant met een geaccepteerde verwerkersovereenkomst"
    assert by_key["account"]["Deel"] == "verwerkingsverantwoordelijke"
    assert by_key["account"]["Doorgifte buiten de EU"] == "geen"
    assert len(_downloads()) == 1


def test_the_english_csv_speaks_english(office_client, shop_customer):
    response = office_client.get(DOWNLOAD, {"format": "csv", "lang": "en"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Part", "Activity", "Name", "Purpose"]
    by_key = {row[1]: row for row in rows[1:]}
    assert by_key["profile"][2] == "Name, address and company details"
    assert by_key["webshop_order_personal"][5] == "customers of our customers' webshops"
    assert by_key["account"][0] == "controller" and by_key["webshop_order_personal"][0] == "processor"
    assert (
        'filename="verwerkingsregister-' in response["Content-Disposition"]
        and "-en.csv" in response["Content-Disposition"]
    )


@pytest.mark.parametrize(
    "query",
    [
        {"format": "exe"},
        {"format": ""},
        {},
        {"format": "pdf", "lang": "xx"},
        {"format": "csv", "lang": "../../etc/passwd"},
        {"format": "pdf\x00"},
        {"format": "PDF"},
        {"format": "csv" * 2000},
        {"format": "pdf", "lang": "nl'\"><script>"},
    ],
)
def test_a_hostile_query_gets_a_dutch_message_and_no_file(office_client, query):
    response = office_client.get(DOWNLOAD, query, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain == [(PAGE, HTTPStatus.FOUND)]
    assert "Dit bestand bestaat niet. Kies hieronder" in response.content.decode()
    assert _downloads() == []


def test_the_page_ignores_unknown_parameters(office_client):
    response = office_client.get(PAGE, {"lang": "xx", "format": "exe", "o": "'"})
    assert response.status_code == HTTPStatus.OK


def test_other_roles_are_refused_and_strangers_sent_to_the_login(make_user, client):
    for role in (roles.SUPPORT, roles.BILLING, None):
        user = make_user(f"medewerker-{role or 'zonder'}", staff=True)
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
        if role:
            user.groups.add(Group.objects.get(name=role))
        other = Client()
        other.force_login(user)
        assert other.get(PAGE).status_code == HTTPStatus.FORBIDDEN, role
        assert other.get(DOWNLOAD, {"format": "pdf"}).status_code == HTTPStatus.FORBIDDEN, role
    for url in (PAGE, DOWNLOAD + "?format=csv"):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND and response["Location"].startswith("/admin/login/")
    assert _downloads() == []


def test_the_admin_role_sees_the_record(staff_client):
    assert staff_client.get(PAGE).status_code == HTTPStatus.OK
    assert staff_client.get(DOWNLOAD, {"format": "csv"}).status_code == HTTPStatus.OK


def test_the_privacy_lists_and_the_office_page_link_the_record(office_client):
    for url in (
        reverse("admin:privacy_privacyrequest_changelist"),
        reverse("admin:privacy_breach_changelist"),
        reverse("admin:app_list", args=["privacy"]),
    ):
        assert f'href="{PAGE}"' in office_client.get(url).content.decode(), url


def test_the_page_reads_the_same_number_of_queries_for_one_customer_or_many(office_client, shop_customer, make_user):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(PAGE).status_code == HTTPStatus.OK
        return len(queries)

    count()  # the session and the permissions are cached from here on
    one = count()
    for n in range(5):
        other = make_user(f"winkel{n}", email=f"winkel{n}@example.com")
        processor_agreement_accept(user=other, by=other, ip="192.0.2.10", user_agent="test")
    assert count() == one
    assert "winkel4@example.com" in office_client.get(PAGE).content.decode()


def test_a_processor_name_typed_as_a_formula_stays_text_in_the_csv(office_client):
    from consent.models import Processor

    Processor.objects.filter(key="hosting").update(name='=HYPERLINK("https://example.com","x")')
    response = office_client.get(DOWNLOAD, {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    recipients = rows[0].index("Ontvangers")
    account = next(row for row in rows if row[1] == "account")
    assert account[recipients].startswith("'=HYPERLINK(")


def test_markup_and_letters_the_font_lacks_in_a_processor_name_still_make_a_pdf(office_client):
    from consent.models import Processor

    Processor.objects.filter(key="hosting").update(name="Hősting <b>&amp; co\x07")
    response = office_client.get(DOWNLOAD, {"format": "pdf"})
    assert response.status_code == HTTPStatus.OK
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Hosting <b>&amp; co" in text  # as typed, not as markup; ő drawn as o, the bell dropped


def test_the_admin_index_links_the_record_for_the_office_only(office_client, make_user):
    assert f'href="{PAGE}"' in office_client.get(reverse("admin:index")).content.decode()
    support = make_user("ondersteuner", staff=True)
    Authenticator.objects.create(user=support, type=Authenticator.Type.TOTP, data={"secret": "x"})
    support.groups.add(Group.objects.get(name=roles.SUPPORT))
    other = Client()
    other.force_login(support)
    index = other.get(reverse("admin:index"))
    assert index.status_code == HTTPStatus.OK and f'href="{PAGE}"' not in index.content.decode()
