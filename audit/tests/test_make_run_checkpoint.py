"""`make run` has no beat: it writes a signed audit checkpoint on every start, after the
migrations and demo data and before the server, so `audit verify` has one to check against."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings


def test_make_run_writes_an_audit_checkpoint_before_starting_the_server():
    root = Path(settings.BASE_DIR)
    plan = subprocess.run(
        ["make", "-n", "run"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    commands = [" ".join(line.split("manage.py", 1)[1].split()[:2]) for line in plan if "manage.py" in line]
    assert commands == ["migrate --noinput", "seed_demo", "audit checkpoint", "runserver 127.0.0.1:8000"]
