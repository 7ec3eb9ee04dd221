"""16 writers at once, each thread with its own PostgreSQL connection: no chain ever forks,
every chain is numbered without gaps, and the whole trail verifies."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from accounts.models import Profile
from audit.events import Action
from audit.models import AuditEvent
from audit.services import record
from audit.verification import verify

WRITERS = 16
EVENTS_EACH = 25


def run_writers(subject_for) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EVENTS_EACH):
                with transaction.atomic():
                    record(
                        Action.SETTINGS_CHANGED,
                        subject_id=subject_for(n, i),
                        changes={"writer": [None, n], "i": [None, i]},
                    )
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def assert_gapless(chain: int, expected: int) -> None:
    seqs = list(AuditEvent.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, expected + 1))


@pytest.mark.django_db(transaction=True)
def test_sixteen_writers_on_one_chain_never_fork():
    assert run_writers(lambda n, i: 501) == []
    assert_gapless(501, WRITERS * EVENTS_EACH)
    times = list(AuditEvent.objects.filter(chain=501).order_by("seq").values_list("occurred_at", flat=True))
    assert times == sorted(times)  # the time is taken after the lock: it follows the sequence
    report = verify()
    assert report.ok, report.problem
    assert (report.events, report.chains) == (WRITERS * EVENTS_EACH, 1)


@pytest.mark.django_db(transaction=True)
def test_sixteen_writers_over_many_chains_never_fork():
    assert run_writers(lambda n, i: 1000 + (n * 7 + i) % 40 if i % 5 else None) == []
    counts: dict[int, int] = {}
    for n in range(WRITERS):
        for i in range(EVENTS_EACH):
            chain = 1000 + (n * 7 + i) % 40 if i % 5 else 0
            counts[chain] = counts.get(chain, 0) + 1
    for chain, expected in counts.items():
        assert_gapless(chain, expected)
    report = verify()
    assert report.ok, report.problem
    assert (report.events, report.chains) == (WRITERS * EVENTS_EACH, len(counts))


@pytest.mark.django_db(transaction=True)
def test_a_writer_waits_for_the_chain_not_for_other_customers(customer):
    """While one transaction holds customer A's chain, customer B's events are written at once;
    A's next writer waits until the first commits."""
    other_done = threading.Event()
    same_done = threading.Event()

    def write(subject_id: int, done: threading.Event) -> None:
        try:
            record(Action.AUTH_LOGIN, subject_id=subject_id)
            done.set()
        finally:
            connection.close()

    with transaction.atomic():
        Profile.objects.get_or_create(user=customer)
        record(Action.PROFILE_CHANGED, subject=customer)
        other = threading.Thread(target=write, args=(customer.pk + 1, other_done))
        same = threading.Thread(target=write, args=(customer.pk, same_done))
        other.start()
        same.start()
        assert other_done.wait(10)
        assert not same_done.wait(1)
    same.join(10)
    assert same_done.is_set()
    assert list(AuditEvent.objects.filter(chain=customer.pk).order_by("seq").values_list("action", flat=True)) == [
        "profile.changed",
        "auth.login",
    ]
