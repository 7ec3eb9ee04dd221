"""What the customer, staff and operators see of the engine: the selectors the Synchronisatie
page and the dashboard read, the daily error digest, the read-only admin, the metrics and
``manage.py koppeling sync``. (No Exact call here: runs and errors are written directly.)"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from koppeling.models import Flow
from portal.testing.metrics import scrape
from sync import selectors
from sync.models import SyncRun, SyncState
from sync.services.digest import send_digests
from sync.tests.conftest import configure, make_order
from webshop.models import Order

pytestmark = pytest.mark.django_db


def failed(user, number: str, *, at=None, message="BTW-code 7 bestaat niet", hint="Kies een BTW-code") -> Order:
    order = make_order(user, number)
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.FAILED, error_message=message, error_hint=hint, failed_at=at or timezone.now()
    )
    return order


def test_the_selectors_give_the_page_its_runs_errors_and_flows(customer, make_user):
    configure(customer, flows=[Flow.ORDERS.value, Flow.CUSTOMERS.value])
    assert selectors.last_run(user=customer) is None
    old = SyncRun.objects.create(user=customer, started_at=timezone.now() - timedelta(hours=1), synced=3)
    new = SyncRun.objects.create(user=customer, synced=1, failed=1, outcome=SyncRun.Outcome.ERRORS)
    SyncRun.objects.create(user=make_user("ander"))
    failed(customer, "WS-1")
    make_order(customer, "WS-2")
    assert selectors.last_run(user=customer) == new
    assert selectors.runs(user=customer) == [new, old]
    assert selectors.open_error_count(user=customer) == 1
    assert [o.number for o in selectors.open_errors(user=customer)] == ["WS-1"]
    assert selectors.open_errors(user=customer)[0].error_hint == "Kies een BTW-code"
    assert selectors.waiting_count(user=customer) == 1
    summary = selectors.summary(user=customer)
    assert (summary.last_run, summary.open_errors) == (new, 1)
    flows = {state.flow: state for state in selectors.flows_state(user=customer)}
    assert [state.flow for state in selectors.flows_state(user=customer)] == [
        "customers",
        "items",
        "orders",
        "payment_status",
    ]
    assert flows["orders"].enabled and flows["customers"].enabled
    assert not flows["items"].enabled and "doet hier niets" in flows["items"].effect
    assert "verkoopfacturen" in flows["orders"].effect


@pytest.mark.django_db(transaction=True)  # the mail goes after commit
def test_the_error_digest_mails_once_a_day_only_when_there_are_new_errors(customer):
    configure(customer, error_email="fouten@bakkerij.nl")
    start = timezone.now()
    assert send_digests() == 0  # no errors: no mail
    failed(customer, "WS-1", at=start)
    failed(customer, "WS-2", at=start)
    with time_machine.travel(start + timedelta(minutes=1)):
        assert send_digests() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fouten@bakkerij.nl"]
    assert "2 bestellingen niet gesynchroniseerd" in message.subject
    assert "WS-1: BTW-code 7 bestaat niet (Kies een BTW-code)" in message.body
    with time_machine.travel(start + timedelta(days=1)):  # the same errors, still open: no mail
        assert send_digests() == 0
        failed(customer, "WS-3", at=timezone.now())
    with time_machine.travel(start + timedelta(days=2)):
        assert send_digests() == 1
    assert len(mail.outbox) == 2
    assert "WS-3" in mail.outbox[1].body and "WS-1" not in mail.outbox[1].body
    configure(customer, error_email="")  # no error address: no mail
    failed(customer, "WS-4", at=start + timedelta(days=3))
    with time_machine.travel(start + timedelta(days=4)):
        assert send_digests() == 0


def test_staff_see_runs_and_errors_read_only(staff_client, customer, make_user):
    run = SyncRun.objects.create(user=customer, synced=4, failed=1, outcome=SyncRun.Outcome.ERRORS)
    SyncRun.objects.create(user=make_user("ander"), synced=2)
    failed(customer, "WS-77")
    make_order(customer, "WS-78")  # not failed: not among the errors
    listing = staff_client.get("/admin/sync/syncrun/")
    assert listing.status_code == 200
    assert b"jansen" in listing.content and b"ander" in listing.content
    assert staff_client.get("/admin/sync/syncrun/?q=jansen").content.count(b'class="field-open_errors">1<') == 1
    page = staff_client.get(f"/admin/sync/syncrun/{run.pk}/change/")
    assert page.status_code == 200
    assert b"WS-77" in page.content and b"WS-78" not in page.content
    assert "BTW-code 7 bestaat niet" in page.content.decode() and "Kies een BTW-code" in page.content.decode()
    assert b"Jan Jansen" not in page.content  # not the order's payload
    assert AuditEvent.objects.filter(action="admin.viewed", subject_id=customer.pk).exists()
    assert staff_client.post(f"/admin/sync/syncrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert staff_client.get("/admin/sync/syncrun/add/").status_code == 403
    assert SyncRun.objects.filter(pk=run.pk).exists()


def test_the_metrics_show_recent_runs_and_overdue_koppelingen(client, customer):
    SyncRun.objects.create(user=customer, outcome=SyncRun.Outcome.OK)
    SyncRun.objects.create(user=customer, outcome=SyncRun.Outcome.PAUSED)
    SyncRun.objects.create(user=customer, outcome=SyncRun.Outcome.OK, started_at=timezone.now() - timedelta(hours=2))
    samples = scrape(client)
    assert samples.value("portal_sync_runs_last_hour", outcome="ok") == 1
    assert samples.value("portal_sync_runs_last_hour", outcome="paused") == 1
    assert samples.value("portal_sync_divisions_overdue") == 0
    SyncState.objects.create(user=customer, next_run_at=timezone.now() - timedelta(minutes=10))
    assert scrape(client).value("portal_sync_divisions_overdue") == 0  # not connected: never due


@pytest.mark.django_db(transaction=True)
def test_manage_py_koppeling_sync_runs_the_due_work_now(shop):
    make_order(shop, "WS-1")
    out = StringIO()
    call_command("koppeling", "sync", stdout=out)
    assert "1 synced, 0 failed" in out.getvalue()
    assert Order.objects.get(number="WS-1").status == Order.Status.SYNCED
    out = StringIO()
    call_command("koppeling", "sync", stdout=out)
    assert out.getvalue().strip() == "Nothing is due."
    make_order(shop, "WS-2")
    out = StringIO()
    call_command("koppeling", "sync", "--user", shop.email, stdout=out)  # due or not
    assert "1 synced" in out.getvalue() and SyncRun.objects.filter(trigger=SyncRun.Trigger.COMMAND).count() == 2
    with pytest.raises(Exception, match="no customer"):
        call_command("koppeling", "sync", "--user", "niemand@example.nl")
    out = StringIO()
    call_command("koppeling", "new-key", stdout=out)  # koppeling's own actions still work
    assert len(out.getvalue().strip()) > 20


@pytest.mark.django_db(transaction=True)
def test_manage_py_koppeling_sync_says_why_a_customer_was_not_run(shop):
    from django.db import connections

    from sync.services.run import LOCK_CLASS

    make_order(shop, "WS-1")
    other = connections.create_connection("default")  # a worker elsewhere runs this administration
    try:
        other.cursor().execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, 1001])
        out = StringIO()
        call_command("koppeling", "sync", "--user", shop.email, stdout=out)
        assert out.getvalue().strip() == f"user {shop.pk}: not run (another run of this administration is busy)"
    finally:
        other.close()
    configure(shop, paused=True)
    out = StringIO()
    call_command("koppeling", "sync", "--user", shop.email, stdout=out)
    assert out.getvalue().strip() == f"user {shop.pk}: not run (koppeling paused, customer)"
    assert Order.objects.get(number="WS-1").status == Order.Status.RECEIVED
