"""gunicorn's settings for the web tier (read automatically from the working directory).

The portal sits behind a TLS-terminating reverse proxy on the same host. gunicorn listens on
the loopback interface only (or a unix socket), so nobody can reach it without the proxy, and
the proxy is the only peer whose X-Forwarded-For the portal reads (``TRUSTED_PROXIES``,
checked in ``core/client_ip.py``). ``GUNICORN_BIND`` (or ``--bind``) overrides the address, e.g.
``unix:/run/portal/gunicorn.sock``; a public address is refused at start-up.
"""

from __future__ import annotations

import ipaddress
import os
import tempfile
import time
from pathlib import Path

from gunicorn.arbiter import Arbiter

from portal.observability.logs import logging_config

_bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")


def _refuse_public(address: str) -> None:
    if address.startswith("unix:") or address.startswith("fd://"):
        return
    host = address.rsplit(":", 1)[0].strip("[]") if ":" in address else address
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(
            f"gunicorn.conf.py: refusing to bind to {address}: bind to 127.0.0.1 or a unix socket behind the proxy."
        )


_refuse_public(_bind)
bind = [_bind]
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = 30
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1")


# gunicorn's own lines ("Booting worker", timeouts) in the portal's log format: one JSON
# object per line in production (portal/observability/logs.py; LOG_FORMAT as in settings).
# No access log: the portal logs each request itself, with its id and route, not its path.
_debug = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
_log_format = os.environ.get("LOG_FORMAT") or ("plain" if _debug else "json")
logconfig_dict = logging_config(json=_log_format == "json", level=os.environ.get("LOG_LEVEL", "INFO").upper())

# Request metrics of all workers in one scrape: prometheus_client's multiprocess mode, each
# worker writing its own files in this directory (docs/operations.md, "Metrics"). Set before
# the workers import the application; emptied when gunicorn starts.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="portal-metrics-"))

# Graceful shutdown, readiness first. On SIGTERM this node first answers /readyz with 503
# ("draining") for GUNICORN_DRAIN_SECONDS while it goes on serving, so the proxy's health
# check takes it out of rotation; only then does gunicorn close its sockets and let each worker
# finish the request in hand (graceful_timeout). Without the pause, requests the proxy sent in
# the meantime would meet a closed socket. The marker is a file the workers inherit the name
# of (PORTAL_DRAIN_FILE); portal.views.readyz looks for it. A container's stop timeout must
# exceed the drain plus graceful_timeout.
drain_seconds = float(os.environ.get("GUNICORN_DRAIN_SECONDS", "5"))
graceful_timeout = 30
os.environ.setdefault("PORTAL_DRAIN_FILE", str(Path(tempfile.mkdtemp(prefix="portal-drain-")) / "draining"))


def _drain_first(handle_term):
    def handle_term_after_draining(arbiter) -> None:
        marker = Path(os.environ["PORTAL_DRAIN_FILE"])
        if drain_seconds > 0 and not marker.exists():
            marker.touch()
            arbiter.log.info("draining: /readyz answers 503 for %.1f s before the sockets close", drain_seconds)
            time.sleep(drain_seconds)  # the workers go on serving meanwhile
        handle_term(arbiter)

    return handle_term_after_draining


# gunicorn has no hook between SIGTERM and closing its sockets: the arbiter's handler is wrapped.
Arbiter.handle_term = _drain_first(Arbiter.handle_term)


def on_starting(server) -> None:
    # A --bind on the command line replaces the setting above: check what is really used.
    for address in server.cfg.bind:
        _refuse_public(address)
    metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in metrics_dir.glob("*.db"):  # left by an earlier run: its counts are not ours
        stale.unlink()
    Path(os.environ["PORTAL_DRAIN_FILE"]).unlink(missing_ok=True)  # a new start is not draining


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
