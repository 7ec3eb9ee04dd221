"""In a real browser: the privacy office logs a request that came in by phone, opens it, and
extends its term with the notice sent to the person; the due date moves."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from accounts import roles
from portal.testing.browser import staff_log_in, staff_member
from privacy.models import PrivacyRequest

pytestmark = pytest.mark.browser


def test_the_office_opens_a_request_and_extends_it(page, browser_log, make_user, password):
    _office, secret = staff_member(make_user, "privacybureau", roles.PRIVACY)
    staff_log_in(page, "privacybureau", password, secret)

    today = timezone.localdate()
    page.goto("/admin/privacy/privacyrequest/add/")
    page.locator("#id_kind").select_option("access")
    page.locator("#id_channel").select_option("phone")
    page.locator("#id_received_on").fill(today.strftime("%d-%m-%Y"))
    page.locator("#id_person_name").fill("Piet de Vries")
    page.locator("#id_person_contact").fill("06 12345678")
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()
    request = PrivacyRequest.objects.get()
    due = (today + relativedelta(months=1)).strftime("%d-%m-%Y")
    results = page.locator("#result_list")
    expect(results.get_by_role("link", name="Piet de Vries", exact=False)).to_be_visible()
    expect(results.get_by_text(due)).to_be_visible()

    results.get_by_role("link", name="Piet de Vries", exact=False).click()
    page.wait_for_load_state()
    page.locator("#id_extend_months").select_option("2")
    page.locator("#id_notice_on").fill(today.strftime("%d-%m-%Y"))
    page.locator("#id_notice_text").fill("Uw verzoek is omvangrijk; wij hebben twee maanden extra nodig.")
    page.locator('input[name="_save"]').click()
    page.wait_for_load_state()
    request.refresh_from_db()
    # Two months after the first term's end (not three after receipt): received on 31 January
    # that is 28 April, not 30 April; the two differ on the 29th-31st of several months.
    new_due = today + relativedelta(months=1) + relativedelta(months=2)
    assert request.due_on == new_due and request.extended_by_months == 2
    expect(page.get_by_text(new_due.strftime("%d-%m-%Y")).first).to_be_visible()
