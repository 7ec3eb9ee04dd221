"""Run every bench/bench_*.py, one after the other, each in its own process (`make bench`).
Arguments are passed on to every script (``run_all.py --smoke``: each at its tiny size).

Each benchmark writes its own section of docs/benchmarks.md. Exits non-zero when any of them
fails (or misses its target, which each script reports through its exit code)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if not scripts:
        print("no bench/bench_*.py found", file=sys.stderr)
        return 1
    failed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], cwd=HERE.parent, check=False)
        print(f"== {script.name}: exit {result.returncode} after {time.perf_counter() - started:.0f} s", flush=True)
        if result.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
