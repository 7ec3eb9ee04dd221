"""The pricing page in Chromium on a phone (375 CSS pixels): reached from the home page and
from signup, readable without sideways scrolling, in Dutch and English."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.testing.browser import has_horizontal_scroll
from subscriptions.models import Plan

pytestmark = pytest.mark.browser


@pytest.fixture
def plans(transactional_db) -> None:
    Plan.objects.create(name="Basis", description="Eén koppeling\nDagelijkse synchronisatie", price=Decimal("29.00"))
    Plan.objects.create(
        name="Jaarabonnement", description="Alles van Basis", price=Decimal("290.00"), interval=Plan.Interval.YEAR
    )
    Plan.objects.create(name="Oud pakket", price=Decimal("9.99"), active=False)


def test_a_visitor_on_a_phone_finds_the_prices_from_home_and_from_signup(phone_page, plans):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name="Bekijk de prijzen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prijzen van Exact koppeling")
    main = page.get_by_role("main")
    basis = main.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Basis"))
    expect(basis).to_contain_text("€ 35,09 per maand incl. 21% btw")
    expect(basis).to_contain_text("€ 29,00 excl. btw + € 6,09 btw")
    expect(basis).to_contain_text("Dagelijkse synchronisatie")
    yearly = main.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Jaarabonnement"))
    expect(yearly).to_contain_text("€ 350,90 per jaar incl. 21% btw")
    expect(main).not_to_contain_text("Oud pakket")
    assert not has_horizontal_scroll(page)

    page.goto("/accounts/signup/")
    page.get_by_role("link", name="Bekijk de prijzen").click()
    expect(page).to_have_url(re.compile(r"/prijzen/$"))

    page.get_by_label("Taal", exact=True).select_option("en")
    page.get_by_role("button", name="Kies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exact koppeling pricing")
    expect(page.get_by_role("main")).to_contain_text("incl. 21% VAT")
    assert not has_horizontal_scroll(page)
