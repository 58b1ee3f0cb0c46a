"""Reads over the image library. Nothing here knows about articles."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from images.models import Image, ImageVersion

PICKER_PAGE = 24


def images_by_id(ids: Iterable[int]) -> dict[int, Image]:
    """The images with these ids and their current files, in one query."""
    ids = set(ids)
    if not ids:
        return {}
    found = Image.objects.filter(pk__in=ids, current_version__isnull=False)
    return {image.pk: image for image in found.select_related("current_version")}


def picker_images(query: str = "") -> QuerySet[Image]:
    """The library as the editor's picker lists it: newest first, by words of its text."""
    images = Image.objects.filter(current_version__isnull=False).select_related("current_version")
    for word in query.split()[:5]:
        if word.isdigit():
            images = images.filter(Q(pk=int(word)) | Q(alt_text__icontains=word))
            continue
        images = images.filter(
            Q(alt_text__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    return images.order_by("-updated_at", "-pk")


def image_with_file(sha256: str) -> Image | None:
    """The library image that already shows a file with these bytes (its current version),
    or is making its sizes from them (a version still processing); the oldest if several."""
    return (
        Image.objects.filter(
            Q(current_version__sha256=sha256)
            | Q(versions__sha256=sha256, versions__status=ImageVersion.Status.PROCESSING)
        )
        .select_related("current_version")
        .order_by("pk")
        .first()
    )


def is_published(sha256: str) -> bool:
    """Whether an approved revision shows a version with this file (so anyone may fetch it)."""
    return ImageVersion.objects.filter(
        sha256=sha256, revision_links__revision__approved_at__isnull=False
    ).exists()
