"""The multi-node rehearsal (issue 18, item 2; docs/operations.md "Multi-node rehearsal").

One PostgreSQL, one Redis, one S3 server; two gunicorn web nodes on 127.0.0.2 and 127.0.0.3
behind a round-robin proxy with health checks, two Celery workers and one beat, each process in
a working directory of its own. It shows:

1. a logged-in customer's requests alternate between the web nodes without noticing;
2. a data export asked for on one web node, built by a worker, downloads from the other node;
3. the worker building it is SIGKILLed in the middle: the other worker finishes it, once;
4. `audit verify` passes on every node against the checkpoints beat wrote;
5. both web nodes restarted one after the other under steady load: zero failed requests
   (SIGTERM: /readyz goes 503, the proxy takes the node out, then the node stops).

The numbers are printed (run with -s) and kept in docs/operations.md."""

from __future__ import annotations

import io
import os
import re
import socket
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from portal.testing.celery_worker import BASE_DIR, _database_url
from portal.testing.fixtures import PASSWORD
from portal.testing.rehearsal import Node, RoundRobinProxy
from portal.testing.rehearsal_keys import BUILDER_KEY
from retention.models import DataExport

pytestmark = [pytest.mark.rehearsal, pytest.mark.django_db(transaction=True), pytest.mark.timeout(900)]

VISIBILITY_TIMEOUT_S = 8
EXPORT_SUBJECT = "Subject: Uw gegevens staan klaar om te downloaden"


def port_on(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")


class Cluster:
    def __init__(self, root: Path, s3_env: dict[str, str]) -> None:
        queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}_rehearsal"
        base = {
            k: v
            for k, v in os.environ.items()
            if k
            not in {"DJANGO_TEST_DB_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE", "PROMETHEUS_MULTIPROC_DIR", "PORTAL_DRAIN_FILE"}
        }
        base.update(
            {
                **s3_env,
                "DATABASE_URL": _database_url(connection.settings_dict),
                "DATABASE_CONN_MAX_AGE": "0",
                "DJANGO_SETTINGS_MODULE": "portal.testing.rehearsal_settings",
                "PYTHONPATH": str(BASE_DIR),
                "PYTHONUNBUFFERED": "1",
                "CELERY_QUEUE": queue,
                "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
                # The proxy's host, and each node's own address for the health checks.
                "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1,127.0.0.2,127.0.0.3",
            }
        )
        self.queue = queue
        self.webs: list[Node] = []
        for number, host in ((1, "127.0.0.2"), (2, "127.0.0.3")):
            address = f"{host}:{port_on(host)}"
            directory = root / f"web{number}"
            self.webs.append(
                Node(
                    name=f"web{number}",
                    command=[
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "-c",
                        str(BASE_DIR / "gunicorn.conf.py"),
                        "portal.wsgi:application",
                    ],
                    directory=directory,
                    address=address,
                    env={
                        **base,
                        "PORTAL_VAR_DIR": str(directory / "var"),
                        "GUNICORN_BIND": address,
                        "GUNICORN_WORKERS": "2",
                        "GUNICORN_DRAIN_SECONDS": "2",
                    },
                )
            )
        self.proxy = RoundRobinProxy(self.webs)
        for node in self.webs:
            node.env["SITE_URL"] = self.proxy.url
        self.workers: list[Node] = []
        for number, host in ((1, "127.0.0.4"), (2, "127.0.0.5")):
            directory = root / f"worker{number}"
            self.workers.append(
                Node(
                    name=f"worker{number}",
                    command=[
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "portal",
                        "--quiet",
                        "worker",
                        "-Q",
                        queue,
                        "-n",
                        f"worker{number}@{host}",
                        "--pool=threads",
                        "--concurrency=2",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel=INFO",
                        "--include=portal.testing.rehearsal_tasks",
                    ],
                    directory=directory,
                    env={**base, "PORTAL_VAR_DIR": str(directory / "var"), "SITE_URL": self.proxy.url},
                )
            )
        directory = root / "beat"
        self.beat = Node(
            name="beat",
            command=[
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "--quiet",
                "beat",
                "--loglevel=INFO",
                "-s",
                str(directory / "var" / "celerybeat-schedule"),
            ],
            directory=directory,
            env={**base, "PORTAL_VAR_DIR": str(directory / "var"), "SITE_URL": self.proxy.url},
        )

    @property
    def nodes(self) -> list[Node]:
        return [*self.webs, *self.workers, self.beat]

    def start(self) -> None:
        from portal.celery import app
        from portal.testing.celery_worker import _purge

        _purge(app, self.queue)
        self.proxy.start()
        for node in self.nodes:
            node.start()
        for node in self.webs:
            node.wait_ready()
            self.proxy.wait_healthy(node.name)
        for node in self.workers:
            wait(
                lambda node=node: app.control.ping(destination=[node.command[node.command.index("-n") + 1]], timeout=1),
                90,
                f"{node.name} answers",
            )

    def stop(self) -> None:
        for node in self.nodes:
            node.terminate(timeout=30)
        self.proxy.stop()


def login(cluster: Cluster, username: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(cluster.proxy.url + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        cluster.proxy.url + "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": username, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302 and "login" not in response.headers["Location"], response.text[:300]
    return browser


def direct(node: Node, cluster: Cluster, browser: requests.Session, method: str, path: str, **kwargs):
    """A request to one web node itself, as the proxy would send it (the proxy's Host)."""
    cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    headers = {"Host": cluster.proxy.host, "Cookie": cookies, "X-Forwarded-For": "127.0.0.1"}
    return requests.request(
        method, f"http://{node.address}{path}", headers=headers, allow_redirects=False, timeout=60, **kwargs
    )


def alternating_requests(cluster: Cluster, browser: requests.Session) -> dict[str, object]:
    numbers: dict[str, object] = {}
    # 1. The customer's requests alternate between the nodes, logged in on both.
    served = []
    for _ in range(10):
        response = browser.get(cluster.proxy.url + "/portal/", allow_redirects=False, timeout=30)
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"))
        served.append(response.headers["X-Served-By"])
    assert set(served) == {"web1", "web2"}
    assert all(a != b for a, b in itertools_pairs(served)), served
    numbers["customer requests (alternating)"] = len(served)

    return numbers


def export_with_a_killed_worker(
    cluster: Cluster, browser: requests.Session, customer, s3_server, s3_bucket
) -> dict[str, object]:
    numbers: dict[str, object] = {}
    web1, web2 = cluster.webs
    broker = redis.Redis.from_url(settings.REDIS_URL)
    # 2 and 3. The export asked for on web1; the worker building it is killed mid-build.
    response = direct(web1, cluster, browser, "GET", "/portal/mijn-gegevens/")
    assert response.status_code == 200
    token = browser.cookies.get(settings.CSRF_COOKIE_NAME)
    response = direct(
        web1, cluster, browser, "POST", "/portal/mijn-gegevens/download/", data={"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, response.text[:300]
    export_id = re.search(r"/download/([0-9a-f-]{36})/status/", response.headers["Location"]).group(1)
    first = wait(lambda: broker.lindex(BUILDER_KEY, 0), 60, "a worker started the export").decode()
    doomed = next(w for w in cluster.workers if first.endswith(f":{w.pid}"))
    doomed.kill()
    killed_at = time.monotonic()
    export = wait(
        lambda: DataExport.objects.filter(pk=export_id, status="ready").first(),
        VISIBILITY_TIMEOUT_S + 60,
        "the other worker finished the export",
    )
    numbers["export finished after the kill (s)"] = round(time.monotonic() - killed_at, 1)
    builders = [b.decode() for b in broker.lrange(BUILDER_KEY, 0, -1)]
    survivor = next(w for w in cluster.workers if w is not doomed)
    assert builders[-1].endswith(f":{survivor.pid}")
    response = direct(web2, cluster, browser, "GET", f"/portal/mijn-gegevens/download/{export_id}/")
    assert response.status_code == 200, response.status_code
    assert "overzicht.html" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    time.sleep(2)  # the "ready" mail task runs after the export's commit
    mails = sum(w.log_text().count(EXPORT_SUBJECT) for w in cluster.workers)
    stored = s3_server.client().list_objects_v2(Bucket=s3_bucket, Prefix="data-exports/").get("Contents", [])
    assert DataExport.objects.filter(user=customer).count() == 1 and export.file_name
    assert mails == 1 and len(stored) == 1
    numbers["exports"] = DataExport.objects.filter(status="ready").count()
    numbers["export duplicates (mails, files)"] = (mails - 1, len(stored) - 1)
    doomed.start()  # back to two workers

    return numbers


def audit_verify_on_every_node(cluster: Cluster, s3_server, s3_bucket) -> dict[str, object]:
    numbers: dict[str, object] = {}

    # 4. audit verify on every node against the checkpoints beat wrote.
    def checkpoints() -> list[str]:
        listed = s3_server.client().list_objects_v2(Bucket=s3_bucket, Prefix="audit-checkpoints/")
        return [item["Key"] for item in listed.get("Contents", [])]

    before = len(checkpoints())
    wait(lambda: len(checkpoints()) > before, 60, "beat's next checkpoint")
    verified = 0
    for node in cluster.nodes:
        done = node.manage("audit", "verify")
        assert done.returncode == 0, (node.name, done.stdout, done.stderr)
        assert "audit trail intact" in done.stdout and "checkpoint checkpoint-" in done.stdout, done.stdout
        verified += 1
    numbers["nodes where audit verify passed"] = verified
    numbers["checkpoints beat wrote"] = len(checkpoints())

    return numbers


def rolling_restart_under_load(cluster: Cluster, browser: requests.Session) -> dict[str, object]:
    numbers: dict[str, object] = {}
    web1, web2 = cluster.webs
    # 5. Rolling restart of both web nodes under steady load.
    stop = threading.Event()
    counts = {"requests": 0, "failures": 0}
    lock = threading.Lock()

    def load() -> None:
        session = requests.Session()
        session.cookies.update(browser.cookies)
        while not stop.is_set():
            try:
                response = session.get(cluster.proxy.url + "/portal/", allow_redirects=False, timeout=60)
                failed = response.status_code != 200
            except requests.RequestException:
                failed = True
            with lock:
                counts["requests"] += 1
                counts["failures"] += failed

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    restarts = []
    for node in cluster.webs:
        took = node.terminate()
        assert node.process.returncode == 0, node.log_text()[-2000:]
        node.start()
        node.wait_ready()
        cluster.proxy.wait_healthy(node.name)
        restarts.append(round(took, 1))
        time.sleep(1)
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert "draining" in web1.log_text() and "draining" in web2.log_text()
    numbers["requests under rolling restart"] = counts["requests"]
    numbers["failed requests"] = counts["failures"]
    numbers["web node stop times (s)"] = restarts
    numbers["proxy: requests / 5xx or lost / refused and re-sent"] = (
        cluster.proxy.stats.requests,
        cluster.proxy.stats.failures,
        cluster.proxy.stats.retried,
    )
    assert counts["failures"] == 0 and cluster.proxy.stats.failures == 0
    assert counts["requests"] > 20
    return numbers


def test_two_web_nodes_two_workers_and_beat_behave_as_one_portal(make_user, s3_server, s3_bucket, tmp_path, capsys):
    customer = make_user("rehearsal")
    # The nodes hash as production does (the tests' fast MD5 hasher is this process's only).
    hasher = PBKDF2PasswordHasher()
    customer.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    customer.save(update_fields=["password"])
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.delete(BUILDER_KEY)
    cluster = Cluster(tmp_path, s3_server.env(s3_bucket))
    numbers: dict[str, object] = {}
    try:
        cluster.start()

        browser = login(cluster, customer.username)
        numbers.update(alternating_requests(cluster, browser))
        numbers.update(export_with_a_killed_worker(cluster, browser, customer, s3_server, s3_bucket))
        numbers.update(audit_verify_on_every_node(cluster, s3_server, s3_bucket))
        numbers.update(rolling_restart_under_load(cluster, browser))
    finally:
        cluster.stop()
    with capsys.disabled():
        print("\nmulti-node rehearsal:")
        for key, value in numbers.items():
            print(f"  {key}: {value}")


def itertools_pairs(items: list[str]):
    return zip(items, items[1:], strict=False)
