"""Reads for the public site. Every public query starts from Article.objects.live().

The one exception is `pending_article`, which, only when the site opts in with
VETTED_PUBLISH_PENDING_REVIEW, shows a submitted or in-review revision of an
article that has never been approved, under a caution banner.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from articles import reading
from articles.markdown import RenderedArticle
from articles.models import (
    Article,
    ArticleRevision,
    LivePage,
    LivePageDependency,
    RevisionImage,
    RevisionReference,
    RevisionReviewer,
    SitePage,
    Topic,
)
from articles.states import WITH_THE_BOARD, Status
from images import storage as image_storage
from images.models import ImageVersion
from people.models import ReviewerProfile, WriterProfile
from references.models import ReferenceEvent


@dataclass
class TrackerStep:
    label: str
    state: str  # "done", "current" or "todo"
    date: datetime.datetime | None = None


@dataclass
class HistoryEntry:
    revision: ArticleRevision
    reviewers: list[ReviewerProfile]


@dataclass(frozen=True)
class LeadImage:
    """The first figure a revision shows: og:image and the JSON-LD `image`."""

    url: str  # same-origin path of the JPEG/PNG rendition (og:image wants one of those)
    width: int
    height: int
    alt: str
    content_type: str

    @classmethod
    def of(cls, version: ImageVersion, alt: str) -> LeadImage:
        fallback = version.fallback
        return cls(
            url=image_storage.url(fallback["name"]),
            width=fallback["width"],
            height=fallback["height"],
            alt=alt,
            content_type=fallback["type"],
        )


@dataclass(frozen=True)
class SourceNotice:
    """A source the live page cites was retracted or corrected after the board last
    reviewed the page: the board is re-reviewing it (the retraction flags it for re-review).
    """

    kind: str  # ReferenceEvent.Kind.RETRACTED or .CORRECTION
    date: datetime.datetime

    @property
    def retracted(self) -> bool:
        return self.kind == ReferenceEvent.Kind.RETRACTED


@dataclass
class PublicArticle:
    article: Article
    revision: ArticleRevision
    cited: list[RevisionReference]
    reviewers: list[ReviewerProfile]
    # The writers the byline names: those of the revision with a public profile.
    writers: list[WriterProfile] = field(default_factory=list)
    pending: bool = False
    tracker: list[TrackerStep] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    # The hook for og:image and the JSON-LD `image` (None: the page has no figure).
    lead_image: LeadImage | None = None
    # Set while the board re-reviews the page because a source it cites changed standing.
    source_notice: SourceNotice | None = None

    @property
    def references(self) -> list[Any]:
        # As submitted and approved, never the library row as edited since.
        return [link.cited_reference for link in self.cited]

    def audience_references(self, audience: str) -> list[Any]:
        """The sources one audience's page cites, in the order of that page's numbers."""
        by_id = {ref.pk: ref for ref in self.references}
        numbers = self.revision.reference_numbers.get(audience, [])
        return [by_id[pk] for pk in numbers if pk in by_id]

    def reading(self, audience: str) -> reading.Reading:
        """Evidence sections and reference list as this audience's page shows them."""
        revision = self.revision
        return reading.reading(
            audience=audience,
            body_html=revision.body_html,
            professional_html=revision.professional_html,
            sections=revision.sections,
            references=self.audience_references(audience),
            grouped=revision.group_references,
        )

    @property
    def people(self) -> list[WriterProfile | ReviewerProfile]:
        """Everyone the page credits, writers first: the disclosures list."""
        return [*self.writers, *self.reviewers]

    @property
    def first_published_at(self) -> datetime.datetime | None:
        dates = [h.revision.published_at for h in self.history if h.revision.published_at]
        return min(dates) if dates else self.revision.published_at


# --- lists -------------------------------------------------------------------


# What a card prints: nothing else is read (the stored pages stay in the database).
LIST_FIELDS = (
    "article", "slug", "title", "summary", "last_reviewed_at", "content_updated_at",
    "topic__name", "topic__slug",
)  # fmt: skip


def listed_pages() -> QuerySet[LivePage]:
    """Live articles as lists show them: their stored pages, newest content first.

    The stored page bodies are left in the database; a card needs only these columns.
    """
    return (
        LivePage.objects.listed()
        .select_related("topic")
        .only(*LIST_FIELDS)
        .order_by("-content_updated_at", "pk")
    )


def recently_reviewed_pages() -> QuerySet[LivePage]:
    return listed_pages().order_by("-last_reviewed_at", "pk")


def topic_pages(topic: Topic) -> QuerySet[LivePage]:
    # The topic the board approved, not whatever a newer draft says.
    return listed_pages().filter(topic=topic)


def pending_articles() -> QuerySet[Article]:
    """Never-approved articles the board is reviewing; empty unless the site opts in."""
    if not settings.VETTED_PUBLISH_PENDING_REVIEW:
        return Article.objects.none()
    return (
        Article.objects.filter(
            status__in=WITH_THE_BOARD,
            live_revision__isnull=True,
            current_revision__isnull=False,
        )
        .select_related("current_revision")
        .order_by("-current_revision__created_at", "pk")
    )


def topics_with_article_counts() -> list[Topic]:
    """Public topics, each with its number of live articles."""
    counts = dict(
        LivePage.objects.listed()
        .order_by()
        .values("topic")
        .annotate(n=Count("pk"))
        .values_list("topic", "n")
    )
    topics = list(Topic.objects.filter(pk__in=counts).order_by("name"))
    for topic in topics:
        topic.article_count = counts[topic.pk]
    return topics


def public_topics() -> QuerySet[Topic]:
    """Topics with at least one live article."""
    return Topic.objects.filter(pk__in=LivePage.objects.listed().values("topic")).order_by("name")


def changed_at(revision: ArticleRevision) -> datetime.datetime | None:
    """When the public page last changed: new content or a new review date."""
    dates = [d for d in (revision.content_updated_at, revision.last_reviewed_at) if d]
    return max(dates) if dates else revision.published_at


def _source_changed_since_review() -> Exists:
    """Whether a source the page cites was retracted (and still is) or corrected after its
    last review: the list-side twin of `source_notice`, one subquery for any number."""
    cited = LivePageDependency.objects.filter(
        page=OuterRef(OuterRef("pk")), kind=LivePageDependency.Kind.SOURCE
    ).values("object_id")
    return Exists(
        ReferenceEvent.objects.filter(
            Q(kind=ReferenceEvent.Kind.CORRECTION)
            | Q(kind=ReferenceEvent.Kind.RETRACTED, reference__retracted=True),
            reference__in=cited,
            created_at__gt=OuterRef("last_reviewed_at"),
        )
    )


def feed_pages() -> QuerySet[LivePage]:
    """Live articles by their latest approval: new, updated or re-reviewed; each says
    whether the board is re-reviewing it because a cited source changed (`under_rereview`)."""
    return (
        listed_pages()
        .annotate(under_rereview=_source_changed_since_review())
        .select_related("revision")
        .only(*LIST_FIELDS, "published_at", "announced_at", "revision__number")
        .order_by("-announced_at", "pk")
    )


def site_page(key: str) -> SitePage | None:
    return SitePage.objects.filter(key=key).first()


# --- the article page --------------------------------------------------------


def revision_reviewers(revision: ArticleRevision) -> list[ReviewerProfile]:
    """Who the revision's last completed review credits (frozen on it at approval, in the
    order they signed): the byline's reviewers. A re-review under way changes nothing."""
    return list(
        ReviewerProfile.objects.filter(revision_credits__revision=revision).order_by(
            "revision_credits__position"
        )
    )


def _writers(users: QuerySet) -> list[WriterProfile]:
    return list(
        WriterProfile.objects.public().filter(user__in=users).order_by("display_name", "pk")
    )


def revision_writers(revision: ArticleRevision) -> list[WriterProfile]:
    """The writers a revision was submitted by, as far as they have a public profile."""
    return _writers(revision.authors.all())


def writer_profile_ids(page: PublicArticle) -> list[int]:
    """Profiles of all the revision's writers, public or not (what the page depends on)."""
    return list(
        WriterProfile.objects.filter(user__in=page.revision.authors.all()).values_list(
            "pk", flat=True
        )
    )


def _cited(revision: ArticleRevision) -> list[RevisionReference]:
    return list(
        RevisionReference.objects.filter(revision=revision)
        .select_related("reference")
        .order_by("position")
    )


def source_notice(revision: ArticleRevision, cited: list[RevisionReference]) -> SourceNotice | None:
    """The retraction (else correction) of a cited source recorded since the board last
    reviewed this revision, if any. A re-review's approval stamps a new review date, which
    ends the notice; a retraction mark removed since ends it too. Reads the references'
    own record of events, not the review workflow's."""
    reviewed = revision.last_reviewed_at or revision.approved_at
    still_retracted = {link.reference_id for link in cited if link.reference.retracted}
    events = ReferenceEvent.objects.filter(
        reference__in=[link.reference_id for link in cited],
        kind__in=[ReferenceEvent.Kind.RETRACTED, ReferenceEvent.Kind.CORRECTION],
    ).order_by("created_at", "pk")
    if reviewed is not None:
        events = events.filter(created_at__gt=reviewed)
    found = [
        event
        for event in events.only("reference_id", "kind", "created_at")
        if event.kind != ReferenceEvent.Kind.RETRACTED or event.reference_id in still_retracted
    ]
    retractions = [e for e in found if e.kind == ReferenceEvent.Kind.RETRACTED]
    first = (retractions or found or [None])[0]
    return None if first is None else SourceNotice(kind=first.kind, date=first.created_at)


def lead_image(revision: ArticleRevision) -> LeadImage | None:
    """The revision's first figure, at the file version and alt text it was approved with."""
    link = (
        RevisionImage.objects.filter(revision=revision)
        .select_related("version")
        .order_by("position")
        .first()
    )
    if link is None:
        return None
    return LeadImage.of(link.version, link.snapshot.get("alt_text", ""))


def _history(article: Article) -> list[HistoryEntry]:
    """Published versions, newest first, each with the board members credited with it."""
    credits = RevisionReviewer.objects.select_related("reviewer").order_by("position")
    revisions = (
        ArticleRevision.objects.filter(article=article, published_at__isnull=False)
        .order_by("-published_at")
        .prefetch_related(Prefetch("reviewer_credits", queryset=credits, to_attr="credits"))[:10]
    )
    return [
        HistoryEntry(revision, [credit.reviewer for credit in revision.credits])
        for revision in revisions
    ]


def _tracker(revision: ArticleRevision, article: Article, status: str) -> list[TrackerStep]:
    """Submitted / Under review / Approved for one revision.

    A live page dates only the approval (the reader's "reviewed on"); a pending page
    dates the steps taken so far.
    """
    labels = ["Submitted", "Under review", "Approved"]
    if revision.approved_at:
        return [TrackerStep(label, "done") for label in labels[:2]] + [
            TrackerStep(labels[2], "done", revision.approved_at)
        ]
    if status == Status.IN_REVIEW:
        # In review since the article entered that state (steps later in the same review,
        # a release or a further sign-off, do not restart the clock).
        current = revision.pk == article.current_revision_id
        started = article.status_changed_at if current else None
        return [
            TrackerStep(labels[0], "done", revision.created_at),
            TrackerStep(labels[1], "current", started),
            TrackerStep(labels[2], "todo"),
        ]
    return [
        TrackerStep(labels[0], "current", revision.created_at),
        TrackerStep(labels[1], "todo"),
        TrackerStep(labels[2], "todo"),
    ]


def public_article(*, article: Article) -> PublicArticle:
    """Everything the live article page prints, in a constant number of queries."""
    revision = article.live_revision
    cited = _cited(revision)
    return PublicArticle(
        article=article,
        revision=revision,
        cited=cited,
        reviewers=revision_reviewers(revision),
        writers=revision_writers(revision),
        tracker=_tracker(revision, article, Status.APPROVED),
        history=_history(article),
        lead_image=lead_image(revision),
        source_notice=source_notice(revision, cited),
    )


def pending_article(*, article: Article) -> PublicArticle | None:
    """The revision under review, if the site publishes pending content; else None."""
    if not settings.VETTED_PUBLISH_PENDING_REVIEW:
        return None
    revision = article.current_revision
    if article.live_revision_id or article.status not in WITH_THE_BOARD or revision is None:
        return None
    return PublicArticle(
        article=article,
        revision=revision,
        cited=_cited(revision),
        reviewers=[],
        writers=revision_writers(revision),
        pending=True,
        tracker=_tracker(revision, article, article.status),
        lead_image=lead_image(revision),
    )


def revision_page(*, article: Article, revision: ArticleRevision) -> PublicArticle:
    """Any revision laid out as the public page, for the board to read before approving
    (the staff-only reader view; shown under the caution banner)."""
    return PublicArticle(
        article=article,
        revision=revision,
        cited=_cited(revision),
        reviewers=[],
        writers=revision_writers(revision),
        pending=True,
        tracker=_tracker(revision, article, article.status),
        lead_image=lead_image(revision),
    )


def working_copy_page(*, article: Article, rendered: RenderedArticle) -> PublicArticle:
    """The working copy laid out as its public page would be, from the one rendering of an
    article (articles.markdown.render_working_copy): the staff's "Preview on the site".
    Nothing is saved; the page shows under the caution banner and is never indexed."""
    revision = ArticleRevision(**ArticleRevision.working_copy_fields(article, rendered))
    cited = [
        RevisionReference(
            revision=revision, reference=ref, position=i, snapshot=ref.bibliographic_snapshot()
        )
        for i, ref in enumerate(rendered.references, start=1)
    ]
    first = rendered.images[0] if rendered.images else None
    return PublicArticle(
        article=article,
        revision=revision,
        cited=cited,
        reviewers=[],
        writers=_writers(article.authors.all()) if article.pk else [],
        pending=True,
        tracker=[TrackerStep(label, "todo") for label in ("Submitted", "Under review", "Approved")],
        lead_image=LeadImage.of(first.current_version, first.alt_text) if first else None,
    )


def article_for_slug(slug: str) -> Article | None:
    # Not live() alone: the view must tell archived (410) and pending-review pages apart.
    return (
        Article.objects.select_related("topic", "live_revision", "current_revision")
        .filter(slug=slug)
        .first()
    )


# --- board ---------------------------------------------------------------------


def advisory_board() -> QuerySet[ReviewerProfile]:
    return ReviewerProfile.objects.active().select_related("user").order_by("display_name")


def written_by(profile: WriterProfile) -> QuerySet[LivePage]:
    """Live articles whose live revision this writer is credited with (the byline)."""
    credited = LivePageDependency.objects.filter(
        kind=LivePageDependency.Kind.WRITER, object_id=profile.pk, credited=True
    ).values("page")
    return listed_pages().filter(pk__in=credited)


def reviewed_by(profile: ReviewerProfile) -> QuerySet[LivePage]:
    """Live articles whose live revision this board member signed off (the byline)."""
    credited = LivePageDependency.objects.filter(
        kind=LivePageDependency.Kind.REVIEWER, object_id=profile.pk, credited=True
    ).values("page")
    return listed_pages().filter(pk__in=credited)
