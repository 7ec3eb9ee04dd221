"""Staff find a customer in the admin's user list by name, e-mail, company, KvK number, VAT
id, invoice or credit note number and Mollie id (customer, payment, subscription); hostile
search terms find nothing, with a message where the term is refused, never a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from accounts.models import Profile
from retention.tests.billing import billing_history
from subscriptions.models import CreditNote, Invoice, MollieSubscription, Payment


def found(client, term: str) -> set[str]:
    response = client.get("/admin/accounts/user/", {"q": term})
    assert response.status_code == HTTPStatus.OK
    return {user.username for user in response.context["cl"].result_list}


@pytest.fixture
def customers(make_user):
    vandijk = make_user("vandijk", email="info@vandijkfietsen.nl", address=True)
    Profile.objects.filter(user=vandijk).update(
        full_name="Els van Dijk", company_name="Van Dijk Fietsen B.V.", kvk_number="12345678", vat_id="NL123456789B01"
    )
    subscription = billing_history(vandijk, ended_at=None, credit_note=True)
    MollieSubscription.objects.create(subscription=subscription, mollie_id="sub_vandijk1")
    other = make_user("bakker", email="bakker@example.com", address=True)
    Profile.objects.filter(user=other).update(
        full_name="Piet Bakker", company_name="Bakkerij Bakker", kvk_number="87654321"
    )
    billing_history(other, ended_at=None)
    return vandijk, other


@pytest.mark.django_db
def test_staff_find_a_customer_by_any_of_his_identifiers(staff_client, customers):
    vandijk, _other = customers
    invoice = Invoice.objects.get(user=vandijk)
    note = CreditNote.objects.get(user=vandijk)
    payment = Payment.objects.get(user=vandijk)
    for term in (
        "Els van Dijk",  # name
        "vandijkfietsen",  # e-mail
        "Dijk Fietsen",  # company
        "12345678",  # KvK number
        "NL123456789B01",  # VAT id
        "nl123456789b01",
        invoice.number,
        note.number,
        vandijk.mollie_customer.mollie_id,
        payment.mollie_id,
        "sub_vandijk1",
    ):
        assert found(staff_client, term) == {"vandijk"}, term
    assert found(staff_client, "Bakker") == {"bakker"}


@pytest.mark.django_db
def test_a_number_matches_exactly_not_in_part(staff_client, customers):
    vandijk, _other = customers
    number = Invoice.objects.get(user=vandijk).number
    assert "vandijk" not in found(staff_client, number[:-1] + "9")
    assert found(staff_client, "tr_") == set()


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["'; DROP TABLE accounts_user; --", "%", "_", "\\"])
def test_hostile_search_terms_find_nothing_and_break_nothing(staff_client, customers, term):
    assert found(staff_client, term) == set()
    assert found(staff_client, "vandijk") == {"vandijk"}


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["stil\u200bletsel", "regel\nregel"])
def test_invisible_characters_are_refused_with_a_message(staff_client, customers, term):
    response = staff_client.get("/admin/accounts/user/", {"q": term})
    assert response.status_code == HTTPStatus.OK
    assert "De zoekterm bevat onzichtbare of ongeldige tekens." in response.content.decode()
    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_a_very_long_term_is_refused_with_a_message(staff_client, customers):
    response = staff_client.get("/admin/accounts/user/", {"q": "x" * 5000})
    assert response.status_code == HTTPStatus.OK
    assert "De zoekterm is te lang (hooguit 200 tekens)." in response.content.decode()
    assert list(response.context["cl"].result_list) == []


@pytest.mark.django_db
def test_a_nul_byte_gets_djangos_own_message(staff_client, customers):
    response = staff_client.get("/admin/accounts/user/", {"q": "nul\x00byte"})
    assert response.status_code == HTTPStatus.OK
    assert "Null-tekens zijn niet toegestaan." in response.content.decode()
