"""Fault injection (issue 17, item 6): the portal (gunicorn, with the Mollie sandbox) and a
real Celery worker on a PostgreSQL cluster of their own (initdb / pg_ctl in a temporary
directory, a free port) and a Redis database of their own. PostgreSQL is killed
(``pg_ctl stop -m immediate``) in the middle of 200 mixed requests (checkouts, payments,
webhooks, cancels, closes) and started again; then the worker's retries and reconciliation
run, and every subscription, payment, invoice and refund must agree with the sandbox."""

from __future__ import annotations

import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from portal.testing.celery_worker import BASE_DIR
from portal.testing.web_process import free_port, run_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.worker]

PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1] if glob.glob("/usr/lib/postgresql/*/bin") else ""
QUEUE = "money_outage"
PASSWORD = "geheim-wachtwoord-123"
# Customers at once. The portal calls the sandbox on the same gunicorn: with 7 workers, 3
# customers and the worker's 2 threads never hold every worker while waiting for the sandbox.
CLIENTS = 3


def _as_postgres(*command: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the postgres user (initdb refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, timeout=120, **kwargs)


class Cluster:
    def __init__(self, directory: Path, port: int) -> None:
        self.directory, self.port = directory, port
        self.data = directory / "data"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        _as_postgres(
            f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.directory / "pg.log"), "-w", "start"
        )

    def kill(self) -> None:
        """As a crash: no checkpoint, every connection cut at once."""
        _as_postgres(f"{PG_BIN}/pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        subprocess.run(
            [
                *(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                f"{PG_BIN}/pg_ctl",
                "-D",
                str(self.data),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )

    @property
    def settings(self) -> dict:
        return {"NAME": "portal", "HOST": "127.0.0.1", "PORT": str(self.port), "USER": "postgres", "PASSWORD": ""}


@contextmanager
def private_cluster():
    if not PG_BIN:
        pytest.fail("PostgreSQL's server programs are not in /usr/lib/postgresql/*/bin.", pytrace=False)
    directory = Path(tempfile.mkdtemp(prefix="money-outage-pg-"))
    shutil.chown(directory, "postgres") if os.geteuid() == 0 else None
    cluster = Cluster(directory, free_port())
    _as_postgres(f"{PG_BIN}/initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    cluster.start()
    try:
        _as_postgres(f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "portal")
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


def _own_redis_url() -> str:
    """The last of this run's Redis databases (base + 7), emptied before and after."""
    parts = urlsplit(os.environ["REDIS_URL"])
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + 7}"))


@contextmanager
def worker_process(env: dict):
    log = Path(tempfile.mkdtemp(prefix="money-outage-worker-")) / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        QUEUE,
        "-n",
        f"outage-{os.getpid()}@localhost",
        "--pool=threads",
        "--concurrency=2",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log.read_text(errors="replace"):
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the worker did not start"
            time.sleep(0.3)
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@contextmanager
def default_database_on(cluster: Cluster, django_db_blocker):
    """This test process's ORM on the private cluster (for setting up and for the checks)."""
    from django.db import connections

    connection = connections["default"]
    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(cluster.settings)
        connection.settings_dict["CONN_MAX_AGE"] = 0
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def _session(user, base_url: str) -> requests.Session:
    from subscriptions.tests.conftest import browser_session

    return browser_session(user, base_url)


@pytest.mark.timeout(900)
def test_killing_postgresql_during_200_mixed_requests_leaves_the_money_agreeing_with_mollie(
    django_db_blocker, settings
):
    import redis

    redis_url = _own_redis_url()
    redis.Redis.from_url(redis_url).flushdb()
    with private_cluster() as cluster:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DJANGO_TEST_DB_NAME", "PROMETHEUS_MULTIPROC_DIR")},
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{cluster.port}/portal",
            "REDIS_URL": redis_url,
            "CELERY_QUEUE": QUEUE,
            "DJANGO_DEBUG": "1",
            "MOLLIE_API_KEY": "",
            "DATABASE_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert migrate.returncode == 0, migrate.stderr[-3000:]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env.update({"SITE_URL": url, "MOLLIE_API_ENDPOINT": url + "/sandbox/mollie"})
        settings.SITE_URL, settings.MOLLIE_API_ENDPOINT, settings.MOLLIE_API_KEY = url, url + "/sandbox/mollie", ""
        settings.MOLLIE_TIMEOUT = (2, 10)
        with (
            run_gunicorn(
                database_settings=cluster.settings,
                extra_env={
                    k: env[k]
                    for k in (
                        "REDIS_URL",
                        "CELERY_QUEUE",
                        "DJANGO_DEBUG",
                        "MOLLIE_API_KEY",
                        "MOLLIE_API_ENDPOINT",
                        "DATABASE_CONN_MAX_AGE",
                    )
                },
                port=port,
                workers=7,
            ) as web,
            worker_process(env) as worker_log,
            default_database_on(cluster, django_db_blocker),
        ):
            outcome = _traffic(cluster, url)
            _settle(url)
            _check_against_mollie()
            print(f"requests: {outcome}; web log lines {len(web.log_text().splitlines())}; worker log {worker_log}")
    redis.Redis.from_url(redis_url).flushdb()


def _make_customer(n: int):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from accounts.models import Profile

    user = get_user_model().objects.create_user(
        username=f"storing{n:03d}", email=f"storing{n:03d}@example.com", password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Profile.objects.create(
        user=user,
        full_name=f"Klant {n}",
        street="Stationsplein 1",
        postal_code="5611AB",
        city="Eindhoven",
        country="NL",
    )
    return user


def _traffic(cluster: Cluster, url: str) -> dict:
    from django.db import connection

    from accounts.services import account_close
    from subscriptions.models import Payment, Plan, Subscription

    plan = Plan.objects.create(name="Basis", price=Decimal("29.00"), interval=Plan.Interval.MONTH)
    first = [_make_customer(n) for n in range(40)]
    later = [_make_customer(n) for n in range(40, 65)]
    sessions = {user.pk: _session(user, url) for user in first + later}
    results = {"ok": 0, "refused": 0, "failed": 0}
    lock = threading.Lock()

    def count(kind: str) -> None:
        with lock:
            results[kind] += 1

    def subscribe_and_pay(user) -> None:
        session = sessions[user.pk]
        try:
            response = session.post(f"{url}/portal/abonnement/afsluiten/{plan.pk}/", allow_redirects=False, timeout=60)
            count("ok" if response.status_code < 500 else "failed")
            location = response.headers.get("Location", "")
            if "/sandbox/mollie/checkout/" not in location:
                return
            paid = session.post(
                location, data={"outcome": "paid", "method": "creditcard"}, allow_redirects=False, timeout=60
            )
            count("ok" if paid.status_code < 500 else "failed")
        except requests.RequestException:
            count("failed")

    def webhook(mollie_id: str) -> None:
        try:
            response = requests.post(f"{url}/webhooks/mollie/", data={"id": mollie_id}, timeout=60)
            count("ok" if response.status_code == 200 else "refused" if response.status_code == 503 else "failed")
        except requests.RequestException:
            count("failed")

    def cancel(user) -> None:
        try:
            subscription = Subscription.objects.filter(user=user).order_by("-pk").first()
            if subscription is None:
                count("refused")
                return
            response = sessions[user.pk].post(
                f"{url}/portal/abonnement/{subscription.pk}/opzeggen/",
                data={"confirm": "ja"},
                allow_redirects=False,
                timeout=60,
            )
            count("ok" if response.status_code < 500 else "failed")
        except Exception:  # noqa: BLE001  (the database is down)
            count("failed")
        finally:
            connection.close()

    def close(user) -> None:
        try:
            account_close(user=user, by=user, reason="")
            count("ok")
        except Exception:  # noqa: BLE001  (the database is down: the closure did not happen)
            count("failed")
        finally:
            connection.close()

    # 80 requests: 40 customers subscribe and pay.
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(subscribe_and_pay, first))
    known = list(Payment.objects.exclude(mollie_id=None).values_list("mollie_id", flat=True))
    rng = random.Random(17)
    # 120 mixed requests: 25 more checkouts (50 requests), 30 webhooks, 20 cancels, 20 closes.
    actions = [(subscribe_and_pay, user) for user in later]
    actions += [(webhook, rng.choice(known)) for _ in range(30)]
    actions += [(cancel, user) for user in first[:20]]
    actions += [(close, user) for user in first[15:35]]
    rng.shuffle(actions)
    _with_outage(actions, cluster)
    connection.close()
    return results


def _with_outage(actions: list, cluster: Cluster) -> None:
    """Run the actions ``CLIENTS`` at a time; after the 25th, PostgreSQL is killed and started
    again six seconds later, while the others keep coming."""
    lock = threading.Lock()
    started = threading.Event()
    done = [0]

    def run(action) -> None:
        function, argument = action
        function(argument)
        with lock:
            done[0] += 1
            if done[0] == 25:
                started.set()

    def outage() -> None:
        started.wait(300)
        cluster.kill()
        time.sleep(6)
        cluster.start()

    killer = threading.Thread(target=outage)
    killer.start()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(run, actions))
    killer.join()


def _settle(url: str) -> None:
    """Let the worker's retries run, then what the beat would run: reconciliation and the
    late refunds, until a reconciliation finds nothing left."""
    from django.db import connection

    from subscriptions import services
    from subscriptions.services import closure

    time.sleep(45)  # the worker's retries (backoff from 5 s)
    for _ in range(4):
        connection.close()
        report = services.reconcile()
        closure.late_charges_refund()
        if report.changes == 0 and not report.errors:
            break
        time.sleep(5)
    assert services.reconcile().changes == 0


def _check_against_mollie() -> None:
    from django.db.models import Sum

    from mollie_sandbox.models import SandboxObject
    from subscriptions.models import CreditNote, Invoice, MollieSubscription, Payment, Subscription

    remote = {o.pk: o.data for o in SandboxObject.objects.filter(kind="payment")}
    problems = []
    for payment in Payment.objects.exclude(mollie_id=None).select_related("subscription"):
        data = remote.get(payment.mollie_id)
        if data is None:
            problems.append(f"{payment.mollie_id}: not at Mollie")
            continue
        if data["status"] != payment.status:
            problems.append(f"{payment.mollie_id}: {payment.status} here, {data['status']} at Mollie")
        refunded = Decimal(data.get("amountRefunded", {}).get("value", "0"))
        if refunded != payment.amount_refunded:
            problems.append(f"{payment.mollie_id}: refunded {payment.amount_refunded} here, {refunded} at Mollie")
        if payment.status != Payment.Status.PAID or payment.purpose != Payment.Purpose.PERIOD:
            continue
        invoice = Invoice.objects.filter(payment=payment).first()
        if invoice is None:
            if payment.late_refund != Payment.LateRefund.REFUNDED or refunded != payment.amount:
                problems.append(f"{payment.mollie_id}: paid, not invoiced, not refunded ({payment.late_refund})")
        else:
            credited = -(CreditNote.objects.filter(invoice=invoice).aggregate(t=Sum("amount_gross"))["t"] or 0)
            if credited != payment.amount_refunded:
                problems.append(f"{payment.mollie_id}: credited {credited}, refunded {payment.amount_refunded}")
    ids = set(Payment.objects.exclude(mollie_id=None).values_list("mollie_id", flat=True))
    for mollie_id, data in remote.items():
        if mollie_id not in ids and data.get("status") == "paid":
            problems.append(f"{mollie_id}: paid at Mollie, unknown here")
    live_remote = {o.pk for o in SandboxObject.objects.filter(kind="subscription") if o.data["status"] == "active"}
    for subscription in Subscription.objects.all():
        links = set(
            MollieSubscription.objects.filter(subscription=subscription, canceled_at__isnull=True).values_list(
                "mollie_id", flat=True
            )
        )
        charging = links & live_remote
        wanted = subscription.status == Subscription.Status.ACTIVE and not subscription.cancel_at_period_end
        if wanted and len(charging) != 1:
            problems.append(f"subscription {subscription.pk}: active, {len(charging)} Mollie subscriptions charging")
        if not wanted and charging:
            problems.append(f"subscription {subscription.pk}: {subscription.status}, still charged at Mollie")
    linked = set(MollieSubscription.objects.values_list("mollie_id", flat=True))
    problems += [f"Mollie subscription {s} charges nobody of ours" for s in live_remote - linked]
    assert problems == []
