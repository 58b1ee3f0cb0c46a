"""Uploading to the image library: what is accepted, what is refused (storing nothing),
and what is kept of an accepted file."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image as PILImage

from images import services
from images.models import Image, ImageVersion
from tests import factories

WORDS = {
    "alt_text": "Diagram of the median nerve in the wrist",
    "caption": "The carpal tunnel, seen from the palm.",
    "credit": "Illustration: Jane Doe",
    "licence": "CC BY 4.0",
}


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def pixel_bomb_png(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header claims 3.6 gigapixels (decompressing it would take gigabytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def refused(writer, settings, data: bytes, **words) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        services.image_upload(file=factories.upload(data), user=writer, **{**WORDS, **words})
    assert not Image.objects.exists()
    assert not ImageVersion.objects.exists()
    assert stored_files(settings) == []
    return caught.value


def test_an_upload_is_stored_with_renditions_and_without_camera_data(writer, settings):
    image = factories.library_image(writer, data=factories.image_bytes(2000, 1000, exif=True))
    version = image.current_version
    assert (version.number, version.width, version.height, version.format) == (
        1,
        2000,
        1000,
        "JPEG",
    )
    assert [r["width"] for r in version.renditions] == [480, 960, 1600]
    assert all(r["type"] == "image/webp" for r in version.renditions)
    assert version.fallback["width"] == 1600 and version.fallback["type"] == "image/jpeg"
    names = [version.original, version.fallback["name"], *(r["name"] for r in version.renditions)]
    for name in names:
        assert default_storage.exists(name)
        with default_storage.open(name) as handle, PILImage.open(handle) as stored:
            assert not stored.getexif(), f"{name} kept EXIF data"
    assert image.markdown == f"![Diagram of the median nerve in the wrist](image:{image.pk})"


def test_an_upload_without_alt_text_is_refused_and_nothing_is_stored(writer, settings):
    error = refused(writer, settings, factories.image_bytes(), alt_text="   ")
    assert error.message_dict["alt_text"] == [
        "Describe the image for readers who cannot see it (alt text)."
    ]


def test_caption_credit_and_licence_are_required_too(writer, settings):
    error = refused(writer, settings, factories.image_bytes(), caption="", credit="", licence="")
    assert set(error.message_dict) == {"caption", "credit", "licence"}


def test_a_file_that_is_not_an_image_is_refused(writer, settings):
    error = refused(writer, settings, b"%PDF-1.7 this is a pdf, not a picture")
    assert "not an image Vetted can read" in error.message_dict["file"][0]


def test_a_gif_is_refused_naming_the_formats_accepted(writer, settings):
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20)).save(buffer, "GIF")
    error = refused(writer, settings, buffer.getvalue())
    assert error.message_dict["file"] == ["This is a GIF image. Upload a JPEG, PNG or WebP image."]


def test_a_damaged_image_is_refused(writer, settings):
    data = factories.image_bytes(800, 600)
    error = refused(writer, settings, data[: len(data) // 3])
    assert "damaged" in error.message_dict["file"][0]


def test_an_oversized_file_is_refused_with_the_limit(writer, settings):
    settings.VETTED_IMAGE_MAX_BYTES = 100 * 1024
    noise = PILImage.frombytes("RGB", (300, 200), os.urandom(300 * 200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    assert len(buffer.getvalue()) > 150 * 1024
    error = refused(writer, settings, buffer.getvalue())
    assert error.message_dict["file"][0].startswith("The file is 0.2 MB; the limit is 0.1 MB.")


def test_a_pixel_bomb_is_refused_before_it_is_decompressed(writer, settings):
    error = refused(writer, settings, pixel_bomb_png())
    assert "far too many pixels" in error.message_dict["file"][0] or (
        "megapixels; the limit is 25 megapixels" in error.message_dict["file"][0]
    )


def test_an_image_over_the_pixel_cap_is_refused_with_its_size(writer, settings):
    settings.VETTED_IMAGE_MAX_PIXELS = 1_000_000
    error = refused(writer, settings, factories.image_bytes(1500, 1000))
    assert error.message_dict["file"] == [
        "The image is 1,500 × 1,000 pixels (2 megapixels); the limit is 1 megapixels. "
        "Export a smaller copy."
    ]


def test_replacing_the_file_adds_a_version_and_keeps_the_first(writer):
    image = factories.library_image(writer)
    first = image.current_version
    second = services.image_replace(
        image=image, file=factories.upload(factories.image_bytes(640, 480, "PNG")), user=writer
    )
    image.refresh_from_db()
    assert image.current_version == second and second.number == 2
    assert second.fallback["type"] == "image/jpeg"  # an opaque PNG photo still gets a JPEG
    assert default_storage.exists(first.renditions[0]["name"])
    with pytest.raises(TypeError):
        first.save()


def test_a_transparent_png_keeps_its_transparency(writer):
    buffer = io.BytesIO()
    PILImage.new("RGBA", (300, 200), (255, 0, 0, 0)).save(buffer, "PNG")
    image = factories.library_image(writer, data=buffer.getvalue())
    assert image.current_version.fallback["type"] == "image/png"


def test_the_admin_form_says_why_an_upload_is_refused_and_stores_nothing(client, writer, settings):
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_add"),
        {**WORDS, "alt_text": "", "file": factories.upload(b"not an image", "x.png")},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["alt_text"] == ["This field is required."]
    assert "not an image Vetted can read" in errors["file"][0]
    assert not Image.objects.exists() and stored_files(settings) == []


def test_the_admin_form_uploads_an_image(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_add"), {**WORDS, "file": factories.upload()}, follow=True
    )
    assert response.status_code == 200
    image = Image.objects.get()
    assert image.alt_text == WORDS["alt_text"] and image.current_version.number == 1
    assert image.uploaded_by == writer


def test_the_editor_uploads_and_gets_the_markdown_to_insert(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_picker_upload"), {**WORDS, "file": factories.upload()}
    )
    assert response.status_code == 201
    image = Image.objects.get()
    assert response.json()["image"]["markdown"] == f"![{WORDS['alt_text']}](image:{image.pk})"
    listed = client.get(reverse("admin:images_image_picker"), {"q": "median"}).json()
    assert [row["id"] for row in listed["results"]] == [image.pk]


def test_the_editor_upload_answers_each_reason_and_stores_nothing(client, writer, settings):
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_picker_upload"),
        {**WORDS, "alt_text": "", "file": factories.upload(pixel_bomb_png(), "bomb.png")},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"alt_text", "file"}
    assert not Image.objects.exists() and stored_files(settings) == []


def test_a_board_member_may_look_at_the_library_but_not_upload(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:images_image_picker")).status_code == 200
    response = client.post(
        reverse("admin:images_image_picker_upload"), {**WORDS, "file": factories.upload()}
    )
    assert response.status_code == 403


def flat_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(("width", "height"), [(1, 45_000), (45_000, 1)])
def test_an_image_too_long_for_webp_is_refused_naming_the_limit(writer, settings, width, height):
    """Only 45,000 pixels in all, but a side WebP (the renditions' format) cannot hold."""
    error = refused(writer, settings, flat_png(width, height))
    assert error.message_dict["file"] == [
        f"The image is {width:,} × {height:,} pixels; each side may be at most 16,383 pixels "
        "(the WebP limit: the site serves images as WebP). Crop it, or export it in a less "
        "elongated shape."
    ]


@pytest.mark.parametrize(("width", "height"), [(1, 16_383), (16_383, 1)])
def test_an_image_at_the_side_limit_is_accepted_with_renditions(writer, width, height):
    version = factories.library_image(writer, data=flat_png(width, height)).current_version
    assert (version.width, version.height, version.status) == (width, height, "ready")
    assert max(r["height"] for r in version.renditions) <= 16_383
    assert all(default_storage.exists(r["name"]) for r in version.renditions)


def test_the_upload_form_says_an_image_is_too_tall_and_stores_nothing(client, writer, settings):
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_add"),
        {**WORDS, "file": factories.upload(flat_png(1, 45_000), "tall.png")},
    )
    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["file"]
    assert message.startswith("The image is 1 × 45,000 pixels; each side may be at most 16,383")
    assert not Image.objects.exists() and stored_files(settings) == []


def test_replacing_with_a_too_tall_file_is_refused_and_keeps_the_file(writer, settings):
    image = factories.library_image(writer)
    files = stored_files(settings)
    with pytest.raises(ValidationError) as caught:
        services.image_replace(
            image=image, file=factories.upload(flat_png(1, 45_000), "tall.png"), user=writer
        )
    assert "at most 16,383 pixels" in caught.value.message_dict["file"][0]
    image.refresh_from_db()
    assert image.current_version.number == 1 and image.versions.count() == 1
    assert stored_files(settings) == files


def test_an_image_at_the_pixel_cap_is_accepted_and_one_row_more_refused(writer, settings):
    settings.VETTED_IMAGE_MAX_PIXELS = 1_000_000
    error = refused(writer, settings, factories.image_bytes(1000, 1001))
    assert "the limit is 1 megapixels" in error.message_dict["file"][0]
    image = factories.library_image(writer, data=factories.image_bytes(1000, 1000))
    assert (image.current_version.width, image.current_version.height) == (1000, 1000)


def test_by_default_a_24_megapixel_photo_is_accepted_and_a_49_megapixel_one_refused(
    writer, settings
):
    """The default cap (25 MP) takes a 24-megapixel camera's photo as it comes."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # no worker
    error = refused(writer, settings, pixel_bomb_png(7000, 7000))
    assert error.message_dict["file"] == [
        "The image is 7,000 × 7,000 pixels (49 megapixels); the limit is 25 megapixels. "
        "Export a smaller copy."
    ]
    image = factories.library_image(writer, data=factories.image_bytes(6000, 4000))
    (version,) = image.versions.all()
    assert (version.width, version.height, version.status) == (6000, 4000, "processing")
