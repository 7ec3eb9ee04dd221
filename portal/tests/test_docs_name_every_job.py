"""The README is what an operator reads to know what beat runs: every scheduled job must be
in it, by its name in CELERY_BEAT_SCHEDULE and with its task."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"


def test_every_scheduled_job_is_named_in_the_readme():
    text = README.read_text(encoding="utf-8")
    named = set(re.findall(r"^\s*\| `([a-z0-9-]+)` \|", text, flags=re.MULTILINE))
    missing = sorted(set(settings.CELERY_BEAT_SCHEDULE) - named)
    assert not missing, f"README.md's table of scheduled jobs does not name: {missing}"
    assert len(settings.CELERY_BEAT_SCHEDULE) >= 7
