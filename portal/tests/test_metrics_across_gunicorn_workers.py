"""Under gunicorn, several worker processes answer requests; one scrape must still count
all of them (prometheus_client's multiprocess mode, set up by gunicorn.conf.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection
from prometheus_client.parser import text_string_to_metric_families

from portal.testing.web_process import run_gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 40


def healthz_count(url: str) -> float:
    text = requests.get(url + "/metrics", timeout=10).text
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "django_http_requests_total_by_view_transport_method_total":
                if sample.labels.get("view") == "healthz":
                    total += sample.value
    return total


def test_one_scrape_counts_the_requests_of_every_gunicorn_worker(tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"")  # left by an earlier run: removed at start
    with run_gunicorn(
        database_settings=dict(connection.settings_dict),
        extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "GUNICORN_WORKERS": "2"},
        workers=2,
    ) as web:
        start = healthz_count(web.url)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(
                pool.map(lambda _: requests.get(web.url + "/healthz", timeout=10).status_code, range(REQUESTS))
            )
        assert statuses == [200] * REQUESTS
        # Whichever worker answers the scrape, it reports all of them.
        for _ in range(6):
            assert healthz_count(web.url) == start + REQUESTS
        worker_files = {p.name for p in metrics_dir.glob("counter_*.db")}
        assert "counter_999999.db" not in worker_files
        assert len(worker_files) >= 2, worker_files  # both workers counted requests
