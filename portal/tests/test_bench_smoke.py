"""The bench_smoke lane: every bench/bench_*.py runs end to end at its tiny size (``--smoke``),
so a model or settings change that breaks a benchmark fails the suite instead of the next
`make bench`. Scripts are found by their name: a new one is in this lane without being listed.

Each script makes its own database (``<name>_smoke_<pid>``, next to DATABASE_URL's) and uses
REDIS_URL (this xdist worker's database) with a queue and key prefix of its own; see
bench/benchdb.py for the contract a script keeps under ``--smoke``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "bench").glob("bench_*.py"))

pytestmark = pytest.mark.bench_smoke


def test_the_benchmarks_are_found():
    names = {script.name for script in SCRIPTS}
    assert {"bench_audit.py", "bench_pages.py", "bench_retention.py", "bench_webhooks.py"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=[script.stem for script in SCRIPTS])
def test_the_benchmark_runs_end_to_end_at_smoke_size(script):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONUNBUFFERED": "1"})
    env.pop("BENCH_DB_SUFFIX", None)
    result = subprocess.run(
        [sys.executable, str(script), "--smoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    tail = (result.stdout[-3000:] + "\n--- stderr ---\n" + result.stderr[-6000:]).strip()
    assert result.returncode == 0, f"{script.name} --smoke exited {result.returncode}:\n{tail}"
    assert "smoke run: ran end to end" in result.stdout, tail
