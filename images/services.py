"""Writes to the image library: upload, replace a file, edit the words. Nothing else writes
(but the task that makes an upload's files, images.tasks)."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max

from images import processing, selectors, storage, tasks
from images.models import Image, ImageVersion
from people import roles

PERM_ADD = "images.add_image"
PERM_CHANGE = "images.change_image"
PERM_DELETE = "images.delete_image"

NOT_YOURS = (
    "Only the person who uploaded this image, or an editor, can change it. You can still "
    "insert it in your articles."
)

# The words every figure needs, with the message when one is missing.
REQUIRED_TEXT = {
    "alt_text": "Describe the image for readers who cannot see it (alt text).",
    "caption": "Give the figure a caption.",
    "credit": "Say who made the image (credit).",
    "licence": "Say under what licence we use it (e.g. CC BY 4.0, Own work).",
}


DUPLICATE = "This image is already in the library; nothing was uploaded. Use the existing image."


class DuplicateImage(ValidationError):
    """An upload whose bytes the library already has: nothing is stored, and `existing` is
    the image to use instead (its words are its uploader's; they can be changed there)."""

    def __init__(self, existing: Image) -> None:
        self.existing = existing
        super().__init__({"file": DUPLICATE})


def _uploader_or_editor(image: Image, user: Any) -> bool:
    return roles.is_editor(user) or (
        image.uploaded_by_id is not None and image.uploaded_by_id == user.pk
    )


def may_change(image: Image, user: Any) -> bool:
    """Every writer inserts any library image, but its alt text, caption and credit are what
    readers see: only its uploader and editors change its words or replace its file."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERM_CHANGE)) and (
        _uploader_or_editor(image, user)
    )


def may_delete(image: Image, user: Any) -> bool:
    """Deleting takes the delete permission (editors') and, like a change, the uploader or an
    editor."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERM_DELETE)) and (
        _uploader_or_editor(image, user)
    )


def _text(values: dict[str, Any]) -> dict[str, str]:
    """The four texts, trimmed, or ValidationError naming each missing or too long."""
    cleaned, errors = {}, {}
    for name, missing in REQUIRED_TEXT.items():
        value = " ".join(str(values.get(name) or "").split())
        limit = Image._meta.get_field(name).max_length
        if not value:
            errors[name] = missing
        elif len(value) > limit:
            errors[name] = f"At most {limit} characters (this has {len(value)})."
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _read(file: IO | None) -> tuple[bytes, tuple[str, int, int]]:
    """The upload's bytes and (format, width, height), once every check has passed: the
    caps, the limits of every format we write, and a decode to the last pixel."""
    if file is None:
        raise ValidationError({"file": "Choose an image file (JPEG, PNG or WebP)."})
    # Never more than one byte past the cap is read, however large the upload.
    data = file.read(settings.VETTED_IMAGE_MAX_BYTES + 1)
    try:
        checked = processing.check(data, size=getattr(file, "size", None))
        processing.check_decodes(data)
    except processing.ImageRefused as refusal:
        raise ValidationError({"file": str(refusal)}) from refusal
    return data, checked


def _new_version(
    image: Image, data: bytes, checked: tuple[str, int, int], user: Any
) -> ImageVersion:
    """A processing version: the upload kept, and the task that makes its files queued."""
    kind, width, height = checked
    number = (image.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ImageVersion.objects.create(
        image=image,
        number=number,
        sha256=hashlib.sha256(data).hexdigest(),
        format=kind,
        width=width,
        height=height,
        status=ImageVersion.Status.PROCESSING,
        uploaded_by=user,
    )
    try:
        storage.store_source(storage.source_name(version.sha256, version.pk), data)
    except storage.StorageFailed as exc:
        raise ValidationError(
            {"file": "The image could not be stored just now; nothing was saved. Try again."}
        ) from exc
    # Queued inside the transaction, not after it: the database backend saves the task with
    # the version (a worker finds both or neither), and the immediate backend (no worker)
    # makes the files here, so the version is ready, or refused, when this returns. Either
    # way a rolled-back upload leaves no version, and at most files prune_images removes.
    tasks.make_renditions.enqueue(version_id=version.pk)
    version.refresh_from_db()
    if version.status == ImageVersion.Status.FAILED:
        raise ValidationError({"file": version.problem})
    return version


def _lock_file(sha256: str) -> None:
    """Uploads of the same bytes wait for each other until commit, so of two at once the
    second finds the first's image instead of making a duplicate."""
    if connection.vendor != "postgresql":
        return  # SQLite writes one transaction at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(sha256[:15], 16)])


@transaction.atomic
def image_upload(*, file: IO | None, user: Any, **text: Any) -> Image:
    """Add an image to the library: its file (checked now; re-encoded and its renditions
    made once, by a task) and its alt text, caption, credit and licence, all required. A
    refused upload stores nothing and raises ValidationError by field. The image has no
    current version, so no page shows it, until its files are made. Bytes the library
    already has are refused with DuplicateImage, naming the image to use."""
    if not user.has_perm(PERM_ADD):
        raise PermissionDenied("You may not add images to the library.")
    errors: dict[str, Any] = {}
    try:
        cleaned = _text(text)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        cleaned = {}
    try:
        data, checked = _read(file)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        # Said first: the words typed for a file the library has are not needed.
        sha256 = hashlib.sha256(data).hexdigest()
        _lock_file(sha256)
        if (existing := selectors.image_with_file(sha256)) is not None:
            raise DuplicateImage(existing)
    if errors:
        raise ValidationError(errors)
    image = Image.objects.create(uploaded_by=user, **cleaned)
    _new_version(image, data, checked, user)
    image.refresh_from_db()  # current once its files are made (at once without a worker)
    return image


@transaction.atomic
def image_replace(*, image: Image, file: IO | None, user: Any) -> ImageVersion:
    """A new file for an image: a new version, current once its files are made (until then
    the image keeps showing the one it had). Pages already approved keep the version they
    showed; the next revision submitted shows the current one."""
    image = Image.objects.select_for_update().get(pk=image.pk)
    if not may_change(image, user):
        raise PermissionDenied(NOT_YOURS)
    data, checked = _read(file)
    return _new_version(image, data, checked, user)


@transaction.atomic
def image_describe(*, image: Image, user: Any, **text: Any) -> Image:
    """Change an image's alt text, caption, credit or licence (what the next revision shows)."""
    image = Image.objects.select_for_update().get(pk=image.pk)
    if not may_change(image, user):
        raise PermissionDenied(NOT_YOURS)
    cleaned = _text(text)
    for name, value in cleaned.items():
        setattr(image, name, value)
    image.save(update_fields=[*cleaned, "updated_at"])
    return image


@transaction.atomic
def image_delete(*, image: Image, user: Any) -> None:
    """Remove an image no revision ever showed (one that did is part of the record)."""
    image = Image.objects.select_for_update().get(pk=image.pk)
    if not may_delete(image, user):
        raise PermissionDenied("Only editors can delete images.")
    if image.revision_links.exists():
        raise ValidationError("An article revision shows this image; it is kept for the record.")
    Image.objects.filter(pk=image.pk).update(current_version=None)
    # A queryset delete: ImageVersion.delete() refuses single deletes on purpose.
    ImageVersion.objects.filter(image=image).delete()
    image.delete()
