"""Behind a proxy (TRUSTED_PROXY_COUNT=1), only the proxies in TRUSTED_PROXIES may tell the
portal who the client is. A client that reaches the application server directly and forges
X-Forwarded-For is judged by its own socket address, so it cannot escape the lockout; and
the shipped gunicorn configuration refuses to listen on a public address at all."""

from __future__ import annotations

import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest

from audit.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
PROXY = "10.0.0.1"
ATTACKER = "203.0.113.7"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = [PROXY]


def attempt(client, password, *, peer, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client.post(LOGIN, {"login": "jansen", "password": password}, REMOTE_ADDR=peer, **headers)


@pytest.mark.django_db
def test_a_direct_client_that_forges_forwarded_for_is_still_locked_out(client, customer, password, behind_one_proxy):
    for n in range(5):
        attempt(client, "wrong-password-123", peer=ATTACKER, forwarded=f"192.0.2.{n}")
    response = attempt(client, password, peer=ATTACKER, forwarded="192.0.2.200")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
    ips = set(AuditEvent.objects.filter(action__startswith="auth.lo").values_list("ip", flat=True))
    assert ips == {ATTACKER}


@pytest.mark.django_db
def test_the_trusted_proxy_still_passes_on_the_real_client_address(client, customer, password, behind_one_proxy):
    for _ in range(5):
        attempt(client, "wrong-password-123", peer=PROXY, forwarded=ATTACKER)
    assert attempt(client, password, peer=PROXY, forwarded=ATTACKER).status_code == HTTPStatus.TOO_MANY_REQUESTS
    # Someone else behind the same proxy is not locked out.
    assert attempt(client, password, peer=PROXY, forwarded="198.51.100.4").status_code == HTTPStatus.FOUND


HOSTILE_FORWARDED = [
    "",
    ",,,",
    "not-an-ip",
    "<script>alert(1)</script>",
    "1.2.3.4\x00, 5.6.7.8",
    "９.９.９.９",
    "[::1",
    "999.999.999.999",
    "1.2.3.4:99999",
    "a" * 10_000,
    ", ".join(["192.0.2.1"] * 2_000),
]


@pytest.mark.django_db
@pytest.mark.parametrize("forwarded", HOSTILE_FORWARDED, ids=range(len(HOSTILE_FORWARDED)))
def test_hostile_forwarded_headers_never_break_a_page_and_never_name_the_client(
    client, customer, password, behind_one_proxy, forwarded
):
    for peer in (PROXY, ATTACKER):
        response = attempt(client, "wrong-password-123", peer=peer, forwarded=forwarded)
        assert response.status_code == HTTPStatus.OK
        assert client.get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded).status_code == HTTPStatus.OK
    ips = set(AuditEvent.objects.filter(action="auth.login_failed").values_list("ip", flat=True))
    # Either a real address the proxy appended, or the socket address: never the header's junk.
    assert ips <= {PROXY, ATTACKER, "192.0.2.1", "1.2.3.4", "5.6.7.8"}


def _gunicorn(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            "gunicorn.conf.py",
            *args,
            "portal.wsgi:application",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1", **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_shipped_gunicorn_config_listens_on_localhost_only():
    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    assert namespace["bind"] == ["127.0.0.1:8000"]


@pytest.mark.parametrize("address", ["0.0.0.0:8000", "[::]:8000", "203.0.113.7:8000", "example.com:80"])
def test_gunicorn_refuses_to_listen_on_a_public_address(address):
    from_env = _gunicorn(env={"GUNICORN_BIND": address})
    assert from_env.returncode != 0
    assert f"refusing to bind to {address}" in from_env.stdout + from_env.stderr


def test_gunicorn_refuses_a_public_bind_given_on_the_command_line_too():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:0", "portal.wsgi:application"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "refusing to bind to 0.0.0.0:0" in result.stdout + result.stderr


def test_gunicorn_accepts_localhost_and_a_unix_socket():
    for address in ("127.0.0.1:8001", "unix:/tmp/portal-gunicorn.sock"):
        result = _gunicorn(env={"GUNICORN_BIND": address})
        assert result.returncode == 0, result.stdout + result.stderr
