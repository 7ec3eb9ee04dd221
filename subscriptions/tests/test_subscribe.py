"""Subscribing: plan → Mollie customer → first payment → checkout → return page → mandate →
Mollie subscription → active. Through the real client against the sandbox over HTTP."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import dateformat, timezone, translation

from accounts.services import profile_for
from audit.models import AuditEvent
from mollie_sandbox import controls
from mollie_sandbox.models import SandboxObject
from subscriptions.models import Invoice, MollieCustomer, Payment, Subscription
from subscriptions.tests.conftest import checkout
from vies_sandbox.testing import vies_confirmed

pytestmark = pytest.mark.django_db


def logged_in_as(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def actions(**filters) -> list[str]:
    events = AuditEvent.objects.filter(**filters).exclude(action__startswith="auth.").order_by("id")
    return list(events.values_list("action", flat=True))


def test_the_plans_page_shows_prices_with_and_without_vat(logged_in, plan, yearly_plan):
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "€ 35,09" in page and "€ 29,00" in page and "21% btw" in page
    assert "€ 350,90" in page and "€ 290,00" in page


def test_a_plans_description_is_english_for_an_english_customer_and_dutch_without_one(logged_in, plan, yearly_plan):
    plan.description_en = "One connector"
    plan.save()
    dutch = logged_in.get("/portal/abonnement/").content.decode()
    assert "Eén koppeling" in dutch and "One connector" not in dutch
    english = logged_in.get("/portal/abonnement/", headers={"accept-language": "en"})
    english_page = english.content.decode()
    if 'lang="en"' not in english_page:  # the account's language choice wins over the header
        from django.conf import settings

        logged_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english_page = logged_in.get("/portal/abonnement/").content.decode()
    assert "One connector" in english_page and "Eén koppeling" not in english_page
    assert yearly_plan.description in english_page or not yearly_plan.description  # no English: the Dutch


def test_a_four_digit_amount_shows_its_thousands_separator_on_the_overview(logged_in):
    from subscriptions.models import Plan

    Plan.objects.create(name="Groot", price=Decimal("1229.00"), interval=Plan.Interval.YEAR)
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "<strong>€ 1.487,09</strong> per jaar" in page  # incl. 21% btw
    assert "€ 1.229,00 excl. btw + € 258,09 btw" in page
    assert "1487" not in page and "1229" not in page
    logged_in.post("/i18n/setlang/", {"language": "en", "next": "/portal/abonnement/"})
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "<strong>€ 1,487.09</strong> per year" in page
    assert "€ 1,229.00 excl. VAT + € 258.09 VAT" in page


@pytest.mark.parametrize(
    "missing",
    [
        {"full_name": "", "company_name": ""},
        {"street": ""},
        {"postal_code": "", "city": ""},
        {"billing_same_as_address": False},  # a separate billing address, left empty
    ],
)
def test_without_name_and_address_for_the_invoice_nothing_can_be_subscribed(mollie_sandbox, make_user, plan, missing):
    from django.test import Client

    from accounts.models import Profile

    user = make_user("zonderadres")
    Profile.objects.filter(user=user).update(**missing)
    client = Client()
    client.force_login(user)
    page = client.get("/portal/abonnement/").content.decode()
    assert "Uw factuur moet uw naam en adres vermelden." in page
    assert 'href="/portal/gegevens/profiel/"' in page
    assert f"/portal/abonnement/afsluiten/{plan.pk}/" not in page  # no subscribe button
    response = client.post(f"/portal/abonnement/afsluiten/{plan.pk}/", follow=True)
    assert "Vul eerst uw naam en adres in bij Profiel" in response.content.decode()
    assert not Subscription.objects.exists() and not Payment.objects.exists()
    assert not MollieCustomer.objects.exists() and not SandboxObject.objects.exists()  # nothing at Mollie either
    assert not AuditEvent.objects.filter(subject_id=user.pk, action__startswith="subscription.").exists()


def test_with_a_complete_address_the_plans_can_be_subscribed_to(subscribe, logged_in, plan):
    page = logged_in.get("/portal/abonnement/").content.decode()
    assert "Uw factuur moet uw naam en adres vermelden." not in page
    assert f"/portal/abonnement/afsluiten/{plan.pk}/" in page


def test_subscribing_sends_the_customer_to_mollies_checkout(subscribe, customer, plan):
    response, payment = subscribe()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == payment.checkout_url
    assert "/sandbox/mollie/checkout/tr_" in payment.checkout_url
    assert payment.status == Payment.Status.OPEN and payment.amount == Decimal("35.09")
    subscription = payment.subscription
    assert subscription.status == Subscription.Status.PENDING and subscription.user == customer
    remote = SandboxObject.objects.get(pk=payment.mollie_id).data
    assert (
        remote["sequenceType"] == "first"
        and remote["customerId"] == MollieCustomer.objects.get(user=customer).mollie_id
    )
    assert remote["amount"] == {"currency": "EUR", "value": "35.09"}
    assert remote["webhookUrl"].endswith("/webhooks/mollie/")
    assert remote["locale"] == "nl_NL"
    assert actions(subject_id=customer.pk)[:3] == [
        "subscription.created",
        "payment.created",
        "payment.customer_created",
    ]


def test_paying_activates_the_subscription_and_schedules_the_next_charges(subscribe, customer, logged_in):
    today = timezone.localdate()
    response, payment = subscribe()
    paid = checkout(response["Location"], "paid")
    assert paid.status_code == HTTPStatus.FOUND and paid["Location"].endswith(
        f"/portal/abonnement/betaling/{payment.pk}/"
    )
    payment.refresh_from_db()
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    assert payment.status == Payment.Status.PAID and payment.paid_at is not None
    assert subscription.status == Subscription.Status.ACTIVE
    assert subscription.mandate_id.startswith("mdt_")
    assert subscription.current_period_end == today + relativedelta(months=1)
    remote = SandboxObject.objects.get(kind="subscription")
    assert remote.data["status"] == "active"
    assert remote.data["startDate"] == subscription.current_period_end.isoformat()
    assert remote.data["amount"] == {"currency": "EUR", "value": "35.09"} and remote.data["interval"] == "1 month"
    assert subscription.active_remote().mollie_id == remote.id
    invoice = Invoice.objects.get(payment=payment)
    assert (invoice.amount_net, invoice.vat_rate, invoice.vat_amount, invoice.amount_gross) == (
        Decimal("29.00"),
        Decimal("21.0"),
        Decimal("6.09"),
        Decimal("35.09"),
    )
    page = logged_in.get(paid["Location"]).content.decode()
    assert "Betaling ontvangen." in page and "Uw abonnement is actief" in page
    with translation.override("nl"):
        last_paid_day = dateformat.format(subscription.current_period_end - timedelta(days=1), "j F Y")
        next_charge = dateformat.format(subscription.current_period_end, "j F Y")
    overview = logged_in.get("/portal/abonnement/").content.decode()
    assert (
        f"Betaald tot en met {last_paid_day}; op {next_charge} volgt de volgende automatische betaling: € 35,09."
        in overview
    )
    assert invoice.description == "Exact koppeling Basis (per maand)"  # the product's name once
    assert (
        SandboxObject.objects.get(pk=payment.mollie_id).data["description"] == "Exact koppeling Basis: eerste termijn"
    )
    assert {"payment.paid", "subscription.activated", "payment.invoice_issued", "subscription.scheduled"} <= set(
        actions(subject_id=customer.pk)
    )
    activated = AuditEvent.objects.get(subject_id=customer.pk, action="subscription.activated")
    assert activated.changes["mandate_id"] == [
        None,
        subscription.mandate_id,
    ]  # the mandate is evidenced with the activation


def test_the_return_page_asks_mollie_when_no_webhook_came(subscribe, logged_in):
    response, payment = subscribe()
    controls.add_fault("webhook_drop", count=5)
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.OPEN  # no webhook: we do not know yet
    page = logged_in.get(f"/portal/abonnement/betaling/{payment.pk}/").content.decode()
    assert "Betaling ontvangen." in page
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert Subscription.objects.get(pk=payment.subscription_id).status == Subscription.Status.ACTIVE


def test_an_unfinished_checkout_shows_waiting_and_a_way_back_to_it(subscribe, logged_in):
    response, payment = subscribe()
    page = logged_in.get(f"/portal/abonnement/betaling/{payment.pk}/")
    assert "We wachten op de bevestiging" in page.content.decode()
    back = logged_in.post(f"/portal/abonnement/betaling/{payment.pk}/betalen/")
    assert back["Location"] == response["Location"]


@pytest.mark.parametrize("outcome", ["failed", "canceled", "expired"])
def test_a_failed_checkout_offers_to_try_again(subscribe, logged_in, outcome):
    response, payment = subscribe()
    checkout(response["Location"], outcome)
    payment.refresh_from_db()
    assert payment.status == outcome
    assert Subscription.objects.get(pk=payment.subscription_id).status == Subscription.Status.FAILED
    page = logged_in.get(f"/portal/abonnement/betaling/{payment.pk}/").content.decode()
    assert "Er is niets afgeschreven" in page and "Opnieuw proberen" in page
    again = logged_in.post(f"/portal/abonnement/betaling/{payment.pk}/betalen/")
    new_payment = Payment.objects.order_by("-id").first()
    assert new_payment.pk != payment.pk and again["Location"] == new_payment.checkout_url
    checkout(again["Location"], "paid")
    assert Subscription.objects.get(pk=new_payment.subscription_id).status == Subscription.Status.ACTIVE


def test_a_second_subscribe_while_one_is_pending_is_refused(subscribe, logged_in):
    subscribe()
    response, _payment = subscribe()
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/portal/abonnement/"
    assert Subscription.objects.count() == 1 and SandboxObject.objects.filter(kind="payment").count() == 1
    assert "al een abonnement of een lopende aanvraag" in logged_in.get("/portal/abonnement/").content.decode()


def test_an_eu_business_with_a_vat_id_pays_without_vat_and_the_invoice_says_reverse_charge(subscribe, customer):
    profile = profile_for(customer)
    profile.company_name, profile.vat_id, profile.country = "Dupont SPRL", "BE0123456789", "BE"
    profile.full_name, profile.street, profile.postal_code, profile.city = "Jean Dupont", "Rue 1", "1000", "Brussel"
    profile.save()
    vies_confirmed(customer)  # reverse charge needs VIES's recent "valid" (test_vies_reverse_charge.py)
    page = logged_in_as(customer).get("/portal/abonnement/").content.decode()
    assert "€ 29,00</strong> per maand (btw verlegd)" in page and "€ 35,09" not in page  # the price they pay
    response, payment = subscribe()
    assert payment.amount == Decimal("29.00")
    checkout(response["Location"], "paid")
    invoice = Invoice.objects.get(payment=payment)
    assert invoice.reverse_charge and invoice.vat_rate == 0 and invoice.vat_amount == 0
    assert invoice.billing_snapshot["vat_id"] == "BE0123456789" and invoice.billing_snapshot["country"] == "BE"


@pytest.mark.parametrize(
    ("vat_id", "country", "reverse_charge"),
    [
        ("BE0123456789", "BE", True),
        ("EL094259216", "GR", True),  # Greece's VAT ids start with EL
        ("NL004495445B01", "BE", False),  # a Dutch VAT id: Dutch VAT wherever the address is
        ("DE123456789", "BE", False),  # VAT id of another country than the address
        ("BE0123456789", "NL", False),
        ("", "BE", False),
    ],
)
def test_reverse_charge_needs_a_vat_id_of_the_billing_country_outside_the_netherlands(
    customer, vat_id, country, reverse_charge
):
    from subscriptions.services import vat_treatment

    profile = profile_for(customer)
    profile.company_name, profile.vat_id, profile.country = "Klant BV", vat_id, country
    profile.save()
    if vat_id:
        vies_confirmed(customer)
    fresh = type(customer).objects.get(pk=customer.pk)
    assert vat_treatment(user=fresh) == ((Decimal("0"), True) if reverse_charge else (Decimal("21"), False))


def test_a_customer_that_no_longer_qualifies_for_reverse_charge_gets_dutch_vat_within_the_amount_paid(
    subscribe, customer
):
    profile = profile_for(customer)
    profile.company_name, profile.vat_id, profile.country = "Dupont SPRL", "BE0123456789", "BE"
    profile.save()
    vies_confirmed(customer)
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    profile.country, profile.vat_id = "NL", ""  # moved to the Netherlands
    profile.save()
    charge = controls.charge(subscription.active_remote().mollie_id)
    invoice = Invoice.objects.get(payment__mollie_id=charge.id)
    assert not invoice.reverse_charge and invoice.vat_rate == Decimal("21")
    assert (invoice.amount_net, invoice.vat_amount, invoice.amount_gross) == (
        Decimal("23.97"),
        Decimal("5.03"),
        Decimal("29.00"),
    )
    event = AuditEvent.objects.get(action="payment.invoice_issued", target_id=str(invoice.pk))
    assert event.changes["vat_rate"] == ["0.0", "21"]


def test_the_invoice_is_described_in_dutch_whichever_language_applied_the_payment(subscribe, customer):
    from django.test import Client

    english = Client(headers={"accept-language": "en"})
    english.force_login(customer)
    response, payment = subscribe(english)
    assert SandboxObject.objects.get(pk=payment.mollie_id).data["locale"] == "en_US"  # Mollie's checkout in English
    controls.add_fault("webhook_drop", count=5)  # no webhook: the English return page applies it
    checkout(response["Location"], "paid")
    assert english.get(f"/portal/abonnement/betaling/{payment.pk}/").status_code == HTTPStatus.OK
    assert Invoice.objects.get(payment=payment).description == "Exact koppeling Basis (per maand)"


def test_invoices_are_numbered_without_gaps_per_year_and_keep_their_snapshot(subscribe, customer, make_user, logged_in):
    with time_machine.travel("2030-12-31 12:00 +01:00"):
        response, payment = subscribe()
        checkout(response["Location"], "paid")
    profile = profile_for(customer)
    profile.full_name = "Nieuwe Naam"
    profile.save()
    other = make_user("tweede")
    from django.test import Client

    client = Client()
    client.force_login(other)
    with time_machine.travel("2031-01-01 09:00 +01:00"):
        response2, payment2 = subscribe(client)
        checkout(response2["Location"], "paid")
    first, second = Invoice.objects.get(payment=payment), Invoice.objects.get(payment=payment2)
    assert (first.number, second.number) == ("2030-00001", "2031-00001")
    assert first.billing_snapshot["name"] != "Nieuwe Naam"
    # A new session at the real moment: the last page was asked for on 31 December 2030 (the
    # travel above), so from half an hour after that the idle timeout would end the session.
    logged_in.logout()
    logged_in.force_login(customer)
    page = logged_in.get(f"/portal/abonnement/facturen/{first.number}/").content.decode()
    assert "2030-00001" in page and "€ 35,09" in page
    assert logged_in.get(f"/portal/abonnement/facturen/{second.number}/").status_code == HTTPStatus.NOT_FOUND


def test_recurring_charges_are_recorded_and_extend_the_paid_period(subscribe):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    subscription = Subscription.objects.get(pk=payment.subscription_id)
    first_end = subscription.current_period_end
    remote_id = subscription.active_remote().mollie_id
    with time_machine.travel(
        timezone.make_aware(timezone.datetime.combine(first_end, timezone.datetime.min.time())).replace(hour=10)
    ):
        charge = controls.charge(remote_id)
    recurring = Payment.objects.get(mollie_id=charge.id)
    assert recurring.sequence_type == Payment.Sequence.RECURRING and recurring.status == Payment.Status.PAID
    assert recurring.subscription == subscription and recurring.user == subscription.user
    subscription.refresh_from_db()
    assert subscription.current_period_end == first_end + relativedelta(months=1)
    invoice = Invoice.objects.get(payment=recurring)
    assert invoice.period_start == first_end and invoice.period_end == first_end + relativedelta(months=1, days=-1)
    failed = controls.charge(remote_id, outcome="failed")
    assert Payment.objects.get(mollie_id=failed.id).status == Payment.Status.FAILED
    assert not Invoice.objects.filter(payment__mollie_id=failed.id).exists()


def test_refunds_and_chargebacks_are_read_from_the_amount_fields(subscribe, customer):
    response, payment = subscribe()
    checkout(response["Location"], "paid")
    payment.refresh_from_db()
    controls.refund(payment.mollie_id, Decimal("10.00"))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.amount_refunded == Decimal("10.00")
    controls.chargeback(payment.mollie_id)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.amount_charged_back == Decimal("35.09")
    assert {"payment.refunded", "payment.charged_back"} <= set(actions(subject_id=customer.pk))
