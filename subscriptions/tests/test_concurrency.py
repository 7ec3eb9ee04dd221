"""A customer who clicks "subscribe" many times at once gets one subscription and one
first payment at Mollie (row lock), and the database refuses a second live one anyway."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
import requests
from django.db import IntegrityError, transaction

from mollie_sandbox.models import SandboxObject
from subscriptions.models import MollieCustomer, Payment, Subscription
from subscriptions.tests.conftest import browser_session

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # threads: over HTTP on the live server
def test_concurrent_subscribe_requests_create_one_subscription_and_one_mollie_payment(mollie_sandbox, customer, plan):
    sessions = [browser_session(customer, mollie_sandbox.url) for _ in range(8)]
    barrier = Barrier(len(sessions))
    url = mollie_sandbox.url + f"/portal/abonnement/afsluiten/{plan.pk}/"

    def click(session: requests.Session) -> int:
        barrier.wait()
        return session.post(url, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        statuses = list(pool.map(click, sessions))
    assert statuses == [302] * 8
    assert Subscription.objects.count() == 1
    assert Payment.objects.count() == 1
    assert MollieCustomer.objects.count() == 1
    assert SandboxObject.objects.filter(kind="payment").count() == 1
    assert SandboxObject.objects.filter(kind="customer").count() == 1


def test_the_database_refuses_a_second_live_subscription(customer, plan):
    customer_link = MollieCustomer.objects.create(user=customer)
    fields = {
        "user": customer,
        "customer": customer_link,
        "plan": plan,
        "amount_net": Decimal("29"),
        "vat_rate": 21,
        "amount_gross": Decimal("35.09"),
    }
    Subscription.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(**fields, status=Subscription.Status.ACTIVE)
    Subscription.objects.create(**fields, status=Subscription.Status.FAILED)  # not live: allowed
    assert Subscription.objects.count() == 2


def test_the_database_refuses_a_second_open_first_payment(customer, plan):
    customer_link = MollieCustomer.objects.create(user=customer)
    subscription = Subscription.objects.create(
        user=customer,
        customer=customer_link,
        plan=plan,
        amount_net=Decimal("29"),
        vat_rate=21,
        amount_gross=Decimal("35.09"),
    )
    Payment.objects.create(
        user=customer, subscription=subscription, sequence_type="first", amount=Decimal("35.09"), status="open"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(user=customer, subscription=subscription, sequence_type="first", amount=Decimal("35.09"))
