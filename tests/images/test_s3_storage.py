"""The image library on an S3-compatible object store (django-storages), against moto's S3
emulator in server mode, started here on a free local port: the files are written to the
bucket, and served from it through the site's own /media/ path."""

from __future__ import annotations

import socket

import boto3
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from images.models import Image
from tests import factories

pytestmark = pytest.mark.django_db
BUCKET = "vetted-media-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings, monkeypatch):
    """STORAGES["default"] as config/settings.py sets it for MEDIA_STORAGE=s3."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "location": "media",
                "default_acl": None,
                "querystring_auth": True,
            },
        },
    }
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_renditions_are_stored_in_the_bucket(s3, writer):
    assert isinstance(default_storage, S3Storage)
    image = factories.library_image(writer, data=factories.image_bytes(1200, 800))
    version = image.current_version
    expected = {
        f"media/{name}"
        for name in [version.original, version.fallback["name"]]
        + [r["name"] for r in version.renditions]
    }
    assert _keys(s3) == expected
    stored = s3.get_object(Bucket=BUCKET, Key=f"media/{version.renditions[0]['name']}")
    assert stored["Body"].read()[:4] == b"RIFF"  # WebP


def test_renditions_are_served_same_origin_from_the_bucket(s3, client, writer):
    image = factories.library_image(writer)
    name = image.current_version.renditions[-1]["name"]
    client.force_login(writer)
    response = client.get(reverse("images:file", kwargs={"name": name}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    body = b"".join(response.streaming_content)
    assert body == s3.get_object(Bucket=BUCKET, Key=f"media/{name}")["Body"].read()


def test_a_refused_upload_puts_nothing_in_the_bucket(s3, client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_picker_upload"),
        {"alt_text": "", "caption": "c", "credit": "c", "licence": "c",
         "file": factories.upload(b"GIF89a not really")},
    )  # fmt: skip
    assert response.status_code == 400
    assert _keys(s3) == set()
    assert not Image.objects.exists()


def test_a_file_missing_from_the_bucket_is_not_found(s3, client, writer):
    client.force_login(writer)
    missing = "images/" + "0" * 64 + "/w480.webp"
    assert client.get(reverse("images:file", kwargs={"name": missing})).status_code == 404
