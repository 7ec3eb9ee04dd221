"""Generated files go through Django's storage API: S3-compatible object storage when
S3_BUCKET is set, the disk only in development or on one machine on purpose (SINGLE_NODE=1);
any other production refuses to start. Against the moto S3 server this session starts."""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.files.base import ContentFile

from portal.tests.test_production_settings import PRODUCTION_ENV, ROOT, manage


def storage_backend(env: dict[str, str]) -> subprocess.CompletedProcess:
    return manage(
        "shell", "-c", "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])", env=env
    )


def without_storage(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.startswith("S3_") and k != "SINGLE_NODE"}


def test_production_without_object_storage_refuses_to_start():
    result = storage_backend(without_storage(PRODUCTION_ENV))
    assert result.returncode != 0
    assert "S3_BUCKET must be set in production" in result.stderr
    assert "SINGLE_NODE=1" in result.stderr


def test_production_on_one_machine_on_purpose_keeps_files_on_disk():
    result = storage_backend({**without_storage(PRODUCTION_ENV), "SINGLE_NODE": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "django.core.files.storage.FileSystemStorage"


def test_production_with_a_bucket_uses_object_storage(s3_server, s3_bucket):
    result = storage_backend({**without_storage(PRODUCTION_ENV), **s3_server.env(s3_bucket)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "storages.backends.s3.S3Storage"


def test_files_saved_through_the_storage_api_land_in_the_bucket(s3_server, s3_bucket, s3_storage):
    name = s3_storage.save("data-exports/proef.zip", ContentFile(b"PK\x03\x04 inhoud"))
    assert name == "data-exports/proef.zip"
    assert s3_storage.exists(name)
    with s3_storage.open(name, "rb") as stored:
        assert stored.read() == b"PK\x03\x04 inhoud"
    # Seen from outside the portal: the object is in the bucket, and private.
    client = s3_server.client()
    assert client.get_object(Bucket=s3_bucket, Key=name)["Body"].read() == b"PK\x03\x04 inhoud"
    grants = client.get_object_acl(Bucket=s3_bucket, Key=name)["Grants"]
    assert all("AllUsers" not in str(grant.get("Grantee", {})) for grant in grants)
    # A second file of the same name never replaces the first.
    second = s3_storage.save("data-exports/proef.zip", ContentFile(b"anders"))
    assert second != name
    assert client.get_object(Bucket=s3_bucket, Key=name)["Body"].read() == b"PK\x03\x04 inhoud"
    s3_storage.delete(name)
    assert not s3_storage.exists(name)


def test_another_process_configured_from_the_environment_reads_what_this_one_wrote(s3_server, s3_bucket, s3_storage):
    s3_storage.save("checkpoints/een.json", ContentFile(b'{"ok": true}'))
    env = {**PRODUCTION_ENV, **s3_server.env(s3_bucket)}
    script = (
        "from django.core.files.storage import default_storage; "
        "print(default_storage.open('checkpoints/een.json').read().decode())"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == '{"ok": true}'
