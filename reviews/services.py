"""Every write in the review workflow goes through these functions.

Each one is atomic, locks the article row, checks permission on the server,
calls the django-fsm transition (which only changes the instance), saves,
writes the audit entry, and queues notifications with transaction.on_commit.
Views, the admin and management commands call these; none repeats their logic.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_fsm as fsm
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import reauth
from articles import publishing
from articles.markdown import render_article
from articles.models import Article, ArticleRevision, RevisionReference
from reviews import notifications, roles, signatures
from reviews.dates import add_months
from reviews.models import ApprovalSignature, AuditEntry, ReviewComment, ReviewDecision
from reviews.workflow import LOCKED_STATUSES, Status

# Fields whose change makes a new version of the content.
CONTENT_FIELDS = frozenset({"title", "summary", "body", "professional_body", "topic", "slug"})


LOCKED_MESSAGE = (
    "This article is with the medical reviewers and cannot be edited until they finish."
)

# What a reviewer confirms before every approval, re-confirmations included.
REVIEW_CHECKLIST = {
    "claims_supported": "Every claim is supported by the cited sources.",
    "dosing_checked": "Dosing and safety statements are checked.",
    "sources_current": "The sources are current (none outdated or retracted).",
    "disclaimer_fits": "The disclaimer fits the content.",
}


class WorkflowError(Exception):
    """A transition that cannot happen in the article's current state (HTTP 409)."""


def _notify_after_commit(send: Any, **kwargs: Any) -> None:
    """Email once the transition is committed. A mail failure is logged, never raised:
    the transition has happened, so the person who made it must not see an error."""

    # A named function, not functools.partial: Django logs failures by __qualname__.
    def send_notification() -> None:
        send(**kwargs)

    transaction.on_commit(send_notification, robust=True)


def _lock(article: Article) -> Article:
    """Re-read the article under a row lock so racing transitions serialise."""
    return Article.objects.select_for_update().select_related("topic").get(pk=article.pk)


def _refuse_unless_allowed(article: Article, name: str, user: Any) -> None:
    method = getattr(article, name)
    label = _label(article, name)
    if not fsm.can_proceed(method, check_conditions=False):
        raise WorkflowError(
            f"“{label}” is not possible while the article is "
            f"{article.get_status_display().lower()}."
        )
    # Permission alone; unmet conditions get their own message from the caller.
    if not method._django_fsm.has_transition_perm(article, article.status, user):
        raise PermissionDenied(_permission_message(article, name, user))


def _label(article: Article, name: str) -> str:
    """The button label the transition declares (custom={"label": …}), else its name."""
    transitions = getattr(article, name)._django_fsm.transitions.values()
    return next(iter(transitions)).custom.get("label", name)


def _permission_message(article: Article, name: str, user: Any) -> str:
    if name in ("start_review", "approve", "request_changes"):
        if roles.is_author(article, user):
            return "You wrote or co-wrote this article, so you cannot review or approve it."
        if not roles.is_board_member(user):
            return (
                "Only active advisory board members with current, verified credentials "
                "can review articles."
            )
        if name == "approve":
            return (
                "You have already approved this revision; a further approval must come "
                "from another board member."
            )
    if name in ("archive", "restore"):
        return "Only editors can archive or restore articles."
    if name in ("submit", "revise"):
        return "Only the article's authors or an editor can do that."
    return "You do not have permission to do that."


def _record(
    *,
    article: Article,
    transition: str,
    from_status: str,
    user: Any,
    comment: str = "",
    revision: ArticleRevision | None = None,
    signature: ApprovalSignature | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        article=article,
        revision=revision if revision is not None else article.current_revision,
        actor=user,
        transition=transition,
        from_status=from_status,
        to_status=article.status,
        comment=comment,
        signature=signature,
    )


def _content_hash(article: Article, references: list) -> str:
    # The sources as printed, not just which ones: a corrected citation is an update.
    return signatures.content_digest(
        title=article.title,
        summary=article.summary,
        body=article.body,
        professional_body=article.professional_body,
        sources=[ref.bibliographic_snapshot() for ref in references],
    )


def _snapshot(article: Article, user: Any) -> ArticleRevision:
    rendered = render_article(article.body, article.professional_body)
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ArticleRevision.objects.create(
        article=article,
        number=number,
        title=article.title,
        slug=article.slug,
        summary=article.summary,
        body=article.body,
        professional_body=article.professional_body,
        body_html=rendered.body_html,
        professional_html=rendered.professional_html,
        topic=article.topic,
        content_hash=_content_hash(article, rendered.references),
        created_by=user,
    )
    RevisionReference.objects.bulk_create(
        RevisionReference(
            revision=revision, reference=ref, position=i, snapshot=ref.bibliographic_snapshot()
        )
        for i, ref in enumerate(rendered.references, start=1)
    )
    return revision


# --- writing ---------------------------------------------------------------


@transaction.atomic
def article_save(*, article: Article, user: Any, changed_fields: set[str] | list[str]) -> Article:
    """Save the working copy. Editing live content starts a new draft (revise).

    Only the edited fields are copied onto the freshly locked row, so an edit made on a
    stale copy can never undo what the workflow did meanwhile (e.g. a scheduled publish).
    """
    if article.pk is None:
        article.save()
        return article
    edited = [
        name
        for name in changed_fields
        if (field := _concrete_field(name)) is not None and field.editable
    ]
    if not edited:
        # e.g. a reviewer's transition button posts the read-only form: nothing to save.
        return article
    current = _lock(article)
    if current.status in LOCKED_STATUSES:
        raise ValidationError(LOCKED_MESSAGE)
    if current.status == Status.ARCHIVED:
        raise ValidationError("This article is archived; an editor must restore it first.")
    if not roles.can_edit_content(current, user):
        raise PermissionDenied("Only the article's authors or an editor can edit it.")
    locked_slug = current.approved_slug()
    if locked_slug and article.slug != locked_slug:
        raise ValidationError(
            f"This article was approved at “{locked_slug}”; its URL (slug) cannot change."
        )
    for name in edited:
        setattr(current, name, getattr(article, name))
    if set(edited) & CONTENT_FIELDS and current.status in (Status.APPROVED, Status.REVIEW_DUE):
        from_status = current.status
        current.revise()
        current.save()
        _record(article=current, transition="revise", from_status=from_status, user=user)
    else:
        current.save()
    return current


def _concrete_field(name: str):
    try:
        field = Article._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete and not field.many_to_many else None


@transaction.atomic
def article_submit(*, article: Article, user: Any, comment: str = "") -> Article:
    """Freeze the working copy into a revision and hand it to the board."""
    article = _lock(article)
    _refuse_unless_allowed(article, "submit", user)
    problems = article.submission_problems()
    if problems:
        raise ValidationError(problems)
    from_status = article.status
    article.submit(comment=comment)
    article.current_revision = _snapshot(article, user)
    article.review_round += 1
    article.assigned_reviewer = None
    article.save()
    _record(
        article=article, transition="submit", from_status=from_status, user=user, comment=comment
    )
    _notify_after_commit(notifications.article_submitted, article_id=article.pk)
    return article


@transaction.atomic
def review_start(*, article: Article, user: Any) -> Article:
    """A board member claims a submitted (or due) article and becomes its reviewer."""
    article = _lock(article)
    _refuse_unless_allowed(article, "start_review", user)
    other = article.assigned_reviewer
    if other is not None and other.pk != user.pk and roles.is_board_member(other):
        # An editor's assignment holds; they reassign if the assignee cannot do it.
        raise PermissionDenied(
            f"An editor assigned this article to {other.get_full_name() or other.username}; "
            "ask an editor to reassign it."
        )
    from_status = article.status
    if from_status == Status.REVIEW_DUE:
        # Re-review: the live revision itself is what the board confirms.
        article.current_revision = article.live_revision
        article.review_round += 1
    article.start_review(reviewer=user)
    article.save()
    _record(article=article, transition="start_review", from_status=from_status, user=user)
    return article


@transaction.atomic
def review_request_changes(*, article: Article, user: Any, comment: str) -> Article:
    """Send the article back to its writers; the comment is required and kept with the revision."""
    if not (comment or "").strip():
        raise ValidationError("Explain what needs to change: a comment is required.")
    article = _lock(article)
    _refuse_unless_allowed(article, "request_changes", user)
    from_status = article.status
    ReviewDecision.objects.create(
        article=article,
        revision=article.current_revision,
        review_round=article.review_round,
        reviewer=user,
        kind=ReviewDecision.Kind.REQUEST_CHANGES,
        comment=comment,
    )
    ReviewComment.objects.create(revision=article.current_revision, author=user, body=comment)
    article.request_changes(comment=comment)
    article.save()
    _record(
        article=article,
        transition="request_changes",
        from_status=from_status,
        user=user,
        comment=comment,
    )
    _notify_after_commit(notifications.changes_requested, article_id=article.pk)
    return article


def _checked(checklist: dict | None) -> dict[str, bool]:
    """Every checklist item must be confirmed; anything else is refused."""
    checklist = checklist or {}
    missing = [label for key, label in REVIEW_CHECKLIST.items() if checklist.get(key) is not True]
    if missing:
        raise ValidationError(
            ["Confirm every item of the review checklist before approving:", *missing]
        )
    return {key: True for key in REVIEW_CHECKLIST}


@transaction.atomic
def review_approve(
    *,
    article: Article,
    user: Any,
    comment: str = "",
    checklist: dict | None = None,
    go_live_at: datetime.datetime | None = None,
    signature: reauth.Reauthentication | None = None,
) -> Article:
    """Record a sign-off; the article goes live once the topic's policy is met.

    The whole checklist is required. An approval is an electronic signature: without
    the approver's fresh re-authentication (`signature`, from accounts.reauth) nothing
    is recorded; with it, the signature (name, credentials, time, meaning, content hash)
    is stored with the decision and its audit entry. A go-live time may be set only by
    an approver who is also an editor (articles.manage_workflow); otherwise approval
    publishes now.
    """
    confirmed = _checked(checklist)
    if go_live_at is not None and not roles.is_editor(user):
        raise PermissionDenied("Only an editor can schedule when an approved article goes live.")
    article = _lock(article)
    _refuse_unless_allowed(article, "approve", user)
    proof = reauth.confirm(signature, user)
    if ApprovalSignature.objects.filter(reauth_nonce=proof.nonce).exists():
        raise ValidationError("That signature was already used: sign this approval again.")
    from_status = article.status
    revision = article.current_revision
    # One clock reading: the sign-off and the "Last reviewed" stamp it completes must agree.
    now = timezone.now()
    decision = ReviewDecision.objects.create(
        article=article,
        revision=revision,
        review_round=article.review_round,
        reviewer=user,
        kind=ReviewDecision.Kind.APPROVE,
        comment=comment,
        checklist=confirmed,
        go_live_at=go_live_at,
        created_at=now,
    )
    article.approve(comment=comment)
    if article.status == Status.APPROVED:
        # A time an editor asked for with an earlier sign-off in this round still holds.
        requested = (
            article.approvals_this_round()
            .filter(go_live_at__isnull=False)
            .order_by("-created_at")
            .values_list("go_live_at", flat=True)
            .first()
        )
        _publish_approved(article, revision, go_live_at=requested, now=now)
    article.save()
    signed = signatures.sign(decision=decision, article=article, proof=proof, signed_at=now)
    _record(
        article=article,
        transition="approve",
        from_status=from_status,
        user=user,
        comment=comment,
        signature=signed,
    )
    if article.status == Status.APPROVED:
        # Live now, re-confirmed (new review dates) or scheduled: the stored page follows.
        publishing.article_changed(article)
        _notify_after_commit(notifications.article_approved, article_id=article.pk)
    return article


def _publish_approved(
    article: Article,
    revision: ArticleRevision,
    *,
    go_live_at: datetime.datetime | None,
    now: datetime.datetime,
) -> None:
    revision.approved_at = revision.approved_at or now
    revision.last_reviewed_at = now
    revision.next_review_due = add_months(
        timezone.localdate(now), article.topic.review_interval_months
    )
    stamps = ["approved_at", "last_reviewed_at", "next_review_due"]
    if article.live_revision_id == revision.pk:
        # Re-confirmation of unchanged content: reviewed again, not updated.
        revision.save(update_fields=stamps)
        return
    if go_live_at and go_live_at > now:
        revision.save(update_fields=stamps)
        article.scheduled_revision = revision
        article.scheduled_live_at = go_live_at
        return
    revision.save(update_fields=stamps)
    make_live(article, revision, now=now)


# What make_live (and rescheduling) change on the article.
LIVE_SWITCH_FIELDS = ["live_revision", "scheduled_revision", "scheduled_live_at", "updated_at"]


def make_live(article: Article, revision: ArticleRevision, *, now: datetime.datetime) -> None:
    """Switch the public page to `revision` (caller saves the article)."""
    previous = article.live_revision
    unchanged = previous is not None and previous.content_hash == revision.content_hash
    revision.published_at = now
    revision.content_updated_at = previous.content_updated_at if unchanged else now
    revision.save(update_fields=["published_at", "content_updated_at"])
    article.live_revision = revision
    article.scheduled_revision = None
    article.scheduled_live_at = None


@transaction.atomic
def article_archive(*, article: Article, user: Any, reason: str) -> Article:
    """Withdraw an article from the public (its URL answers 410). A reason is required."""
    if not (reason or "").strip():
        raise ValidationError("Give a reason for archiving: it is kept in the audit log.")
    article = _lock(article)
    _refuse_unless_allowed(article, "archive", user)
    from_status = article.status
    article.archive(reason=reason)
    article.save()
    publishing.article_changed(article)
    _record(
        article=article, transition="archive", from_status=from_status, user=user, comment=reason
    )
    return article


@transaction.atomic
def article_restore(*, article: Article, user: Any, comment: str = "") -> Article:
    article = _lock(article)
    _refuse_unless_allowed(article, "restore", user)
    from_status = article.status
    article.restore()
    article.save()
    publishing.article_changed(article)
    _record(
        article=article, transition="restore", from_status=from_status, user=user, comment=comment
    )
    return article


def flag_reviews_due(*, today: datetime.date | None = None) -> list[Article]:
    """Move approved articles whose live revision is past its review date to review_due."""
    today = today or timezone.localdate()
    flagged = []
    for pk in Article.objects.due_for_review(today).values_list("pk", flat=True):
        with transaction.atomic():
            article = _lock(Article(pk=pk))
            if not article.live_review_is_due(today) or article.status != Status.APPROVED:
                continue  # changed since we listed it
            article.flag_review_due()
            article.assigned_reviewer = None  # a new round: anyone on the board may claim it
            article.save()
            _record(
                article=article,
                transition="flag_review_due",
                from_status=Status.APPROVED,
                user=None,
            )
            flagged.append(article)
    if flagged:
        ids = [a.pk for a in flagged]
        _notify_after_commit(notifications.reviews_due, article_ids=ids)
    return flagged


# Why a re-review request could not move an article to review_due, by its status.
_REREVIEW_BLOCKED = {
    Status.REVIEW_DUE: "It is already due for re-review.",
    Status.SUBMITTED: "A revision is already with the board, which sees the reason.",
    Status.IN_REVIEW: "A revision is already with the board, which sees the reason.",
    Status.DRAFT: "Its working copy is being edited; the live revision stays public until "
    "the next approval, which must weigh the reason.",
    Status.CHANGES_REQUESTED: "Its working copy is being revised; the next approval must weigh "
    "the reason.",
    Status.ARCHIVED: "It is archived and not public.",
}


@transaction.atomic
def flag_for_rereview(*, article: Article, reason: str) -> Article:
    """Ask the board to look again at a live article (e.g. a cited source was retracted).

    An approved article moves to review_due, as the scheduler's flag_review_due does; in any
    other state the audit log records why it could not move. Either way the audit entry
    carries the reason, and editors and board members are emailed after commit.
    """
    if not (reason or "").strip():
        raise ValidationError("A re-review needs a reason.")
    article = _lock(article)
    from_status = article.status
    moved = from_status == Status.APPROVED and fsm.can_proceed(article.flag_review_due)
    if moved:
        article.flag_review_due()
        article.assigned_reviewer = None  # a new round: anyone on the board may claim it
        article.save()
        comment = reason
    else:
        blocked = _REREVIEW_BLOCKED.get(from_status, "It has no live revision.")
        comment = f"{reason} Not moved to review due: {blocked}"
    _record(
        article=article,
        transition="flag_for_rereview",
        from_status=from_status,
        user=None,
        comment=comment,
    )
    _notify_after_commit(
        notifications.rereview_requested, article_id=article.pk, reason=reason, moved=moved
    )
    return article


@transaction.atomic
def review_assign(*, article: Article, user: Any, reviewer: Any) -> Article:
    """An editor assigns (or reassigns) the board member who reviews the article."""
    if not roles.is_editor(user):
        raise PermissionDenied("Only editors can assign reviewers.")
    article = _lock(article)
    if article.status not in (Status.SUBMITTED, Status.IN_REVIEW, Status.REVIEW_DUE):
        raise WorkflowError(
            "A reviewer can be assigned only while the article awaits review, not while it is "
            f"{article.get_status_display().lower()}."
        )
    if not roles.is_board_member(reviewer):
        raise ValidationError(
            f"{reviewer} cannot review: only active advisory board members with current, "
            "verified credentials can."
        )
    if roles.is_author(article, reviewer):
        raise ValidationError(f"{reviewer} wrote or co-wrote this article and cannot review it.")
    if article.assigned_reviewer_id == reviewer.pk:
        return article
    article.assigned_reviewer = reviewer
    article.save(update_fields=["assigned_reviewer", "updated_at"])
    _record(
        article=article,
        transition="assign_reviewer",
        from_status=article.status,
        user=user,
        comment=f"Reviewer: {reviewer.get_full_name() or reviewer.username}",
    )
    _notify_after_commit(notifications.reviewer_assigned, article_id=article.pk)
    return article


@transaction.atomic
def review_comment(
    *, revision: ArticleRevision, user: Any, body: str, parent: ReviewComment | None = None
) -> ReviewComment:
    """Comment on a revision (or reply in a thread); board members and the writers may."""
    if not (body or "").strip():
        raise ValidationError("A comment cannot be empty.")
    article = revision.article
    if not (roles.can_review_article(article, user) or roles.can_edit_content(article, user)):
        raise PermissionDenied(
            "Only the article's writers, editors and advisory board members can comment."
        )
    if parent is not None and parent.revision_id != revision.pk:
        raise ValidationError("A reply must be on the same revision as the comment it answers.")
    return ReviewComment.objects.create(
        revision=revision, parent=parent, author=user, body=body.strip()
    )


@transaction.atomic
def article_reschedule(
    *, article: Article, user: Any, go_live_at: datetime.datetime | None
) -> Article:
    """An editor moves an approved revision's go-live time, or clears it to publish now."""
    if not roles.is_editor(user):
        raise PermissionDenied("Only editors can change when an approved article goes live.")
    article = _lock(article)
    if article.status == Status.ARCHIVED:
        raise WorkflowError("This article is archived; restore it before scheduling.")
    revision = article.scheduled_revision
    if revision is None:
        raise WorkflowError("Nothing is scheduled to go live for this article.")
    now = timezone.now()
    if go_live_at is not None and go_live_at > now:
        article.scheduled_live_at = go_live_at
        comment = f"Go-live moved to {timezone.localtime(go_live_at):%Y-%m-%d %H:%M}."
    else:
        make_live(article, revision, now=now)
        comment = "Published now instead of at the scheduled time."
    article.save(update_fields=LIVE_SWITCH_FIELDS)
    publishing.article_changed(article)
    _record(
        article=article,
        transition="reschedule",
        from_status=article.status,
        user=user,
        comment=comment,
        revision=revision,
    )
    return article


def publish_scheduled(*, now: datetime.datetime | None = None) -> list[Article]:
    """Switch approved revisions whose go-live time has come to live (idempotent)."""
    now = now or timezone.now()
    due = Article.objects.filter(
        scheduled_revision__isnull=False, scheduled_live_at__lte=now
    ).exclude(status=Status.ARCHIVED)
    published = []
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            article = _lock(Article(pk=pk))
            revision = article.scheduled_revision
            if (
                revision is None
                or article.scheduled_live_at is None
                or article.scheduled_live_at > now
                or article.status == Status.ARCHIVED
            ):
                continue  # published or changed since we listed it
            make_live(article, revision, now=now)
            article.save(update_fields=LIVE_SWITCH_FIELDS)
            publishing.article_changed(article)
            _record(
                article=article,
                transition="publish_scheduled",
                from_status=article.status,
                user=None,
                revision=revision,
            )
            published.append(article)
    return published


# The admin's transition buttons and forms dispatch through this table.
TRANSITION_SERVICES = {
    "submit": article_submit,
    "start_review": review_start,
    "request_changes": review_request_changes,
    "approve": review_approve,
    "archive": article_archive,
    "restore": article_restore,
    "assign_reviewer": review_assign,
}


def apply_transition(*, article: Article, name: str, user: Any, **kwargs: Any) -> Article:
    try:
        service = TRANSITION_SERVICES[name]
    except KeyError:
        raise WorkflowError(f"Unknown action “{name}”.") from None
    return service(article=article, user=user, **kwargs)
