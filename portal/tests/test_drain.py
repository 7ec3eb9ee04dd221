"""A web node that drains before a graceful shutdown (gunicorn.conf.py) is taken out of the
load balancer's rotation at once: /readyz answers 503 "draining" while the marker exists,
and /healthz (the process is up) stays 200. The rehearsal (test_rehearsal.py) shows the whole
sequence under load."""

from __future__ import annotations

from http import HTTPStatus

import pytest


@pytest.mark.django_db
def test_readyz_says_draining_while_the_marker_exists(client, tmp_path, monkeypatch):
    marker = tmp_path / "draining"
    monkeypatch.setenv("PORTAL_DRAIN_FILE", str(marker))
    assert client.get("/readyz").status_code == HTTPStatus.OK
    marker.touch()
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "draining"}
    assert client.get("/healthz").status_code == HTTPStatus.OK
    marker.unlink()
    assert client.get("/readyz").status_code == HTTPStatus.OK


def test_gunicorn_drains_before_it_closes_its_sockets(monkeypatch):
    import runpy

    from gunicorn.arbiter import Arbiter

    # Reading the config sets variables for gunicorn's processes: not for this one's children.
    for name in ("PROMETHEUS_MULTIPROC_DIR", "PORTAL_DRAIN_FILE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    original = Arbiter.handle_term
    try:
        config = runpy.run_path("gunicorn.conf.py")
        assert config["drain_seconds"] == 5 and config["graceful_timeout"] == 30
        assert Arbiter.handle_term.__name__ == "handle_term_after_draining"
    finally:
        Arbiter.handle_term = original
