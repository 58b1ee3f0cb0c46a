"""Articles: the editable working copy, its immutable revisions, topics and site pages."""

from __future__ import annotations

import datetime

import django_fsm as fsm
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from markdownx.models import MarkdownxField

from articles import evidence, markdown
from articles.audiences import SectionAudience
from articles.markdown import LIMITS, validate_markdown, validate_section_markdown
from articles.states import AWAITING_REVIEW, Status
from core import text_limits
from core.links import slug_url
from core.text_limits import max_length_constraint
from people import roles
from references.models import Reference


class Topic(models.Model):
    """A subject area; it also carries the board's sign-off policy for its articles."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(
        blank=True,
        max_length=text_limits.TOPIC_DESCRIPTION,
        validators=[MaxLengthValidator(text_limits.TOPIC_DESCRIPTION)],
    )
    required_approvals = models.PositiveSmallIntegerField(
        default=1, help_text="Distinct board approvals needed before an article goes live."
    )
    required_specialty = models.CharField(
        max_length=120,
        blank=True,
        help_text="If set, at least one approver must have this specialty.",
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="How long an approval stays current before re-review."
    )

    class Meta:
        verbose_name = "topic"
        verbose_name_plural = "topics"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(required_approvals__gte=1), name="topic_requires_an_approval"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1), name="topic_review_interval_positive"
            ),
            max_length_constraint("topic", "description", text_limits.TOPIC_DESCRIPTION),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("articles:topic", self.slug)


class SubjectType(models.TextChoices):
    """What an article is about, as schema.org types it (the JSON-LD `about`)."""

    DRUG = "drug", "Medicine (drug)"
    CONDITION = "condition", "Condition or symptom"
    PROCEDURE = "procedure", "Procedure or treatment"
    TEST = "test", "Test"
    OTHER = "other", "Other health subject"


SCHEMA_TYPES = {
    SubjectType.DRUG: "Drug",
    SubjectType.CONDITION: "MedicalCondition",
    SubjectType.PROCEDURE: "MedicalProcedure",
    SubjectType.TEST: "MedicalTest",
    SubjectType.OTHER: "MedicalEntity",
}

CORRECTION_NOTE_MAX = 500


class ArticleQuerySet(models.QuerySet):
    def live(self) -> ArticleQuerySet:
        """What the public may see: an approved live revision, not archived."""
        return self.filter(live_revision__isnull=False).exclude(status=Status.ARCHIVED)

    def awaiting_review(self) -> ArticleQuerySet:
        return self.filter(status__in=AWAITING_REVIEW)

    def due_for_review(self, today: datetime.date) -> ArticleQuerySet:
        return self.filter(status=Status.APPROVED, next_review_due__lt=today)

    def editable_by(self, user) -> ArticleQuerySet:
        if roles.sees_every_article(user):
            return self
        return self.filter(authors=user)


class Article(fsm.ConcurrentTransitionMixin, models.Model):
    """The working copy writers edit. The public sees only `live_revision`.

    Its state in the review workflow is stored here, with the content it is the state of;
    only the workflow (reviews.workflow.ReviewedArticle, a proxy of this model) moves it.
    The status is protected: no code sets it directly, and every save of the row checks
    that the status it read is still the row's (ConcurrentTransitionMixin), so a save made
    from a copy read before a workflow step cannot undo that step.
    """

    status = fsm.FSMField(
        default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True
    )
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_articles",
    )
    # Incremented at each submit and each re-review, so sign-offs count per round.
    review_round = models.PositiveIntegerField(default=0, editable=False)
    archive_reason = models.TextField(
        blank=True, editable=False, validators=[MaxLengthValidator(text_limits.COMMENT)]
    )
    # When the article entered its current status (steps that leave the status as it was
    # do not restart the clock): the queue and the dashboard order by it, through an index.
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The public URL. Fixed once the article is live."
    )
    summary = models.TextField(
        max_length=text_limits.SUMMARY,
        validators=[MaxLengthValidator(text_limits.SUMMARY)],
        help_text="One or two plain sentences shown under the title, in lists and in search "
        f"results (at most {text_limits.SUMMARY} characters).",
    )
    # The Markdown fields' limit is the renderer's (validate_markdown); no maxlength on the
    # text box, which would cut a long paste short without a word.
    body = MarkdownxField(
        help_text="Markdown. Cite sources inline: [@key], [@a; @b], [@pmid:123], [@doi:10.…].",
        validators=[validate_markdown],
    )
    professional_body = MarkdownxField(
        "professional section",
        blank=True,
        help_text="Optional: shown only to readers who choose 'healthcare professional'.",
        validators=[validate_markdown],
    )
    audience_notes = models.TextField(
        blank=True,
        max_length=text_limits.NOTE,
        validators=[MaxLengthValidator(text_limits.NOTE)],
        help_text="Internal: who this is written for (not shown publicly).",
    )
    group_references = models.BooleanField(
        "group references by kind",
        default=False,
        help_text="List the sources under Guidelines, Drug labels, Research and Other "
        "(each keeps its number).",
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    subject_name = models.CharField(
        "subject",
        max_length=200,
        blank=True,
        help_text="What the article is about, e.g. “gabapentin” or “muscle cramps” "
        "(for search engines: schema.org `about`).",
    )
    subject_type = models.CharField(
        max_length=12, choices=SubjectType.choices, blank=True, help_text="What kind of subject."
    )
    is_correction = models.BooleanField(
        "this edit corrects an error",
        default=False,
        help_text="Readers see “Corrected on <date>” with the note below once it is approved. "
        "Cleared when the corrected version is approved.",
    )
    correction_note = models.CharField(
        "correction note (public)",
        max_length=CORRECTION_NOTE_MAX,
        blank=True,
        help_text="Plain words for readers: what was wrong and what it says now.",
    )
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="articles")
    current_revision = models.ForeignKey(
        "ArticleRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The revision the board is reviewing (or last reviewed).",
    )
    live_revision = models.ForeignKey(
        "ArticleRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    scheduled_revision = models.ForeignKey(
        "ArticleRevision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    scheduled_live_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The live revision's next review date, copied here whenever the live revision or its
    # review dates change (articles.going_live), so that the due report and the scheduler
    # read one indexed column instead of joining every revision.
    next_review_due = models.DateField(null=True, blank=True, editable=False)
    # Optimistic locking of the working copy: each edit (articles.services) adds one under
    # the row lock, and an edit from a form opened at an older version is refused, naming
    # who edited it last and when. Workflow steps leave these alone.
    version = models.PositiveIntegerField(default=0, editable=False)
    # SET_NULL: a pointer for the stale-form message, not part of the record (the audit is).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    last_edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        ordering = ["-updated_at"]
        permissions = [
            ("review_article", "Can review and approve articles (advisory board)"),
            ("manage_workflow", "Can assign reviewers, archive and restore articles"),
            ("edit_any_article", "Can edit any article, not only their own"),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="article_status_updated"),
            # The admin's list, newest first (and its deterministic tie-break on pk).
            models.Index(fields=["updated_at", "id"], name="article_updated"),
            models.Index(fields=["title", "id"], name="article_title"),
            # The review queue, oldest first: only what awaits the board is indexed.
            models.Index(
                fields=["status_changed_at", "id"],
                condition=Q(status__in=sorted(s.value for s in AWAITING_REVIEW)),
                name="article_awaiting_since",
            ),
            # The dashboard: per state, the one waiting longest.
            models.Index(fields=["status", "status_changed_at", "id"], name="article_status_since"),
            # The due report and the scheduler's flag_reviews_due.
            models.Index(
                fields=["next_review_due", "id"],
                condition=Q(next_review_due__isnull=False),
                name="article_review_due",
            ),
        ]
        constraints = [
            max_length_constraint("article", "summary", text_limits.SUMMARY),
            max_length_constraint("article", "body", LIMITS.characters),
            max_length_constraint("article", "professional_body", LIMITS.characters),
            max_length_constraint("article", "audience_notes", text_limits.NOTE),
            max_length_constraint("article", "archive_reason", text_limits.COMMENT),
        ]
        # Trigram indexes for the admin's search (PostgreSQL only): see migration 0009.

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("articles:detail", self.slug)

    def clean(self) -> None:
        self.clean_correction()
        locked_slug = self.approved_slug()
        if locked_slug and self.slug != locked_slug:
            raise ValidationError(
                {"slug": f"This article was approved at “{locked_slug}”; its URL cannot change."}
            )

    def approved_slug(self) -> str | None:
        """The URL an approved revision (live, scheduled or archived) was published under."""
        if self.pk is None:
            return None
        return (
            self.revisions.filter(approved_at__isnull=False)
            .order_by("-number")
            .values_list("slug", flat=True)
            .first()
        )

    def clean_correction(self) -> None:
        if self.is_correction and not self.correction_note.strip():
            raise ValidationError(
                {"correction_note": "Say what was corrected: readers see this note."}
            )

    def live_review_is_due(self, today: datetime.date | None = None) -> bool:
        live = self.live_revision
        today = today or timezone.localdate()
        return bool(live and live.next_review_due and live.next_review_due < today)


class ArticleSection(models.Model):
    """An evidence section of the working copy ("From the guidelines", "Research" …): its
    own Markdown citing its own sources, shown after the body in the order given.

    Part of the content: frozen into the revision at submit (ArticleRevision.sections)
    and edited only through articles.services like the rest of the working copy.
    """

    Kind = evidence.Kind
    Audience = SectionAudience

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Sections are shown in this order (smallest first)."
    )
    kind = models.CharField(max_length=20, choices=evidence.Kind.choices)
    heading = models.CharField(
        max_length=evidence.HEADING_CHARACTERS,
        blank=True,
        help_text="Optional: replaces the kind's heading (e.g. “From the NICE guideline”).",
    )
    audience = models.CharField(
        max_length=12,
        choices=SectionAudience.choices,
        default=SectionAudience.PROFESSIONAL,
        help_text="Which page shows it.",
    )
    body = models.TextField(
        help_text="Markdown. Cite sources as in the body: [@key], [@pmid:123], [@doi:10.…].",
        validators=[validate_section_markdown],
    )

    class Meta:
        verbose_name = "evidence section"
        verbose_name_plural = "evidence sections"
        ordering = ["article", "position", "pk"]
        constraints = [
            max_length_constraint("articlesection", "body", evidence.SECTION_CHARACTERS),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return evidence.section_title(self.kind, self.heading)


class ArticleAutosave(models.Model):
    """One person's unsaved typing in an article's change form (the form's field values as
    the browser had them), kept so that a closed tab or a crash loses nothing.

    Not content: it never touches the article, makes no revision and no audit entry, and
    nobody else sees it. One row per person and article, replaced at each autosave and
    deleted when they save the form (articles.services). A new article's form autosaves in
    the browser only (there is no article to attach it to yet).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="autosaves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # {"title": "...", "body": "...", "sections-0-body": "...", ...}: bounded by the view.
    fields = models.JSONField(default=dict)
    # The version of the working copy the form was opened at: a restore offered on a newer
    # one says that someone saved since.
    opened_version = models.PositiveIntegerField(default=0)
    saved_at = models.DateTimeField()

    class Meta:
        verbose_name = "autosaved draft"
        verbose_name_plural = "autosaved drafts"
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="one_autosave_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} by {self.user_id} at {self.saved_at:%Y-%m-%d %H:%M}"


class RevisionQuerySet(models.QuerySet):
    def approved(self) -> RevisionQuerySet:
        return self.filter(approved_at__isnull=False)


class ArticleRevision(models.Model):
    """An immutable snapshot of an article taken at submission, with rendered, sanitised HTML."""

    # Stamps that the workflow may update after creation; everything else is frozen.
    MUTABLE_FIELDS = frozenset(
        {"approved_at", "last_reviewed_at", "next_review_due", "published_at", "content_updated_at"}
    )

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    summary = models.TextField()
    body = models.TextField()
    professional_body = models.TextField(blank=True)
    body_html = models.TextField()
    professional_html = models.TextField(blank=True)
    # The evidence sections as submitted, in order (articles.evidence.frozen_sections):
    # kind, title, audience, Markdown and the rendered HTML for each page that shows it.
    sections = models.JSONField(default=list, blank=True)
    group_references = models.BooleanField(default=False)
    # Each audience's reference list, as reference ids in the order of its numbers.
    reference_numbers = models.JSONField(default=dict, blank=True)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    subject_name = models.CharField(max_length=200, blank=True)
    subject_type = models.CharField(max_length=12, choices=SubjectType.choices, blank=True)
    # A correction of the version before, with its public note ("Corrected on …").
    is_correction = models.BooleanField(default=False)
    correction_note = models.CharField(max_length=CORRECTION_NOTE_MAX, blank=True)
    # Who wrote this version, frozen at submission: the byline credits these writers.
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    content_hash = models.CharField(max_length=64)
    references = models.ManyToManyField(
        "references.Reference", through="RevisionReference", related_name="revisions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # "Last updated": when the public content last changed (kept across re-confirmations).
    content_updated_at = models.DateTimeField(null=True, blank=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = "article revision"
        verbose_name_plural = "article revisions"
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number"),
            # A revision freezes the working copy, which is held to the same limits. (The
            # HTML is rendered from that text by the bounded renderer.)
            max_length_constraint("articlerevision", "summary", text_limits.SUMMARY),
            max_length_constraint("articlerevision", "body", LIMITS.characters),
            max_length_constraint("articlerevision", "professional_body", LIMITS.characters),
        ]
        indexes = [models.Index(fields=["approved_at"], name="revision_approved_at")]

    def __str__(self) -> str:
        return f"{self.title} (revision {self.number})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            update_fields = kwargs.get("update_fields")
            if not update_fields or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise TypeError("Article revisions are immutable; only review stamps may change.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Article revisions are kept for the record and cannot be deleted.")

    @staticmethod
    def working_copy_fields(article: Article, rendered: markdown.RenderedArticle) -> dict:
        """What a revision freezes of the working copy, with its one rendering: used by the
        snapshot at submit and by the staff preview, so the two can never differ."""
        return {
            "article": article,
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "body": article.body,
            "professional_body": article.professional_body,
            "body_html": rendered.body_html,
            "professional_html": rendered.professional_html,
            "sections": rendered.sections,
            "group_references": article.group_references,
            "reference_numbers": rendered.reference_numbers(),
            "topic": article.topic,
            "subject_name": article.subject_name,
            "subject_type": article.subject_type,
            "is_correction": article.is_correction,
            "correction_note": article.correction_note if article.is_correction else "",
        }


class RevisionReference(models.Model):
    """A revision's numbered reference list, in order of first citation."""

    revision = models.ForeignKey(
        ArticleRevision, on_delete=models.PROTECT, related_name="reference_links"
    )
    reference = models.ForeignKey(
        "references.Reference", on_delete=models.PROTECT, related_name="revision_links"
    )
    position = models.PositiveSmallIntegerField()
    # The source's bibliographic fields as submitted (Reference.bibliographic_snapshot()):
    # public pages print these, never the library row, which writers may edit later.
    snapshot = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = "cited reference"
        verbose_name_plural = "cited references"
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "position"], name="revisionreference_unique_position"
            ),
            models.UniqueConstraint(
                fields=["revision", "reference"], name="revisionreference_unique_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.reference}"

    @cached_property
    def cited_reference(self):
        """The source as it stood when this revision was submitted: an unsaved Reference.

        Its pk is the library row's, so anchors and comparisons by identity still work.
        Select `reference` with the link to keep this free of queries.
        """
        if not self.snapshot:  # not back-filled (no library row data was frozen)
            return self.reference
        reference = Reference.from_snapshot(self.snapshot, pk=self.reference_id)
        # A retraction must still reach readers: the one field that follows the library row.
        reference.retracted = self.reference.retracted
        return reference


class RevisionImage(models.Model):
    """The library images a revision shows, in order, each at the file version it showed.

    The revision's stored HTML links that version's files, so replacing an image in the
    library changes a live page only through the next approved revision.
    """

    revision = models.ForeignKey(
        ArticleRevision, on_delete=models.PROTECT, related_name="image_links"
    )
    image = models.ForeignKey(
        "images.Image", on_delete=models.PROTECT, related_name="revision_links"
    )
    version = models.ForeignKey(
        "images.ImageVersion", on_delete=models.PROTECT, related_name="revision_links"
    )
    position = models.PositiveSmallIntegerField()
    # The words printed with it as submitted (alt text, caption, credit, licence) and the
    # file's SHA-256: part of the content a reviewer signs.
    snapshot = models.JSONField(default=dict, editable=False)

    class Meta:
        verbose_name = "shown image"
        verbose_name_plural = "shown images"
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "position"], name="revisionimage_unique_position"
            ),
            models.UniqueConstraint(
                fields=["revision", "image"], name="revisionimage_unique_image"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision}: image {self.image_id} (version {self.version_id})"


class RevisionReviewer(models.Model):
    """A board member credited with a revision's review, frozen when the review completed
    (reviews.services, at the approval that makes the article approved), as the writers
    are at submission: the public page reads its credit here, never the review record.

    The printed name, credentials and specialty are as they stood when the reviewer signed;
    the page links and prints their profile.
    """

    revision = models.ForeignKey(
        ArticleRevision, on_delete=models.CASCADE, related_name="reviewer_credits"
    )
    reviewer = models.ForeignKey(
        "people.ReviewerProfile", on_delete=models.PROTECT, related_name="revision_credits"
    )
    position = models.PositiveSmallIntegerField()
    printed_name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=80, blank=True)
    specialty = models.CharField(max_length=120, blank=True)
    signed_at = models.DateTimeField()

    class Meta:
        verbose_name = "credited reviewer"
        verbose_name_plural = "credited reviewers"
        ordering = ["revision", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "reviewer"], name="revisionreviewer_unique_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision}: reviewed by {self.printed_name}"


class SitePage(models.Model):
    """Editor-maintained pages: editorial policy, disclaimers and the transparency pages
    linked from every page's footer (who we are, who pays, privacy, contact, corrections,
    reuse). The footer links them by fixed labels, so editing one changes only its page."""

    class Key(models.TextChoices):
        EDITORIAL_POLICY = "editorial-policy", "Editorial policy"
        MEDICAL_DISCLAIMER = "medical-disclaimer", "Medical disclaimer"
        PATIENT_DISCLAIMER = "patient-disclaimer", "Disclaimer for patients and caregivers"
        PROFESSIONAL_DISCLAIMER = "professional-disclaimer", "Professional medical disclaimer"
        ABOUT = "about", "About us and ownership"
        FUNDING = "funding-and-advertising", "Funding and advertising policy"
        PRIVACY = "privacy", "Privacy and cookies"
        CONTACT = "contact", "Contact us"
        CORRECTIONS = "corrections-policy", "Corrections policy"
        COPYRIGHT = "copyright", "Copyright and reuse"

    key = models.SlugField(max_length=40, choices=Key.choices, unique=True)
    title = models.CharField(max_length=200)
    body = MarkdownxField(validators=[validate_markdown])
    body_html = models.TextField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "site page"
        verbose_name_plural = "site pages"
        ordering = ["key"]
        constraints = [max_length_constraint("sitepage", "body", LIMITS.characters)]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body_html = markdown.render_plain(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            # A partial save of the text (update_or_create does one) keeps its HTML in step.
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:page", kwargs={"key": self.key})


class ContactMessage(models.Model):
    """A message a reader sent through the contact form, for editors to read and handle."""

    class Kind(models.TextChoices):
        ERROR = "error", "Report an error in an article"
        QUESTION = "question", "General question"
        PRESS = "press", "Press"
        OTHER = "other", "Something else"

    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    kind = models.CharField("about", max_length=20, choices=Kind.choices)
    message = models.TextField(
        max_length=text_limits.CONTACT_MESSAGE,
        validators=[MaxLengthValidator(text_limits.CONTACT_MESSAGE)],
    )
    article_url = models.URLField("article address", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    handled = models.BooleanField(default=False, help_text="Tick once the message is dealt with.")

    class Meta:
        verbose_name = "contact message"
        verbose_name_plural = "contact messages"
        ordering = ["-created_at"]
        constraints = [
            max_length_constraint("contactmessage", "message", text_limits.CONTACT_MESSAGE),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.name}"


class ArticleFeedback(models.Model):
    """'Was this helpful?' votes: one per reader (an anonymous cookie id) per article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="feedback")
    reader_key = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "reader feedback"
        verbose_name_plural = "reader feedback"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reader_key"], name="feedback_one_vote_per_reader"
            ),
        ]

    def __str__(self) -> str:
        return f"{'Yes' if self.helpful else 'No'} on {self.article}"


class LivePageQuerySet(models.QuerySet):
    def listed(self) -> LivePageQuerySet:
        """Pages readers can open (not withdrawn)."""
        return self.filter(state=LivePage.State.LIVE)


class LivePage(models.Model):
    """The public page of one article, rendered whole so that a request does one lookup.

    Written only by articles.stored_pages, in the transaction that changes what the
    public sees (go-live, re-confirmation, archive, restore), and marked stale when
    something it shows changes outside a revision (a reviewer's name, a topic's
    name, a source's retraction): a stale page is rendered again on its next read.
    Nothing else is ever stored here, so nothing unapproved can be served from it.
    """

    class State(models.TextChoices):
        LIVE = "live", "Live"
        # Archived after it was public: the URL answers 410 with a notice.
        GONE = "gone", "Withdrawn"

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="live_page"
    )
    slug = models.SlugField(max_length=200, unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.LIVE)
    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="+")
    # Copied from the revision so that lists and feeds need no joins.
    title = models.CharField(max_length=200)
    summary = models.TextField()
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="live_pages")
    published_at = models.DateTimeField(null=True)
    content_updated_at = models.DateTimeField(null=True)
    last_reviewed_at = models.DateTimeField(null=True)
    # The latest approval readers were told of: first publication, update or re-review.
    announced_at = models.DateTimeField(null=True)
    # The whole page as each audience reads it, gzip-compressed once here rather than
    # on every request (served as is to the browsers and proxies that accept gzip).
    patient_page = models.BinaryField(default=b"")
    professional_page = models.BinaryField(default=b"")
    etag = models.CharField(max_length=40)
    rendered_at = models.DateTimeField()
    # The templates and site identity the parts were rendered with (stored_pages.render_version).
    render_version = models.CharField(max_length=16)
    is_stale = models.BooleanField(default=False)
    # What a CDN may purge the page by: the article and everything it shows (Cache-Tag).
    cache_tags = models.TextField(blank=True)

    objects = LivePageQuerySet.as_manager()

    class Meta:
        verbose_name = "live page"
        verbose_name_plural = "live pages"
        ordering = ["-content_updated_at", "pk"]
        indexes = [
            # Home and topic pages: newest first, per topic; "recently reviewed".
            models.Index(
                fields=["state", "-content_updated_at", "article"], name="livepage_newest"
            ),
            models.Index(
                fields=["topic", "state", "-content_updated_at", "article"], name="livepage_topic"
            ),
            models.Index(
                fields=["state", "-last_reviewed_at", "article"], name="livepage_reviewed"
            ),
            # Feeds: the latest approvals readers were told of.
            models.Index(fields=["state", "-announced_at", "article"], name="livepage_announced"),
        ]
        constraints = [max_length_constraint("livepage", "summary", text_limits.SUMMARY)]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_url("articles:detail", self.slug)


class LivePageDependency(models.Model):
    """Something a live page shows that can change outside a revision."""

    class Kind(models.TextChoices):
        REVIEWER = "reviewer", "Reviewer profile"
        TOPIC = "topic", "Topic"
        SOURCE = "source", "Cited source"
        WRITER = "writer", "Writer profile"

    page = models.ForeignKey(LivePage, on_delete=models.CASCADE, related_name="dependencies")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # A reviewer the byline credits with the live revision's review (not only history).
    credited = models.BooleanField(default=False)

    class Meta:
        verbose_name = "live page dependency"
        verbose_name_plural = "live page dependencies"
        ordering = ["page", "kind", "object_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "kind", "object_id"], name="livepagedependency_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "object_id"], name="livepagedep_target"),
            models.Index(
                fields=["object_id", "page"],
                condition=Q(kind="reviewer", credited=True),
                name="livepagedep_credited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page} shows {self.get_kind_display().lower()} {self.object_id}"


class SearchEntry(models.Model):
    """The search document of one live article: live content only, nothing else.

    Written by articles.stored_pages with the live page (removed when the article is
    withdrawn), so search never looks at drafts, revisions under review or the
    history. `head` (title and summary) is small and stored inline, so ranking on it
    is cheap; `document` adds the body and the professional section.
    """

    page = models.OneToOneField(
        LivePage, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    has_professional_section = models.BooleanField(default=False)
    content_updated_at = models.DateTimeField()
    title = models.CharField(max_length=200)
    # Plain text of what the page shows, for snippets and the search without PostgreSQL.
    summary = models.TextField()
    body_text = models.TextField()
    head = SearchVectorField(null=True)
    document = SearchVectorField(null=True)

    class Meta:
        verbose_name = "search entry"
        verbose_name_plural = "search entries"
        ordering = ["-content_updated_at", "page"]
        indexes = [
            models.Index(fields=["-content_updated_at", "page"], name="searchentry_newest"),
            models.Index(
                fields=["topic", "-content_updated_at", "page"], name="searchentry_topic_newest"
            ),
        ]
        constraints = [max_length_constraint("searchentry", "summary", text_limits.SUMMARY)]
        # GIN indexes (documents, trigram titles) are PostgreSQL-only: see migration 0005.

    def __str__(self) -> str:
        return self.title


class SearchTerm(models.Model):
    """A word from a live title or summary: the vocabulary "did you mean" suggests from."""

    word = models.CharField(max_length=60, unique=True)

    class Meta:
        verbose_name = "search term"
        verbose_name_plural = "search terms"
        ordering = ["word"]
        # A trigram index on `word` (PostgreSQL only): see migration 0007.

    def __str__(self) -> str:
        return self.word
