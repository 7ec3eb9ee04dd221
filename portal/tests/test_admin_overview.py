"""The staff overview page (issue 19 item 2): every chart with its table in Dutch numbers, a
period chosen in the address, hostile periods answered with a Dutch message (never an error
page), no inline script or style, and the link on the admin index for those who may open it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from django.utils.formats import date_format

from consent.models import CookieConsentRecord, MarketingPreference
from portal.testing.overview_data import plan, subscription
from sync.models import SyncRun

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=AMS)
URL = "/admin/overzicht/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(make_user):
    big = make_user("groot")
    subscription(
        big, started_at=datetime(2025, 6, 1, tzinfo=AMS), on_plan=plan("Groot", "1234.56"), amount_net="1234.56"
    )
    subscription(make_user("klein"), started_at=datetime(2026, 2, 3, tzinfo=AMS))
    CookieConsentRecord.objects.create(
        consent_id="K0000001",
        decided_at=datetime(2026, 3, 10, tzinfo=AMS),
        accepted=[],
        refused=["analytics"],
        statement_version="1",
    )
    MarketingPreference.objects.create(user=big, objected=True, changed_at=datetime(2026, 3, 2, tzinfo=AMS))
    SyncRun.objects.create(user=big, started_at=datetime(2026, 3, 15, 9, tzinfo=AMS), outcome="errors", failed=2)


def _table(html: str, key: str) -> str:
    match = re.search(rf'<figure[^>]*id="figuur-{key}".*?</figure>', html, re.DOTALL)
    assert match, f"no figure {key}"
    return match.group(0)


def _rows(figure: str) -> int:
    body = figure[figure.index("<tbody>") : figure.index("</tbody>")]
    return body.count("<tr>")


def test_the_admin_role_sees_every_chart_with_its_table_in_dutch_numbers(staff_client, business):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for key in ("mrr", "moves", "reasons", "dunning", "cookies", "objections", "erasures", "runs"):
        figure = _table(html, key)
        assert "<svg" in figure and 'viewBox="0 0 360' in figure, key
        assert "<table>" in figure and "<caption" in figure and '<th scope="col">' in figure, key
    mrr = _table(html, "mrr")
    assert '<th scope="row">maart 2026</th><td>€ 1.259,56</td><td>2</td>' in mrr  # 1234,56 + 25,00
    assert '<th scope="row">januari 2026</th><td>€ 1.234,56</td><td>1</td>' in mrr
    assert _rows(mrr) == 24  # the default period
    assert "Nu: € 1.259,56 per maand; actieve abonnementen: 2." in mrr
    runs = _table(html, "runs")
    assert '<th scope="row">15 maart 2026</th><td>1</td><td>1</td><td>100,0%</td><td>0</td><td>2</td>' in runs
    cookies = _table(html, "cookies")
    assert '<th scope="row">9 maart 2026</th><td>0</td><td>1</td>' in cookies
    assert "Klanten met bezwaar in totaal: 1." in _table(html, "objections")


def test_a_shorter_period_is_chosen_in_the_address(staff_client, business):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL, {"periode": "6"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert _rows(_table(html, "mrr")) == 6
    assert _rows(_table(html, "objections")) == 6
    assert '<option value="6" selected>' in html


@pytest.mark.parametrize(
    "value",
    ["abc", "-1", "0", "7", "24.0", "99999999999999999999999", "<script>alert(1)</script>", "\x00", " 12; DROP TABLE"],
)
def test_a_period_that_is_not_offered_gets_a_dutch_message_and_the_default(staff_client, business, value):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL, {"periode": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.content.decode()
    assert "Kies een periode van 6, 12 of 24 maanden; u ziet nu 24 maanden." in html
    assert _rows(_table(html, "mrr")) == 24
    assert "<script>alert" not in html


def test_the_page_only_reads(staff_client):
    assert staff_client.post(URL, {"periode": "12"}).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_page_carries_no_inline_script_or_style(staff_client, business):
    with time_machine.travel(NOW, tick=False):
        html = staff_client.get(URL).content.decode()
    main = html[html.index('<div id="content-main"') :]
    assert " style=" not in main and "<script" not in main and "<style" not in main
    assert 'href="/static/css/admin_overview.css"' in html


def test_the_admin_index_links_to_the_overview_for_those_who_may_open_it(staff_client, make_user, client):
    from allauth.mfa.models import Authenticator

    assert 'href="/admin/overzicht/"' in staff_client.get("/admin/").content.decode()
    plain = make_user("zonderrol", staff=True)
    Authenticator.objects.create(user=plain, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(plain)
    assert 'href="/admin/overzicht/"' not in client.get("/admin/").content.decode()
    assert client.get(URL).status_code == HTTPStatus.FORBIDDEN


def test_someone_not_logged_in_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")


def test_an_empty_business_shows_zeros_not_an_error(staff_client):
    response = staff_client.get(URL)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<td>€ 0,00</td><td>0</td>" in _table(html, "mrr")
    runs = _table(html, "runs")
    assert _rows(runs) == 30  # every one of the last 30 days, today last
    first, last = timezone.localdate() - timedelta(days=29), timezone.localdate()
    assert f'<th scope="row">{date_format(first, "j F Y")}</th>' in runs
    assert runs.rindex(date_format(last, "j F Y")) > runs.index(date_format(first, "j F Y"))


def test_in_english_the_overview_speaks_english_with_english_numbers(staff_client, business):
    staff_client.cookies["django_language"] = "en"
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get(URL, {"periode": "x"})
    html = response.content.decode()
    assert "Monthly recurring revenue and active subscriptions: the figures" in html
    assert '<th scope="row">March 2026</th><td>€ 1,259.56</td><td>2</td>' in html
    assert "Choose a period of 6, 12 or 24 months; you are now seeing 24 months." in html
