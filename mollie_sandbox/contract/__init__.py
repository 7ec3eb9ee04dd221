"""Mollie's published description of its v2 API, as the contract the sandbox is checked
against: the response models of Mollie's own SDK generated from its OpenAPI document
(``mollie-api-py``, pinned in ``requirements-contract.txt``).

That SDK's top-level package is ``mollie``, like the mollie-api-python client the portal
uses, so the two never share an environment: the SDK lives in a virtualenv of its own
(``.venv-mollie-contract/``, created on first use from PyPI), and the bodies to check are
handed to ``check_shapes.py`` running there. When the contract cannot be loaded, the check
raises: a contract test fails, it never skips.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REQUIREMENTS = Path(settings.BASE_DIR) / "requirements-contract.txt"
ENVIRONMENT = Path(settings.BASE_DIR) / ".venv-mollie-contract"
CHECKER = Path(__file__).with_name("check_shapes.py")


class ContractUnavailable(RuntimeError):
    """The SDK that describes Mollie's API could not be installed or loaded."""


def _python() -> Path:
    return ENVIRONMENT / "bin" / "python"


def ensure_environment() -> Path:
    """The contract virtualenv's Python, (re)built when the pinned requirements changed."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    marker = ENVIRONMENT / ".requirements-sha256"
    if marker.exists() and marker.read_text().strip() == wanted and _python().exists():
        return _python()
    steps = (
        [sys.executable, "-m", "venv", "--clear", str(ENVIRONMENT)],
        [str(_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
    )
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
        if result.returncode != 0:
            raise ContractUnavailable(f"{' '.join(step)} failed:\n{result.stdout}{result.stderr}")
    marker.write_text(wanted)
    return _python()


def check(cases: list[dict]) -> dict[str, list[str]]:
    """``cases``: ``{"name", "model", "body"}`` each (``model``: a class in
    ``mollie.models``). Returns the problems per name (an empty list: the body fits)."""
    result = subprocess.run(  # noqa: S603
        [str(ensure_environment()), str(CHECKER)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        raise ContractUnavailable(f"the contract check did not answer:\n{result.stdout}{result.stderr}") from None
    if result.returncode != 0 or "problems" not in answer:
        raise ContractUnavailable(f"the contract could not be loaded: {answer.get('error')}\n{result.stderr}")
    return answer["problems"]
