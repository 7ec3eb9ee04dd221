"""A small real SMTP server for tests: it speaks enough SMTP for Django's SMTP backend
(smtplib) over TCP, keeps every accepted message, and can answer one DATA with a
temporary failure (451), as a relay does when it has a hiccup in the middle of a batch, or
answer slowly (``delay``)."""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Sink:
    messages: list = field(default_factory=list)
    fail_data_number: int | None = None  # answer the n-th DATA (from 1) with 451
    data_seen: int = 0
    delay: float = 0.0  # seconds between taking a message and answering 250 (a slow relay)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def recipients(self) -> list[str]:
        with self.lock:
            return [rcpt for rcpts, _message in self.messages for rcpt in rcpts]


class _Handler(socketserver.StreamRequestHandler):
    sink: Sink

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        try:
            self._converse()
        except OSError:  # the client went away (a killed worker)
            return

    def _converse(self) -> None:
        self._reply("220 sink ESMTP")
        recipients: list[str] = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self._reply("250-sink")
                self._reply("250 8BITMIME")
            elif verb == "HELO" or verb in ("NOOP", "RSET") or verb == "MAIL":
                if verb in ("RSET", "MAIL"):
                    recipients = []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line == b".\r\n":
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                with self.sink.lock:
                    self.sink.data_seen += 1
                    failing = self.sink.data_seen == self.sink.fail_data_number
                    if not failing:
                        message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                        self.sink.messages.append((list(recipients), message))
                if self.sink.delay and not failing:
                    # The relay has the message (and delivers it) but answers late: a client
                    # killed now never learns that it was taken.
                    time.sleep(self.sink.delay)
                self._reply("451 4.3.0 Temporary failure, try again later" if failing else "250 OK queued")
                recipients = []
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start_sink() -> tuple[Sink, _Server]:
    sink = Sink()
    handler = type("Handler", (_Handler,), {"sink": sink})
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return sink, server
