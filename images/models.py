"""The image library: figures writers insert into articles as ![alt](image:42).

An Image is what writers pick and cite: its id never changes, and it carries the text
every figure needs (alt text, caption, credit and licence). Its file is an ImageVersion,
immutable: replacing the file adds a version. A revision records the version it showed
(articles.RevisionImage), and its stored HTML points at that version's files, so a live
page changes only through the next approval.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class Image(models.Model):
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the image shows, for readers who cannot see it (read aloud by screen "
        "readers): “Diagram of the median nerve passing through the carpal tunnel”.",
    )
    caption = models.CharField(
        max_length=500, help_text="Printed under the figure: what the reader should take from it."
    )
    credit = models.CharField(
        max_length=200, help_text="Who made it: “Illustration: Jane Doe”, “Photo: NIH”."
    )
    licence = models.CharField(
        max_length=120,
        help_text="Under what terms we use it: “CC BY 4.0”, “Public domain”, “Own work”, "
        "“Used with permission”.",
    )
    current_version = models.ForeignKey(
        "ImageVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "image"
        verbose_name_plural = "images"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text__regex=r"^\s*$"), name="image_alt_text_required"
            ),
            models.CheckConstraint(
                condition=~Q(caption__regex=r"^\s*$"), name="image_caption_required"
            ),
            models.CheckConstraint(
                condition=~Q(credit__regex=r"^\s*$"), name="image_credit_required"
            ),
            models.CheckConstraint(
                condition=~Q(licence__regex=r"^\s*$"), name="image_licence_required"
            ),
        ]
        indexes = [models.Index(fields=["-updated_at", "-id"], name="image_newest")]

    def __str__(self) -> str:
        return f"Image {self.pk}: {self.alt_text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("admin:images_image_change", args=[self.pk])

    @property
    def markdown(self) -> str:
        """How writers insert it: ![alt](image:42)."""
        alt = " ".join(self.alt_text.replace("[", "(").replace("]", ")").split())
        return f"![{alt}](image:{self.pk})"


class ImageVersion(models.Model):
    """One file of an image, with its renditions. Never changed once ready.

    An upload is checked while the writer waits, then a background task makes its
    renditions (images.tasks): until then the version is processing, and it becomes the
    image's current version only once every file of it is stored. Pages only ever link
    current versions, so no reader is sent a file that is not there.
    """

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"

    class Status(models.TextChoices):
        PROCESSING = "processing", "processing"
        READY = "ready", "ready"
        FAILED = "failed", "failed"

    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    # Of the bytes uploaded; the version's files live under images/<sha256>/.
    sha256 = models.CharField(max_length=64, db_index=True)
    format = models.CharField(max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # Storage names: the re-encoded original, [{"name", "width", "height", "type"}] WebP
    # renditions narrowest first, and the JPEG/PNG fallback.
    original = models.CharField(max_length=200)
    renditions = models.JSONField(default=list)
    fallback = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROCESSING)
    problem = models.CharField(max_length=300, blank=True)  # why it failed, for the writer
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "image version"
        verbose_name_plural = "image versions"
        ordering = ["image", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["image", "number"], name="imageversion_unique_number"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(original="") & ~Q(renditions=[])),
                name="imageversion_ready_has_files",
            ),
        ]

    def __str__(self) -> str:
        return f"Image {self.image_id}, version {self.number}"

    def save(self, *args, **kwargs) -> None:
        # (images.services.image_version_process records the files, once, by an update.)
        if self.pk is not None:
            raise TypeError("Image versions are immutable: upload a replacement instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Image versions are kept: revisions may show them.")
