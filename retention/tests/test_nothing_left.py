"""After erasure, the customer's name, e-mail address, phone number and address appear
nowhere in the database: every text and JSON column of every table is searched, except the
invoice and credit note snapshots the law requires us to keep (and their stored PDFs, the
documents as issued, which are binary columns)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from accounts import services as account_services
from audit.events import Action
from audit.services import record
from core import request_context
from retention import services
from retention.tests.billing import billing_history
from retention.tests.conftest import ams

NAME = "Pieternella Zwanenburg"
EMAIL = "p.zwanenburg@voorbeeld.nl"
PHONE = "+31612349876"
STREET = "Tulpenstraat 77"
POSTAL_CODE = "5612QX"
KEPT_BY_LAW = {("subscriptions_invoice", "billing_snapshot"), ("subscriptions_creditnote", "billing_snapshot")}


def places_holding(value: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'public'
                 AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'inet')"""
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE position(lower(%s) in lower("{column}"::text)) > 0 LIMIT 1',  # noqa: S608
                [value],
            )
            if cursor.fetchone():
                found.append((table, column))
        return found


@pytest.mark.django_db
def test_nothing_personal_is_left_after_erasure_outside_the_invoice_snapshot(make_user):
    closed = ams(2026, 2, 1, 10, 0)
    with time_machine.travel(closed - timedelta(days=30), tick=False):
        user = make_user("zwanenburg", email=EMAIL)
        token = request_context.bind(
            request_context.RequestContext(request_id="r1", ip="198.51.100.23", user_agent="Zwanenburg-Browser/1")
        )
        try:
            account_services.profile_update(
                user=user,
                by=user,
                data={
                    "full_name": NAME,
                    "street": STREET,
                    "postal_code": POSTAL_CODE,
                    "city": "Eindhoven",
                    "phone": PHONE,
                    "company_name": "Zwanenburg Webshop B.V.",
                },
            )
            record(Action.AUTH_LOGIN, actor=user, subject=user)
        finally:
            request_context.unbind(token)
        billing_history(user, ended_at=closed, snapshot_name=NAME, credit_note=True)
    with time_machine.travel(closed, tick=False):
        account_services.account_close(user=user, by=user, reason=f"Bel mij op {PHONE}")
    for value in (NAME, EMAIL, PHONE, STREET, "198.51.100.23"):
        assert places_holding(value), f"the test must first find {value!r} somewhere"
    assert ("subscriptions_creditnote", "billing_snapshot") in places_holding(NAME)

    with time_machine.travel(closed + timedelta(days=93), tick=False):
        services.enforce()

    for value in (NAME, STREET, POSTAL_CODE):
        assert set(places_holding(value)) <= KEPT_BY_LAW, value
    for value in (EMAIL, PHONE, "198.51.100.23", "Zwanenburg-Browser"):
        assert places_holding(value) == [], value


@pytest.mark.django_db
def test_the_audit_chains_still_verify_after_erasure(rich_customer):
    from audit.verification import verify

    for n in range(3):
        rich_customer(f"weg{n}", closed_at=ams(2026, 2, 1, 10, 0))
    rich_customer("blijft", closed_at=ams(2026, 4, 1, 10, 0))
    with time_machine.travel(ams(2026, 5, 5, 10, 0), tick=False):
        result = services.enforce()
    assert next(p for p in result.policies if p.policy == "account").rows["audit.AuditEvent (redacted)"] >= 3
    report = verify()
    assert report.ok, report.problem
    assert report.redacted >= 3
