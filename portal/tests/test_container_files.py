"""The container image and compose file keep to what the README says and what operators
rely on: the compose services run the README's commands, start in a health-gated order and
take secrets from files; the image is multi-stage, runs as a non-root user, collects static
files while it is built and checks /healthz. The entry point's secrets-from-files and the
health check itself are run for real. (What podman/buildah did with them on this machine:
docs/operations.md, "Container image".)"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
PORTAL_SERVICES = ("web", "worker", "beat", "migrate", "buckets")


def readme_commands() -> dict[str, str]:
    """The commands in README "Running it in production", by the process they start."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Running it in production", 1)[1].split("\n## ", 1)[0]
    commands = {}
    for line in section.splitlines():
        if not line.startswith("    "):  # the code block only
            continue
        command = line.split("#", 1)[0].strip()
        if command.startswith("gunicorn "):
            commands["web"] = command
        elif command.startswith("celery ") and " worker " in command:
            commands["worker"] = command
        elif command.startswith("celery ") and " beat " in command:
            commands["beat"] = command
        elif command.startswith("python manage.py migrate"):
            commands["migrate"] = command
    assert set(commands) == {"web", "worker", "beat", "migrate"}, commands
    return commands


def command_of(service: str) -> str:
    command = SERVICES[service]["command"]
    return shlex.join(command) if isinstance(command, list) else command


@pytest.mark.parametrize("process", ["web", "worker", "beat", "migrate"])
def test_each_compose_service_runs_the_command_the_readme_lists(process):
    readme = readme_commands()[process]
    assert command_of(process) == readme or command_of(process).startswith(readme + " "), (command_of(process), readme)


def test_the_compose_file_has_every_process_of_the_deployment():
    assert {"proxy", "web", "worker", "beat", "postgres", "redis", "objectstore", "migrate"} <= set(SERVICES)


def test_every_dependency_waits_for_health_or_completion():
    for name, service in SERVICES.items():
        for dependency, rule in service.get("depends_on", {}).items():
            condition = rule["condition"]
            target = SERVICES[dependency]
            if condition == "service_healthy":
                checked = target.get("healthcheck", {}) or {}
                has_own = bool(checked.get("test")) and not checked.get("disable")
                image_check = target.get("image", "").endswith("exact-koppeling-portal:latest}") and not checked
                assert has_own or image_check, f"{name} waits for {dependency}, which has no health check"
            else:
                assert condition == "service_completed_successfully", (name, dependency, condition)
                assert target.get("restart") == "no", f"{dependency} is a one-shot job"


def test_web_and_workers_start_only_after_the_migrations_and_the_proxy_after_a_healthy_web():
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert SERVICES["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert SERVICES["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    # The proxy shares web's network namespace: gunicorn stays on 127.0.0.1 (gunicorn.conf.py).
    assert SERVICES["proxy"]["network_mode"] == "service:web"


def test_secrets_come_from_files_not_from_the_compose_file():
    environment = SERVICES["web"]["environment"]
    for name in (
        "DJANGO_SECRET_KEY",
        "MFA_ENCRYPTION_KEY",
        "AUDIT_SIGNING_KEY",
        "KOPPELING_TOKEN_KEY",
        "MOLLIE_API_KEY",
    ):
        assert name not in environment
        secret = environment[f"{name}_FILE"]
        assert secret.startswith("/run/secrets/") and Path(secret).name in COMPOSE["secrets"]
    assert "PGPASSWORD_FILE" in environment and "@postgres" in environment["DATABASE_URL"]
    assert ":" not in environment["DATABASE_URL"].split("//", 1)[1].split("@", 1)[0]  # no password in the URL
    for secret in COMPOSE["secrets"].values():
        assert secret["file"].startswith("./secrets/")
    assert "/secrets/" in (ROOT / ".gitignore").read_text()


def dockerfile_stages() -> list[list[str]]:
    stages: list[list[str]] = []
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(line)
    return stages


def test_the_image_is_multi_stage_and_runs_as_a_non_root_user():
    stages = dockerfile_stages()
    assert len(stages) >= 2
    runtime = stages[-1]
    users = [line.split(None, 1)[1] for line in runtime if line.upper().startswith("USER ")]
    assert users, "the runtime stage names no USER"
    user = users[-1].split(":", 1)[0]
    assert user not in ("root", "0"), users
    assert any(line.startswith("COPY --from=build") for line in runtime)
    assert not any("pip install" in line for line in runtime)  # no build tools in the runtime stage


def test_static_files_are_collected_while_the_image_is_built():
    build = dockerfile_stages()[0]
    assert any("manage.py collectstatic --noinput" in line for line in build)
    assert any(line == "COPY --from=build /app /app" for line in dockerfile_stages()[-1])


def test_the_image_checks_healthz():
    runtime = dockerfile_stages()[-1]
    [check] = [line for line in runtime if line.upper().startswith("HEALTHCHECK ")]
    assert "deploy/healthcheck.py" in check
    assert '"/healthz"' in (ROOT / "deploy" / "healthcheck.py").read_text()


def run_entrypoint(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/sh", str(ROOT / "deploy" / "entrypoint.sh"), *command],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_entrypoint_reads_secrets_from_files(tmp_path):
    secret = tmp_path / "django_secret_key"
    secret.write_text("s3cr3t value with spaces\n")
    result = run_entrypoint({"DJANGO_SECRET_KEY_FILE": str(secret), "OTHER": "x"}, "env")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "DJANGO_SECRET_KEY=s3cr3t value with spaces" in lines
    assert not any(line.startswith("DJANGO_SECRET_KEY_FILE=") for line in lines)
    assert "OTHER=x" in lines


def test_the_entrypoint_refuses_a_secret_given_twice_or_unreadable(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("a")
    both = run_entrypoint({"AUDIT_SIGNING_KEY": "b", "AUDIT_SIGNING_KEY_FILE": str(secret)}, "true")
    assert both.returncode == 64 and "both AUDIT_SIGNING_KEY and AUDIT_SIGNING_KEY_FILE" in both.stderr
    missing = run_entrypoint({"AUDIT_SIGNING_KEY_FILE": str(tmp_path / "nope")}, "true")
    assert missing.returncode == 66


@pytest.mark.django_db(transaction=True)
def test_the_health_check_passes_on_a_running_web_process_and_fails_without_one():
    from django.db import connection

    from portal.testing.web_process import free_port, run_gunicorn

    def check(port: int) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "DJANGO_ALLOWED_HOSTS": "portal.example.nl,127.0.0.1",
        }
        return subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    nobody = free_port()
    assert check(nobody).returncode == 1
    with run_gunicorn(
        database_settings=dict(connection.settings_dict),
        workers=1,
        extra_env={"DJANGO_ALLOWED_HOSTS": "portal.example.nl,127.0.0.1"},
    ) as web:
        port = int(re.search(r":(\d+)$", web.url).group(1))
        result = check(port)
        assert result.returncode == 0, result.stderr


def test_health_checks_that_load_the_settings_go_through_the_entrypoint():
    """A health check is not started through the image's entry point, so secrets given as
    NAME_FILE would be missing and the settings would refuse to load (seen with podman)."""
    for name in PORTAL_SERVICES:
        check = SERVICES[name].get("healthcheck") or {}
        test = " ".join(check.get("test", []))
        if "celery" in test or "manage.py" in test:
            assert "/app/deploy/entrypoint.sh" in test, (name, test)


def test_the_bucket_job_makes_the_files_bucket_and_a_locked_checkpoint_bucket(s3_server):
    import uuid

    files, checkpoints = f"files-{uuid.uuid4().hex[:8]}", f"checkpoints-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, **s3_server.env(files), "S3_CHECKPOINT_BUCKET": checkpoints}
    for _ in range(2):  # and again: nothing changes, exit 0
        result = subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "create_buckets.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
    assert f"bucket {checkpoints} exists" in result.stdout
    client = s3_server.client()
    client.head_bucket(Bucket=files)
    lock = client.get_object_lock_configuration(Bucket=checkpoints)["ObjectLockConfiguration"]
    assert lock["ObjectLockEnabled"] == "Enabled"
