"""Reads for the reviewer's workbench: queues, the editors' dashboard, the due report."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from articles import submission
from articles.models import Article, ArticleRevision
from articles.states import AWAITING_REVIEW, READY_FOR_REVIEW, WITH_THE_BOARD, Status
from core import paging
from people import roles
from people.names import display_name
from references import currency
from reviews import policy
from reviews.models import AuditEntry, ReviewComment, ReviewDecision, ReviewRound

DUE_HORIZONS = (30, 60, 90)
# Rows per page of the queue and of the due report.
QUEUE_PAGE_SIZE = 50
DUE_PAGE_SIZE = 100


def review_queue(*, user: Any) -> QuerySet[Article]:
    """What awaits this user, oldest first (by when each entered its state: assigning a
    reviewer or a first of two sign-offs does not restart the clock).

    Board members: submitted articles and articles due for re-review (unless someone else
    holds them), and articles in review that they hold or that nobody holds (released, or
    waiting for a further sign-off), until they have approved them. Never an article they
    wrote. Editors (who are not on the board) see everything awaiting.
    Read a page at a time: the order is an index over the articles awaiting review.
    """
    articles = Article.objects.filter(status__in=AWAITING_REVIEW).select_related(
        "topic", "assigned_reviewer__reviewer_profile"
    )
    if roles.is_board_member(user):
        approved_by_me = ReviewDecision.objects.filter(
            article=OuterRef("pk"),
            review_round=OuterRef("review_round"),
            reviewer=user,
            kind=ReviewDecision.Kind.APPROVE,
        )
        articles = (
            articles.annotate(approved_by_me=Exists(approved_by_me))
            .filter(
                Q(status__in=READY_FOR_REVIEW)
                & (Q(assigned_reviewer__isnull=True) | Q(assigned_reviewer=user))
                | Q(status=Status.IN_REVIEW, approved_by_me=False)
                & (Q(assigned_reviewer=user) | Q(assigned_reviewer__isnull=True))
            )
            .exclude(authors=user)
        )
    elif not (roles.is_editor(user) or user.is_superuser):
        return Article.objects.none()
    return articles.order_by("status_changed_at", "pk")


@dataclass
class StateSummary:
    status: str
    label: str
    count: int
    oldest: Article | None
    # False when the state holds more than paging.COUNT_CAP articles: `count` is then
    # PostgreSQL's estimate ("about 95,000").
    exact: bool = True


def editor_dashboard() -> list[StateSummary]:
    """Articles per state, each with the one that has waited longest in it.

    Two indexed reads per state whatever the number of articles: a count that stops at
    paging.COUNT_CAP (beyond it, the planner's estimate) and the oldest entry.
    """
    summaries = []
    for status in Status:
        in_state = Article.objects.filter(status=status)
        count = paging.bounded_count(in_state)
        exact = count <= paging.COUNT_CAP
        if not exact:
            count = max(paging.estimated_count(in_state), count)
        oldest = (
            in_state.order_by("status_changed_at", "pk")
            .only("pk", "title", "status", "status_changed_at")
            .first()
        )
        summaries.append(StateSummary(status, status.label, count, oldest, exact))
    return summaries


@dataclass
class DueRow:
    article: Article
    next_review_due: datetime.date
    days_left: int

    @property
    def bucket(self) -> str:
        if self.days_left < 0:
            return "overdue"
        for horizon in DUE_HORIZONS:
            if self.days_left <= horizon:
                return f"within {horizon} days"
        return "later"


def due_report(*, today: datetime.date | None = None, days: int = 90) -> QuerySet[Article]:
    """Live articles whose next review falls due within `days` (overdue ones included),
    soonest first: an index over the live revisions' review dates, read a page at a time."""
    today = today or timezone.localdate()
    return (
        Article.objects.live()
        .filter(next_review_due__lte=today + datetime.timedelta(days=days))
        .select_related("topic")
        .order_by("next_review_due", "pk")
    )


def due_rows(articles: Iterable[Article], *, today: datetime.date | None = None) -> list[DueRow]:
    """The due report's rows for these articles (one page of `due_report`)."""
    today = today or timezone.localdate()
    return [DueRow(a, a.next_review_due, (a.next_review_due - today).days) for a in articles]


@dataclass
class ReferenceRow:
    position: int
    reference: Any
    findings: list[currency.Finding]
    # When manage.py check_sources last asked PubMed / Crossref, and what it found.
    last_checked_at: datetime.datetime | None = None
    last_check_outcome: str = ""

    @property
    def flagged(self) -> bool:
        return any(f.flagged for f in self.findings)

    @property
    def retracted(self) -> bool:
        return any(f.level == "alert" for f in self.findings)


def review_references(
    *,
    revision: ArticleRevision | None,
    today: datetime.date | None = None,
    ages: dict[str, int] | None = None,
) -> list[ReferenceRow]:
    """The revision's numbered sources as submitted, each with what a reviewer should know
    (references.currency: retractions, newer versions, age by kind; `ages` overrides the
    configured age limits, {} for none)."""
    if revision is None:
        return []
    today = today or timezone.localdate()
    ages = currency.max_age_years() if ages is None else ages
    links = list(
        revision.reference_links.select_related("reference__superseded_by").order_by("position")
    )
    events = currency.events_by_source(link.reference_id for link in links)
    return [
        ReferenceRow(
            position=link.position,
            reference=link.cited_reference,
            findings=currency.assess(
                link.cited_reference,
                link.reference,
                events=events.get(link.reference_id),
                today=today,
                ages=ages,
            ),
            last_checked_at=link.reference.last_checked_at,
            last_check_outcome=link.reference.last_check_outcome,
        )
        for link in links
    ]


@dataclass
class Thread:
    comment: ReviewComment
    replies: list[Thread] = field(default_factory=list)


def comment_threads(*, revision: ArticleRevision | None) -> list[Thread]:
    """A revision's comments as threads (top-level comments, each with nested replies)."""
    if revision is None:
        return []
    comments = revision.comments.select_related(
        "author__reviewer_profile", "addressed_by__reviewer_profile"
    )
    return _threads(list(comments))


def latest_change_requests(*, article: Article) -> list[ReviewDecision]:
    """The requests for changes on the revision the writers are answering."""
    if article.current_revision_id is None:
        return []
    return list(
        article.decisions.filter(
            revision_id=article.current_revision_id, kind=ReviewDecision.Kind.REQUEST_CHANGES
        ).select_related("reviewer__reviewer_profile")
    )


@dataclass
class RoundView:
    """One review round as the review screen shows it."""

    round: ReviewRound
    requests: list[ReviewDecision]
    approvals: list[ReviewDecision]
    threads: list[Thread]
    # The writers' note when they submitted this round's revision.
    submit_note: str = ""

    @property
    def points(self) -> int:
        return len(self.threads)

    @property
    def addressed(self) -> int:
        return sum(1 for t in self.threads if t.comment.addressed_at)


def _threads(comments: list[ReviewComment]) -> list[Thread]:
    threads = {c.pk: Thread(c) for c in comments}
    roots = []
    for comment in comments:
        node = threads[comment.pk]
        if comment.parent_id in threads:
            threads[comment.parent_id].replies.append(node)
        else:
            roots.append(node)
    return roots


def review_rounds(*, article: Article) -> list[RoundView]:
    """Every round of the article, newest first, with its requests, sign-offs and
    comment threads (and which points the writers marked addressed), in four queries."""
    rounds = list(
        article.rounds.select_related("revision", "reviewer__reviewer_profile").order_by("-number")
    )
    if not rounds:
        return []
    decisions: dict[int, list[ReviewDecision]] = {}
    for decision in article.decisions.select_related(
        "reviewer__reviewer_profile", "signature"
    ).order_by("created_at", "pk"):
        decisions.setdefault(decision.review_round, []).append(decision)
    comments: dict[int, list[ReviewComment]] = {}
    for comment in ReviewComment.objects.filter(round__article=article).select_related(
        "author__reviewer_profile", "addressed_by__reviewer_profile"
    ):
        comments.setdefault(comment.round_id, []).append(comment)
    notes = dict(
        AuditEntry.objects.filter(article=article, transition=AuditEntry.Action.SUBMIT)
        .exclude(comment="")
        .values_list("revision_id", "comment")
    )
    return [
        RoundView(
            round=r,
            requests=[
                d
                for d in decisions.get(r.number, [])
                if d.kind == ReviewDecision.Kind.REQUEST_CHANGES
            ],
            approvals=[
                d for d in decisions.get(r.number, []) if d.kind == ReviewDecision.Kind.APPROVE
            ],
            threads=_threads(comments.get(r.pk, [])),
            submit_note=notes.get(r.revision_id, ""),
        )
        for r in rounds
    ]


def sent_back_revision(*, article: Article) -> ArticleRevision | None:
    """The revision the board sent back in the last round before the one under review,
    when that round ended with a request for changes (the one under review is the
    writers' answer to it). A round sent back before a later approval does not count."""
    if article.current_revision_id is None:
        return None
    last = (
        article.rounds.exclude(revision_id=article.current_revision_id)
        .exclude(outcome=ReviewRound.Outcome.OPEN)
        .select_related("revision")
        .order_by("-number")
        .first()
    )
    if last is None or last.outcome != ReviewRound.Outcome.CHANGES_REQUESTED:
        return None
    return last.revision


@dataclass
class Baselines:
    """What the review screen's diff may compare the revision under review with."""

    live: ArticleRevision | None  # what readers see now (unless it is under review itself)
    sent_back: ArticleRevision | None  # sent back in the last round
    # Every other revision, newest first: (number, when it was submitted).
    earlier: list[tuple[int, datetime.datetime]]

    @property
    def default(self) -> ArticleRevision | None:
        """The live revision, else the one sent back, else none (all of it is new)."""
        return self.live or self.sent_back


def diff_baselines(*, article: Article) -> Baselines:
    revision_id = article.current_revision_id
    live = article.live_revision if article.live_revision_id != revision_id else None
    return Baselines(
        live=live,
        sent_back=sent_back_revision(article=article),
        earlier=list(
            article.revisions.exclude(pk=revision_id)
            .order_by("-number")
            .values_list("number", "created_at")
        ),
    )


def sources_not_current(*, revision: ArticleRevision | None) -> str:
    """Why "the sources are current" cannot be confirmed, in plain words ("" if it can):
    a source is retracted (and the text does not say why it is cited, as the source
    policy asks), under an expression of concern, or superseded by a newer version in
    the library. (A source past its kind's age limit is flagged for the
    reviewer to judge, but does not stop the box: a 2017 review may still be the best
    evidence there is.)"""
    rows = review_references(revision=revision, ages={})
    article = revision.article if revision is not None else None

    def holds_back(row, finding) -> bool:
        # A retracted source the text explains citing (the source policy) is the board's
        # to judge, as at submit; anything else flagged stops the box.
        if finding.kind == "retracted" and article is not None:
            return not submission.retraction_explained(article, row.reference)
        return finding.flagged

    flagged = [(row, [f for f in row.findings if holds_back(row, f)]) for row in rows]
    flagged = [(row, findings) for row, findings in flagged if findings]
    if not flagged:
        return ""
    listed = " ".join(
        f"Source {row.position} ({row.reference.key}): " + " ".join(f.text for f in findings)
        for row, findings in flagged
    )
    return (
        f"You cannot confirm the sources are current while a source is flagged. {listed} "
        "Request changes so the writers replace or update it."
    )


def approvals_this_round(*, article: Article) -> list[ReviewDecision]:
    return list(policy.approvals_this_round(article).select_related("signature", "revision"))


# --- the writer's home ----------------------------------------------------------------

DESK_ROWS = 10
# A live article whose re-review falls due within this many days is "due" on the desk.
DESK_DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class DeskRow:
    article: Article
    where: str  # where it stands, with its date
    next_step: str  # what the writer does next (or that there is nothing to do)
    requests: tuple[ReviewDecision, ...] = ()


@dataclass(frozen=True)
class DeskGroup:
    key: str
    title: str
    rows: list[DeskRow]
    more: bool  # there are more than the rows shown
    list_query: str  # the article list filtered to this group ("status__exact=draft")
    empty: str


def _day(value: datetime.datetime | datetime.date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value:%Y-%m-%d}"


def _first(queryset: QuerySet[Article]) -> tuple[list[Article], bool]:
    found = list(queryset[: DESK_ROWS + 1])
    return found[:DESK_ROWS], len(found) > DESK_ROWS


def writer_desk(*, user: Any, today: datetime.date | None = None) -> list[DeskGroup]:
    """A writer's own articles by what they need: drafts, sent back with the reviewers'
    requests, waiting for review, due for re-review, live. Each row says where the article
    stands and what comes next. Six queries whatever the number of articles."""
    today = today or timezone.localdate()
    mine = (
        Article.objects.filter(authors=user)
        .select_related("assigned_reviewer__reviewer_profile", "live_revision")
        .defer("body", "professional_body", "audience_notes", "archive_reason")
    )
    soon = today + datetime.timedelta(days=DESK_DUE_SOON_DAYS)
    drafts, more_drafts = _first(mine.filter(status=Status.DRAFT).order_by("-updated_at", "-pk"))
    sent_back, more_sent_back = _first(
        mine.filter(status=Status.CHANGES_REQUESTED).order_by("status_changed_at", "pk")
    )
    waiting, more_waiting = _first(
        mine.filter(status__in=WITH_THE_BOARD).order_by("status_changed_at", "pk")
    )
    due, more_due = _first(
        mine.filter(
            Q(status=Status.REVIEW_DUE) | Q(status=Status.APPROVED, next_review_due__lte=soon)
        ).order_by(F("next_review_due").asc(nulls_first=True), "pk")
    )
    live, more_live = _first(
        mine.filter(status=Status.APPROVED, live_revision__isnull=False)
        .exclude(next_review_due__lte=soon)
        .order_by("-live_revision__published_at", "-pk")
    )
    requests: dict[int, list[ReviewDecision]] = {}
    for decision in ReviewDecision.objects.filter(
        article__in=sent_back,
        kind=ReviewDecision.Kind.REQUEST_CHANGES,
        revision_id__in=[a.current_revision_id for a in sent_back],
    ).select_related("reviewer__reviewer_profile"):
        requests.setdefault(decision.article_id, []).append(decision)

    def live_note(article: Article) -> str:
        if article.live_revision_id is None:
            return "Not yet public."
        return f"An earlier version is live at {article.get_absolute_url()}."

    groups = [
        DeskGroup(
            "drafts",
            "My drafts",
            [
                DeskRow(
                    a,
                    f"Draft, last saved {_day(a.updated_at)}. {live_note(a)}",
                    "Finish it and submit it for medical review.",
                )
                for a in drafts
            ],
            more_drafts,
            "status__exact=draft",
            "No drafts.",
        ),
        DeskGroup(
            "sent_back",
            "Sent back to me",
            [
                DeskRow(
                    a,
                    f"Changes requested {_day(a.status_changed_at)}"
                    + (f" by {display_name(a.assigned_reviewer)}." if a.assigned_reviewer else "."),
                    "Answer each of the reviewer's points, revise, and submit again.",
                    tuple(requests.get(a.pk, ())),
                )
                for a in sent_back
            ],
            more_sent_back,
            "status__exact=changes_requested",
            "Nothing sent back.",
        ),
        DeskGroup(
            "waiting",
            "Waiting for review",
            [
                DeskRow(
                    a,
                    (
                        f"In review with {display_name(a.assigned_reviewer, credentials=True)} "
                        f"since {_day(a.status_changed_at)}."
                        if a.status == Status.IN_REVIEW and a.assigned_reviewer
                        else f"In review since {_day(a.status_changed_at)}; waiting for the "
                        "next board member to take it."
                        if a.status == Status.IN_REVIEW
                        else f"Submitted {_day(a.status_changed_at)}"
                        + (
                            f"; {display_name(a.assigned_reviewer)} has it again."
                            if a.assigned_reviewer
                            else "; waiting for a board member."
                        )
                    ),
                    "Nothing to do: it is locked until the board finishes. You are emailed then.",
                )
                for a in waiting
            ],
            more_waiting,
            "queue=awaiting",
            "Nothing waiting for review.",
        ),
        DeskGroup(
            "due",
            "Live, due for re-review",
            [
                DeskRow(
                    a,
                    f"Live; re-review due {_day(a.next_review_due)}"
                    + (" (the board is looking again)." if a.status == Status.REVIEW_DUE else "."),
                    "Check that its sources are still current; update it now if the evidence "
                    "has moved on, so the board reviews the new version.",
                )
                for a in due
            ],
            more_due,
            "queue=due",
            "Nothing due for re-review in the next 30 days.",
        ),
        DeskGroup(
            "live",
            "Live",
            [
                DeskRow(
                    a,
                    f"Live since {_day(a.live_revision.published_at)}; next review "
                    f"{_day(a.next_review_due)}.",
                    "Nothing to do. Editing it starts a new draft; the page stays as it is "
                    "until the board approves the update.",
                )
                for a in live
            ],
            more_live,
            "status__exact=approved",
            "Nothing live yet.",
        ),
    ]
    return groups
