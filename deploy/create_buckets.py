"""Create the portal's bucket on the S3-compatible store if it is not there yet (compose.yaml
runs this once before web, worker and beat start). Reads the same S3_* variables as the
portal; boto3 only, no Django. Exit 0 when the bucket exists afterwards."""

from __future__ import annotations

import os
import sys

import boto3
from botocore.exceptions import ClientError


def main() -> int:
    bucket = os.environ["S3_BUCKET"]
    client = boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("S3_REGION") or None,
        aws_access_key_id=os.environ.get("S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("S3_SECRET_ACCESS_KEY") or None,
    )
    try:
        client.head_bucket(Bucket=bucket)
        print(f"bucket {bucket} exists")
        return 0
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket", "NotFound"):
            raise
    region = client.meta.region_name
    options = {} if region in (None, "us-east-1") else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    client.create_bucket(Bucket=bucket, **options)
    print(f"bucket {bucket} created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
