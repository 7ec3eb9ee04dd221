"""The customer's "Activiteit" page: own events only, newest first, paginated, filtered by
kind and date, downloadable as CSV; bad filters get a clear message."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from http import HTTPStatus

import pytest
import time_machine

from audit.events import Action
from audit.services import record, redact_personal_fields
from core import request_context


@pytest.fixture
def logged_in(client, customer):
    client.force_login(customer)
    return client


def at(day: int, hour: int = 12):
    return time_machine.travel(datetime(2026, 3, day, hour, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def history(customer, make_user):
    other = make_user("buurman")
    staff = make_user("beheerder", staff=True)
    with at(1):
        record(Action.PROFILE_CHANGED, actor=customer, subject=customer, changes={"city": ["Eindhoven", "Tilburg"]})
    with at(5):
        record(Action.PAYMENT_PAID, system="Mollie", subject=customer, changes={"status": ["open", "paid"]})
    with at(9):
        record(Action.ADMIN_VIEWED, actor=staff, subject=customer)
    with at(9, 13):
        record(Action.PROFILE_CHANGED, actor=other, subject=other, changes={"city": [None, "Geheimstad"]})
    return other


@pytest.mark.django_db
def test_the_customer_sees_only_their_own_events_newest_first(logged_in, history):
    page = logged_in.get("/portal/activiteit/")
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    assert "Geheimstad" not in html
    positions = [html.index(text) for text in ("Bekeken door medewerker", "Betaling ontvangen", "Profiel gewijzigd")]
    assert positions == sorted(positions)
    assert "Plaats: Eindhoven → Tilburg" in html
    assert "Systeem (Mollie)" in html and "Medewerker (beheerder)" in html


@pytest.mark.django_db
def test_the_page_needs_a_login(client):
    response = client.get("/portal/activiteit/")
    assert response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_filter_by_kind_and_date_range(logged_in, history):
    html = logged_in.get("/portal/activiteit/", {"kind": "payment"}).content.decode()
    assert "Betaling ontvangen" in html and "Profiel gewijzigd</td>" not in html
    html = logged_in.get("/portal/activiteit/", {"start": "2026-03-02", "end": "2026-03-08"}).content.decode()
    assert "Betaling ontvangen" in html and "Bekeken door medewerker" not in html and "Plaats: Eindhoven" not in html
    html = logged_in.get("/portal/activiteit/", {"start": "2026-03-09", "end": "2026-03-09"}).content.decode()
    assert "Bekeken door medewerker" in html and "Betaling ontvangen" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "gisteren"}, "Vul een geldige datum in"),
        ({"end": "2026-13-45"}, "Vul een geldige datum in"),
        ({"start": "2026-03-09", "end": "2026-03-01"}, "De begindatum ligt na de einddatum."),
        ({"kind": "'; DROP TABLE audit_auditevent; --"}, "Kies een soort uit de lijst."),
    ],
)
def test_bad_filters_get_a_clear_message_not_an_error(logged_in, history, params, message):
    response = logged_in.get("/portal/activiteit/", params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.content.decode()
    assert logged_in.get("/portal/activiteit/activiteit.csv", params).status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.django_db
def test_bad_page_numbers_show_a_page(logged_in, history):
    for number in ("abc", "-1", "99999"):
        assert logged_in.get("/portal/activiteit/", {"pagina": number}).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_pages_of_25_keep_the_filter(logged_in, customer):
    for _ in range(29):  # and the login of the test client: 30
        record(Action.AUTH_LOGIN, actor=customer, subject=customer)
    first = logged_in.get("/portal/activiteit/", {"kind": "auth"})
    html = first.content.decode()
    assert html.count("<tr>") == 26  # header + 25
    assert "Pagina 1 van 2" in html and "?kind=auth&amp;pagina=2" in html
    second = logged_in.get("/portal/activiteit/", {"kind": "auth", "pagina": "2"}).content.decode()
    assert second.count("<tr>") == 6


@pytest.mark.django_db
def test_csv_download_holds_the_filtered_events(logged_in, history, customer):
    token = request_context.bind(
        request_context.RequestContext(request_id="r-csv-1234", ip="198.51.100.77", user_agent="=cmd|calc")
    )
    try:
        with at(10):
            record(Action.SETTINGS_CHANGED, actor=customer, subject=customer, changes={"division": [1, 2]})
    finally:
        request_context.unbind(token)
    response = logged_in.get("/portal/activiteit/activiteit.csv", {"start": "2026-03-05", "end": "2026-03-31"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # as Dutch Excel splits it
    assert rows[0] == [
        "Datum",
        "Tijd",
        "Gebeurtenis",
        "Door",
        "Wijzigingen",
        "IP-adres",
        "Browser",
        "Kenmerk voor support",
    ]
    assert [r[2] for r in rows[1:]] == ["Instellingen gewijzigd", "Bekeken door medewerker", "Betaling ontvangen"]
    assert rows[1][:2] == ["10-03-2026", "13:00:00"]  # dd-mm-jjjj, local time
    assert rows[1][5] == "198.51.100.77" and rows[1][6] == "'=cmd|calc"  # no formula in a spreadsheet
    assert rows[3][4] == "Status: open → paid" or rows[3][4].startswith("Status")
    assert all("Geheimstad" not in cell for row in rows for cell in row)
    assert "{" not in text and "settings.changed" not in text  # no JSON, no internal codes


@pytest.mark.django_db
def test_redacted_events_show_that_the_values_were_removed(logged_in, customer):
    record(Action.PROFILE_CHANGED, actor=customer, subject=customer, changes={"phone": [None, "+31612345678"]})
    redact_personal_fields(subject_id=customer.pk)
    html = logged_in.get("/portal/activiteit/").content.decode()
    assert "+31612345678" not in html and "Telefoonnummer: (verwijderd)" in html


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_events(logged_in, customer, django_assert_max_num_queries):
    record(Action.AUTH_LOGIN, actor=customer, subject=customer)
    logged_in.get("/portal/activiteit/")  # warm the session cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert logged_in.get("/portal/activiteit/").status_code == HTTPStatus.OK
    for _ in range(200):
        record(Action.PROFILE_CHANGED, actor=customer, subject=customer, changes={"city": ["A", "B"]})
    with django_assert_max_num_queries(len(few)):
        assert logged_in.get("/portal/activiteit/").status_code == HTTPStatus.OK
    with django_assert_max_num_queries(len(few)):
        assert logged_in.get("/portal/activiteit/", {"pagina": "5", "kind": "profile"}).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_the_page_is_linked_from_the_menu_and_the_dashboard(logged_in):
    html = logged_in.get("/portal/").content.decode()
    assert html.count('href="/portal/activiteit/"') == 2
