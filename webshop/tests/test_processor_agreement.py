"""The verwerkersovereenkomst: accepted in the portal (recorded like a consent, audited)
before the webshop API takes the first order; until then the API answers 403 with the reason."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from audit.events import Action
from audit.models import AuditEvent
from koppeling.tests.conftest import subscribe
from webshop.agreement import CURRENT_VERSION
from webshop.models import Order, ProcessorAgreementAcceptance
from webshop.tests.conftest import Api, new_key, order

pytestmark = pytest.mark.django_db


def test_without_the_agreement_the_api_refuses_orders_with_the_reason_and_takes_them_after(customer):
    subscribe(customer)
    api = Api(new_key(customer))

    refused = api.post(order())
    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert refused.json()["title"] == "Verwerkersovereenkomst niet geaccepteerd"
    assert refused.json()["type"].endswith("#no_agreement")
    assert not Order.objects.exists()

    browser = Client()
    browser.force_login(customer)
    page = browser.get("/portal/koppeling/verwerkersovereenkomst/").content.decode()
    assert "Verwerkersovereenkomst Exact koppeling" in page
    answer = browser.post(
        "/portal/koppeling/verwerkersovereenkomst/", HTTP_USER_AGENT="Firefox", REMOTE_ADDR="198.51.100.77", follow=True
    )
    assert "U heeft de verwerkersovereenkomst geaccepteerd" in answer.content.decode()

    acceptance = ProcessorAgreementAcceptance.objects.get(user=customer)
    assert (acceptance.version, acceptance.ip_network, acceptance.user_agent) == (
        CURRENT_VERSION,
        "198.51.100.0/24",
        "Firefox",
    )
    event = AuditEvent.objects.get(subject_id=customer.pk, action=Action.PROCESSOR_AGREEMENT_ACCEPTED)
    assert event.changes == {"versie": [None, CURRENT_VERSION]}
    assert api.post(order()).status_code == HTTPStatus.CREATED


def test_accepting_twice_records_one_acceptance(customer):
    browser = Client()
    browser.force_login(customer)
    browser.post("/portal/koppeling/verwerkersovereenkomst/")
    browser.post("/portal/koppeling/verwerkersovereenkomst/")

    assert ProcessorAgreementAcceptance.objects.filter(user=customer).count() == 1
    assert AuditEvent.objects.filter(subject_id=customer.pk, action="webshop.processor_agreement_accepted").count() == 1
    page = browser.get("/portal/koppeling/verwerkersovereenkomst/").content.decode()
    assert "accepteren</button>" not in page


def test_the_agreement_page_needs_a_login():
    answer = Client().get("/portal/koppeling/verwerkersovereenkomst/")

    assert answer.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in answer["Location"]
