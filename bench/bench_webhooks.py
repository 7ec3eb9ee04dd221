"""Mollie webhook benchmark (results in docs/benchmarks.md, section "Webhooks").

End to end, as in production but against the project's Mollie sandbox: gunicorn (gthread,
``--web-workers`` processes) serves the portal and the sandbox; ONE Celery worker
process (threads pool) takes the tasks from Redis. The benchmark

1. prepares N first payments at the sandbox through the real services (N customers), and
   marks them paid at the sandbox with every automatic webhook dropped;
2. measures the worker's rate for a no-op task: M tasks queued while the worker does not
   consume, then the clock runs from "consume" until a marker task behind them has run;
3. delivers the webhooks itself: each payment id ``--copies`` times (duplicates), shuffled,
   from ``--senders`` threads over HTTP to /webhooks/mollie/. Each delivery is an HTTP
   request, a task on the worker that fetches the payment from the sandbox over HTTP and
   applies it (status, audit events, subscription activated, invoice), plus the follow-up
   task that schedules the Mollie subscription. The clock stops when all N payments are
   paid and the queue has drained (marker task);
4. reports deliveries per second, the no-op rate, their ratio (target >= 0.25) and the
   webhook's HTTP answer times; checks that exactly N payments are paid, N invoices issued
   and N "payment.paid" events recorded.

It uses its own database (``bench_webhooks``, created and dropped here) and its own queue.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal \\
        REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/bench_webhooks.py
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "bench_webhooks"
QUEUE = "bench_webhooks"
TARGET = 0.25
DOCS = ROOT / "docs" / "benchmarks.md"

SETUP = """\
`bench/bench_webhooks.py`: Mollie webhook deliveries handled per second end to end, as a
ratio to the rate at which the same worker runs a no-op task in the same run (target >= 0.25).

Setup: its own PostgreSQL database and Redis queue; gunicorn (gthread) serves the portal's
webhook and the Mollie sandbox; ONE Celery worker (threads pool). N first payments are
prepared through the real services and marked paid at the sandbox with its own webhooks
dropped; the benchmark then POSTs the webhooks itself from 8 threads (each id `--copies`
times, shuffled). A delivery counts as handled when the payment is paid in our database with
its audit events, the subscription is active, the invoice issued, and the follow-up task that
creates the Mollie subscription has run (queue drained). The no-op yardstick:
`subscriptions.tasks.noop` tasks queued while the worker is paused, timed from "consume" to a
marker task behind them.
"""

ANALYSIS = """\
Other runs on 2026-11-29, same machine, same load (100 payments): every delivery new
(copies 1): 7.2 deliveries/s against 160 no-ops/s, ratio 0.045; copies 2: ratios 0.042-0.077
over five runs (no-op 194-442/s); the reliability test's mix (copies 10, 1,000 deliveries):
59.1/s against 316/s, ratio 0.187; `--pool prefork --concurrency 4`: same ratio (0.059).
All runs ended in the right state (100 paid, 100 invoices, 100 `payment.paid` events, every
webhook answered 200).

**The target of 0.25 is not met** for deliveries that each carry news; with the duplicates
Mollie really sends, coalescing brings the reliability test's mix to about 0.19. The machine
is a shared 2-core VM on which other test suites ran (load average 6-11), so absolute
numbers are low and noisy; the ratio moved less. Where a new delivery's time goes (profiled
serially in one process: 175 ms each under this load): fetching the payment from the sandbox
over HTTP 30-50 ms; about 23 SQL statements, 45 ms (locks on payment and subscription,
status, activation, gapless invoice number, invoice with its snapshot, 4-5 hash-chained audit
events); commit 30 ms; then the follow-up task that creates the Mollie subscription over
HTTP. A no-op is one broker round trip (3-6 ms here). Done to get here: the webhook answers
after one indexed lookup and one queue write; deliveries of an id whose task is still queued
are coalesced (Redis `add`, cleared when the task starts); one kept-alive Mollie client per
worker thread; sandbox reads without a transaction; two fewer statements per invoice. Ideas
not done: fold the mandate event into the activation event; create the Mollie subscription
in the same task after commit instead of a second task; measure on an idle machine.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal \\
        REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/bench_webhooks.py \\
        [--payments 100 --copies 2 --noops 2000 --pool threads --concurrency 8 --no-docs]
"""


def write_section(markdown: str) -> None:
    """Replace (or add) the "## Webhooks" section of docs/benchmarks.md, leaving the others."""
    import re

    text = DOCS.read_text() if DOCS.exists() else "# Benchmarks\n\nEach section is written by its `bench/bench_*.py` (run them all with `make bench`).\n"
    section = "## Webhooks\n\n" + markdown.strip() + "\n"
    pattern = re.compile(r"^## Webhooks\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    DOCS.write_text(text)


def _admin(base_url: str):
    import psycopg2

    parsed = urlparse(base_url)
    connection = psycopg2.connect(dbname="postgres", user=parsed.username, password=parsed.password,
                                  host=parsed.hostname, port=parsed.port or 5432)
    connection.autocommit = True
    return connection


def _database(base_url: str, *, create: bool) -> str:
    admin = _admin(base_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        if create:
            cursor.execute(f"CREATE DATABASE {BENCH_DB}")
    admin.close()
    return urlunparse(urlparse(base_url)._replace(path=f"/{BENCH_DB}"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _prepare(n: int, site_url: str) -> list[str]:
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from subscriptions import services
    from subscriptions.models import Payment, Plan
    from subscriptions.sandbox import controls

    plan = Plan.objects.create(name="Bench", price=Decimal("29.00"))
    controls.add_fault("webhook_drop", count=n * 10)
    ids = []
    for i in range(n):
        user = get_user_model().objects.create_user(username=f"bench{i}", email=f"bench{i}@example.com", password=None)
        payment = services.subscription_start(user=user, plan=plan)
        services.first_payment_checkout(payment=payment)
        ids.append(Payment.objects.get(pk=payment.pk).mollie_id)
    for mollie_id in ids:
        controls.set_status(mollie_id, "paid")
    return ids


def _drain(timeout: float = 600) -> None:
    from portal.tasks import ping

    ping.apply_async(("drain",), queue=QUEUE).get(timeout=timeout)


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=100)
    parser.add_argument("--copies", type=int, default=2, help="deliveries per payment (duplicates)")
    parser.add_argument("--noops", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=8, help="concurrent webhook senders")
    parser.add_argument("--concurrency", type=int, default=8, help="threads (or processes) of the one worker")
    parser.add_argument("--pool", choices=["threads", "prefork"], default="threads")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes serving webhook and sandbox")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    port = _free_port()
    site_url = f"http://127.0.0.1:{port}"
    db_url = _database(base_url, create=True)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": QUEUE,
        "CACHE_KEY_PREFIX": QUEUE,
        "SITE_URL": site_url,
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("MOLLIE_API_ENDPOINT", None)
    env.pop("MOLLIE_API_KEY", None)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONUNBUFFERED"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    python = sys.executable
    node = f"bench-{os.getpid()}@localhost"
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    logs = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    # The production web server (gunicorn, threads) serves the portal and the sandbox.
    server = subprocess.Popen(  # noqa: S603
        [python, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{port}", "--workers", str(args.web_workers),
         "--threads", "8", "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=(logs / "server.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603
        [python, "-m", "celery", "-A", "portal", "worker", "-Q", QUEUE, "-n", node,
         f"--pool={args.pool}", f"--concurrency={args.concurrency}", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=(logs / "worker.log").open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        import django

        django.setup()
        import requests

        from audit.models import AuditEvent
        from portal.celery import app
        from subscriptions.models import Invoice, Payment
        from subscriptions.tasks import noop

        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(QUEUE)
        _wait_http(site_url + "/healthz")
        _drain(timeout=120)  # the worker is up

        t = time.perf_counter()
        ids = _prepare(args.payments, site_url)
        print(f"prepared {len(ids)} paid payments at the sandbox in {time.perf_counter() - t:.1f}s", flush=True)
        _drain()

        # The yardstick: the same worker running a task that does nothing. The tasks are
        # queued while the worker does not consume, so that sending is not what is timed.
        app.control.cancel_consumer(QUEUE, destination=[node], reply=True)
        for _ in range(args.noops):
            noop.apply_async(queue=QUEUE)
        start = time.perf_counter()
        app.control.add_consumer(QUEUE, destination=[node], reply=True)
        _drain()
        noop_seconds = time.perf_counter() - start
        noop_rate = args.noops / noop_seconds

        deliveries = [mollie_id for mollie_id in ids for _ in range(args.copies)]
        random.Random(7).shuffle(deliveries)
        session_per_thread: dict[int, requests.Session] = {}

        def deliver(mollie_id: str) -> tuple[int, float]:
            import threading

            session = session_per_thread.setdefault(threading.get_ident(), requests.Session())
            began = time.perf_counter()
            status = session.post(site_url + "/webhooks/mollie/", data={"id": mollie_id}, timeout=60).status_code
            return status, time.perf_counter() - began

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.senders) as pool:
            answers = list(pool.map(deliver, deliveries))
        sent_seconds = time.perf_counter() - start
        while Payment.objects.filter(status="paid").count() < len(ids):
            if time.perf_counter() - start > 900:
                raise SystemExit("not all payments were applied within 15 minutes")
            time.sleep(0.05)
        _drain()
        webhook_seconds = time.perf_counter() - start
        webhook_rate = len(deliveries) / webhook_seconds

        statuses = {status for status, _ in answers}
        latencies = sorted(seconds * 1000 for _, seconds in answers)
        paid = Payment.objects.filter(status="paid").count()
        invoices = Invoice.objects.count()
        paid_events = AuditEvent.objects.filter(action="payment.paid").count()
        ok = statuses == {200} and paid == invoices == paid_events == len(ids)
        ratio = webhook_rate / noop_rate
        import datetime

        rows = [
            "| measure | value |",
            "|---|---|",
            f"| run | {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} |",
            f"| payments / deliveries (copies) | {len(ids)} / {len(deliveries)} ({args.copies}) |",
            f"| worker | one worker, {args.pool} pool, concurrency {args.concurrency}; gunicorn {args.web_workers} x 8 threads |",
            f"| no-op tasks | {args.noops} in {noop_seconds:.2f} s = **{noop_rate:.0f}/s** |",
            f"| webhook deliveries end to end | {len(deliveries)} in {webhook_seconds:.2f} s = **{webhook_rate:.1f}/s** |",
            f"| ratio (target >= {TARGET}) | **{ratio:.3f}** ({'met' if ratio >= TARGET else 'NOT met'}) |",
            f"| webhook HTTP answer p50 / p95 / max | {statistics.median(latencies):.1f} / {latencies[int(0.95 * len(latencies)) - 1]:.1f} / {latencies[-1]:.1f} ms |",
            f"| all deliveries sent (HTTP only) | {sent_seconds:.2f} s |",
            f"| checks: HTTP statuses / paid / invoices / payment.paid events | {sorted(statuses)} / {paid} / {invoices} / {paid_events} |",
            f"| state | {'right' if ok else 'WRONG'} |",
        ]
        table = "\n".join(rows)
        print()
        print(table)
        if not args.no_docs:
            write_section(SETUP + "\n" + table + "\n\n" + ANALYSIS)
            print(f"\nwritten to {DOCS}")
        if not ok:
            raise SystemExit(1)
        if ratio < TARGET:
            raise SystemExit(2)  # ran correctly, missed the target
    finally:
        _stop(worker)
        _stop(server)
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        _database(base_url, create=False)


if __name__ == "__main__":
    main()
