"""The Synchronisatie page: what the customer reads (runs, errors with Exact's message and our
hint, which flows are on) and what its four buttons do, including hostile and repeated input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from audit.models import AuditEvent
from exact_sandbox.models import SandboxInvoice
from koppeling.models import Flow
from sync.models import SyncRun
from sync.selectors import RUNS_PER_PAGE
from sync.tests.conftest import configure, line, make_order
from webshop.models import Order

URL = "/portal/koppeling/synchronisatie/"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def failed(user, number: str, **fields) -> Order:
    return make_order(
        user,
        number,
        status=Order.Status.FAILED,
        error_code="unmapped_vat",
        error_message="Het btw-tarief 9% heeft geen btw-code.",
        error_hint="BTW-tarief 9% is niet gekoppeld: kies een BTW-code bij Instellingen",
        failed_at=timezone.now(),
        **fields,
    )


@pytest.mark.django_db
def test_the_page_shows_runs_with_counts_errors_with_hint_and_which_flows_are_off(customer):
    configure(customer, flows=[Flow.ORDERS.value])
    started = timezone.now() - timedelta(minutes=5)
    SyncRun.objects.create(
        user=customer,
        started_at=started,
        finished_at=started + timedelta(seconds=3),
        duration=timedelta(seconds=3.2),
        synced=12,
        failed=1,
        skipped=2,
        outcome=SyncRun.Outcome.ERRORS,
    )
    failed(customer, "WS-9")
    page = login(customer).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    runs = html.split('class="sync-runs', 1)[1].split("</table>", 1)[0]
    assert "3,2 s" in runs and ">12<" in runs and ">1<" in runs and ">2<" in runs and "Met fouten" in runs
    errors = html.split('class="sync-errors', 1)[1].split("</table>", 1)[0]
    assert "WS-9" in errors and "Het btw-tarief 9% heeft geen btw-code." in errors
    assert "BTW-tarief 9% is niet gekoppeld: kies een BTW-code bij Instellingen" in errors
    assert html.count("Staat uit: de koppeling doet hier niets mee.") == 3  # three flows unticked
    assert "Bestellingen worden verkoopfacturen" in html


@pytest.mark.django_db
def test_another_customers_runs_and_errors_are_not_shown(customer, make_user):
    other = make_user("ander")
    SyncRun.objects.create(user=other, synced=77)
    failed(other, "WS-ANDER")
    html = login(customer).get(URL).content.decode()
    assert "WS-ANDER" not in html and ">77<" not in html
    assert "Nog geen synchronisaties." in html and "Geen fouten" in html


@pytest.mark.django_db
def test_the_runs_are_paginated_and_a_hostile_page_number_shows_a_page(customer):
    now = timezone.now()
    SyncRun.objects.bulk_create(
        SyncRun(user=customer, started_at=now - timedelta(minutes=i), synced=i, outcome=SyncRun.Outcome.OK)
        for i in range(RUNS_PER_PAGE + 3)
    )
    client = login(customer)
    first = client.get(URL).content.decode()
    assert "Pagina 1 van 2" in first and 'rel="next"' in first
    second = client.get(URL + "?pagina=2").content.decode()
    assert "Pagina 2 van 2" in second and second.count("<tr>") == 3 + 1  # three runs and the head
    for hostile in ("999", "-1", "abc", "1" * 400, "%00"):
        assert client.get(URL, {"pagina": hostile}).status_code == 200


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_retry_one_order_after_fixing_the_vat_code_syncs_it_and_is_audited(shop, customer):
    configure(shop, vat_code_low="")
    order = make_order(shop, "WS-1", lines=[line(rate=9)])
    client = login(customer)
    client.post("/portal/koppeling/synchronisatie/nu/")  # eager here: the run fails the order
    page = client.get(URL).content.decode()
    assert "WS-1" in page.split('class="sync-errors', 1)[1] and "9%" in page
    configure(shop, vat_code_low="2")
    response = client.post("/portal/koppeling/synchronisatie/opnieuw/", {"order": order.pk})
    assert response.status_code == 302 and response["Location"] == URL
    assert any("WS-1" in text and "opnieuw" in text for text in said(response))
    assert Order.objects.get(pk=order.pk).status == Order.Status.SYNCED
    assert SandboxInvoice.objects.count() == 1
    assert AuditEvent.objects.filter(action="sync.retry_requested", subject_id=shop.pk).count() == 1

    # Pressed twice (double submit): a clear message, nothing changes, no second invoice.
    client.get(URL)
    again = client.post("/portal/koppeling/synchronisatie/opnieuw/", {"order": order.pk})
    assert said(again) == ["Deze bestelling staat niet (meer) bij de fouten."]
    assert SandboxInvoice.objects.count() == 1
    assert AuditEvent.objects.filter(action="sync.retry_requested").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999", "1" * 40, "١٢", "1; DROP TABLE"])
def test_retry_with_a_hostile_or_unknown_id_says_so_and_changes_nothing(customer, value):
    mine = failed(customer, "WS-1")
    response = login(customer).post("/portal/koppeling/synchronisatie/opnieuw/", {"order": value})
    assert response.status_code == 302
    assert said(response) == ["Deze bestelling staat niet (meer) bij de fouten."]
    assert Order.objects.get(pk=mine.pk).status == Order.Status.FAILED
    assert not AuditEvent.objects.filter(action__startswith="sync.").exists()


@pytest.mark.django_db
def test_retry_of_another_customers_order_is_refused_and_changes_nothing(customer, make_user):
    other = make_user("ander")
    theirs = failed(other, "WS-ANDER")
    response = login(customer).post("/portal/koppeling/synchronisatie/opnieuw/", {"order": theirs.pk})
    assert said(response) == ["Deze bestelling staat niet (meer) bij de fouten."]
    theirs.refresh_from_db()
    assert theirs.status == Order.Status.FAILED and theirs.error_hint
    assert not AuditEvent.objects.filter(action__startswith="sync.").exists()


@pytest.mark.django_db
def test_retry_all_says_how_many_and_with_nothing_failed_says_so(customer, make_user):
    failed(customer, "WS-1")
    failed(customer, "WS-2")
    theirs = failed(make_user("ander"), "WS-ANDER")
    client = login(customer)
    response = client.post("/portal/koppeling/synchronisatie/alle-opnieuw/")
    assert said(response) == ["2 bestellingen staan weer klaar en gaan opnieuw naar Exact Online."]
    assert not Order.objects.filter(user=customer, status=Order.Status.FAILED).exists()
    assert Order.objects.get(pk=theirs.pk).status == Order.Status.FAILED
    client.get(URL)  # the page shows (and so uses up) the message
    again = client.post("/portal/koppeling/synchronisatie/alle-opnieuw/")
    assert said(again) == ["Er zijn geen fouten om opnieuw te proberen."]
    assert AuditEvent.objects.filter(action="sync.retry_all_requested").count() == 1


@pytest.mark.django_db
def test_sync_now_without_a_working_koppeling_says_why_and_queues_nothing(customer):
    response = login(customer).post("/portal/koppeling/synchronisatie/nu/")
    assert len(said(response)) == 1 and "niet actief" in said(response)[0]
    assert not SyncRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sync_now_runs_once_and_a_second_press_within_a_minute_queues_nothing(shop, customer):
    make_order(shop, "WS-1")
    client = login(customer)
    first = client.post("/portal/koppeling/synchronisatie/nu/")
    assert said(first) == ["De synchronisatie is gestart. Vernieuw de pagina over een minuut."]
    assert SyncRun.objects.count() == 1
    html = client.get(URL).content.decode().split('class="sync-runs', 1)[1]
    assert "Nu synchroniseren" in html and "Geslaagd" in html


@pytest.mark.django_db(transaction=True)
def test_verbinding_testen_says_it_works_or_what_to_do(shop, customer, make_user):
    response = login(customer).post("/portal/koppeling/synchronisatie/verbinding-testen/")
    assert len(said(response)) == 1 and said(response)[0].startswith("De verbinding werkt")
    other = make_user("ander")
    response = login(other).post("/portal/koppeling/synchronisatie/verbinding-testen/")
    assert said(response) == ["Verbind eerst met Exact Online en kies een administratie."]
    assert AuditEvent.objects.filter(action="sync.connection_tested").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["opnieuw/", "alle-opnieuw/", "nu/", "verbinding-testen/"])
def test_the_buttons_need_post_and_csrf(customer, path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    assert client.get(URL + path).status_code == 405
    assert client.post(URL + path).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="sync.").exists()


@pytest.mark.django_db
def test_a_retry_while_the_koppeling_is_not_active_says_when_the_order_goes(customer):
    order = failed(customer, "WS-5")
    response = login(customer).post("/portal/koppeling/synchronisatie/opnieuw/", {"order": order.pk})
    assert said(response) == [
        "Bestelling WS-5 staat weer klaar; de koppeling stuurt haar naar Exact Online zodra de koppeling weer "
        "actief is."
    ]
    assert Order.objects.get(pk=order.pk).status == Order.Status.RECEIVED


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_whatever_the_history(customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    configure(customer)
    client = login(customer)

    def queries() -> int:
        client.get(URL)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    SyncRun.objects.create(user=customer)
    failed(customer, "WS-0")
    few = queries()
    SyncRun.objects.bulk_create(SyncRun(user=customer, synced=i) for i in range(200))
    for i in range(1, 30):
        failed(customer, f"WS-{i}")
    assert queries() == few
