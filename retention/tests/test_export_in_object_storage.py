"""The data export in the object store (the moto S3 server this session starts): built into
the bucket, downloaded from there, removed from there when its seven days are over."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.utils import timezone

from retention import services
from retention.models import DataExport

pytestmark = pytest.mark.django_db


def test_an_export_is_stored_in_the_bucket_served_from_it_and_removed_from_it(
    client, rich_customer, s3_server, s3_bucket, s3_storage, django_capture_on_commit_callbacks
):
    user = rich_customer("jansen")
    start = timezone.now()
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user)
    export.refresh_from_db()
    assert export.status == "ready"
    key = export.file_name
    assert key == f"data-exports/{export.pk}.zip"
    bucket = s3_server.client()
    stored = bucket.get_object(Bucket=s3_bucket, Key=key)["Body"].read()
    assert zipfile.ZipFile(io.BytesIO(stored)).namelist()  # a real ZIP, in the bucket

    client.force_login(user)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        response = client.get(f"/portal/mijn-gegevens/download/{export.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == stored

    with (
        time_machine.travel(start + timedelta(days=8, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.enforce(policy="data_exports")
    assert not DataExport.objects.filter(pk=export.pk).exists()
    assert bucket.list_objects_v2(Bucket=s3_bucket, Prefix="data-exports/").get("KeyCount", 0) == 0


def test_an_export_whose_object_is_gone_answers_gone_not_an_error(
    client, rich_customer, s3_server, s3_bucket, s3_storage, django_capture_on_commit_callbacks
):
    user = rich_customer("jansen")
    with django_capture_on_commit_callbacks(execute=True):
        export = services.export_request(user=user)
    export.refresh_from_db()
    s3_server.client().delete_object(Bucket=s3_bucket, Key=export.file_name)
    client.force_login(user)
    assert client.get(f"/portal/mijn-gegevens/download/{export.pk}/").status_code == HTTPStatus.GONE
