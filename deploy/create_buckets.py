"""Create the portal's buckets on the S3-compatible store if they are not there yet
(compose.yaml runs this once before web, worker and beat start): ``S3_BUCKET`` for the files,
and ``S3_CHECKPOINT_BUCKET`` for the audit checkpoints with Object Lock enabled (a bucket gets
Object Lock only when it is created). Reads the same S3_* variables as the portal; boto3
only, no Django. Exit 0 when the buckets exist afterwards."""

from __future__ import annotations

import os
import sys

import boto3
from botocore.exceptions import ClientError


def ensure(client, bucket: str, *, object_lock: bool) -> None:
    try:
        client.head_bucket(Bucket=bucket)
        print(f"bucket {bucket} exists")
        return
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
    region = client.meta.region_name
    options = {} if region in (None, "us-east-1") else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=object_lock, **options)
    print(f"bucket {bucket} created" + (" with Object Lock" if object_lock else ""))


def main() -> int:
    client = boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("S3_REGION") or None,
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
    )
    ensure(client, os.environ["S3_BUCKET"], object_lock=False)
    if os.environ.get("S3_CHECKPOINT_BUCKET"):
        ensure(client, os.environ["S3_CHECKPOINT_BUCKET"], object_lock=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
