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

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_str

S3_BACKEND = "storages.backends.s3.S3Storage"
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
