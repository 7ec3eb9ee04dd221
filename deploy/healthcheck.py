"""The image's HEALTHCHECK: GET /healthz on the gunicorn inside this container.

gunicorn listens on 127.0.0.1 only (gunicorn.conf.py), and in production Django redirects
plain HTTP to HTTPS and refuses unknown host names; so the check speaks as the proxy would:
the first of DJANGO_ALLOWED_HOSTS as Host and ``X-Forwarded-Proto: https`` (127.0.0.1 is a
trusted proxy in the image's setup). Exit 0 when /healthz answers 200 within 4 seconds.
Standard library only: it runs every 30 seconds.
"""

from __future__ import annotations

import http.client
import os
import sys


def main() -> int:
    bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
    host, _, port = bind.rpartition(":")
    allowed = [h.strip().lstrip(".") for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()]
    connection = http.client.HTTPConnection(host.strip("[]") or "127.0.0.1", int(port or 8000), timeout=4)
    try:
        connection.request(
            "GET", "/healthz", headers={"Host": allowed[0] if allowed else "localhost", "X-Forwarded-Proto": "https"}
        )
        status = connection.getresponse().status
    except OSError as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"healthcheck: /healthz answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
