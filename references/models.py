"""A reference is one source, stored once and cited by many articles."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from references import identifiers


class Reference(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        RESEARCH = "research", "Research"
        SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
        DRUG_LABEL = "drug_label", "Drug label"
        BOOK = "book", "Book"
        WEBPAGE = "webpage", "Web page"

    # A short key writers cite inline as [@key].
    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Cite it inline as [@key], e.g. wiffen2017.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RESEARCH)
    # CSL-JSON style names: [{"family": "Wiffen", "given": "PJ"}] or [{"literal": "WHO"}].
    author = models.JSONField("authors", default=list, blank=True)
    title = models.TextField()
    container_title = models.CharField(
        "journal / issuing body",
        max_length=300,
        blank=True,
        help_text="Journal abbreviation, issuing body or manufacturer.",
    )
    publisher = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    page = models.CharField("pages or article number", max_length=60, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=12, blank=True)
    pmcid = models.CharField("PMCID", max_length=16, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    accessed = models.DateField("accessed on", null=True, blank=True)
    retracted = models.BooleanField(
        default=False, help_text="Marked retracted by the publisher; reviewers see a warning."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reference"
        verbose_name_plural = "references"
        ordering = ["key"]
        constraints = [
            # Identifiers are unique when present; blank means "not known".
            models.UniqueConstraint(
                Lower("doi"), name="reference_unique_doi", condition=~Q(doi="")
            ),
            models.UniqueConstraint(
                fields=["pmid"], name="reference_unique_pmid", condition=~Q(pmid="")
            ),
            models.UniqueConstraint(
                fields=["pmcid"], name="reference_unique_pmcid", condition=~Q(pmcid="")
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__regex=identifiers.DOI_RE),
                name="reference_doi_format",
            ),
            models.CheckConstraint(
                condition=Q(pmid="") | Q(pmid__regex=identifiers.PMID_RE),
                name="reference_pmid_format",
            ),
            models.CheckConstraint(
                condition=Q(pmcid="") | Q(pmcid__regex=identifiers.PMCID_RE),
                name="reference_pmcid_format",
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="reference_month_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title[:80]}"
