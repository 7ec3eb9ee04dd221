"""Loaded into the rehearsal's workers (``--include``): a personal-data category whose export
takes a few seconds and first says which worker process builds it (a Redis key), so the
rehearsal can SIGKILL exactly that worker in the middle of a data export. Only the workers
load it: imported into the test process, its category would join the register there."""

from __future__ import annotations

import os
import socket
import time

from portal.testing.rehearsal_keys import BUILDER_KEY
from register.registry import Category, EndAction, LegalBasis, Period, register

PAUSE_S = 4.0


def _slow_export(user) -> dict:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).rpush(BUILDER_KEY, f"{socket.gethostname()}:{os.getpid()}")
    time.sleep(PAUSE_S)
    return {"note": "rehearsal"}


register(
    Category(
        name="rehearsal_pause",
        verbose_name="rehearsal",
        purpose="rehearsal",
        legal_basis=LegalBasis.CONTRACT,
        clock_start="rehearsal",
        period=Period(days=1),
        end_action=EndAction.DELETE,
        export=_slow_export,
        order=1,
        app_label="portal",
    )
)
