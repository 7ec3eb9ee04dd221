"""Retention enforcement benchmark (results in docs/benchmarks.md, section "Retention").

In a separate database (``bench_retention``, created and dropped here) it generates N
accounts with set-based SQL (``generate_series``): a fraction of them closed long enough ago
to be due for erasure, some closed recently (not due), the rest open; each with a profile,
an allauth e-mail address and two audit events. Then, in the same run and on the same rows:

1. ``retention.services.enforce(policy="account")``: batched, one transaction per batch,
   disposal records, audit redaction, the ORM's cascades;
2. the same due rows are generated again, and one plain set-based SQL statement per table
   (UPDATE audit events, DELETE e-mail addresses, profiles, users) removes them in one
   transaction: the floor any implementation could reach.

3. the due rows once more, enforced again under tracemalloc (not timed: tracing slows
   Python down) for the peak of Python allocations.

Reported: both times, the throughput ratio (plain / enforce; target >= 0.5), the
tracemalloc peak and the process peak RSS (ru_maxrss after the timed enforcement).

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal \\
        .venv/bin/python bench/bench_retention.py --accounts 1000000 --due 0.10 --due 0.05
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchdb import bench_db_name, drop_database, recreate_database, write_docs_section  # noqa: E402

BENCH_DB = "bench_retention"
TARGET_RATIO = 0.5
TARGET_PEAK_MB = 150


# Accounts with id % every == 0 are due (closed two years ago); id % every == every // 2 are
# closed ten days ago (not due); the rest are open. Each table's rows are generated from
# these SQL expressions per column; every other column of the model gets the field's default
# (``_insert_sql``), so a column added to a model later does not break the generator.
USER_COLUMNS = {
    "id": "g",
    "password": "'md5$bench$0'",
    "username": "'klant' || g",
    "first_name": "'Voornaam' || g",
    "last_name": "'Achternaam' || g",
    "email": "'klant' || g || '@example.com'",
    "is_active": "g %% %(every)s NOT IN (0, %(half)s)",
    "date_joined": "now() - interval '3 years'",
    "closed_at": "CASE WHEN g %% %(every)s = 0 THEN now() - interval '2 years' "
    "WHEN g %% %(every)s = %(half)s THEN now() - interval '10 days' END",
}
PROFILE_COLUMNS = {
    "user_id": "g",
    "full_name": "'Klant ' || g",
    "street": "'Straat ' || g",
    "postal_code": "'5611AB'",
    "city": "'Eindhoven'",
    "phone": "'+3161' || lpad((g %% 10000000)::text, 7, '0')",
    "company_name": "'Bedrijf ' || g",
    "billing_email": "'facturen' || g || '@example.com'",
}
EMAIL_COLUMNS = {"user_id": "g", "email": "'klant' || g || '@example.com'", "verified": "true", "primary": "true"}
# Audit events as the audit app chains them (chain = customer id, seq 1..2 per run of the
# generator); the digests are stand-ins: the benchmark does not verify chains.
AUDIT_COLUMNS = {
    "chain": "g",
    "seq": "%(seq)s + a.n",
    "occurred_at": "now() - interval '2 years'",
    "actor_kind": "'customer'",
    "actor_id": "g",
    "actor_label": "'klant' || g",
    "subject_id": "g",
    "action": "a.action",
    "target_type": "'accounts.profile'",
    "target_id": "g::text",
    "changes": "jsonb_build_object('street', jsonb_build_array(NULL, 'Straat ' || g))::text",
    "fields": "'[\"street\"]'",
    "ip": "'203.0.113.7'",
    "user_agent": "'Firefox/130'",
    "request_id": "'bench'",
    "salt": "md5(g::text)",
    "personal_digest": "md5('p' || g)",
    "digest": "md5('d' || g)",
    "chain_value": "md5('c' || g)",
}
AUDIT_FROM = "CROSS JOIN (VALUES (1, 'auth.login'), (2, 'profile.changed')) AS a(n, action)"


def _insert_sql(model, columns: dict[str, str], extra_from: str = "") -> tuple[str, dict]:
    """INSERT ... SELECT over ``generate_series`` for every concrete column of ``model``:
    the given expression, else the field's default (now() for auto_now fields; a column with
    only a database default is left to the database)."""
    from django.db import connection

    names, values, params = [], [], {}
    for field in model._meta.concrete_fields:
        column = field.column
        if field.primary_key and column not in columns:
            continue  # the sequence's value
        if column not in columns and field.has_db_default() and not field.has_default():
            continue  # the database's own default (db_default)
        names.append(connection.ops.quote_name(column))
        if column in columns:
            values.append(columns[column])
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        else:
            key = f"default_{column}"
            params[key] = field.get_db_prep_save(field.get_default(), connection)
            values.append(f"%({key})s")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) SELECT {', '.join(values)} "
        f"FROM generate_series(1, %(n)s) g {extra_from} WHERE %(where)s"
    )
    return sql, params


def _generate(cursor, *, n: int, every: int, only_due: bool = False, seq: int = 2) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from accounts.models import Profile
    from audit.models import AuditEvent

    where = f"g %% {every} = 0" if only_due else "true"
    # The audit trail is append-only: later generations append events seq+1 and seq+2.
    params = {"n": n, "every": every, "half": every // 2, "seq": seq if only_due else 0}
    for model, columns, extra_from in (
        (get_user_model(), USER_COLUMNS, ""),
        (Profile, PROFILE_COLUMNS, ""),
        (EmailAddress, EMAIL_COLUMNS, ""),
        (AuditEvent, AUDIT_COLUMNS, AUDIT_FROM),
    ):
        sql, defaults = _insert_sql(model, columns, extra_from)
        cursor.execute(sql.replace("%(where)s", where), {**params, **defaults})


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("accounts_user", "accounts_profile", "account_emailaddress", "audit_auditevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")


PLAIN_SQL = [
    "CREATE TEMP TABLE due AS SELECT id FROM accounts_user WHERE closed_at <= %(cutoff)s",
    "SELECT set_config('audit.redaction', 'on', true)",
    "UPDATE audit_auditevent SET ip = NULL, user_agent = '', actor_label = '', salt = '', redacted_at = now(), "
    "changes = '{}' "
    "WHERE chain IN (SELECT id FROM due) AND redacted_at IS NULL",
    "DELETE FROM account_emailaddress WHERE user_id IN (SELECT id FROM due)",
    "DELETE FROM accounts_profile WHERE user_id IN (SELECT id FROM due)",
    "DELETE FROM accounts_user WHERE id IN (SELECT id FROM due)",
    "DROP TABLE due",
]


def run_size(*, n: int, due_fraction: float, batch_size: int) -> dict:
    from django.db import connection, transaction

    from accounts.personal_data import ACCOUNT_PERIOD
    from retention import services

    every = max(2, round(1 / due_fraction))
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE accounts_user, accounts_profile, account_emailaddress, audit_auditevent, "
            "retention_disposalrecord, retention_retentionrun CASCADE"
        )
        started = time.perf_counter()
        _generate(cursor, n=n, every=every)
        generated = time.perf_counter() - started
        cursor.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)", [n + 1])
    _vacuum()
    due = n // every

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = services.enforce(policy="account", batch_size=batch_size, trigger="bench")
    enforce_seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    disposed = result.policies[0].disposed
    assert disposed == due, (disposed, due)

    cutoff = ACCOUNT_PERIOD.cutoff(services.now())
    with connection.cursor() as cursor:
        _generate(cursor, n=n, every=every, only_due=True)
    _vacuum()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in PLAIN_SQL:
            cursor.execute(sql, {"cutoff": cutoff})
    plain_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM accounts_user WHERE closed_at <= %s", [cutoff])
        assert cursor.fetchone()[0] == 0

    # Memory, on the same rows once more (tracemalloc slows Python down, so not timed).
    with connection.cursor() as cursor:
        _generate(cursor, n=n, every=every, only_due=True, seq=4)
    _vacuum()
    tracemalloc.start()
    again = services.enforce(policy="account", batch_size=batch_size, trigger="bench")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert again.policies[0].disposed == due

    return {
        "accounts": n,
        "due": due,
        "generate_s": generated,
        "enforce_s": enforce_seconds,
        "plain_s": plain_seconds,
        "ratio": plain_seconds / enforce_seconds,
        "rows_per_s": due / enforce_seconds,
        "tracemalloc_peak_mb": peak / 1e6,
        "rss_peak_mb": rss_after / 1024,
        "rss_growth_mb": (rss_after - rss_before) / 1024,
        "batches": result.policies[0].batches,
    }


SECTION_INTRO = """`bench/bench_retention.py`: erasure of due accounts by `retention enforce` (policy `account`),
as a ratio to one plain set-based SQL pass over the same rows in the same run (target >= 0.5),
with the Python memory peak (target < 150 MB, and independent of the number of rows).

Setup: its own database `bench_retention` (created, migrated, dropped). N accounts made with
`generate_series`: every k-th closed two years ago (due), every k-th + k/2 closed ten days ago
(not due), the rest open; each with a profile, an allauth e-mail address and two audit events.
Enforcement runs in batches of 5,000 (one transaction each, rows locked, disposal records,
audit redaction, every `on_delete` rule of every relation of the user). Then the same due rows
are generated again and removed by the yardstick: in one transaction, one statement per table
(redact the audit events on the audit trail's redaction path, delete e-mail addresses,
profiles, users). The memory peak is taken (tracemalloc) on a third, untimed, pass over the
same rows; peak RSS is the process's `ru_maxrss`."""


def render(rows: list[dict], batch_size: int) -> str:
    load = os.getloadavg()[0]
    lines = [
        SECTION_INTRO,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, PostgreSQL, batch size {batch_size:,}, "
        f"{os.cpu_count()} CPUs, load average {load:.1f} at the end of the run.",
        "",
        "| accounts | due | enforce (s) | due rows/s | plain SQL (s) | ratio plain/enforce | tracemalloc peak (MB) | peak RSS (MB) | batches |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['accounts']:,} | {r['due']:,} | {r['enforce_s']:.1f} | {r['rows_per_s']:,.0f} | "
            f"{r['plain_s']:.1f} | {r['ratio']:.2f} | {r['tracemalloc_peak_mb']:.1f} | "
            f"{r['rss_peak_mb']:.0f} | {r['batches']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, action="append", help="accounts per size (repeatable)")
    parser.add_argument("--due", type=float, action="append", help="due fraction per size (repeatable)")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="do not drop the benchmark database")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/benchmarks.md alone")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny size, end to end, no target enforced, docs left alone (the suite)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.accounts, args.due, args.batch_size, args.no_docs, args.keep = [200], [0.1], 7, True, False
    sizes_n = args.accounts or [1_000_000]
    sizes_due = args.due or [0.10, 0.05]
    if len(sizes_n) == 1:
        sizes_n = sizes_n * len(sizes_due)
    if len(sizes_due) == 1:
        sizes_due = sizes_due * len(sizes_n)

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    bench_db = bench_db_name(BENCH_DB, smoke=args.smoke)
    os.environ["DATABASE_URL"] = recreate_database(base_url, bench_db)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.pop("REDIS_URL", None)  # eager tasks, local cache: the benchmark measures the database work
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # DJANGO_DEBUG=1 only selects development settings; DEBUG's query log (every SQL text,
    # with its 5,000 ids per batch) would otherwise be measured as the job's memory.
    settings.DEBUG = False

    try:
        call_command("migrate", verbosity=0)
        rows = [
            run_size(n=n, due_fraction=d, batch_size=args.batch_size) for n, d in zip(sizes_n, sizes_due, strict=True)
        ]
    finally:
        if not args.keep:
            drop_database(base_url, bench_db)

    markdown = render(rows, args.batch_size)
    print(markdown)
    if not args.no_docs:
        write_docs_section("Retention", markdown)
    if args.smoke:
        print("smoke run: ran end to end (targets not enforced at this size)")
        return
    missed = [r for r in rows if r["ratio"] < TARGET_RATIO or r["tracemalloc_peak_mb"] >= TARGET_PEAK_MB]
    if missed:
        print(
            f"missed a target (ratio >= {TARGET_RATIO}, peak < {TARGET_PEAK_MB} MB) in {len(missed)} size(s)",
            file=sys.stderr,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
