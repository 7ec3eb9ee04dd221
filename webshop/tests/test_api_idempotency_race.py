"""Two webshop requests with the same order number at the same moment give one order: they
meet at PostgreSQL's unique constraint, and the loser answers with the winner's order."""

from __future__ import annotations

import threading
from http import HTTPStatus

import pytest
from django.db import connection

from koppeling.tests.conftest import subscribe
from webshop.models import Order
from webshop.tests.conftest import Api, accept_processor_agreement, new_key, order

pytestmark = pytest.mark.django_db(transaction=True)


def _post_together(api: Api, bodies: list[dict], headers: list[dict | None]) -> list:
    barrier = threading.Barrier(len(bodies))
    answers: list = [None] * len(bodies)

    def post(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            answers[i] = api.post(bodies[i], headers=headers[i])
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


@pytest.fixture
def racing_api(customer):
    subscribe(customer)
    accept_processor_agreement(customer)
    return Api(new_key(customer))


@pytest.mark.parametrize("rounds", range(5))
def test_two_concurrent_posts_of_one_number_give_one_order(racing_api, rounds):
    number = f"RACE-{rounds}"
    answers = _post_together(racing_api, [order(number=number)] * 2, [None, None])

    assert sorted(answer.status_code for answer in answers) == [HTTPStatus.OK, HTTPStatus.CREATED]
    assert answers[0].json() == answers[1].json()
    assert Order.objects.filter(number=number).count() == 1


def test_concurrent_posts_of_one_number_with_other_content_give_one_order_and_a_conflict(racing_api):
    answers = _post_together(racing_api, [order(number="RACE-X"), order(number="RACE-X", paid=False)], [None, None])

    assert sorted(answer.status_code for answer in answers) == [HTTPStatus.CREATED, HTTPStatus.CONFLICT]
    assert Order.objects.filter(number="RACE-X").count() == 1


def test_concurrent_posts_with_one_idempotency_key_give_one_order(racing_api):
    headers = {"Idempotency-Key": "same-key"}
    answers = _post_together(racing_api, [order(number="K-1"), order(number="K-1")], [headers, headers])

    assert sorted(answer.status_code for answer in answers) == [HTTPStatus.OK, HTTPStatus.CREATED]
    assert Order.objects.count() == 1
