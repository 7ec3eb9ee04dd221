"""Where generated files live: Django's default storage, configured from the environment.

With ``S3_BUCKET`` set, files go to S3-compatible object storage through django-storages
(``S3_ENDPOINT_URL`` for a store other than AWS, ``S3_REGION``, ``S3_ACCESS_KEY_ID`` /
``S3_SECRET_ACCESS_KEY``; without keys boto3's own chain applies, e.g. an instance role).
Without it the filesystem under ``MEDIA_ROOT`` is used: fine for development, and for a
production that runs on one machine on purpose (``SINGLE_NODE=1``); any other production
refuses to start, because a file one process writes to its own disk is not there for the
process on the next machine (a customer's export link would give 404).
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

from core.env import env_bool, env_int, env_str

logger = logging.getLogger(__name__)

S3_BACKEND = "storages.backends.s3.S3Storage"
CHECKPOINT_S3_BACKEND = "portal.object_storage.LockedS3Storage"
CHECKPOINT_FILESYSTEM_BACKEND = "portal.object_storage.CheckpointFileSystemStorage"
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"


def s3_options(bucket: str) -> dict[str, Any]:
    endpoint = env_str("S3_ENDPOINT_URL")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": env_str("S3_REGION") or None,
        "access_key": env_str("S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
        "default_acl": None,  # the bucket's own (private) policy; nothing is public
        "querystring_auth": True,  # a URL, if one is ever handed out, is signed and expires
        "querystring_expire": 300,
        "file_overwrite": False,  # a second file of the same name gets a new name, never replaces
        "signature_version": "s3v4",
    }
    if endpoint:
        # Stores other than AWS (MinIO, Ceph, moto) seldom have a DNS name per bucket.
        options["addressing_style"] = "path"
    return options


def default_storage(*, production: bool) -> dict[str, Any]:
    bucket = env_str("S3_BUCKET")
    if bucket:
        return {"BACKEND": S3_BACKEND, "OPTIONS": s3_options(bucket)}
    if production and not env_bool("SINGLE_NODE", False):
        raise ImproperlyConfigured(
            "S3_BUCKET must be set in production: generated files (data exports, audit checkpoints) must be "
            "readable from every machine. Set SINGLE_NODE=1 to keep them on this machine's disk on purpose."
        )
    return {"BACKEND": FILESYSTEM_BACKEND}  # under MEDIA_ROOT, read when used (tests move it)


def checkpoint_storage() -> dict[str, Any]:
    """Signed audit checkpoints: a bucket of their own (``S3_CHECKPOINT_BUCKET``, best with
    Object Lock enabled), else the prefix ``audit-checkpoints/`` of ``S3_BUCKET``, else
    ``AUDIT_CHECKPOINT_DIR`` on disk. Each object is locked (COMPLIANCE) for
    ``AUDIT_CHECKPOINT_LOCK_DAYS`` when the bucket has Object Lock: nobody, the portal's own
    key included, can delete or replace that version until then."""
    lock_days = env_int("AUDIT_CHECKPOINT_LOCK_DAYS", 3650, minimum=0)
    bucket = env_str("S3_CHECKPOINT_BUCKET")
    if bucket:
        return {"BACKEND": CHECKPOINT_S3_BACKEND, "OPTIONS": {**s3_options(bucket), "lock_days": lock_days}}
    if env_str("S3_BUCKET"):
        options = {**s3_options(env_str("S3_BUCKET")), "location": "audit-checkpoints", "lock_days": lock_days}
        return {"BACKEND": CHECKPOINT_S3_BACKEND, "OPTIONS": options}
    return {"BACKEND": CHECKPOINT_FILESYSTEM_BACKEND}


class CheckpointFileSystemStorage(FileSystemStorage):
    """Checkpoints on disk (development, SINGLE_NODE): under ``AUDIT_CHECKPOINT_DIR``, read
    when used."""

    @property
    def base_location(self) -> str:
        return str(settings.AUDIT_CHECKPOINT_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class LockedS3Storage(S3Storage):
    """S3 whose objects are written under Object Lock retention (COMPLIANCE mode, ``lock_days``)
    when the bucket has Object Lock enabled; in a bucket without it they are written plainly
    and a warning says so once per process. Never overwrites (``file_overwrite`` False)."""

    def __init__(self, *, lock_days: int = 0, **options: Any) -> None:
        self.lock_days = lock_days
        self._bucket_locks: bool | None = None
        super().__init__(**options)

    def bucket_has_object_lock(self) -> bool:
        if self._bucket_locks is None:
            from botocore.exceptions import ClientError

            try:
                answer = self.connection.meta.client.get_object_lock_configuration(Bucket=self.bucket_name)
                self._bucket_locks = answer.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
            except ClientError:
                self._bucket_locks = False
            if not self._bucket_locks:
                logger.warning("bucket %s has no Object Lock: audit checkpoints are not locked", self.bucket_name)
        return self._bucket_locks

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        parameters = super().get_object_parameters(name)
        if self.lock_days and self.bucket_has_object_lock():
            parameters["ObjectLockMode"] = "COMPLIANCE"
            parameters["ObjectLockRetainUntilDate"] = datetime.now(UTC) + timedelta(days=self.lock_days)
        return parameters
