"""Review actions: every write in the review workflow goes through these functions.

Each is atomic and has the same shape (reviews.steps): lock the article row, check the
step on the server (state, then who), compute the facts the transition needs, call the
django-fsm transition (which only changes the instance), save, write the audit entry,
and queue notifications with transaction.on_commit. Content writes and going live are
articles' (articles.services, articles.going_live); these compose them with the workflow.
Views, the admin, commands and the action model call these; none repeats their logic.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import django_fsm as fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import reauth
from articles import citing, evidence, going_live, revisions, stored_pages
from articles import services as articles_services
from articles.models import Article, ArticleRevision
from articles.states import APPROVED_CONTENT, Status
from articles.submission import check_submission
from people import roles
from people.names import display_name
from references.models import ReferenceEvent
from reviews import notifications, policy, selectors, signatures, steps, workflow
from reviews.models import (
    ApprovalSignature,
    AuditEntry,
    ReviewComment,
    ReviewDecision,
    ReviewRound,
)
from reviews.workflow import WorkflowError

# What a reviewer confirms before every approval, re-confirmations included.
REVIEW_CHECKLIST = {
    "claims_supported": "Every claim is supported by the cited sources.",
    "dosing_checked": "Dosing and safety statements are checked.",
    "sources_current": "The sources are current (none outdated or retracted).",
    "disclaimer_fits": "The disclaimer fits the content.",
}

Action = AuditEntry.Action


# --- rounds ----------------------------------------------------------------------------


def current_round(article: Article) -> ReviewRound | None:
    """The article's latest round (open, or the last one the board closed)."""
    return article.rounds.order_by("-number").first()


def _open_round(article: Article, revision: ArticleRevision, reviewer: Any) -> ReviewRound:
    return ReviewRound.objects.create(
        article=article, number=article.review_round, revision=revision, reviewer=reviewer
    )


def _close_round(article: Article, outcome: str, *, now: datetime.datetime | None = None) -> None:
    ReviewRound.objects.filter(article=article, outcome=ReviewRound.Outcome.OPEN).update(
        outcome=outcome, closed_at=now or timezone.now()
    )


def _hold_round(article: Article, reviewer: Any) -> None:
    """Record who holds the open round (claimed or assigned)."""
    ReviewRound.objects.filter(article=article, outcome=ReviewRound.Outcome.OPEN).update(
        reviewer=reviewer
    )


# --- the content: articles.services writes it; editing approved content starts a draft ---


def _new_draft_of_approved(user: Any) -> articles_services.ContentEdited:
    """The workflow's say on a content edit: live (approved) content gets a new draft,
    whose next approval replaces what readers see; anything else stays as saved."""

    def revise_if_approved(saved: Article) -> Article:
        if saved.status not in APPROVED_CONTENT:
            return saved
        # The row is already locked by this transaction: re-read as the workflow's proxy.
        article = steps.lock(saved)
        from_status = article.status
        article.revise()
        article.save()
        steps.record(
            article=article,
            action=workflow.step("revise").audit,
            from_status=from_status,
            user=user,
        )
        return article

    return revise_if_approved


def article_save(*, article: Article, user: Any, changed_fields: set[str] | list[str]) -> Article:
    """Save the working copy (or create it): articles.services.article_save, where editing
    live content starts a new draft. What the admin, commands and tests call."""
    return articles_services.article_save(
        article=article,
        user=user,
        changed_fields=changed_fields,
        on_content_edit=_new_draft_of_approved(user),
    )


def article_sections_save(*, article: Article, user: Any, save: Callable[[], Any]) -> Article:
    """Save the evidence sections (`save` writes them: the admin's inline formset), as
    article_save saves the fields; editing those of a live article starts a new draft."""
    return articles_services.article_sections_save(
        article=article, user=user, save=save, on_content_edit=_new_draft_of_approved(user)
    )


def article_sections_set(
    *, article: Article, user: Any, sections: list[evidence.SectionText]
) -> Article:
    """Replace the working copy's evidence sections with these, in this order."""
    return articles_services.article_sections_set(
        article=article,
        user=user,
        sections=sections,
        on_content_edit=_new_draft_of_approved(user),
    )


# --- review actions ---------------------------------------------------------------------


@transaction.atomic
def article_submit(*, article: Article, user: Any, comment: str = "") -> Article:
    """Freeze the working copy into a revision and hand it to the board.

    The reviewer who sent the last round back gets it back in review at once, without
    pressing "Start review" again; an editor can reassign it. The Markdown is rendered
    once, by the check.
    """
    article = steps.lock(article)
    step = steps.check(article, "submit", user)
    submission = check_submission(article)
    from_status = article.status
    # A resubmission returns to the reviewer who held the round that sent it back, while
    # they may still review it; anything else goes to the whole board.
    last = current_round(article)
    keeper = article.assigned_reviewer
    if (
        last is None
        or last.outcome != ReviewRound.Outcome.CHANGES_REQUESTED
        or keeper is None
        or roles.board_members(article, keeper) is not None
    ):
        keeper = None
    article.submit(problems=submission.problems, keeper=keeper)
    article.current_revision = revisions.revision_create(article, user, submission.rendered)
    article.review_round += 1
    article.save()
    _open_round(article, article.current_revision, keeper)
    steps.record(
        article=article, action=step.audit, from_status=from_status, user=user, comment=comment
    )
    if keeper is not None:
        steps.notify_after_commit(notifications.article_resubmitted, article_id=article.pk)
    else:
        steps.notify_after_commit(notifications.article_submitted, article_id=article.pk)
    return article


@transaction.atomic
def review_start(*, article: Article, user: Any) -> Article:
    """A board member takes a submitted (or due) article and becomes its reviewer; or takes
    an article in review that nobody holds (released, or waiting for a further sign-off)."""
    article = steps.lock(article)
    step = steps.check(article, "start_review", user)
    from_status = article.status
    if from_status == Status.REVIEW_DUE:
        # Re-review: the live revision itself is what the board confirms, in a new round.
        article.current_revision = article.live_revision
        article.review_round += 1
    article.start_review(reviewer=user)
    article.save()
    if from_status == Status.REVIEW_DUE:
        _open_round(article, article.current_revision, user)
    else:
        _hold_round(article, user)
    steps.record(article=article, action=step.audit, from_status=from_status, user=user)
    return article


@transaction.atomic
def review_request_changes(
    *, article: Article, user: Any, comment: str, revision_read: int | None = None
) -> Article:
    """Send the article back to its writers; the comment is required and opens a thread
    in this round, which the writers answer and mark addressed. `revision_read`, the id
    of the revision the reviewer read (their form requires it), must be the one under
    review: a comment on a revision they never read is refused."""
    if not (comment or "").strip():
        raise ValidationError("Explain what needs to change: a comment is required.")
    article = steps.lock(article)
    step = steps.check(article, "request_changes", user)
    steps.check_read(article, revision_read, doing="requesting changes")
    from_status = article.status
    ReviewDecision.objects.create(
        article=article,
        revision=article.current_revision,
        review_round=article.review_round,
        reviewer=user,
        kind=ReviewDecision.Kind.REQUEST_CHANGES,
        comment=comment,
    )
    ReviewComment.objects.create(
        revision=article.current_revision,
        round=current_round(article),
        author=user,
        body=comment.strip(),
    )
    article.request_changes()
    article.save()
    _close_round(article, ReviewRound.Outcome.CHANGES_REQUESTED)
    steps.record(
        article=article,
        action=step.audit,
        from_status=from_status,
        user=user,
        comment=comment,
    )
    steps.notify_after_commit(notifications.changes_requested, article_id=article.pk)
    return article


def _checked(checklist: dict | None) -> dict[str, bool]:
    """Every checklist item must be confirmed; anything else is refused."""
    checklist = checklist or {}
    missing = [label for key, label in REVIEW_CHECKLIST.items() if checklist.get(key) is not True]
    if missing:
        raise ValidationError(
            ["Confirm every item of the review checklist before approving:", *missing]
        )
    return dict.fromkeys(REVIEW_CHECKLIST, True)


@transaction.atomic
def review_approve(
    *,
    article: Article,
    user: Any,
    comment: str = "",
    checklist: dict | None = None,
    go_live_at: datetime.datetime | None = None,
    signature: reauth.Reauthentication | None = None,
    revision_read: int | None = None,
) -> Article:
    """Record a sign-off; the article goes live once the topic's policy is met.

    The whole checklist is required. An approval is an electronic signature: without
    the approver's fresh re-authentication (`signature`, from accounts.reauth) nothing
    is recorded; with it, the signature (name, credentials, time, meaning, content hash)
    is stored with the decision and its audit entry. A go-live time may be set only by
    an approver who is also an editor (articles.manage_workflow); otherwise approval
    publishes now. `revision_read` is the id of the revision the approver read (their
    form requires it): unless it is exactly the revision under review, nothing is signed.
    """
    confirmed = _checked(checklist)
    if go_live_at is not None and not roles.is_editor(user):
        raise PermissionDenied("Only an editor can schedule when an approved article goes live.")
    article = steps.lock(article)
    step = steps.check(article, "approve", user)
    steps.check_read(article, revision_read, doing="approving")
    under_review = article.current_revision
    # The checklist says the sources are current: not while any of them is flagged.
    if problem := selectors.sources_not_current(revision=under_review):
        raise ValidationError(problem)
    proof = reauth.confirm(signature, user)
    if ApprovalSignature.objects.filter(reauth_nonce=proof.nonce).exists():
        raise ValidationError("That signature was already used: sign this approval again.")
    from_status = article.status
    # One clock reading: the sign-off and the "Last reviewed" stamp it completes must agree.
    now = timezone.now()
    decision = ReviewDecision.objects.create(
        article=article,
        revision=under_review,
        review_round=article.review_round,
        reviewer=user,
        kind=ReviewDecision.Kind.APPROVE,
        comment=comment,
        checklist=confirmed,
        go_live_at=go_live_at,
        created_at=now,
    )
    article.approve(policy_met=policy.sign_off_policy_met(article))
    if article.status == Status.APPROVED:
        # A time an editor asked for with an earlier sign-off in this round still holds.
        requested = (
            policy.approvals_this_round(article)
            .filter(go_live_at__isnull=False)
            .order_by("-created_at")
            .values_list("go_live_at", flat=True)
            .first()
        )
        going_live.publish_approved(article, under_review, go_live_at=requested, now=now)
        _close_round(article, ReviewRound.Outcome.APPROVED, now=now)
        # The correction is on the approved revision now; the next edit starts without it.
        article.is_correction, article.correction_note = False, ""
    else:
        # A further sign-off is needed: the transition let go of the article, and so does
        # the round, for the next qualified board member to take.
        _hold_round(article, None)
    article.save()
    signed = signatures.sign(decision=decision, article=article, proof=proof, signed_at=now)
    steps.record(
        article=article,
        action=step.audit,
        from_status=from_status,
        user=user,
        comment=comment,
        signature=signed,
    )
    if article.status == Status.APPROVED:
        # The review is complete: who the public page credits is frozen on the revision.
        articles_services.revision_credit_reviewers(under_review, _credited_reviewers(article))
        # Live now, re-confirmed (new review dates) or scheduled: the stored page follows.
        stored_pages.article_changed(article)
        steps.notify_after_commit(notifications.article_approved, article_id=article.pk)
    return article


def _credited_reviewers(article: Article) -> list[articles_services.ReviewerCredit]:
    """Who is credited with a review: every board member who signed off the round that
    completed it, in the order they signed, as printed on their signature."""
    approvals = policy.approvals_this_round(article).select_related("signature")
    credits = []
    for decision in approvals.order_by("created_at", "pk"):
        profile = getattr(decision.reviewer, "reviewer_profile", None)
        if profile is None:
            continue
        signature = getattr(decision, "signature", None)
        credits.append(
            articles_services.ReviewerCredit(
                reviewer=profile,
                printed_name=signature.printed_name if signature else profile.display_name,
                credentials=signature.credentials if signature else profile.credentials,
                specialty=profile.specialty,
                signed_at=signature.signed_at if signature else decision.created_at,
            )
        )
    return credits


@transaction.atomic
def article_archive(*, article: Article, user: Any, reason: str) -> Article:
    """Withdraw an article from the public (its URL answers 410). A reason is required."""
    if not (reason or "").strip():
        raise ValidationError("Give a reason for archiving: it is kept in the audit log.")
    article = steps.lock(article)
    step = steps.check(article, "archive", user)
    from_status = article.status
    article.archive(reason=reason)
    # A withdrawn article must not go live later by schedule.
    going_live.clear_schedule(article)
    article.save()
    _close_round(article, ReviewRound.Outcome.WITHDRAWN)
    stored_pages.article_changed(article)
    steps.record(
        article=article, action=step.audit, from_status=from_status, user=user, comment=reason
    )
    return article


@transaction.atomic
def article_restore(*, article: Article, user: Any, comment: str = "") -> Article:
    """Back to draft and off the public site: it must be approved again to return."""
    article = steps.lock(article)
    step = steps.check(article, "restore", user)
    from_status = article.status
    article.restore()
    article.live_revision = None
    article.next_review_due = None
    going_live.clear_schedule(article)
    article.save()
    stored_pages.article_changed(article)
    steps.record(
        article=article, action=step.audit, from_status=from_status, user=user, comment=comment
    )
    return article


@transaction.atomic
def review_assign(*, article: Article, user: Any, reviewer: Any) -> Article:
    """An editor assigns (or reassigns) the board member who reviews the article."""
    article = steps.lock(article)
    step = steps.check(article, "assign_reviewer", user)
    if roles.board_members(article, reviewer) is not None:
        if roles.is_author(article, reviewer):
            raise ValidationError(
                f"{display_name(reviewer)} wrote or co-wrote this article and cannot review it."
            )
        raise ValidationError(
            f"{display_name(reviewer)} cannot review: only active advisory board members "
            "with current, verified credentials can."
        )
    if article.assigned_reviewer_id == reviewer.pk:
        return article
    article.assigned_reviewer = reviewer
    article.save(update_fields=["assigned_reviewer", "updated_at"])
    _hold_round(article, reviewer)
    steps.record(
        article=article,
        action=step.audit,
        from_status=article.status,
        user=user,
        comment=f"Reviewer: {display_name(reviewer, credentials=True)}",
    )
    steps.notify_after_commit(notifications.reviewer_assigned, article_id=article.pk)
    return article


@transaction.atomic
def review_release(*, article: Article, user: Any, comment: str = "") -> Article:
    """The board member holding an article lets go of it: any eligible board member may then
    take it (an editor may also assign it). Only its holder may release it."""
    article = steps.lock(article)
    step = steps.check(article, "release", user)
    article.assigned_reviewer = None
    article.save(update_fields=["assigned_reviewer", "updated_at"])
    _hold_round(article, None)
    steps.record(
        article=article,
        action=step.audit,
        from_status=article.status,
        user=user,
        comment=comment,
    )
    return article


# --- the conversation -------------------------------------------------------------------


def may_comment(article: Article, user: Any) -> bool:
    return roles.can_review_article(article, user) or roles.can_edit_content(article, user)


@transaction.atomic
def review_comment(
    *, revision: ArticleRevision, user: Any, body: str, parent: ReviewComment | None = None
) -> ReviewComment:
    """Comment on a revision (or reply in a thread); board members and the writers may."""
    if not (body or "").strip():
        raise ValidationError("A comment cannot be empty.")
    article = revision.article
    if not may_comment(article, user):
        raise PermissionDenied(
            "Only the article's writers, editors and advisory board members can comment."
        )
    if parent is not None and parent.revision_id != revision.pk:
        raise ValidationError("A reply must be on the same revision as the comment it answers.")
    if parent is not None:
        on_round = parent.round
    else:
        on_round = article.rounds.filter(revision=revision).order_by("-number").first()
    return ReviewComment.objects.create(
        revision=revision, round=on_round, parent=parent, author=user, body=body.strip()
    )


@transaction.atomic
def comment_mark_addressed(*, comment: ReviewComment, user: Any, addressed: bool = True) -> None:
    """The writers mark a reviewer's point as addressed (or not yet) before resubmitting.

    Only top-level points, only by the article's writers or an editor, and only while the
    working copy is theirs to change: once resubmitted, the marks are what the board sees.
    """
    comment = ReviewComment.objects.select_for_update().get(pk=comment.pk)
    article = steps.lock(comment.revision.article)
    if comment.parent_id is not None:
        raise ValidationError("Mark the point itself as addressed, not a reply to it.")
    if not roles.can_edit_content(article, user):
        raise PermissionDenied(
            "Only the article's writers or an editor can mark a point addressed."
        )
    if article.status not in (Status.CHANGES_REQUESTED, Status.DRAFT):
        raise WorkflowError(
            "Points can be marked addressed only while the writers are revising the article, "
            f"not while it is {article.get_status_display().lower()}."
        )
    comment.addressed_at = timezone.now() if addressed else None
    comment.addressed_by = user if addressed else None
    comment.save(update_fields=["addressed_at", "addressed_by"])


# --- the scheduler and the library ------------------------------------------------------


def flag_reviews_due(*, today: datetime.date | None = None) -> list[Article]:
    """Move approved articles whose live revision is past its review date to review_due."""
    today = today or timezone.localdate()
    flagged = []
    for pk in Article.objects.due_for_review(today).values_list("pk", flat=True):
        with transaction.atomic():
            article = steps.lock(Article(pk=pk))
            if not article.live_review_is_due(today) or article.status != Status.APPROVED:
                continue  # changed since we listed it
            article.flag_review_due()
            article.save()
            steps.record(
                article=article,
                action=workflow.step("flag_review_due").audit,
                from_status=Status.APPROVED,
                user=None,
            )
            flagged.append(article)
    if flagged:
        ids = [a.pk for a in flagged]
        steps.notify_after_commit(notifications.reviews_due, article_ids=ids)
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
    article = steps.lock(article)
    from_status = article.status
    moved = from_status == Status.APPROVED and fsm.can_proceed(article.flag_review_due)
    if moved:
        article.flag_review_due()
        article.save()
        comment = reason
    else:
        blocked = _REREVIEW_BLOCKED.get(from_status, "It has no live revision.")
        comment = f"{reason} Not moved to review due: {blocked}"
    steps.record(
        article=article,
        action=Action.FLAG_FOR_REREVIEW,
        from_status=from_status,
        user=None,
        comment=comment,
    )
    steps.notify_after_commit(
        notifications.rereview_requested, article_id=article.pk, reason=reason, moved=moved
    )
    return article


@transaction.atomic
def source_standing_changed(*, event: ReferenceEvent) -> list[int]:
    """A cited source was retracted, corrected or questioned (or its retraction mark was
    removed): flag each live article citing it for re-review (not for a removed mark), and
    email editors and board members about the source after commit. The flagged ids."""
    flagged = []
    if event.kind != ReferenceEvent.Kind.UNRETRACTED:
        reason = _rereview_reason(event)
        for article in citing.live_articles_citing(event.reference):
            flag_for_rereview(article=article, reason=reason)
            flagged.append(article.pk)
    steps.notify_after_commit(notifications.source_notice, event_id=event.pk, article_ids=flagged)
    return flagged


def _rereview_reason(event: ReferenceEvent) -> str:
    key = event.reference.key
    if event.kind == ReferenceEvent.Kind.RETRACTED:
        return f"Cited source “{key}” was retracted. {event.note}"
    return f"Cited source “{key}”: {event.get_kind_display().lower()}. {event.note}"
