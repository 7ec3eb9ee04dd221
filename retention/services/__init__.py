"""Every change retention makes, one module per concern, importing in one direction:

    enforcement (disposing of what is past its period; the run and its heartbeat)
    holds       (legal holds)
    exports     (the customer's data export and the export for ops)

Reads are in :mod:`retention.selectors`; the clock and the refusal are in
:mod:`retention.base`. Tasks (:mod:`retention.tasks`) call these services and are queued by
name (:func:`core.on_commit.after_commit`). Import from ``retention.services``.
"""

from __future__ import annotations

from retention.base import RetentionError, RunInProgress, now
from retention.services.enforcement import (
    DEFAULT_BATCH_SIZE,
    HEARTBEAT,
    MAX_RUN_AGE,
    PolicyResult,
    RunResult,
    check_heartbeat,
    enforce,
    heartbeat,
)
from retention.services.exports import (
    BUILD_EXPORT,
    export_build,
    export_downloaded,
    export_failed,
    export_for_ops,
    export_request,
)
from retention.services.holds import hold_add, hold_release

__all__ = [
    "BUILD_EXPORT",
    "DEFAULT_BATCH_SIZE",
    "HEARTBEAT",
    "MAX_RUN_AGE",
    "PolicyResult",
    "RetentionError",
    "RunInProgress",
    "RunResult",
    "check_heartbeat",
    "enforce",
    "export_build",
    "export_downloaded",
    "export_failed",
    "export_for_ops",
    "export_request",
    "heartbeat",
    "hold_add",
    "hold_release",
    "now",
]
