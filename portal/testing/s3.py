"""An S3-compatible server for the tests, started on this machine by the test session: moto's
server mode (``ThreadedMotoServer``), reached over HTTP by the real boto3 and django-storages
clients, like the Mollie sandbox at the HTTP boundary.

- ``s3_server`` (session): the running server; ``.endpoint`` is its URL, ``.client()`` a boto3
  client on it, ``.env(bucket)`` the environment variables that point the portal at a bucket
  there (for a subprocess: a worker, gunicorn, ``manage.py``).
- ``s3_bucket`` (function): a new, empty bucket of its own for the test.
- ``s3_storage`` (function): the portal's default storage switched to that bucket (the same
  options the settings build from the environment), returned ready to use.
- ``s3_checkpoint_storage`` (function): the audit checkpoints' storage switched to a bucket of
  their own with Object Lock enabled (``S3_CHECKPOINT_BUCKET``, locked for a day), returned
  with ``.bucket_name``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from portal.testing.web_process import free_port

ACCESS_KEY = "portal-tests"
SECRET_KEY = "portal-tests-secret"
REGION = "eu-west-1"


@dataclass
class S3Server:
    endpoint: str

    def env(self, bucket: str) -> dict[str, str]:
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self, name: str | None = None, *, object_lock: bool = False) -> str:
        name = name or f"portal-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name,
            CreateBucketConfiguration={"LocationConstraint": REGION},
            ObjectLockEnabledForBucket=object_lock,
        )
        return name


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(endpoint=f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server) -> str:
    return s3_server.create_bucket()


@pytest.fixture
def s3_storage(s3_server, s3_bucket, settings, monkeypatch):
    from django.core.files.storage import default_storage

    from portal import object_storage

    for name, value in s3_server.env(s3_bucket).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": object_storage.default_storage(production=True)}
    return default_storage


@pytest.fixture
def s3_checkpoint_storage(s3_server, settings, monkeypatch):
    from django.core.files.storage import storages

    from portal import object_storage

    bucket = s3_server.create_bucket(object_lock=True)
    for name, value in s3_server.env(bucket).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("S3_BUCKET")
    monkeypatch.setenv("S3_CHECKPOINT_BUCKET", bucket)
    monkeypatch.setenv("AUDIT_CHECKPOINT_LOCK_DAYS", "1")
    settings.STORAGES = {**settings.STORAGES, "checkpoints": object_storage.checkpoint_storage()}
    return storages["checkpoints"]
