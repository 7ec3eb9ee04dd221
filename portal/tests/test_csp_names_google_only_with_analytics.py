"""The Content-Security-Policy names Google's hosts only when GA_MEASUREMENT_ID is set: with
analytics off, no page may load anything from Google."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def csp_of_a_fresh_process(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k != "GA_MEASUREMENT_ID"}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: [str(v) for v in vs] for k, vs in settings.CONTENT_SECURITY_POLICY['DIRECTIVES'].items()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_pages_name_no_google_host_when_analytics_is_off(client, settings):
    assert not settings.GA_MEASUREMENT_ID
    for url in ("/", "/accounts/login/", "/privacy/"):
        header = client.get(url)["Content-Security-Policy"]
        assert "google" not in header.lower(), (url, header)


def test_the_policy_names_google_only_when_a_measurement_id_is_configured():
    without = csp_of_a_fresh_process()
    assert not any("google" in source for sources in without.values() for source in sources)
    with_ga = csp_of_a_fresh_process(GA_MEASUREMENT_ID="G-TEST12345")
    assert "https://www.googletagmanager.com" in with_ga["script-src"]
    assert "https://*.google-analytics.com" in with_ga["connect-src"]
