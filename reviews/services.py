"""Review actions: every write in the review workflow goes through these functions.

Each is atomic and has the same shape (reviews.steps): lock the article row, check the
step on the server (state, then who), compute the facts the transition needs, call the
django-fsm transition (which only changes the instance), save, write the audit entry,
and queue notifications with transaction.on_commit. Going live is reviews.scheduling.
Views, the admin, commands and the action model call these; none repeats their logic.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import django_fsm as fsm
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import reauth
from articles import citing, evidence, publishing
from articles.markdown import RenderedArticle
from articles.models import (
    Article,
    ArticleRevision,
    ArticleSection,
    RevisionImage,
    RevisionReference,
)
from articles.states import APPROVED_CONTENT, WITH_THE_BOARD, Status
from articles.submission import check_submission
from images.models import Image
from people import roles
from people.names import display_name
from references.models import ReferenceEvent
from reviews import notifications, policy, scheduling, signatures, steps, workflow
from reviews.models import (
    ApprovalSignature,
    AuditEntry,
    ReviewComment,
    ReviewDecision,
    ReviewRound,
)
from reviews.workflow import WorkflowError

# Fields whose change makes a new version of the content.
CONTENT_FIELDS = frozenset(
    {"title", "summary", "body", "professional_body", "topic", "slug", "group_references"}
    | {"subject_name", "subject_type"}
)

LOCKED_MESSAGE = (
    "This article is with the medical reviewers and cannot be edited until they finish."
)


class StaleEdit(ValidationError):
    """An edit made on a copy of the working copy that someone has edited since it was read
    (its `version` is behind the row's). Refused whole: saving it would undo their edit."""

    def __init__(self, current: Article) -> None:
        self.current = current
        super().__init__(edited_since_message(current), code="stale")


def edited_since_message(current: Article) -> str:
    """Who last edited the working copy and when, for someone whose copy is older."""
    editor = current.last_edited_by
    who = display_name(editor) if editor is not None else "someone else"
    when = current.last_edited_at or current.updated_at
    return (
        f"This article was changed by {who} at {timezone.localtime(when):%Y-%m-%d %H:%M} "
        "since you opened it; your changes were not saved."
    )


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


# --- the content, and freezing it -------------------------------------------------------


def _image_snapshot(image: Image) -> dict[str, Any]:
    """What a revision freezes of an image it shows: its file and the words printed with it."""
    return {
        "image": image.pk,
        "sha256": image.current_version.sha256,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "licence": image.licence,
    }


def _snapshot(article: Article, user: Any, rendered: RenderedArticle) -> ArticleRevision:
    """Freeze the working copy with the rendering the submission check already made."""
    number = (article.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ArticleRevision(
        **ArticleRevision.working_copy_fields(article, rendered),
        number=number,
        created_by=user,
    )
    # The sources as printed, not just which ones: a corrected citation is an update.
    sources = [ref.bibliographic_snapshot() for ref in rendered.references]
    images = [_image_snapshot(image) for image in rendered.images]
    revision.content_hash = signatures.content_digest(revision, sources=sources, images=images)
    revision.save()
    # Who wrote it, as the byline will credit them (later changes to the article's
    # writers take effect with its next revision).
    revision.authors.set(article.authors.all())
    RevisionReference.objects.bulk_create(
        RevisionReference(revision=revision, reference=ref, position=i, snapshot=snapshot)
        for i, (ref, snapshot) in enumerate(zip(rendered.references, sources, strict=True), 1)
    )
    # Each image at the file it showed: the stored HTML links exactly these versions.
    RevisionImage.objects.bulk_create(
        RevisionImage(
            revision=revision,
            image=image,
            version=image.current_version,
            position=i,
            snapshot=snapshot,
        )
        for i, (image, snapshot) in enumerate(zip(rendered.images, images, strict=True), 1)
    )
    return revision


def _concrete_field(name: str):
    try:
        field = Article._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete and not field.many_to_many else None


def _lock_for_edit(article: Article, user: Any) -> Article:
    """Lock the working copy and check that `user` may edit its content now, and that
    `article` (the copy they edited) is not behind it: under the lock, so of two edits
    made from the same version exactly one is saved."""
    current = steps.lock(article)
    if current.status in WITH_THE_BOARD:
        raise ValidationError(LOCKED_MESSAGE)
    if current.status == Status.ARCHIVED:
        raise ValidationError("This article is archived; an editor must restore it first.")
    if not roles.can_edit_content(current, user):
        raise PermissionDenied("Only the article's authors or an editor can edit it.")
    if current.version != article.version:
        raise StaleEdit(current)
    return current


def _mark_edited(current: Article, article: Article, user: Any) -> None:
    """Count the edit (saved with `current`). The caller's copy takes the new version, so
    its next edit in the same request (the form's sections after its fields) is not stale."""
    current.version += 1
    current.last_edited_by = user
    current.last_edited_at = timezone.now()
    article.version = current.version


def _content_edited(current: Article, user: Any) -> None:
    """The content changed: live content gets a new draft (revise), else a plain save."""
    if current.status in APPROVED_CONTENT:
        from_status = current.status
        current.revise()
        current.save()
        steps.record(
            article=current,
            action=workflow.step("revise").audit,
            from_status=from_status,
            user=user,
        )
    else:
        current.save()


@transaction.atomic
def article_sections_save(*, article: Article, user: Any, save: Callable[[], Any]) -> Article:
    """Save the working copy's evidence sections (`save` writes them: the admin's inline
    formset). They are content: the same checks as article_save, and editing those of a
    live article starts a new draft."""
    current = _lock_for_edit(article, user)
    save()
    _mark_edited(current, article, user)
    _content_edited(current, user)
    return current


def article_sections_set(
    *, article: Article, user: Any, sections: list[evidence.SectionText]
) -> Article:
    """Replace the working copy's evidence sections with these, in this order."""

    def save() -> None:
        article.sections.all().delete()
        ArticleSection.objects.bulk_create(
            ArticleSection(
                article=article,
                position=i,
                kind=s.kind,
                heading=s.heading,
                audience=s.audience,
                body=s.body,
            )
            for i, s in enumerate(sections, start=1)
        )

    return article_sections_save(article=article, user=user, save=save)


def _article_create(article: Article, user: Any) -> Article:
    """A new article, whose creator is its first author from the start: what is saved with
    it (its evidence sections) is saved by an author. An editor who names other authors in
    the same form replaces them (the form saves its authors after this)."""
    article.version = 1
    article.last_edited_by = user
    article.last_edited_at = timezone.now()
    article.save()
    article.authors.add(user)
    return article


# Relations the admin's form saves itself, after article_save: an edit all the same.
EDITED_RELATIONS = frozenset({"authors"})


@transaction.atomic
def article_save(*, article: Article, user: Any, changed_fields: set[str] | list[str]) -> Article:
    """Save the working copy (or create it). Editing live content starts a new draft.

    Only the edited fields are copied onto the freshly locked row, so an edit made on a
    stale copy can never undo what the workflow did meanwhile (e.g. a scheduled publish);
    and an edit made on a copy older than the last edit (`article.version`) is refused
    (StaleEdit), so it can never undo another person's edit either.
    """
    if article.pk is None:
        return _article_create(article, user)
    edited = [
        name
        for name in changed_fields
        if (field := _concrete_field(name)) is not None and field.editable
    ]
    if not edited and not EDITED_RELATIONS.intersection(changed_fields):
        # e.g. a reviewer's action button posts the read-only form: nothing to save.
        return article
    current = _lock_for_edit(article, user)
    locked_slug = current.approved_slug()
    if locked_slug and article.slug != locked_slug:
        raise ValidationError(
            f"This article was approved at “{locked_slug}”; its URL (slug) cannot change."
        )
    for name in edited:
        setattr(current, name, getattr(article, name))
    _mark_edited(current, article, user)
    if set(edited) & CONTENT_FIELDS:
        _content_edited(current, user)
    else:
        current.save()
    return current


# --- review actions ---------------------------------------------------------------------


@transaction.atomic
def article_submit(*, article: Article, user: Any, comment: str = "") -> Article:
    """Freeze the working copy into a revision and hand it to the board.

    The reviewer who sent the last round back keeps the article (the queue shows it to
    them first); an editor can reassign it. The Markdown is rendered once, by the check.
    """
    article = steps.lock(article)
    step = steps.check(article, "submit", user)
    submission = check_submission(article)
    from_status = article.status
    article.submit(problems=submission.problems)
    article.current_revision = _snapshot(article, user, submission.rendered)
    article.review_round += 1
    # A resubmission stays with the reviewer who held the round that sent it back, while
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
    article.assigned_reviewer = keeper
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
        scheduling.publish_approved(article, under_review, go_live_at=requested, now=now)
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
        # Live now, re-confirmed (new review dates) or scheduled: the stored page follows.
        publishing.article_changed(article)
        steps.notify_after_commit(notifications.article_approved, article_id=article.pk)
    return article


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
    scheduling.clear_schedule(article)
    article.save()
    _close_round(article, ReviewRound.Outcome.WITHDRAWN)
    publishing.article_changed(article)
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
    scheduling.clear_schedule(article)
    article.save()
    publishing.article_changed(article)
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
