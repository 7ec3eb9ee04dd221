"""In the browser, as support staff would: find a customer by an invoice number, open the
customer at a glance from the list, read what matters, write an internal note (a bad one gets
a Dutch message and nothing is stored) and reach a per-customer action from there."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Profile, StaffNote
from retention.models import LegalHold
from retention.tests.billing import billing_history
from subscriptions.models import Invoice

pytestmark = pytest.mark.browser


def _as_staff(page, live_server, make_user):
    staff = make_user("medewerker", staff=True)
    staff.is_superuser = True
    staff.save()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client = Client()
    client.force_login(staff)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return staff


def test_staff_find_a_customer_by_invoice_number_read_him_at_a_glance_and_write_a_note(
    page, live_server, browser_log, make_user
):
    customer = make_user("vandijk", email="info@vandijkfietsen.nl", address=True)
    Profile.objects.filter(user=customer).update(company_name="Van Dijk Fietsen B.V.", kvk_number="12345678")
    billing_history(customer, ended_at=None, credit_note=True)
    from django.utils import timezone

    LegalHold.objects.create(
        subject_id=customer.pk, user=customer, reason="Aangifte fraude", created_at=timezone.now(), created_by="x"
    )
    make_user("bakker", email="bakker@example.com")
    number = Invoice.objects.get(user=customer).number
    _as_staff(page, live_server, make_user)

    page.goto("/admin/accounts/user/")
    page.locator("#searchbar").fill(number)
    page.locator("#searchbar").press("Enter")
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text("vandijk")
    results.get_by_role("link", name="In één oogopslag").click()

    expect(page.get_by_role("heading", name="Klant in één oogopslag: vandijk")).to_be_visible()
    main = page.locator("#content-main")
    expect(main.get_by_role("heading", name="Gegevens")).to_be_visible()
    expect(main).to_contain_text("Van Dijk Fietsen B.V.")
    expect(main).to_contain_text("12345678")
    expect(main.get_by_role("heading", name="Facturen en creditnota's")).to_be_visible()
    expect(main).to_contain_text(number)
    expect(main).to_contain_text(f"creditnota bij {number}")
    expect(main).to_contain_text("Aangifte fraude")
    expect(main.get_by_role("heading", name="Koppeling")).to_be_visible()
    expect(main).to_contain_text("nog nooit")

    # A note of nothing but spaces: a Dutch message, nothing stored.
    note_field = main.get_by_label("Nieuwe interne notitie (de klant ziet hem in zijn gegevensexport)")
    note_field.fill("   ")
    main.get_by_role("button", name="Notitie opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Schrijf eerst een notitie.")
    assert not StaffNote.objects.exists()

    note_field = main.get_by_label("Nieuwe interne notitie (de klant ziet hem in zijn gegevensexport)")
    note_field.fill("Belde over de creditnota; terugbellen donderdag.")
    main.get_by_role("button", name="Notitie opslaan").click()
    expect(page.locator(".messagelist")).to_contain_text("De notitie is opgeslagen.")
    expect(page.locator(".staff-notes")).to_contain_text("Belde over de creditnota; terugbellen donderdag.")
    expect(page.locator(".staff-notes")).to_contain_text("medewerker")
    assert StaffNote.objects.filter(user=customer).count() == 1

    page.get_by_role("link", name="Account opheffen").click()
    expect(page.get_by_label("Reden (wordt vastgelegd in het logboek)")).to_be_visible()
    browser_log.assert_clean()
