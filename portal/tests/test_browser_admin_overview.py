"""In a real browser, as each role would use it: billing staff log in with their second
factor, open the overview from the admin index, read the revenue charts and their tables, and
choose a shorter period; an address with a forged period gets a Dutch message. Support staff
see only the koppeling's runs. The privacy office on a phone sees its own charts (and no
revenue), each with a table, the page 375 px wide without scrolling sideways. The billing and
privacy pages pass axe (WCAG 2.1 AA); no page loads anything from another host or violates the
CSP (the ``browser_log`` fixture fails the test otherwise)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from consent.models import CookieConsentRecord, MarketingPreference
from portal.testing.browser import has_horizontal_scroll, staff_log_in, staff_member
from portal.testing.overview_data import plan, subscription
from portal.tests.test_browser_accessibility import _axe_violations
from sync.models import SyncRun

pytestmark = pytest.mark.browser


@pytest.fixture
def business(make_user):
    now = timezone.now()
    big = make_user("groot")
    subscription(big, started_at=now - timedelta(days=400), on_plan=plan("Groot", "1234.56"), amount_net="1234.56")
    subscription(
        make_user("weg"),
        started_at=now - timedelta(days=200),
        ended_at=now - timedelta(days=2),
        status="canceled",
        cancel_requested_at=now - timedelta(days=20),
        cancel_reason="not_used",
    )
    for n in range(3):
        CookieConsentRecord.objects.create(
            consent_id=f"B{n:08d}",
            decided_at=now - timedelta(hours=2 + n),
            accepted=[] if n == 0 else ["analytics"],
            refused=["analytics"] if n == 0 else [],
            statement_version="1",
        )
    MarketingPreference.objects.create(user=big, objected=True, changed_at=now - timedelta(days=3))
    SyncRun.objects.create(user=big, started_at=now - timedelta(hours=1), outcome="errors", synced=5, failed=1)
    SyncRun.objects.create(user=big, started_at=now - timedelta(hours=2), outcome="ok", synced=7)


def test_billing_staff_read_the_revenue_and_choose_a_period(page, browser_log, make_user, password, business):
    _member, secret = staff_member(make_user, "facturatie", roles.BILLING)
    staff_log_in(page, "facturatie", password, secret)

    page.get_by_role("link", name="Overzicht met grafieken: omzet, privacy en koppeling").click()
    expect(page.get_by_role("heading", name="Overzicht", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Omzet en abonnementen")).to_be_visible()
    expect(page.get_by_role("heading", name="Koppeling")).to_be_visible()
    expect(page.get_by_role("heading", name="Privacy")).to_have_count(0)  # not the billing role's

    revenue = page.get_by_role("table", name="Maandelijks terugkerende omzet en actieve abonnementen: de cijfers")
    expect(revenue.get_by_role("row")).to_have_count(25)  # the header and 24 months
    this_month = revenue.get_by_role("row").last
    expect(this_month.get_by_role("cell").nth(0)).to_have_text("€ 1.234,56")
    expect(this_month.get_by_role("cell").nth(1)).to_have_text("1")
    expect(page.locator("#figuur-mrr svg")).to_have_count(2)
    reasons = page.get_by_role("table", name="Redenen van opzegging: de cijfers")
    expect(reasons.get_by_role("row", name="Ik gebruik het te weinig 1")).to_be_visible()
    runs = page.get_by_role("table", name="Synchronisaties per dag: de cijfers")
    expect(runs.locator("tfoot")).to_contain_text("2")
    assert _axe_violations(page) == []

    page.get_by_label("Periode", exact=True).select_option("12")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_load_state()
    expect(revenue.get_by_role("row")).to_have_count(13)
    assert "periode=12" in page.url

    page.goto("/admin/overzicht/?periode=%3Cscript%3E")
    expect(page.get_by_role("alert")).to_have_text("Kies een periode van 6, 12 of 24 maanden; u ziet nu 24 maanden.")
    expect(revenue.get_by_role("row")).to_have_count(25)


def test_the_privacy_office_reads_its_charts_on_a_phone(phone_page, browser_log, make_user, password, business):
    _member, secret = staff_member(make_user, "privacy", roles.PRIVACY)
    staff_log_in(phone_page, "privacy", password, secret)

    phone_page.goto("/admin/overzicht/")
    expect(phone_page.get_by_role("heading", name="Privacy")).to_be_visible()
    expect(phone_page.get_by_role("heading", name="Omzet en abonnementen")).to_have_count(0)
    cookies = phone_page.get_by_role("table", name="Cookiekeuzes per week: de cijfers")
    expect(cookies.get_by_role("row", name="Totaal 2 1")).to_be_visible()  # 2 accepted, 1 refused
    objections = phone_page.get_by_role("table", name="Bezwaren tegen reclame per e-mail: de cijfers")
    expect(objections.get_by_role("row").last).to_contain_text("1")
    expect(phone_page.get_by_role("table", name="Te wissen in de komende 30 dagen: de cijfers")).to_be_visible()
    for key in ("cookies", "objections", "erasures", "runs"):
        chart = phone_page.locator(f"#figuur-{key} svg").first
        box = chart.bounding_box()
        assert box is not None and 300 <= box["width"] <= 375, (key, box)
    assert not has_horizontal_scroll(phone_page), "the overview scrolls sideways at 375 px"
    assert _axe_violations(phone_page) == []


def test_support_staff_see_only_how_the_koppeling_runs(page, browser_log, make_user, password, business):
    _member, secret = staff_member(make_user, "ondersteuning", roles.SUPPORT)
    staff_log_in(page, "ondersteuning", password, secret)

    page.get_by_role("link", name="Overzicht met grafieken: omzet, privacy en koppeling").click()
    expect(page.get_by_role("heading", name="Koppeling")).to_be_visible()
    expect(page.get_by_role("figure")).to_have_count(1)
    runs = page.get_by_role("table", name="Synchronisaties per dag: de cijfers")
    expect(runs.get_by_role("row", name="Totaal 2 1")).to_be_visible()  # 2 runs, 1 with errors
    expect(page.get_by_text("€")).to_have_count(0)
