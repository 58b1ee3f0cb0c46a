"""Revisions: freezing the working copy, and the content hash that identifies what it says.

A revision is created once, at submission (`revision_create`), from the one rendering the
submission check made, and never changes after (ArticleRevision.save refuses). Its content
hash covers everything a reader sees of it; reviews.signatures signs that hash and checks
it again later (`revision_content_hash`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db.models import Max

from articles.markdown import RenderedArticle
from articles.models import Article, ArticleRevision, RevisionImage, RevisionReference
from images.models import Image

# Every field of a revision that readers see, as stored: the Markdown, the sanitised HTML
# made from it at submission (what pages print), each evidence section (its text and its
# HTML), how its sources are numbered and listed, and what else readers are told of it
# (its subject, a correction note). A revision's sources and images are hashed beside
# these, as frozen with it. Not its review stamps (dates the workflow sets later).
HASHED_FIELDS = (
    "title",
    "summary",
    "body",
    "professional_body",
    "body_html",
    "professional_html",
    "sections",
    "reference_numbers",
    "group_references",
    "subject_name",
    "subject_type",
    "is_correction",
    "correction_note",
)


def content_digest(revision: ArticleRevision, *, sources: list[dict], images: list[dict]) -> str:
    """The content hash of a revision, saved or about to be: SHA-256 over a canonical JSON
    of its hashed fields, its sources as printed and the images it shows (their files and
    words). Whatever a reader sees of it changes the hash, so a signature covers it."""
    hashed = {
        "content": {name: getattr(revision, name) for name in HASHED_FIELDS},
        "sources": sources,
        "images": images,
    }
    # As the JSON columns return it (string keys, lists), so a saved revision and the one
    # about to be saved hash alike.
    stored = json.loads(json.dumps(hashed, default=str))
    canonical = json.dumps(stored, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def revision_content_hash(revision: ArticleRevision) -> str:
    """Recompute a stored revision's content hash from what it holds now."""
    sources = list(revision.reference_links.order_by("position").values_list("snapshot", flat=True))
    images = list(revision.image_links.order_by("position").values_list("snapshot", flat=True))
    return content_digest(revision, sources=sources, images=images)


def image_snapshot(image: Image) -> dict[str, Any]:
    """What a revision freezes of an image it shows: its file and the words printed with it."""
    return {
        "image": image.pk,
        "sha256": image.current_version.sha256,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "licence": image.licence,
    }


def revision_create(article: Article, user: Any, rendered: RenderedArticle) -> ArticleRevision:
    """Freeze the working copy with the rendering the submission check already made: the
    next revision number, its content hash, its writers, sources and images as they are."""
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ArticleRevision(
        **ArticleRevision.working_copy_fields(article, rendered),
        number=number,
        created_by=user,
    )
    # The sources as printed, not just which ones: a corrected citation is an update.
    sources = [ref.bibliographic_snapshot() for ref in rendered.references]
    images = [image_snapshot(image) for image in rendered.images]
    revision.content_hash = content_digest(revision, sources=sources, images=images)
    revision.save()
    # Who wrote it, as the byline will credit them (later changes to the article's
    # writers take effect with its next revision).
    revision.authors.set(article.authors.all())
    RevisionReference.objects.bulk_create(
        RevisionReference(revision=revision, reference=ref, position=i, snapshot=snapshot)
        for i, (ref, snapshot) in enumerate(zip(rendered.references, sources, strict=True), 1)
    )
    # Each image at the file it showed: the stored HTML links exactly these versions.
    RevisionImage.objects.bulk_create(
        RevisionImage(
            revision=revision,
            image=image,
            version=image.current_version,
            position=i,
            snapshot=snapshot,
        )
        for i, (image, snapshot) in enumerate(zip(rendered.images, images, strict=True), 1)
    )
    return revision
