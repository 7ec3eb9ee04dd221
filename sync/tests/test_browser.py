"""In a real browser: the customer sees on the dashboard that an order failed, reads the run
history and the VAT hint on the Synchronisatie page, maps the VAT rate in Instellingen, presses
"Opnieuw proberen" and sees the order reach Exact Online (the engine runs in the server's
process; the sandbox answers over HTTP)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exact_sandbox.models import SandboxInvoice
from portal.testing.browser import log_in
from sync.models import SyncRun
from sync.services import actions
from sync.tests.conftest import configure, line, make_order
from webshop.models import Order

pytestmark = pytest.mark.browser


def test_a_failed_order_is_fixed_in_the_settings_and_retried(page, shop, customer, password, browser_log):
    configure(shop, vat_code_low="")  # 9 % not mapped yet
    order = make_order(shop, "WS-1001", lines=[line(rate=9)])
    actions.sync_now(user=shop, by=shop)  # the run fails the order with the hint
    assert Order.objects.get(pk=order.pk).status == Order.Status.FAILED

    log_in(page, "jansen", password)
    card = page.get_by_role("region", name="Laatste synchronisatie")
    expect(card.get_by_text("1 open fout")).to_be_visible()
    card.get_by_role("link", name="Synchronisatie en fouten").click()

    runs = page.get_by_role("region", name="Synchronisaties", exact=True).first
    expect(runs.get_by_role("cell", name="Met fouten")).to_be_visible()
    expect(runs.get_by_role("cell", name="Nu synchroniseren")).to_be_visible()
    errors = page.get_by_role("region", name="Fouten", exact=True).first
    expect(errors.get_by_text("WS-1001")).to_be_visible()
    expect(errors.get_by_text("BTW-tarief 9% is niet gekoppeld")).to_be_visible()

    page.get_by_role("link", name="Wijzigen bij Instellingen").click()
    page.get_by_label("Btw-code voor 9%").select_option("2")
    page.get_by_role("button", name="Instellingen opslaan").click()
    expect(page.get_by_text("De instellingen zijn opgeslagen.")).to_be_visible()

    page.get_by_role("link", name="Naar de synchronisatie").click()
    page.get_by_role("button", name="Bestelling WS-1001 opnieuw proberen").click()
    expect(page.get_by_text("Bestelling WS-1001 staat weer klaar")).to_be_visible()
    expect(page.get_by_text("Geen fouten: alle bestellingen")).to_be_visible()
    expect(
        page.get_by_role("region", name="Synchronisaties", exact=True).first.get_by_role(
            "cell", name="Opnieuw proberen"
        )
    ).to_be_visible()

    order.refresh_from_db()
    assert order.status == Order.Status.SYNCED and order.exact_invoice_number
    assert SandboxInvoice.objects.filter(your_ref="WS-1001").count() == 1
    assert SyncRun.objects.filter(user=shop, trigger=SyncRun.Trigger.RETRY, outcome=SyncRun.Outcome.OK).exists()

    page.goto("/portal/")
    expect(page.get_by_role("region", name="Laatste synchronisatie").get_by_text("Geen open fouten.")).to_be_visible()
