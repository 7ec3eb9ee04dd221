"""Signed checkpoints in a bucket of their own with Object Lock (the moto S3 server this
session starts): written locked, never overwritten, and a locked checkpoint cannot be deleted
or replaced, not even with the portal's own credentials; `audit verify` reads them there."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile

from audit.checkpoints import create_checkpoint, latest_checkpoint
from audit.events import Action
from audit.services import record
from audit.verification import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(db):
    for subject_id in (51, 52):
        record(Action.AUTH_LOGIN, subject_id=subject_id)
        record(Action.AUTH_LOGOUT, subject_id=subject_id)


def test_a_checkpoint_is_written_to_its_bucket_under_compliance_lock(trail, s3_server, s3_checkpoint_storage):
    checkpoint = create_checkpoint()
    key = str(checkpoint.path)
    assert key.startswith(datetime.now(UTC).strftime("%Y-%m/checkpoint-"))
    client = s3_server.client()
    head = client.head_object(Bucket=s3_checkpoint_storage.bucket_name, Key=key)
    assert head["ObjectLockMode"] == "COMPLIANCE"
    until = head["ObjectLockRetainUntilDate"]
    assert timedelta(hours=23) < until - datetime.now(UTC) <= timedelta(days=1)
    report = verify()
    assert report.ok and report.checkpoint == checkpoint.path.name and report.checkpoint_chains == 2


def test_deleting_a_locked_checkpoint_is_refused_by_the_store(trail, s3_server, s3_checkpoint_storage):
    key = str(create_checkpoint().path)
    client = s3_server.client()
    bucket = s3_checkpoint_storage.bucket_name
    version = client.head_object(Bucket=bucket, Key=key)["VersionId"]
    with pytest.raises(ClientError) as refused:
        client.delete_object(Bucket=bucket, Key=key, VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    assert client.get_object(Bucket=bucket, Key=key, VersionId=version)["Body"].read()


def test_an_overwrite_never_replaces_a_checkpoint(trail, s3_server, s3_checkpoint_storage):
    first = create_checkpoint()
    key = str(first.path)
    bucket = s3_checkpoint_storage.bucket_name
    client = s3_server.client()
    original_version = client.head_object(Bucket=bucket, Key=key)["VersionId"]
    original = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    # Through the portal's storage: the same name gets a new name, the checkpoint stays.
    other = s3_checkpoint_storage.save(key, ContentFile(b'{"forged": true}'))
    assert other != key
    assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == original
    # Straight at the store with the portal's own keys: a new version at most, the locked one
    # stays as it was and cannot be removed.
    client.put_object(Bucket=bucket, Key=key, Body=b'{"forged": true}')
    assert client.get_object(Bucket=bucket, Key=key, VersionId=original_version)["Body"].read() == original
    with pytest.raises(ClientError):
        client.delete_object(Bucket=bucket, Key=key, VersionId=original_version)
    # And the forged newest version does not pass as a checkpoint.
    assert "unreadable" in verify().problem.reason or "signature" in verify().problem.reason


def test_the_newest_checkpoint_is_found_across_months(trail, s3_checkpoint_storage, settings):
    import time_machine

    with time_machine.travel(datetime(2026, 11, 30, 23, 59, tzinfo=UTC), tick=False):
        create_checkpoint()
    record(Action.AUTH_LOGIN, subject_id=53)
    with time_machine.travel(datetime(2026, 12, 1, 0, 1, tzinfo=UTC), tick=False):
        newest = create_checkpoint()
    found = latest_checkpoint()
    assert found.path == newest.path and found.chains[53] == (1, found.chains[53][1])
    assert json.loads(s3_checkpoint_storage.open(str(newest.path)).read())["signature"]


def test_a_bucket_without_object_lock_still_takes_checkpoints_unlocked(trail, s3_server, settings, monkeypatch, caplog):
    from django.core.files.storage import storages

    from portal import object_storage

    bucket = s3_server.create_bucket(object_lock=False)
    for name, value in s3_server.env(bucket).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "checkpoints": object_storage.checkpoint_storage()}
    with caplog.at_level("WARNING", logger="portal.object_storage"):
        key = str(create_checkpoint().path)
    assert "has no Object Lock" in caplog.text
    stored_key = f"audit-checkpoints/{key}"  # the prefix of the files bucket
    head = s3_server.client().head_object(Bucket=bucket, Key=stored_key)
    assert "ObjectLockMode" not in head
    assert storages["checkpoints"].exists(key)
