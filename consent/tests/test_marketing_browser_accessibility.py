"""The marketing pages pass the portal's accessibility checks (axe-core WCAG 2.1 AA and
landmarks, named controls, no sideways scrolling at 375 px, the right document language),
in Dutch and English, on a desktop and a phone."""

from __future__ import annotations

import pytest
from django.core import mail

from consent.marketing import services, tokens
from consent.tests.marketing_helpers import mailing
from portal.testing.browser import mail_links
from portal.tests.test_browser_accessibility import LOCALES, SIZES, Findings, _sign_in, check_page

pytestmark = pytest.mark.browser


@pytest.fixture(params=[(language, size) for language in LOCALES for size in SIZES], ids=lambda p: f"{p[0]}-{p[1]}")
def visitor_page(request, new_page):
    language, size = request.param
    return new_page(locale=LOCALES[language], **SIZES[size]), language, size == "phone"


def test_the_unsubscribe_and_preference_pages_pass_axe_and_fit_a_phone(visitor_page, customer, live_server, settings):
    page, language, phone = visitor_page
    findings = Findings()
    settings.SITE_URL = live_server.url
    m = services.mailing_send(mailing=mailing(), system="test")
    services.mailing_send_batch(mailing_id=m.pk)
    (link,) = mail_links(mail.outbox[0], "/unsubscribe/")

    page.goto(link)
    check_page(page, findings, "unsubscribe", phone=phone, language=language)
    page.locator("main button[type=submit]").click()
    check_page(page, findings, "unsubscribed", phone=phone, language=language)
    page.goto("/unsubscribe/" + tokens.make_token(customer.email)[:-3] + "xyz/")
    check_page(page, findings, "forged unsubscribe link", phone=phone, language=language)

    _sign_in(page, customer, live_server)
    page.goto("/portal/e-mailvoorkeuren/")
    check_page(page, findings, "e-mail preferences", phone=phone, language=language)
    page.locator("main input[value=receive]").check()
    page.locator("main button[type=submit]").click()
    check_page(page, findings, "e-mail preferences saved", phone=phone, language=language)
    findings.assert_none()
