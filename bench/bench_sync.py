"""Sync engine benchmark, P8 (results in docs/benchmarks.md, section "Sync engine").

Setup: its own PostgreSQL database (``bench_sync``, created and dropped here) and Redis
queue; the Exact sandbox served by gunicorn (gthread, 1 process x 8 threads) with its world
grown by 51 administrations for the benchmark; development settings with ``DEBUG`` off.

1. **Overhead** (sandbox limits off). One customer, N orders (one webshop customer, one SKU:
   the relation and the article are found once, in a warm-up order). The engine
   (``sync.services.run.run_division``, in this process, batches as large as N) syncs them;
   then a bare loop POSTs the same invoices (same body, new ``YourRef``) to the same
   endpoint with one ``requests`` session. Target: engine orders/s >= 0.5 x bare POSTs/s.

2. **Under limits** (compressed clock: 60 calls per compressed minute per administration;
   the minute as short as 6 s (10x) but long enough that the allowed rate is at most half of
   the bare loop's, so that Exact's limit binds and not this machine; the day 100 minutes).
   A real Celery worker (threads, concurrency 8) and this process as beat, ticking once a
   compressed minute. One administration has a backlog of B orders; while it drains, 50
   other customers (each its own administration) become due with one order each. Targets:
   the backlog's calls per second >= 0.9 x the allowed rate; each single order synced within
   one tick of the tick that found it due; zero 429 answers (counted in the sandbox's access
   log); the worker's peak RSS < 200 MB.

Give it a Redis database that no test run uses at the same time (a test's cache.clear()
empties the whole database, the benchmark's queue with it).

``--smoke`` runs a tiny size (20 orders, a backlog of 40, 3 others) and does not write the docs.
Exit code 2 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import drop_database, free_port, recreate_database, stop_process_group, wait_http, write_docs_section  # noqa: E402

BENCH_DB = "bench_sync"
QUEUE = "bench_sync"
FIRST_DIVISION = 2001
MINUTE_LIMIT = 60
# Exact's minute is compressed, but never so far that the allowed rate (60 calls a minute)
# would exceed half of what the sandbox on this machine serves (measured by the bare loop):
# the limit, not the machine, must be what binds. At least 6 s (10x).
MIN_MINUTE_SECONDS = 6.0
TARGET_OVERHEAD = 0.5
TARGET_RATE = 0.9
TARGET_RSS_MB = 200

SETTINGS = """from portal.settings import *  # noqa: F403
from exact_sandbox import data as _world

DEBUG = False
# The benchmark's administrations, for the sandbox's demo user.
for _division in range({first}, {first} + {count}):
    _world.DIVISIONS[_division] = f"Bench {{_division}}"
    if _division not in _world.USERS["demo"]["divisions"]:
        _world.USERS["demo"]["divisions"].append(_division)
"""


def _peak_rss_mb(pid: int) -> float:
    """VmHWM of the process and its children (the threads pool runs in the main process)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(entry.name) != pid and int(stat[1]) != pid:
                continue
            for row in (entry / "status").read_text().splitlines():
                if row.startswith("VmHWM:"):
                    total += int(row.split()[1])
        except OSError:
            continue
    return total / 1024


# --- the world ----------------------------------------------------------------------------------


def make_shop(username: str, division: int, *, interval: int = 15):
    """A customer with a live subscription, connected to ``division`` at the sandbox (tokens
    granted by the sandbox's own code flow) and configured with every flow."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from exact_sandbox import engine as sandbox
    from koppeling import exact
    from koppeling.models import Connection, Flow, KoppelingSettings
    from subscriptions.models import MollieCustomer, Plan, Subscription

    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.com", password="x")  # noqa: S106
    plan, _created = Plan.objects.get_or_create(name="Basis", defaults={"price": Decimal("29.00")})
    customer = MollieCustomer.objects.create(user=user, mollie_id=f"cst_{username}")
    Subscription.objects.create(
        user=user,
        customer=customer,
        plan=plan,
        status="active",
        amount_net=Decimal("29.00"),
        vat_rate=Decimal("21.0"),
        amount_gross=Decimal("35.09"),
        started_at=timezone.now() - timedelta(days=3),
        current_period_end=timezone.localdate() + timedelta(days=27),
    )
    code = sandbox.code_issue(user_key="demo", client_id=exact.client_id(), redirect_uri=exact.redirect_uri())
    pair = sandbox.token_grant(
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": exact.client_id(),
            "client_secret": settings.EXACT_SANDBOX_CLIENT_SECRET,
            "redirect_uri": exact.redirect_uri(),
        }
    )
    connection = Connection(
        user=user,
        state=Connection.State.CONNECTED,
        division=division,
        division_name=f"Bench {division}",
        connected_at=timezone.now(),
        refreshed_at=timezone.now(),
    )
    connection.store_tokens(
        access_token=pair["access_token"],
        refresh_token=pair["refresh_token"],
        expires_at=timezone.now() + timedelta(seconds=int(pair.get("expires_in", 600))),
    )
    connection.save()
    KoppelingSettings.objects.create(
        user=user,
        flows=[f.value for f in (Flow.CUSTOMERS, Flow.ITEMS, Flow.ORDERS, Flow.PAYMENT_STATUS)],
        sales_journal="70",
        vat_code_high="1",
        vat_code_low="2",
        vat_code_zero="0",
        sync_interval_minutes=interval,
    )
    return user


def make_orders(user, count: int, *, prefix: str) -> None:
    from django.utils import timezone

    from webshop.models import Order

    now = timezone.now()
    rows = []
    for n in range(count):
        number = f"{prefix}-{n:06d}"
        payload = {
            "number": number,
            "date": "2026-12-01",
            "currency": "EUR",
            "customer": {
                "name": "Bakkerij Bench",
                "email": f"inkoop@{prefix.lower()}.example.nl",
                "address": {"street": "Dorpsstraat 1", "postal_code": "1234 AB", "city": "Utrecht", "country": "NL"},
            },
            "lines": [
                {"sku": "BENCH-1", "description": "Brood", "quantity": "2", "unit_price": "2.45", "vat_rate": 9},
                {"sku": "BENCH-1", "description": "Brood", "quantity": "1", "unit_price": "2.45", "vat_rate": 9},
            ],
            "paid": True,
        }
        rows.append(
            Order(
                user=user,
                number=number,
                order_date=now.date(),
                payload=payload,
                content_hash=f"{number:0<64}"[:64],
                amount_net=Decimal("7.35"),
                amount_vat=Decimal("0.66"),
                amount_gross=Decimal("8.01"),
                received_at=now + timedelta(microseconds=n),
            )
        )
    Order.objects.bulk_create(rows, batch_size=1000)


# --- 1. overhead ----------------------------------------------------------------------------------


def measure_overhead(orders: int, sandbox_url: str) -> dict:
    import requests
    from django.conf import settings

    from exact_sandbox import engine as sandbox
    from koppeling.models import Connection
    from koppeling.services import connection_access_token
    from sync.models import SyncRun
    from sync.services.run import run_division
    from webshop.models import Order

    sandbox.limits_set(limits_on=False)
    settings.SYNC_BATCH_ORDERS = orders + 10
    settings.SYNC_RUN_SECONDS = 3600
    shop = make_shop("overhead", FIRST_DIVISION)
    make_orders(shop, 1, prefix="WARM")
    run_division(user_id=shop.pk)  # the relation and the article, found once
    make_orders(shop, orders, prefix="OVER")
    started = time.perf_counter()
    while Order.objects.filter(user=shop, status=Order.Status.RECEIVED).exists():
        run_division(user_id=shop.pk)
    engine_s = time.perf_counter() - started
    synced = Order.objects.filter(user=shop, status=Order.Status.SYNCED, number__startswith="OVER").count()
    assert synced == orders, f"{synced} of {orders} synced"
    calls = sum(
        SyncRun.objects.filter(user=shop).exclude(started_at__lt=_first_over_run(shop)).values_list("calls", flat=True)
    )

    # The bare loop: the same invoice bodies, straight to the same endpoint.
    connection = Connection.objects.get(user=shop)
    token = connection_access_token(connection_id=connection.pk)
    first = Order.objects.filter(user=shop, number__startswith="OVER").order_by("pk").first()
    body = {
        "OrderedBy": first.exact_account_id,
        "Journal": "70",
        "YourRef": "",
        "InvoiceDate": first.order_date.isoformat(),
        "Description": "Webshopbestelling",
        "SalesInvoiceLines": [
            {"Item": _item_id(shop), "Quantity": 2.0, "NetPrice": 2.45, "VATCode": "2", "Description": "Brood"},
            {"Item": _item_id(shop), "Quantity": 1.0, "NetPrice": 2.45, "VATCode": "2", "Description": "Brood"},
        ],
    }
    url = f"{sandbox_url}/sandbox/exact/api/v1/{FIRST_DIVISION}/salesinvoice/SalesInvoices"
    headers = {
        "Accept": "application/json",
        "Authorization": f"Bearer {token}",
        "Prefer": "return=representation",
    }
    session = requests.Session()
    started = time.perf_counter()
    for n in range(orders):
        body["YourRef"] = f"BARE-{n:06d}"
        response = session.post(url, json=body, headers=headers, timeout=30)
        assert response.status_code == 201, response.text[:300]
    bare_s = time.perf_counter() - started
    engine_rate, bare_rate = orders / engine_s, orders / bare_s
    return {
        "orders": orders,
        "engine_s": engine_s,
        "engine_rate": engine_rate,
        "engine_calls": calls,
        "bare_s": bare_s,
        "bare_rate": bare_rate,
        "ratio": engine_rate / bare_rate,
    }


def _first_over_run(shop):
    from sync.models import SyncRun

    runs = list(SyncRun.objects.filter(user=shop).order_by("started_at").values_list("started_at", flat=True))
    return runs[1] if len(runs) > 1 else runs[0]


def _item_id(shop) -> str:
    from sync.models import SyncedArticle

    return SyncedArticle.objects.get(user=shop, code="BENCH-1").exact_id


# --- 2. under limits ------------------------------------------------------------------------------


def measure_under_limits(
    backlog: int, others: int, env: dict, logs: Path, timeout: float, *, minute_seconds: float
) -> dict:
    from django.db.models import Max, Min, Sum
    from django.utils import timezone

    from exact_sandbox import engine as sandbox
    from portal.celery import app
    from sync.models import SyncRun, SyncState
    from sync.services import schedule
    from webshop.models import Order

    sandbox.limits_set(
        limits_on=True,
        minute_limit=MINUTE_LIMIT,
        minute_seconds=minute_seconds,
        day_limit=5000,
        day_seconds=minute_seconds * 100,
    )
    tick = minute_seconds  # beat ticks once a (compressed) minute
    big = make_shop("backlog", FIRST_DIVISION + 1)
    make_orders(big, backlog, prefix="BIG")
    small = [make_shop(f"klein{n:02d}", FIRST_DIVISION + 2 + n) for n in range(others)]
    for n, user in enumerate(small):
        make_orders(user, 1, prefix=f"S{n:02d}")
    later = timezone.now() + timedelta(days=1)  # not due until released below
    SyncState.objects.bulk_create([SyncState(user=user, next_run_at=later) for user in small])

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(QUEUE)
    node = f"bench-sync-{os.getpid()}@localhost"
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            QUEUE,
            "-n",
            node,
            "--pool=threads",
            "--concurrency=8",
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
    released_at = None
    ticks = 0
    try:
        for _ in range(120):  # the worker answers before the first tick
            if app.control.ping(destination=[node], timeout=1.0):
                break
        else:
            raise SystemExit("the Celery worker did not start")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tick_started = time.monotonic()
            if ticks == 3 and released_at is None:  # mid-drain: the 50 single orders become due
                SyncState.objects.filter(user__in=small).update(next_run_at=None)
                released_at = timezone.now()
            schedule.tick()
            ticks += 1
            if not Order.objects.filter(status=Order.Status.RECEIVED).exists():
                break
            time.sleep(max(0.0, tick - (time.monotonic() - tick_started)))
        rss = _peak_rss_mb(worker.pid)
    finally:
        stop_process_group(worker)
    left = Order.objects.filter(status=Order.Status.RECEIVED, user__in=[big, *small]).count()
    span = Order.objects.filter(user=big).aggregate(last=Max("synced_at"))
    first_run = SyncRun.objects.filter(user=big).aggregate(first=Min("started_at"))["first"]
    drain_s = (span["last"] - first_run).total_seconds() if span["last"] and first_run else float("inf")
    calls = SyncRun.objects.filter(user=big).aggregate(n=Sum("calls"))["n"] or 0
    allowed = MINUTE_LIMIT / minute_seconds
    small_done = Order.objects.filter(user__in=small, status=Order.Status.SYNCED).aggregate(last=Max("synced_at"))
    small_delay = (
        (small_done["last"] - released_at).total_seconds() if small_done["last"] and released_at else float("inf")
    )
    access_log = (logs / "sandbox-access.log").read_text(errors="replace")
    too_many = len(re.findall(r'" 429 ', access_log))
    return {
        "backlog": backlog,
        "others": others,
        "left": left,
        "drain_s": drain_s,
        "calls": calls,
        "calls_per_s": calls / drain_s if drain_s else 0.0,
        "allowed": allowed,
        "rate_ratio": (calls / drain_s) / allowed if drain_s else 0.0,
        "orders_per_s": backlog / drain_s if drain_s else 0.0,
        "small_synced": Order.objects.filter(user__in=small, status=Order.Status.SYNCED).count(),
        "small_delay_s": small_delay,
        "too_many": too_many,
        "rss_mb": rss,
        "runs": SyncRun.objects.filter(user=big).count(),
        "tick": tick,
    }


# --- report ---------------------------------------------------------------------------------------


def render(over: dict, limits: dict, *, smoke: bool) -> str:
    load = os.getloadavg()[0]
    return "\n".join(
        [
            "`bench/bench_sync.py` (P8). Setup: own PostgreSQL database and Redis queue; the Exact sandbox under",
            "gunicorn (1 x 8 threads) with 51 extra administrations; development settings with `DEBUG` off.",
            "Overhead: the engine in the benchmark process against a bare `requests` loop POSTing the same",
            "invoices (limits off). Under limits: Exact's minute compressed (60 calls per compressed minute per",
            "administration; the minute as short as 6 s, but long enough that the allowed rate is at most half",
            "of the bare loop's, so the limit and not this machine binds), one Celery worker (threads,",
            "concurrency 8), beat ticking once a compressed minute; the single orders become due at the 4th",
            "tick, mid-drain. 429s counted in the sandbox's access log.",
            "",
            f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{' (smoke size)' if smoke else ''}, "
            f"{os.cpu_count()} CPUs shared with other work, load average {load:.1f} at the end.",
            "",
            "| measure | value | target |",
            "|---|---:|---|",
            f"| engine: {over['orders']:,} orders synced | {over['engine_s']:.1f} s, {over['engine_rate']:.1f} orders/s, "
            f"{over['engine_calls']:,} calls | |",
            f"| bare loop: the same {over['orders']:,} invoice POSTs | {over['bare_s']:.1f} s, {over['bare_rate']:.1f} POSTs/s | |",
            f"| overhead ratio engine / bare | {over['ratio']:.2f} | >= {TARGET_OVERHEAD} |",
            f"| backlog of {limits['backlog']:,} orders drained | {limits['drain_s']:.1f} s in {limits['runs']} runs, "
            f"{limits['orders_per_s']:.1f} orders/s | |",
            f"| calls per second while draining / allowed (60 per {limits['tick']:.1f} s) | "
            f"{limits['calls_per_s']:.2f} / {limits['allowed']:.2f} = {limits['rate_ratio']:.2f} | >= {TARGET_RATE} |",
            f"| {limits['others']} other administrations' single orders: synced / slowest after due | "
            f"{limits['small_synced']} / {limits['small_delay_s']:.1f} s | all, <= one tick ({limits['tick']:.0f} s) |",
            f"| 429 answers | {limits['too_many']} | 0 |",
            f"| worker peak RSS | {limits['rss_mb']:.0f} MB | < {TARGET_RSS_MB} MB |",
        ]
    )


def missed_targets(over: dict, limits: dict) -> list[str]:
    missed = []
    if over["ratio"] < TARGET_OVERHEAD:
        missed.append(f"overhead ratio {over['ratio']:.2f} < {TARGET_OVERHEAD}")
    if limits["left"]:
        missed.append(f"{limits['left']} orders not synced")
    if limits["rate_ratio"] < TARGET_RATE:
        missed.append(f"drain rate {limits['rate_ratio']:.2f} < {TARGET_RATE}")
    if limits["small_synced"] < limits["others"] or limits["small_delay_s"] > limits["tick"]:
        missed.append(f"single orders: {limits['small_synced']} synced, slowest {limits['small_delay_s']:.1f} s")
    if limits["too_many"]:
        missed.append(f"{limits['too_many']} 429s")
    if limits["rss_mb"] >= TARGET_RSS_MB:
        missed.append(f"worker RSS {limits['rss_mb']:.0f} MB")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300, help="orders for the overhead measurement")
    parser.add_argument("--backlog", type=int, default=1000, help="the backlog under limits")
    parser.add_argument("--others", type=int, default=50, help="other administrations with one order each")
    parser.add_argument("--smoke", action="store_true", help="tiny size; docs left alone")
    parser.add_argument("--keep", action="store_true", help="do not drop the benchmark database")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.smoke:
        args.orders, args.backlog, args.others, args.no_docs = 20, 40, 3, True

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/2")
    db_url = recreate_database(base_url, BENCH_DB)
    port = free_port()
    sandbox_url = f"http://127.0.0.1:{port}"
    logs = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    (logs / "bench_sync_settings.py").write_text(SETTINGS.format(first=FIRST_DIVISION, count=args.others + 2))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "bench_sync_settings",
        "PYTHONPATH": os.pathsep.join([str(logs), str(ROOT)]),
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": QUEUE,
        "CACHE_KEY_PREFIX": QUEUE,
        "SITE_URL": sandbox_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "EXACT_CLIENT_ID": "",
        # A run is bounded to well within a (compressed) minute.
        "SYNC_RUN_SECONDS": "5",
    }
    os.environ.update({k: v for k, v in env.items() if k not in ("PYTHONUNBUFFERED", "PYTHONPATH")})
    sys.path.insert(0, str(logs))
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    sandbox = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
            "--access-logfile",
            str(logs / "sandbox-access.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=(logs / "sandbox.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        import django

        django.setup()
        from django.conf import settings

        assert not settings.DEBUG
        wait_http(sandbox_url + "/healthz")
        over = measure_overhead(args.orders, sandbox_url)
        minute_seconds = max(MIN_MINUTE_SECONDS, round(MINUTE_LIMIT / (0.5 * over["bare_rate"]), 1))
        limits = measure_under_limits(
            args.backlog,
            args.others,
            env,
            logs,
            timeout=args.backlog * minute_seconds / MINUTE_LIMIT * 2 + 120,
            minute_seconds=minute_seconds,
        )
    finally:
        stop_process_group(sandbox)
        if not args.keep:
            drop_database(base_url, BENCH_DB)

    markdown = render(over, limits, smoke=args.smoke)
    print(markdown)
    print(f"(logs in {logs})")
    if args.smoke:
        print("smoke run: ran end to end (targets not enforced at this size)")
        return
    if not args.no_docs:
        write_docs_section("Sync engine", markdown)
    missed = missed_targets(over, limits)
    if missed:
        print("missed: " + "; ".join(missed), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
