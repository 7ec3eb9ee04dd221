"""The staff overview's queries stay bounded: the page asks the database the same number of
times with 10 customers as with 10,000 (each chart is one grouped query in PostgreSQL, not one
per month, week, day or customer), and the figures do count all 10,000."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.testing.overview_data import bulk_customers

URL = "/admin/overzicht/"

pytestmark = pytest.mark.django_db


def _queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == HTTPStatus.OK
    return len(captured), response.content.decode()


def _total(html: str, key: str) -> list[str]:
    figure = re.search(rf'id="figuur-{key}".*?</figure>', html, re.DOTALL).group(0)
    return re.findall(r"<td>([^<]*)</td>", figure[figure.index("<tfoot>") :])


def test_the_same_number_of_queries_with_10_and_with_10000_customers(staff_client):
    bulk_customers(10, prefix="klein")
    staff_client.get(URL)  # caches (content types, cookie groups) filled once
    small, small_html = _queries(staff_client)
    bulk_customers(9_990, prefix="groot")
    large, large_html = _queries(staff_client)

    assert small == large, f"{small} queries with 10 customers, {large} with 10,000"
    assert large <= 13  # the session, the user, the rights, one per chart
    # The figures did read them all: every customer's cookie decision is in the weekly totals.
    assert sum(int(n.replace(".", "")) for n in _total(small_html, "cookies")) == 10
    assert sum(int(n.replace(".", "")) for n in _total(large_html, "cookies")) == 10_000
    assert _total(large_html, "runs")[0] == "10.000"  # one run each in the last 30 days
