"""The multi-node rehearsal's machinery (portal/tests/test_rehearsal.py, docs/operations.md
"Multi-node rehearsal"): nodes on loopback addresses with a working directory each, and a
small round-robin proxy with health checks in front of the web nodes.

- ``Node``: one process of the deployment (gunicorn, a Celery worker, beat) started from its
  own working directory ``<root>/<name>`` (``PORTAL_VAR_DIR`` inside it), with the code on
  ``PYTHONPATH``: nothing is shared through a disk. Web nodes listen on their own loopback
  address (127.0.0.2, 127.0.0.3, ...); workers take their address as node name.
- ``RoundRobinProxy``: an HTTP proxy on 127.0.0.1 that sends each request to the next web node
  whose ``/readyz`` answered 200 at its last health check (every ``interval`` seconds), adds
  ``X-Served-By: <node>`` to the answer and appends the client to ``X-Forwarded-For``. A node
  that refuses the connection is taken out at once and the request goes to the next one
  (nothing was sent, so this is safe for a POST too). It counts what it forwarded.
"""

from __future__ import annotations

import http.client
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from portal.testing.celery_worker import BASE_DIR

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


@dataclass
class Node:
    name: str
    command: list[str]
    directory: Path
    env: dict[str, str]
    address: str = ""  # host:port of a web node
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def log_path(self) -> Path:
        return self.directory / f"{self.name}.log"

    def start(self) -> Node:
        (self.directory / "var").mkdir(parents=True, exist_ok=True)
        self.starts += 1
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.directory,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{self.address}/readyz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if not self.alive():
                raise AssertionError(f"{self.name} exited.\n{self.log_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} not ready within {timeout}s.\n{self.log_text()[-3000:]}")
            time.sleep(0.2)

    def terminate(self, timeout: float = 60) -> float:
        """SIGTERM to the main process (gunicorn drains, Celery finishes its task); seconds it took."""
        started = time.monotonic()
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        return time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL to the whole process group: no warm shutdown, nothing given back."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def manage(self, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
        """``manage.py`` run on this node: its working directory and environment."""
        return subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), *args],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )


@dataclass
class ProxyStats:
    requests: int = 0
    failures: int = 0  # answered 5xx, or no node could take it
    retried: int = 0  # a node refused the connection; sent to the next
    per_node: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class RoundRobinProxy:
    def __init__(self, nodes: list[Node], *, interval: float = 0.25) -> None:
        self.nodes = nodes
        self.interval = interval
        self.healthy: dict[str, bool] = {node.name: False for node in nodes}
        self.stats = ProxyStats()
        self._turn = itertools.count()
        self._stop = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.forward(self, body)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.host = f"127.0.0.1:{self.server.server_address[1]}"

    # -- health checks -------------------------------------------------------------------

    def _check(self) -> None:
        while not self._stop.is_set():
            for node in self.nodes:
                self.healthy[node.name] = node.ready()
            self._stop.wait(self.interval)

    def start(self) -> RoundRobinProxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        threading.Thread(target=self._check, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()

    def wait_healthy(self, name: str, healthy: bool = True, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while self.healthy.get(name) != healthy:
            if time.monotonic() > deadline:
                raise AssertionError(f"the proxy did not see {name} {'up' if healthy else 'down'} in {timeout}s")
            time.sleep(0.05)

    # -- forwarding ----------------------------------------------------------------------

    def _candidates(self) -> list[Node]:
        up = [node for node in self.nodes if self.healthy.get(node.name)]
        if not up:
            return []
        start = next(self._turn) % len(up)
        return up[start:] + up[:start]

    def forward(self, handler: BaseHTTPRequestHandler, body: bytes | None) -> None:
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        client = handler.client_address[0]
        forwarded = headers.pop("X-Forwarded-For", None)
        headers["X-Forwarded-For"] = f"{forwarded}, {client}" if forwarded else client
        headers["X-Forwarded-Proto"] = "http"
        if body is not None:
            headers["Content-Length"] = str(len(body))
        with self.stats.lock:
            self.stats.requests += 1
        for node in self._candidates():
            host, port = node.address.rsplit(":", 1)
            connection = http.client.HTTPConnection(host, int(port), timeout=60)
            try:
                connection.connect()
            except OSError:  # refused: nothing was sent, the next node takes it
                self.healthy[node.name] = False
                with self.stats.lock:
                    self.stats.retried += 1
                continue
            try:
                connection.request(handler.command, handler.path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except OSError:
                connection.close()
                break  # sent, and lost: not safe to repeat; counted as a failure below
            connection.close()
            with self.stats.lock:
                self.stats.per_node[node.name] = self.stats.per_node.get(node.name, 0) + 1
                if response.status >= 500:
                    self.stats.failures += 1
            handler.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    handler.send_header(key, value)
            handler.send_header("X-Served-By", node.name)
            handler.send_header("Content-Length", str(len(content)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(content)
            return
        with self.stats.lock:
            self.stats.failures += 1
        handler.send_response(502, "No node")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
