"""People as both sides see them: advisory-board members and writers.

A profile belongs to a user account; the roles (people.roles) say what the account may do,
the profile says who the person is to readers (name, credentials, disclosures).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from core import text_limits
from core.links import slug_url
from core.text_limits import max_length_constraint
from people.names import PublicName


class ReviewerProfileQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> ReviewerProfileQuerySet:
        """Members who may review today: active, verified, credentials not expired."""
        on = on or timezone.localdate()
        return self.filter(
            is_active=True,
            user__is_active=True,
            credentials_verified_on__isnull=False,
        ).filter(Q(credentials_expire_on__isnull=True) | Q(credentials_expire_on__gte=on))


class ReviewerProfile(PublicName, models.Model):
    """An advisory board member as the public and the workflow see them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer_profile"
    )
    slug = models.SlugField(max_length=80, unique=True)
    display_name = models.CharField(max_length=120, help_text="As printed: Dr Jane Doe.")
    credentials = models.CharField(max_length=80, help_text="MD, PharmD, RN …")
    specialty = models.CharField(max_length=120)
    bio = models.TextField(
        blank=True,
        max_length=text_limits.BIO,
        validators=[MaxLengthValidator(text_limits.BIO)],
    )
    conflict_of_interest = models.TextField(
        "conflict-of-interest disclosure",
        blank=True,
        max_length=text_limits.DISCLOSURE,
        validators=[MaxLengthValidator(text_limits.DISCLOSURE)],
        help_text="Shown on the public profile. Write 'None declared' if none.",
    )
    is_active = models.BooleanField("active board member", default=True)
    credentials_verified_on = models.DateField(null=True, blank=True)
    credentials_expire_on = models.DateField(null=True, blank=True)

    objects = ReviewerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "reviewer profile"
        verbose_name_plural = "reviewer profiles"
        ordering = ["display_name"]
        constraints = [
            max_length_constraint("reviewerprofile", "bio", text_limits.BIO),
            max_length_constraint(
                "reviewerprofile", "conflict_of_interest", text_limits.DISCLOSURE
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}, {self.credentials}"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.display_name)[:80]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:reviewer", kwargs={"slug": self.slug})

    def credentials_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        if self.credentials_verified_on is None:
            return False
        return self.credentials_expire_on is None or self.credentials_expire_on >= on

    def can_review(self, on: datetime.date | None = None) -> bool:
        return self.is_active and self.user.is_active and self.credentials_current(on)


class WriterProfileQuerySet(models.QuerySet):
    def public(self) -> WriterProfileQuerySet:
        """Writers who may be named on the site."""
        return self.filter(is_public=True)


class WriterProfile(PublicName, models.Model):
    """A writer as readers see them: the byline, their profile page, their disclosures.

    Only writers with a public profile are named on articles; the byline falls back to
    the editorial team. Editors manage every profile; a writer may edit their own.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="writer_profile"
    )
    slug = models.SlugField(max_length=80, unique=True, help_text="The profile's public URL.")
    display_name = models.CharField(
        max_length=120, help_text="As printed, e.g. “Dr Jane Doe” or “Jane Doe”."
    )
    credentials = models.CharField(
        max_length=80,
        blank=True,
        help_text="Post-nominals, e.g. “MPH” or “RN”. When given, a leading Dr or Prof is "
        "left out of the printed name (“Jane Doe, MD”, never “Dr Jane Doe, MD”).",
    )
    job_title = models.CharField(
        max_length=120, blank=True, help_text="Their role, e.g. “Health writer”, “Medical editor”."
    )
    expertise = models.CharField(
        "areas of expertise",
        max_length=300,
        blank=True,
        help_text="Comma-separated, e.g. “pain medicine, older adults' health”.",
    )
    bio = models.TextField(
        blank=True,
        max_length=text_limits.BIO,
        validators=[MaxLengthValidator(text_limits.BIO)],
    )
    conflict_of_interest = models.TextField(
        "conflict-of-interest disclosure",
        blank=True,
        max_length=text_limits.DISCLOSURE,
        validators=[MaxLengthValidator(text_limits.DISCLOSURE)],
        help_text="Shown on the profile and with every article they wrote. "
        "Leave empty if none: the site says “No conflicts declared”.",
    )
    is_public = models.BooleanField(
        "named on the site",
        default=True,
        help_text="Off: their articles are credited to the editorial team and the profile "
        "page is not found.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = WriterProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "writer profile"
        verbose_name_plural = "writer profiles"
        ordering = ["display_name"]
        constraints = [
            max_length_constraint("writerprofile", "bio", text_limits.BIO),
            max_length_constraint("writerprofile", "conflict_of_interest", text_limits.DISCLOSURE),
        ]

    def __str__(self) -> str:
        return self.printed_name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.plain_name)[:80]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return slug_url("articles:writer", self.slug)

    @property
    def expertise_list(self) -> list[str]:
        return [area.strip() for area in self.expertise.split(",") if area.strip()]
