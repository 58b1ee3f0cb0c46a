"""A reference is one source, stored once and cited by many articles."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from core import text_limits
from core.text_limits import max_length_constraint
from references import identifiers
from references.vocabulary import NAME_PARTS

# Consortium papers list hundreds of authors; more is not a reference list any more (a
# citation prints the first six). One name, all its parts together, is at most this long.
MAX_AUTHORS = 300
MAX_AUTHOR_CHARS = 300

# What a revision freezes of each source it cites at submit: every field a citation prints.
SNAPSHOT_FIELDS = (
    "key", "kind", "author", "title", "container_title", "publisher", "year", "month",
    "month_printed", "day",
    "volume", "issue", "page", "doi", "pmid", "pmcid", "url", "accessed",
)  # fmt: skip
NULLABLE_SNAPSHOT_FIELDS = frozenset({"year", "month", "day", "accessed"})


def _author_problem(author) -> str | None:
    """Why `author` is not a CSL-style name list, or None."""
    if not isinstance(author, list):
        return 'Authors must be a list, e.g. [{"family": "Wiffen", "given": "PJ"}].'
    if len(author) > MAX_AUTHORS:
        return (
            f"At most {MAX_AUTHORS} authors (this lists {len(author):,}); list the first ones "
            "and end with “et al.”"
        )
    for number, name in enumerate(author, start=1):
        if not isinstance(name, dict) or not set(name) <= set(NAME_PARTS):
            return (
                f'Author {number} must look like {{"family": "Wiffen", "given": "PJ"}} '
                f'or, for a group, {{"literal": "World Health Organization"}}.'
            )
        if not all(isinstance(v, str) for v in name.values()):
            return f"Author {number}: each name part must be text."
        length = len(" ".join(name.values()))
        if length > MAX_AUTHOR_CHARS:
            return (
                f"Author {number}: a name may have at most {MAX_AUTHOR_CHARS} characters "
                f"(this one has {length:,})."
            )
        if not (name.get("family", "").strip() or name.get("literal", "").strip()):
            return f"Author {number} needs a family name, or a group name as “literal”."
    return None


class ReferenceQuerySet(models.QuerySet):
    def cited_by_approved_revision(self) -> ReferenceQuerySet:
        """Sources on an approved revision's reference list: part of the published record."""
        return self.filter(revision_links__revision__approved_at__isnull=False).distinct()

    def with_identifier(
        self, *, doi: str = "", pmid: str = "", pmcid: str = ""
    ) -> ReferenceQuerySet:
        """References matching any of the given (normalised) identifiers; blank ones are ignored."""
        query = Q()
        if doi:
            # The unique index's expression and condition, so PostgreSQL can use that index.
            query |= Q(doi_lower=doi.lower()) & ~Q(doi="")
        if pmid:
            query |= Q(pmid=pmid)
        if pmcid:
            query |= Q(pmcid=pmcid)
        return self.alias(doi_lower=Lower("doi")).filter(query) if query else self.none()


class Reference(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        RESEARCH = "research", "Research"
        SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
        DRUG_LABEL = "drug_label", "Drug label"
        BOOK = "book", "Book"
        WEBPAGE = "webpage", "Web page"
        DATASET = "dataset", "Data set"

    # A short key writers cite inline as [@key].
    key = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Cite it inline as [@key], e.g. wiffen2017.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RESEARCH)
    # CSL-JSON style names: [{"family": "Wiffen", "given": "PJ"}] or [{"literal": "WHO"}].
    author = models.JSONField("authors", default=list, blank=True)
    title = models.TextField(
        max_length=text_limits.REFERENCE_TITLE,
        validators=[MaxLengthValidator(text_limits.REFERENCE_TITLE)],
    )
    container_title = models.CharField(
        "journal / issuing body",
        max_length=300,
        blank=True,
        help_text="Journal abbreviation, issuing body or manufacturer.",
    )
    publisher = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    # A quarter or season as the source prints it; `month` keeps the first month (or none).
    month_printed = models.CharField(
        "month as printed",
        max_length=20,
        blank=True,
        help_text="Only for a range or season, as printed: “Apr-Jun”, “Winter”.",
    )
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    page = models.CharField("pages or article number", max_length=60, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=12, blank=True)
    pmcid = models.CharField("PMCID", max_length=16, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    accessed = models.DateField("accessed on", null=True, blank=True)
    # Guidelines and drug labels are current while no newer version is in the library.
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        help_text="A newer version of this source in the library (a guideline's update, a "
        "drug label's revision, a review's new edition): reviewers see this one flagged.",
    )
    # Changed only through references.services.set_retraction (editors, or check_sources).
    retracted = models.BooleanField(
        default=False, help_text="Marked retracted by the publisher; reviewers see a warning."
    )
    # When `manage.py check_sources` last asked PubMed / Crossref about this source.
    last_checked_at = models.DateTimeField("last checked", null=True, blank=True, editable=False)
    last_check_outcome = models.CharField(
        "last check", max_length=20, blank=True, editable=False, help_text="What the check found."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "reference"
        verbose_name_plural = "references"
        ordering = ["key"]
        constraints = [
            # Identifiers are unique when present; blank means "not known".
            models.UniqueConstraint(
                Lower("doi"),
                name="reference_unique_doi",
                condition=~Q(doi=""),
                violation_error_message="A reference with this DOI is already in the library.",
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
            # Lookups lower-case what the writer typed, so stored keys must be too. DOIs keep
            # the case they were given and are compared case-insensitively (the index above).
            models.CheckConstraint(condition=Q(key=Lower("key")), name="reference_key_lowercase"),
            models.CheckConstraint(
                condition=Q(day__isnull=True) | Q(day__gte=1, day__lte=31),
                name="reference_day_range",
            ),
            models.CheckConstraint(
                condition=~Q(superseded_by=models.F("pk")), name="reference_not_its_own_update"
            ),
            max_length_constraint("reference", "title", text_limits.REFERENCE_TITLE),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title[:80]}"

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "_frozen_snapshot", False):
            raise TypeError(
                "This is a revision's frozen copy of a source; edit the library reference instead."
            )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Normalise identifiers and the key, and reject malformed ones with a field error."""
        errors: dict[str, list[ValidationError]] = {}
        self.key = (self.key or "").strip().lower()
        checks = (
            ("doi", identifiers.normalize_doi, identifiers.validate_doi),
            ("pmid", identifiers.normalize_pmid, identifiers.validate_pmid),
            ("pmcid", identifiers.normalize_pmcid, identifiers.validate_pmcid),
        )
        for name, normalize, validate in checks:
            raw = (getattr(self, name) or "").strip()
            if not raw:
                setattr(self, name, "")
                continue
            try:
                validate(raw)
            except ValidationError as exc:
                errors.setdefault(name, []).append(exc)
                continue
            setattr(self, name, normalize(raw))
        author_error = _author_problem(self.author)
        if author_error:
            errors.setdefault("author", []).append(ValidationError(author_error))
        if self.month is not None and not 1 <= self.month <= 12:
            errors.setdefault("month", []).append(ValidationError("A month is 1 to 12."))
        if self.day is not None and not 1 <= self.day <= 31:
            errors.setdefault("day", []).append(ValidationError("A day is 1 to 31."))
        if self.day and not self.month:
            errors.setdefault("day", []).append(ValidationError("A day needs a month."))
        self.month_printed = " ".join((self.month_printed or "").split())
        if self.month_printed and not self.year:
            errors.setdefault("month_printed", []).append(ValidationError("It needs a year."))
        if self.month and not self.year:
            errors.setdefault("month", []).append(ValidationError("A month needs a year."))
        if errors:
            raise ValidationError(errors)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def pmc_url(self) -> str:
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/" if self.pmcid else ""

    def is_cited_by_approved_revision(self) -> bool:
        return Reference.objects.filter(pk=self.pk).cited_by_approved_revision().exists()

    def bibliographic_snapshot(self) -> dict[str, Any]:
        """The fields a revision freezes at submit, JSON-ready (the accessed date as ISO text)."""
        data = {name: getattr(self, name) for name in SNAPSHOT_FIELDS}
        data["author"] = copy.deepcopy(self.author or [])
        accessed = self.accessed
        if isinstance(accessed, datetime.date):
            accessed = accessed.isoformat()
        data["accessed"] = accessed or None
        return data

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any], *, pk: int | None = None) -> Reference:
        """An unsaved, unsaveable Reference printing exactly what `snapshot` froze."""
        values = {name: snapshot[name] for name in SNAPSHOT_FIELDS if name in snapshot}
        if values.get("accessed"):
            values["accessed"] = datetime.date.fromisoformat(values["accessed"])
        for name in SNAPSHOT_FIELDS:
            if values.get(name) is None and name not in NULLABLE_SNAPSHOT_FIELDS:
                values.pop(name, None)  # fall back to the model default ("" or [])
        reference = cls(pk=pk, **values)
        reference._frozen_snapshot = True
        return reference


class ReferenceEvent(models.Model):
    """Something that happened to a source's standing: a retraction, correction or concern.

    Written by references.services.set_retraction (an editor, or the system) and by
    check_sources when PubMed or Crossref report a notice. Append-only, like the audit log.
    """

    class Kind(models.TextChoices):
        RETRACTED = "retracted", "Marked retracted"
        UNRETRACTED = "unretracted", "Retraction mark removed"
        CORRECTION = "correction", "Correction or erratum published"
        CONCERN = "concern", "Expression of concern published"

    class Origin(models.TextChoices):
        EDITOR = "editor", "An editor"
        PUBMED = "pubmed", "PubMed"
        CROSSREF = "crossref", "Crossref"

    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.EDITOR)
    # The notice that reported it ("pmid:123", "doi:10.1/x"), so a re-check never repeats it.
    notice = models.CharField(max_length=240, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (check_sources).",
    )
    note = models.TextField(
        blank=True, max_length=text_limits.NOTE, validators=[MaxLengthValidator(text_limits.NOTE)]
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "source event"
        verbose_name_plural = "source events"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "kind", "notice"],
                condition=~Q(notice=""),
                name="referenceevent_unique_notice",
            ),
            max_length_constraint("referenceevent", "note", text_limits.NOTE),
        ]

    def __str__(self) -> str:
        return f"{self.reference.key}: {self.get_kind_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("Source events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Source events are append-only.")


class SourcePolicy(models.Model):
    """The editors' rules for sources at submission: one row, changed in the admin.

    Read through `SourcePolicy.current()`; until an editor saves it, the defaults apply.
    """

    SINGLETON_PK = 1

    block_unexplained_retractions = models.BooleanField(
        "block retracted sources unless explained",
        default=True,
        help_text="An article citing a retracted source cannot be submitted unless a sentence "
        "citing it says why (contains one of the phrases below). Other source problems "
        "(corrected, superseded, out of date) are shown as warnings only.",
    )
    explanation_phrases = models.CharField(
        "phrases that explain a retracted citation",
        max_length=500,
        default="retracted",
        help_text="Comma-separated, any case: a sentence citing a retracted source that "
        "contains one of these counts as saying why it is cited.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "source policy"
        verbose_name_plural = "source policy"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="sourcepolicy_single_row"),
        ]

    def __str__(self) -> str:
        return "Source policy"

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> SourcePolicy:
        """The saved policy, or the defaults (unsaved: a read never writes)."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)

    @property
    def phrases(self) -> list[str]:
        return [p.strip().lower() for p in self.explanation_phrases.split(",") if p.strip()]

    def explains(self, sentence: str) -> bool:
        """Whether this sentence (one citing a retracted source) says why it is cited."""
        text = sentence.lower()
        return any(phrase in text for phrase in self.phrases)
