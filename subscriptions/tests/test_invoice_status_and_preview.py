"""Each invoice shows its status (betaald, open, gecrediteerd) on the invoices page and its
own page, and the subscription page previews the next invoice: its date, lines, VAT and
total, a scheduled plan change included (issue 17 item 8)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import dateformat, timezone

from accounts.services import profile_for
from mollie_sandbox import controls
from subscriptions.models import Invoice, Payment, Plan, PlanChange, Subscription
from subscriptions.tests.conftest import checkout
from vies.models import VatCheck
from vies_sandbox.testing import vies_confirmed

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _day(value) -> str:
    return dateformat.format(value, "j F Y")  # Dutch, the test's language


def _row(page: str, number: str) -> str:
    return _text(page.split(f">{number}</a>")[1].split("</tr>")[0])


@pytest.fixture
def paid(subscribe):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    return payment


def test_a_paid_invoice_is_betaald_on_the_list_and_its_page(paid, logged_in):
    invoice = Invoice.objects.get(payment=paid)
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "Status" in page and "betaald" in _row(page, invoice.number)
    assert "Status betaald" in _text(logged_in.get(f"/portal/abonnement/facturen/{invoice.number}/").content.decode())


def test_refunds_make_it_deels_gecrediteerd_then_gecrediteerd(paid, logged_in):
    invoice = Invoice.objects.get(payment=paid)
    controls.refund(paid.mollie_id, Decimal("10.00"))
    row = _row(logged_in.get("/portal/abonnement/").content.decode(), invoice.number)
    assert "deels gecrediteerd" in row
    controls.refund(paid.mollie_id, Decimal("25.09"))
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert re.search(r"€ 35,09 gecrediteerd", _row(page, invoice.number))
    detail = _text(logged_in.get(f"/portal/abonnement/facturen/{invoice.number}/").content.decode())
    assert "Status gecrediteerd" in detail


def test_a_charged_back_invoice_is_open_until_it_is_paid_again(paid, logged_in):
    invoice = Invoice.objects.get(payment=paid)
    controls.chargeback(paid.mollie_id)
    assert "open" in _row(logged_in.get("/portal/abonnement/").content.decode(), invoice.number)
    Payment.objects.create(
        user=paid.user,
        subscription=paid.subscription,
        sequence_type=Payment.Sequence.FIRST,
        status=Payment.Status.PAID,
        amount=paid.amount,
        arrears_of=paid,
        paid_at=timezone.now(),
    )
    assert "betaald" in _row(logged_in.get("/portal/abonnement/").content.decode(), invoice.number)


def test_the_invoice_list_reads_every_status_in_one_query(subscribe, logged_in, django_assert_max_num_queries):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    for _ in range(4):
        controls.charge(subscription.active_remote().mollie_id)
    assert Invoice.objects.count() == 5
    with django_assert_max_num_queries(30):
        page = logged_in.get("/portal/abonnement/").content.decode()
    assert page.count("invoice-status-paid") == 5


def test_the_next_invoice_is_previewed_with_its_date_lines_vat_and_total(paid, logged_in):
    subscription = Subscription.objects.get(pk=paid.subscription_id)
    start = subscription.current_period_end
    page = logged_in.get("/portal/abonnement/").content.decode()
    preview = _text(page.split('id="next-invoice"')[1].split("</section>")[0])
    end = (start.replace(day=1) + timedelta(days=32)).replace(day=start.day) - timedelta(days=1)
    assert f"Op {_day(start)} schrijven we € 35,09 af" in preview
    assert f"Basis (per maand) {_day(start)} – {_day(end)} € 29,00" in preview
    assert "Totaal excl. btw € 29,00 Btw (21%) € 6,09 Totaal € 35,09" in preview


def test_a_scheduled_downgrade_is_in_the_preview(paid, logged_in, plan):
    subscription = Subscription.objects.get(pk=paid.subscription_id)
    small = Plan.objects.create(name="Klein", price=Decimal("19.00"), interval=Plan.Interval.MONTH)
    PlanChange.objects.create(
        subscription=subscription,
        from_plan=plan,
        to_plan=small,
        kind=PlanChange.Kind.NEXT_PERIOD,
        status=PlanChange.Status.SCHEDULED,
        effective_on=subscription.current_period_end,
        amount_net=Decimal("19.00"),
        amount_gross=Decimal("22.99"),
    )
    preview = _text(
        logged_in.get("/portal/abonnement/").content.decode().split('id="next-invoice"')[1].split("</section>")[0]
    )
    assert "schrijven we € 22,99 af" in preview and "Inclusief de ingeplande overstap naar Klein" in preview
    assert "Klein (per maand)" in preview and "Totaal excl. btw € 19,00 Btw (21%) € 3,99 Totaal € 22,99" in preview
    assert "Basis" not in preview


def test_the_preview_of_a_reverse_charge_customer_follows_vies(subscribe, customer, logged_in):
    profile = profile_for(customer)
    profile.company_name, profile.vat_id, profile.country = "Dupont SPRL", "BE0403170701", "BE"
    profile.full_name, profile.street, profile.postal_code, profile.city = "Jean Dupont", "Rue 1", "1000", "Brussel"
    profile.save()
    vies_confirmed(customer)
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    preview = _text(
        logged_in.get("/portal/abonnement/").content.decode().split('id="next-invoice"')[1].split("</section>")[0]
    )
    assert "Btw (0%, btw verlegd) € 0,00 Totaal € 29,00" in preview
    VatCheck.objects.update(checked_at=timezone.now() - timedelta(days=31))  # the check has gone stale
    preview = _text(
        logged_in.get("/portal/abonnement/").content.decode().split('id="next-invoice"')[1].split("</section>")[0]
    )
    assert "Totaal excl. btw € 23,97 Btw (21%) € 5,03 Totaal € 29,00" in preview
    assert "U betaalt 21% btw omdat VIES" in preview


def test_no_preview_when_no_further_charge_comes(paid, logged_in):
    Subscription.objects.filter(pk=paid.subscription_id).update(cancel_at_period_end=True)  # cancelled at the end
    assert 'id="next-invoice"' not in logged_in.get("/portal/abonnement/").content.decode()


def test_no_preview_while_the_first_payment_is_open(subscribe, logged_in):
    subscribe()
    assert 'id="next-invoice"' not in logged_in.get("/portal/abonnement/").content.decode()
