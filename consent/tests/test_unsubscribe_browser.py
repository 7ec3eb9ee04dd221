"""In Chromium: the unsubscribe link of a real marketing mail opens a page with a button;
the button unsubscribes at once, without login and without cookies. A forged link gets a
clear page."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from consent.marketing import services
from consent.models import MarketingPreference
from consent.tests.marketing_helpers import mailing
from portal.testing.browser import mail_links

pytestmark = pytest.mark.browser


@pytest.fixture
def unsubscribe_link(customer, live_server, settings) -> str:
    settings.SITE_URL = live_server.url
    m = services.mailing_send(mailing=mailing(), system="test")
    services.mailing_send_batch(mailing_id=m.pk)
    (message,) = [m for m in mail.outbox if customer.email in m.to]
    (link,) = mail_links(message, "/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    return link


def test_the_button_on_the_page_unsubscribes_without_login_or_cookies(page, customer, unsubscribe_link, browser_log):
    page.goto(unsubscribe_link)
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Afmelden voor aanbiedingen per e-mail")).to_be_visible()
    assert not MarketingPreference.objects.filter(user=customer, objected=True).exists()  # a GET changes nothing

    page.context.clear_cookies()  # a mail client or a strict browser: no cookie at all
    main.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()

    expect(main.get_by_role("heading", name="U bent afgemeld")).to_be_visible()
    expect(main.get_by_text("U ontvangt geen aanbiedingen meer per e-mail op dit adres.")).to_be_visible()
    assert MarketingPreference.objects.get(user=customer).objected is True
    assert not services.receives_marketing(customer)
    browser_log.assert_clean()


def test_a_forged_link_gets_a_clear_page_in_the_browser(page, customer, unsubscribe_link):
    forged = unsubscribe_link[:-4] + ("AAA/" if not unsubscribe_link.endswith("AAA/") else "BBB/")
    response = page.goto(forged)
    assert response.status == 400
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Deze afmeldlink werkt niet")).to_be_visible()
    expect(main.get_by_role("link", name="E-mailvoorkeuren")).to_be_visible()
    assert not MarketingPreference.objects.filter(user=customer, objected=True).exists()


def test_the_page_fits_a_phone_and_speaks_english(new_page, customer, unsubscribe_link):
    page = new_page(locale="en-GB", viewport={"width": 375, "height": 700})
    page.goto(unsubscribe_link)
    page.get_by_role("button", name="Unsubscribe").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="You have been unsubscribed")).to_be_visible()
    assert MarketingPreference.objects.get(user=customer).objected is True
