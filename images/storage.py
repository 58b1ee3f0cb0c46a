"""Where an image version's files live, through Django's storage API (STORAGES["default"]).

Local disk (MEDIA_ROOT) by default; any S3-compatible store with django-storages. Files are
named by the upload's SHA-256 (images/<sha256>/w960.webp), so a name never points at two
different files and every file can be cached for ever. Pages always link to the site's own
/media/ path (images.views.media_file), which reads from the storage: the CSP keeps
img-src 'self' whatever the storage's own URLs are.

The upload itself waits in its folder (images/<sha256>/upload-<version id>) until the task
that makes its files has run, and is then removed: NAME_RE never matches it, so it is never
served (it still holds the camera's metadata).
"""

from __future__ import annotations

import logging
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from images.processing import Processed, Rendition

logger = logging.getLogger(__name__)

# images/<sha256>/<file>: what media_file serves, and nothing else.
NAME_RE = re.compile(
    r"^images/(?P<sha256>[0-9a-f]{64})/(?P<file>[a-z0-9]{1,20}\.(?:webp|jpg|png))$"
)
HASH_RE = re.compile(r"[0-9a-f]{64}")
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


class StorageFailed(Exception):
    """The storage refused a write; whatever this upload had written was removed."""


def folder(sha256: str) -> str:
    return f"images/{sha256}"


def url(name: str) -> str:
    """The same-origin URL of a stored file."""
    return reverse("images:file", kwargs={"name": name})


def describe(rendition: Rendition, sha256: str) -> dict:
    return {
        "name": f"{folder(sha256)}/{rendition.name}",
        "width": rendition.width,
        "height": rendition.height,
        "type": rendition.content_type,
    }


def store(processed: Processed) -> list[str]:
    """Write the version's files; returns the names this call wrote (to undo on failure).

    A file already there (the same upload, earlier) is left as it is: same name, same bytes.
    """
    written: list[str] = []
    files = [processed.original, *processed.renditions, processed.fallback]
    try:
        for rendition in files:
            name = f"{folder(processed.sha256)}/{rendition.name}"
            if default_storage.exists(name):
                continue
            saved = default_storage.save(name, ContentFile(rendition.data))
            written.append(saved)
            if saved != name:  # the storage renamed it: it would never be found
                raise StorageFailed(f"The storage saved {name} as {saved}.")
    except Exception as exc:
        remove(written)
        logger.exception("Storing image %s failed", processed.sha256)
        raise StorageFailed(str(exc)) from exc
    return written


def source_name(sha256: str, version_id: int) -> str:
    """Where an upload waits for the task that makes its files."""
    return f"{folder(sha256)}/upload-{version_id}"


def store_source(name: str, data: bytes) -> None:
    """Keep the upload until its files are made. A file already there has the same bytes
    (the folder is named by their hash)."""
    try:
        if default_storage.exists(name):
            return
        saved = default_storage.save(name, ContentFile(data))
    except Exception as exc:
        logger.exception("Storing upload %s failed", name)
        raise StorageFailed(str(exc)) from exc
    if saved != name:
        remove([saved])
        raise StorageFailed(f"The storage saved {name} as {saved}.")


def read_source(name: str) -> bytes:
    """The upload's bytes; StorageFailed if they cannot be read."""
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except Exception as exc:
        raise StorageFailed(str(exc)) from exc


def remove(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # best effort: an orphan file harms nothing
            logger.warning("Could not remove %s after a failed upload", name, exc_info=True)
