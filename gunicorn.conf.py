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


def on_starting(server) -> None:
    # A --bind on the command line replaces the setting above: check what is really used.
    for address in server.cfg.bind:
        _refuse_public(address)
