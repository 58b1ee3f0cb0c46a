"""An upload's files are made by a task (images.tasks), not in the writer's request.

With the database backend (production's) the upload answers once the file is checked and
kept; a worker makes the renditions. Until then the image is "processing": no page links
a file of it, and a replacement leaves the current file in place. The immediate backend
(the rest of this suite) makes the files before the upload returns.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import markdown
from images import processing, services, storage, tasks
from images.models import ImageVersion
from tests import factories
from tests.reviews.test_tasks import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    """The database backend: tasks wait in the database for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def processed(monkeypatch) -> list[int]:
    """Counts the images decoded and resized into renditions (processing.process calls)."""
    calls: list[int] = []
    real = processing.process

    def counting(data: bytes) -> processing.Processed:
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(processing, "process", counting)
    return calls


def _run(version: ImageVersion) -> str:
    """What the worker does with the version's queued task."""
    return tasks.make_renditions.call(version_id=version.pk)


def _source(version: ImageVersion) -> str:
    return storage.source_name(version.sha256, version.pk)


@pytest.mark.django_db(transaction=True)
def test_an_upload_answers_before_its_renditions_are_made_and_a_worker_makes_them(
    client, queued, processed
):
    writer = factories.writer()
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_picker_upload"),
        {
            "alt_text": "Diagram of the median nerve",
            "caption": "The carpal tunnel.",
            "credit": "Illustration: Jane Doe",
            "licence": "CC BY 4.0",
            "file": factories.upload(factories.image_bytes(2000, 1000)),
        },
    )
    assert response.status_code == 201
    assert response.json()["image"]["processing"] is True
    assert processed == []  # the request decoded nothing into renditions
    (version,) = ImageVersion.objects.all()
    assert version.status == ImageVersion.Status.PROCESSING
    assert version.image.current_version is None
    assert default_storage.exists(_source(version))
    assert DBTaskResult.objects.get().task_path == "images.tasks.make_renditions"

    run_worker()

    assert len(processed) == 1
    version.refresh_from_db()
    assert version.status == ImageVersion.Status.READY
    assert version.image.current_version == version
    assert [r["width"] for r in version.renditions] == [480, 960, 1600]
    assert all(default_storage.exists(r["name"]) for r in version.renditions)
    assert not default_storage.exists(_source(version)), "the upload (with its EXIF) is removed"


def test_a_processing_image_is_shown_nowhere_until_its_files_exist(client, writer, queued):
    image = factories.library_image(writer)
    html = markdown.render_article(f"Text.\n\n{image.markdown}\n").body_html
    assert "<img" not in html and "<picture" not in html
    client.force_login(writer)
    listed = client.get(reverse("admin:images_image_picker")).json()["results"]
    assert listed == []
    changelist = client.get(reverse("admin:images_image_changelist"))
    assert "Processing…" in changelist.content.decode()

    _run(image.versions.get())

    image.refresh_from_db()
    html = markdown.render_article(f"Text.\n\n{image.markdown}\n").body_html
    assert html.count("<picture>") == 1
    assert [r["id"] for r in client.get(reverse("admin:images_image_picker")).json()["results"]]


def test_a_replacement_leaves_the_current_file_in_place_until_its_own_are_made(
    client, writer, settings
):
    image = factories.library_image(writer)  # made at once (the immediate backend)
    first = image.current_version
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    second = services.image_replace(
        image=image, file=factories.upload(factories.image_bytes(640, 480, "PNG")), user=writer
    )
    assert second.status == ImageVersion.Status.PROCESSING
    image.refresh_from_db()
    assert image.current_version == first
    html = markdown.render_article(image.markdown).body_html
    assert first.fallback["name"] in html
    client.force_login(writer)
    page = client.get(reverse("admin:images_image_change", args=[image.pk])).content.decode()
    assert "Version 2: The file is being processed" in page

    assert _run(second) == ImageVersion.Status.READY
    assert _run(second) == "skipped", "a version is made once"

    image.refresh_from_db()
    assert image.current_version == second
    html = markdown.render_article(image.markdown).body_html
    assert image.current_version.fallback["name"] in html
    assert first.fallback["name"] not in html


def test_a_file_the_worker_cannot_read_fails_and_the_image_keeps_its_file(client, writer, settings):
    image = factories.library_image(writer)
    first = image.current_version
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    second = services.image_replace(image=image, file=factories.upload(), user=writer)
    # The kept upload is damaged after the request checked it (a storage fault, say).
    default_storage.delete(_source(second))
    default_storage.save(_source(second), ContentFile(b"\xff\xd8\xff garbage"))

    assert _run(second) == ImageVersion.Status.FAILED

    second.refresh_from_db()
    assert second.problem.startswith("This file is not an image Vetted can read")
    image.refresh_from_db()
    assert image.current_version == first
    assert not default_storage.exists(_source(second))
    client.force_login(writer)
    page = client.get(reverse("admin:images_image_change", args=[image.pk])).content.decode()
    assert "Version 2 could not be processed: This file is not an image" in page


def test_without_a_worker_a_failure_to_store_the_files_refuses_the_upload(
    writer, settings, monkeypatch
):
    """The immediate backend makes the files within the upload: if that fails, nothing is
    kept and the writer is told, as before the files were made by a task."""

    def broken_store(processed):
        raise storage.StorageFailed("the bucket is read-only")

    monkeypatch.setattr(storage, "store", broken_store)
    with pytest.raises(ValidationError) as caught:
        factories.library_image(writer)
    assert caught.value.message_dict["file"] == [tasks.STORAGE_FAILED]
    assert not ImageVersion.objects.exists()


def test_renditions_resize_the_full_image_once(monkeypatch):
    """The narrower renditions are made from the widest, not each from the full image."""
    sizes: list[tuple[int, int]] = []
    real = processing.PILImage.Image.resize

    def counting(self, size, *args, **kwargs):
        sizes.append(self.size)
        return real(self, size, *args, **kwargs)

    monkeypatch.setattr(processing.PILImage.Image, "resize", counting)
    result = processing.process(factories.image_bytes(4000, 3000))
    assert [r.width for r in result.renditions] == [480, 960, 1600]
    assert sizes.count((4000, 3000)) == 1
