"""Who an article is written for: its two readerships, each with a page of its own.

The values are stored (evidence sections, revisions' per-page lists) and appear in URLs
(`/articles/<slug>/professional/`, `?audience=professional`), so they never change.
"""

from __future__ import annotations

from django.db import models


class Audience(models.TextChoices):
    """An article's two public pages and the readers each is written for."""

    PATIENT = "patient", "Patient or caregiver"
    PROFESSIONAL = "professional", "Healthcare professional"


class SectionAudience(models.TextChoices):
    """Which page shows an evidence section: one audience's, or both."""

    PROFESSIONAL = Audience.PROFESSIONAL.value, "Healthcare professionals"
    PATIENT = Audience.PATIENT.value, "Patients and caregivers"
    BOTH = "both", "Both"
