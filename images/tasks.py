"""Making an uploaded version's files, as a task (django-tasks) that a worker runs.

Decoding, resizing and encoding a large image takes seconds, so the upload's request only
checks the file, keeps it and queues this (images.services). Until the task has run the
version is processing and the image keeps the version it had (none, for a new image):
pages only ever link an image's current version, whose files are all stored.
Tasks take ids, not objects, and read the rows when they run.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from images import processing, storage
from images.models import Image, ImageVersion

logger = logging.getLogger(__name__)

STORAGE_FAILED = "The image's files could not be stored. Upload the file again."
UNEXPECTED = "The image could not be processed. Upload the file again, or export it anew."


@task()
def make_renditions(*, version_id: int) -> str:
    """Make and store a processing version's files, then make it its image's current
    version (unless a newer one already is); returns the version's status afterwards.
    A version that is not processing (done, failed or deleted) is left alone."""
    version = ImageVersion.objects.filter(
        pk=version_id, status=ImageVersion.Status.PROCESSING
    ).first()
    if version is None:
        return "skipped"
    source = storage.source_name(version.sha256, version.pk)
    try:
        processed = processing.process(storage.read_source(source))
        storage.store(processed)
    except processing.ImageRefused as refusal:
        return _fail(version, source, str(refusal))
    except storage.StorageFailed:
        return _fail(version, source, STORAGE_FAILED)
    except Exception:
        logger.exception("Making the files of image version %s failed", version.pk)
        _fail(version, source, UNEXPECTED)
        raise  # kept with the task's result, for whoever looks after the workers
    ready = _make_current(version, processed)
    storage.remove([source])
    return ImageVersion.Status.READY if ready else "skipped"


@transaction.atomic
def _make_current(version: ImageVersion, processed: processing.Processed) -> bool:
    """Record the version's files and make it current; False if it went meanwhile."""
    image = Image.objects.select_for_update().filter(pk=version.image_id).first()
    if image is None:  # deleted while its file was being processed
        return False
    ready = ImageVersion.objects.filter(
        pk=version.pk, status=ImageVersion.Status.PROCESSING
    ).update(
        status=ImageVersion.Status.READY,
        width=processed.width,
        height=processed.height,
        original=storage.describe(processed.original, processed.sha256)["name"],
        renditions=[storage.describe(r, processed.sha256) for r in processed.renditions],
        fallback=storage.describe(processed.fallback, processed.sha256),
    )
    current = image.current_version
    # Two replacements in quick succession may finish out of order: the newer one wins.
    if ready and (current is None or current.number < version.number):
        image.current_version = version
        image.save(update_fields=["current_version", "updated_at"])
    return bool(ready)


def _fail(version: ImageVersion, source: str, problem: str) -> str:
    ImageVersion.objects.filter(pk=version.pk, status=ImageVersion.Status.PROCESSING).update(
        status=ImageVersion.Status.FAILED, problem=problem[:300]
    )
    storage.remove([source])
    return ImageVersion.Status.FAILED
