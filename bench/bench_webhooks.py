"""Mollie webhook benchmark (results in docs/benchmarks.md, section "Webhooks"): a regression
watch on the worker CPU one delivery costs. (The throughput target it was written for is
withdrawn; the ratio to a no-op task is still printed, as information.)

End to end, as in production but against the project's Mollie sandbox: gunicorn (gthread,
``--web-workers`` processes) serves the portal, a second gunicorn the sandbox (Mollie); ONE
Celery worker process (threads pool) takes the tasks from Redis; ``DEBUG`` is off. The benchmark

1. prepares N first payments at the sandbox through the real services (N customers), and
   marks them paid at the sandbox with every automatic webhook dropped;
2. measures the worker's rate for a no-op task: M tasks queued while the worker does not
   consume, then the clock runs from "consume" until a marker task behind them has run;
3. delivers the webhooks itself: each payment id ``--copies`` times (duplicates), shuffled,
   from ``--senders`` threads over HTTP to /webhooks/mollie/. Each delivery is an HTTP
   request, a task on the worker that fetches the payment from the sandbox over HTTP and
   applies it (status, audit events, subscription activated, invoice); after its commit the
   follow-up tasks create the Mollie subscription and render the invoice PDF. The clock stops
   when all N payments are paid and the queue has drained (marker task);
4. reports the worker CPU per delivery (the number to watch), deliveries per second, the
   no-op rate, their ratio and the
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
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import DOCS, bench_db_name, free_port, stop_process_group, wait_http, write_docs_section  # noqa: E402

BENCH_DB = "bench_webhooks"
QUEUE = "bench_webhooks"

SETUP = """\
`bench/bench_webhooks.py`: Mollie webhook deliveries handled per second end to end, as a
ratio to the rate at which the same worker runs a no-op task in the same run. A regression
watch: the row to compare between runs is "worker CPU per delivery" (the throughput target
of 0.25 is withdrawn).

Setup: its own PostgreSQL database and Redis queue; one gunicorn (gthread, 1 process x 8
threads) serves the portal's webhook, a second one the Mollie sandbox (our stand-in for
Mollie, apart so that its CPU can be told from ours); ONE Celery worker (threads pool,
concurrency 8: the tasks mostly wait for HTTP and PostgreSQL). All processes run the
development settings (the sandbox exists only there) with `DEBUG` off as in production
(no SQL log) and persistent database connections. N first payments are prepared through the
real services and marked paid at the sandbox with its own webhooks dropped; the benchmark
then POSTs the webhooks itself from 8 threads (each id `--copies` times, shuffled). A delivery
counts as handled when the payment is paid in our database with its audit events, the
subscription is active, the invoice issued, and the Mollie subscription created (queue
drained). The no-op yardstick: `subscriptions.tasks.noop` tasks queued while the same worker
is paused, timed from "consume" to a marker task behind them. CPU per delivery is read from
/proc for each process (and each PostgreSQL backend of the benchmark's database) over the
webhook run. `--profile K` instead applies K deliveries serially in the benchmark process
and prints CPU, wall time and SQL statements per step plus a cProfile listing.
"""

ANALYSIS = """\
How to read it. The ratio compares a whole delivery (webhook HTTP request, task, GET of the
payment from the sandbox, 11 SQL statements with three hash-chained audit events and the
invoice, commit, then a follow-up task that creates the Mollie subscription over HTTP, and a
second one that renders the invoice's PDF with reportlab and stores it with its SHA-256 and
an audit event) with a task that does nothing (one broker round trip, about 1 ms). **The
target of 0.25 is not met, and cannot be with this workload on this machine**, for two
reasons that the table measures:

1. The worker's own CPU. The row "worker CPU per no-op / per delivery" is read from /proc
   over both runs: a delivery cost the worker 13-20 ms of CPU before the invoice PDFs (a
   no-op 1.0-1.3 ms), and 25-32 ms now that each paid payment also gets its PDF (reportlab
   alone takes 8.4 ms per invoice, measured apart), so even if the worker had unlimited
   cores and every other process ran elsewhere its delivery rate could reach at most that
   fraction (0.035-0.077) of its no-op rate. A ratio of 0.25 would allow 4-5 ms of worker CPU
   per delivery; the GET of the payment through the required client library (requests,
   JSON, the client's objects) alone takes 1.7 ms and the state change with its audit events
   and invoice 7 ms (`--profile`).
2. The machine. Every process of the path shares 2 cores: per delivery the sandbox (standing
   in for Mollie, which in production is not on our machine) 8-12 ms, the webhook view 3.5-5
   ms, PostgreSQL 2-3 ms, the senders 1-2 ms, about 30 ms in all, so 2 cores cannot carry
   more than about 65 deliveries/s whatever the worker does.

Measured on an idle machine before the invoice PDFs existed (08:42 UTC, load 0.3 before the
run): 41.4 deliveries/s against 970 no-ops/s = 0.043; worker CPU 13.3 ms per delivery. The
table above is the current code, PDFs included. Under the load of other test suites
the ratio stays at 0.033-0.043 because the yardstick slows down with it. The same harness
with duplicates gives higher ratios (each id twice: 0.074; the reliability test's mix, ten
deliveries per payment: 0.206), because a duplicate is coalesced in the webhook view or is a
fetch that changes nothing; the headline uses one delivery per payment, the case that does
all the work. `--pool prefork --concurrency 4 --web-workers 2` and threads x16 were no
faster (25.0/s and 31.9/s against 767/s and 773/s).

What was changed to get here: applying a new first payment takes 11 SQL statements instead
of 19 (payment and subscription locked in one `SELECT ... FOR UPDATE OF` with plan, user and
profile; invoice number by one upsert that keeps the year's row locked until commit; the
mandate recorded in the activation event); the Mollie client is kept per thread; `DEBUG` off. That
halved the worker's CPU per delivery (42 -> 21 ms at the same load, commit a80b938 against
its successor). The Mollie subscription was for a while created inside the webhook task
(a thread-local switched the push inline); the billing services split removed that mode, so
the push is again its own follow-up task: watch the worker CPU per delivery row. What would move the ratio further is outside this design: a cheaper fetch
than the client library's, fewer audit events per state change (each is evidence the audit
issue asks for), or a yardstick that is not an empty task.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal \\
        REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/bench_webhooks.py \\
        [--payments 200 --copies 1 --noops 2000 --pool threads --concurrency 8 --no-docs --profile K]
"""


def _admin(base_url: str):
    import psycopg2

    parsed = urlparse(base_url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parsed.username,
        password=parsed.password,
        host=parsed.hostname,
        port=parsed.port or 5432,
    )
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


def _tree(root: int) -> list[int]:
    """The process and all its descendants (gunicorn and celery fork their workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found.extend(frontier)
    return found


def _cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds used so far by each of these processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings; a process new since the first counts in full."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _postgres_backends() -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def _prepare(n: int, site_url: str) -> list[str]:
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from accounts.models import Profile
    from mollie_sandbox import controls
    from subscriptions import services
    from subscriptions.models import Payment, Plan

    plan = Plan.objects.create(name="Bench", price=Decimal("29.00"))
    controls.add_fault("webhook_drop", count=n * 10)
    ids = []
    for i in range(n):
        user = get_user_model().objects.create_user(username=f"bench{i}", email=f"bench{i}@example.com", password=None)
        Profile.objects.create(
            user=user, full_name=f"Klant {i}", street="Stationsplein 1", postal_code="5611AB", city="Eindhoven"
        )
        payment = services.subscription_start(user=user, plan=plan)
        services.first_payment_checkout(payment=payment)
        ids.append(Payment.objects.get(pk=payment.pk).mollie_id)
    for mollie_id in ids:
        controls.set_status(mollie_id, "paid")
    return ids


def _profile(ids: list[str]) -> None:
    """Serially, in this process: the fetch from the sandbox (HTTP), then the apply (SQL
    statements counted and timed), then the commit; cProfile over all of it."""
    import cProfile
    import pstats

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from subscriptions import mollie, services

    fetch, apply, commit, statements, cpu_fetch, cpu_apply = [], [], [], [], [], []
    for mollie_id in ids[: len(ids) // 2]:  # CPU of this process, without the profiler
        c0 = time.process_time()
        remote = mollie.payment_get(mollie_id)
        c1 = time.process_time()
        with transaction.atomic():
            services.payment_apply(remote=remote)
        cpu_fetch.append(c1 - c0)
        cpu_apply.append(time.process_time() - c1)
    print(
        f"{len(cpu_fetch)} deliveries without the profiler, CPU of this process, medians: fetch {statistics.median(cpu_fetch) * 1000:.1f} ms, "
        f"apply and commit {statistics.median(cpu_apply) * 1000:.1f} ms"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for mollie_id in ids[len(ids) // 2 :]:
        t0 = time.perf_counter()
        remote = mollie.payment_get(mollie_id)
        t1 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            with transaction.atomic():
                services.payment_apply(remote=remote)
                t2 = time.perf_counter()
        t3 = time.perf_counter()
        fetch.append(t1 - t0)
        apply.append(t2 - t1)
        commit.append(t3 - t2)
        statements.append(len(queries))
    profiler.disable()
    _drain()
    print(
        f"{len(fetch)} deliveries, medians: fetch {statistics.median(fetch) * 1000:.1f} ms, "
        f"apply {statistics.median(apply) * 1000:.1f} ms ({statistics.median(statements):.0f} statements incl. commit), "
        f"commit {statistics.median(commit) * 1000:.1f} ms"
    )
    for sql in queries.captured_queries:
        print(f"  {float(sql['time']) * 1000:6.1f} ms  {sql['sql'][:150]}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def _drain(timeout: float = 600) -> None:
    from portal.tasks import ping

    ping.apply_async(("drain",), queue=QUEUE).get(timeout=timeout)


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=200)
    parser.add_argument("--copies", type=int, default=1, help="deliveries per payment (duplicates)")
    parser.add_argument("--noops", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=8, help="concurrent webhook senders")
    parser.add_argument("--concurrency", type=int, default=8, help="threads (or processes) of the one worker")
    parser.add_argument("--pool", choices=["threads", "prefork"], default="threads")
    parser.add_argument(
        "--web-workers", type=int, default=1, help="gunicorn processes serving the webhook (and, apart, the sandbox)"
    )
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="K",
        help="instead of the benchmark: apply K deliveries serially in this process and show where the time goes",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny size, end to end, no target enforced, docs left alone (the suite)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.payments, args.noops, args.no_docs, args.profile = 3, 20, True, 0
    global BENCH_DB, QUEUE
    BENCH_DB, QUEUE = bench_db_name(BENCH_DB, smoke=args.smoke), bench_db_name(QUEUE, smoke=args.smoke)

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    port, sandbox_port = free_port(), free_port()
    site_url = f"http://127.0.0.1:{port}"
    db_url = _database(base_url, create=True)
    logs = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    if args.smoke:  # a full run keeps its logs for reading
        import atexit
        import shutil

        atexit.register(shutil.rmtree, logs, True)
    # DJANGO_DEBUG=1 selects the development settings (the sandbox exists only there); DEBUG
    # itself is switched off as in production, so no process keeps a log of every SQL text.
    (logs / "bench_webhooks_settings.py").write_text("from portal.settings import *  # noqa: F403\nDEBUG = False\n")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "bench_webhooks_settings",
        "PYTHONPATH": os.pathsep.join([str(logs), str(ROOT)]),
        # The sandbox stands in for Mollie, so it runs apart from the portal (its own server)
        # and its share of the work can be told from ours.
        "MOLLIE_API_ENDPOINT": f"http://127.0.0.1:{sandbox_port}/sandbox/mollie",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": QUEUE,
        "CACHE_KEY_PREFIX": QUEUE,
        "SITE_URL": site_url,
        "DATABASE_CONN_MAX_AGE": "600",  # connections kept for the run (their CPU is read per process)
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("MOLLIE_API_KEY", None)
    os.environ.update({k: v for k, v in env.items() if k not in ("PYTHONUNBUFFERED", "PYTHONPATH")})
    sys.path.insert(0, str(logs))
    python = sys.executable
    node = f"bench-{os.getpid()}@localhost"
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    # The production web server (gunicorn, threads) serves the portal's webhook; a second
    # one serves the sandbox (Mollie).
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.web_workers),
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sandbox = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{sandbox_port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "sandbox.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [
            python,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            QUEUE,
            "-n",
            node,
            f"--pool={args.pool}",
            f"--concurrency={args.concurrency}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        import django

        django.setup()
        from django.conf import settings as django_settings

        assert not django_settings.DEBUG
        import requests

        from audit.models import AuditEvent
        from portal.celery import app
        from subscriptions.models import Invoice, Payment
        from subscriptions.tasks import noop

        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(QUEUE)
        wait_http(site_url + "/healthz", expect=200)
        wait_http(f"http://127.0.0.1:{sandbox_port}/healthz", expect=200)
        _drain(timeout=120)  # the worker is up

        t = time.perf_counter()
        ids = _prepare(args.payments, site_url)
        print(f"prepared {len(ids)} paid payments at the sandbox in {time.perf_counter() - t:.1f}s", flush=True)
        _drain()
        if args.profile:
            _profile(ids[: args.profile])
            return

        # The yardstick: the same worker running a task that does nothing. The tasks are
        # queued while the worker does not consume, so that sending is not what is timed.
        app.control.cancel_consumer(QUEUE, destination=[node], reply=True)
        for _ in range(args.noops):
            noop.apply_async(queue=QUEUE)
        noop_cpu_before = _cpu_by_pid(_tree(worker.pid))
        start = time.perf_counter()
        app.control.add_consumer(QUEUE, destination=[node], reply=True)
        _drain()
        noop_seconds = time.perf_counter() - start
        noop_cpu = _cpu_used(noop_cpu_before, _cpu_by_pid(_tree(worker.pid))) / args.noops
        noop_rate = args.noops / noop_seconds

        groups = {
            "webhook (gunicorn)": lambda: _tree(server.pid),
            "worker": lambda: _tree(worker.pid),
            "sandbox = Mollie (gunicorn)": lambda: _tree(sandbox.pid),
            "PostgreSQL (this database)": _postgres_backends,
        }
        cpu_before = {name: _cpu_by_pid(pids()) for name, pids in groups.items()}
        senders_before = time.process_time()
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
        applied_seconds = time.perf_counter() - start
        _drain()
        webhook_seconds = time.perf_counter() - start
        cpu = {name: _cpu_used(cpu_before[name], _cpu_by_pid(pids())) for name, pids in groups.items()}
        cpu["benchmark process (senders)"] = time.process_time() - senders_before
        webhook_rate = len(deliveries) / webhook_seconds

        statuses = {status for status, _ in answers}
        latencies = sorted(seconds * 1000 for _, seconds in answers)
        paid = Payment.objects.filter(status="paid").count()
        invoices = Invoice.objects.count()
        paid_events = AuditEvent.objects.filter(action="payment.paid").count()
        ok = statuses == {200} and paid == invoices == paid_events == len(ids)
        ratio = webhook_rate / noop_rate
        # What one paid payment leaves in PostgreSQL (docs/operations.md "Capacity" sizes from it).
        from django.db import connection as db

        with db.cursor() as cursor:
            cursor.execute(
                "SELECT avg(octet_length(pdf)), avg(octet_length(ubl)),"
                " pg_total_relation_size('subscriptions_invoice') / greatest(count(*), 1),"
                " pg_total_relation_size('audit_auditevent') / greatest((SELECT count(*) FROM audit_auditevent), 1),"
                " (SELECT count(*) FROM audit_auditevent) / greatest(count(*), 1)"
                " FROM subscriptions_invoice"
            )
            pdf_bytes, ubl_bytes, invoice_row_bytes, event_bytes, events_per_invoice = cursor.fetchone()
        import datetime

        rows = [
            "| measure | value |",
            "|---|---|",
            f"| run | {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} |",
            f"| payments / deliveries (copies) | {len(ids)} / {len(deliveries)} ({args.copies}) |",
            f"| worker | one worker, {args.pool} pool, concurrency {args.concurrency}; gunicorn {args.web_workers} x 8 threads |",
            f"| no-op tasks | {args.noops} in {noop_seconds:.2f} s = **{noop_rate:.0f}/s** |",
            f"| webhook deliveries end to end | {len(deliveries)} in {webhook_seconds:.2f} s = **{webhook_rate:.1f}/s** |",
            f"| ratio to the no-op rate | {ratio:.3f} |",
            f"| the same, counted until every payment was paid (state applied; the invoice PDFs still rendering) | "
            f"{len(deliveries) / applied_seconds:.1f}/s, ratio {len(deliveries) / applied_seconds / noop_rate:.3f} |",
            f"| webhook HTTP answer p50 / p95 / max | {statistics.median(latencies):.1f} / {latencies[int(0.95 * len(latencies)) - 1]:.1f} / {latencies[-1]:.1f} ms |",
            f"| all deliveries sent (HTTP only) / all payments paid / queue drained | {sent_seconds:.2f} / {applied_seconds:.2f} / {webhook_seconds:.2f} s |",
            "| CPU used during the webhook run, ms per delivery | "
            + "; ".join(f"{name} {seconds * 1000 / len(deliveries):.1f}" for name, seconds in cpu.items())
            + f" (wall clock {webhook_seconds * 1000 / len(deliveries):.1f}, {os.cpu_count()} cores) |",
            f"| worker CPU per no-op / per delivery (ceiling of the ratio were the worker alone on unlimited cores) | "
            f"{noop_cpu * 1000:.2f} / {cpu['worker'] * 1000 / len(deliveries):.1f} ms "
            f"(**{noop_cpu * len(deliveries) / cpu['worker']:.3f}**) |",
            f"| checks: HTTP statuses / paid / invoices / payment.paid events | {sorted(statuses)} / {paid} / {invoices} / {paid_events} |",
            f"| stored per paid payment: invoice PDF / UBL (avg bytes); invoice table incl. TOAST and indexes, per invoice; audit table per event; audit events per payment (signup included) | "
            f"{pdf_bytes or 0:,.0f} / {ubl_bytes or 0:,.0f}; {invoice_row_bytes:,}; {event_bytes:,}; {events_per_invoice} |",
            f"| state | {'right' if ok else 'WRONG'} |",
        ]
        table = "\n".join(rows)
        print()
        print(table)
        if not args.no_docs:
            write_docs_section("Webhooks", SETUP + "\n" + table + "\n\n" + ANALYSIS)
            print(f"\nwritten to {DOCS}")
        if args.smoke:
            print("smoke run: ran end to end (state checked; no target at this size)")
        if not ok:
            raise SystemExit(1)
    finally:
        stop_process_group(worker)
        stop_process_group(server)
        stop_process_group(sandbox)
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        _database(base_url, create=False)


if __name__ == "__main__":
    main()
