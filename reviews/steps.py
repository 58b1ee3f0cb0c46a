"""What every workflow step shares: lock the row, check who and when, record, notify.

reviews.services (review actions) and reviews.scheduling (going live) are built from
these. The checks below are named by the steps' declarations (reviews.actions);
`check` asks workflow.refusal, the same answer the screens get, and hands the service
its step's declaration (whose audit action it records).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_tasks.base import Task

from articles import services as articles_services
from articles.models import Article, ArticleRevision
from articles.states import AWAITING_REVIEW, Status
from people import roles
from people.names import display_name
from reviews import policy, workflow
from reviews.models import ApprovalSignature, AuditEntry
from reviews.workflow import ReviewedArticle, WorkflowError

# --- the state a step needs, for steps that are not transitions ---------------------------


def awaiting_review(article: Article) -> str | None:
    if article.status in AWAITING_REVIEW:
        return None
    return (
        "A reviewer can be assigned only while the article awaits review, not while it "
        f"is {article.get_status_display().lower()}."
    )


def scheduled(article: Article) -> str | None:
    if article.status == Status.ARCHIVED:
        return "This article is archived; restore it before scheduling."
    if article.scheduled_revision_id:
        return None
    return "Nothing is scheduled to go live for this article."


def held(article: Article) -> str | None:
    if article.status in AWAITING_REVIEW and article.assigned_reviewer_id is not None:
        return None
    return "Nobody holds this article for review, so there is nothing to release."


# --- who holds the article --------------------------------------------------------------


def holder_only(article: Article, user: Any) -> str | None:
    """Only the board member holding the article releases it."""
    if user is not None and article.assigned_reviewer_id == user.pk:
        return None
    return "Only the board member who holds this article can release it; an editor can reassign it."


def _current_holder(article: Article) -> Any:
    """Who holds the article for review: its assigned reviewer while they are on the board
    (a holder whose membership lapsed holds nothing)."""
    holder = article.assigned_reviewer
    return holder if holder is not None and roles.is_board_member(holder) else None


def holder_refusal(article: Article, user: Any) -> str | None:
    """A board member who holds the article (claimed, assigned, or kept from the last round)
    keeps it until they release it or an editor reassigns it."""
    holder = _current_holder(article)
    if holder is None or user is None or holder.pk == user.pk:
        return None
    return (
        f"{display_name(holder)} holds this article for review; ask them to release it, "
        "or an editor to reassign it."
    )


def take_refusal(article: Article, user: Any) -> str | None:
    """Starting a review takes the article: never from its holder, and in review only once
    nobody holds it, by someone whose sign-off could still count this round."""
    if reason := holder_refusal(article, user):
        return reason
    if article.status == Status.IN_REVIEW:
        if user is not None and article.assigned_reviewer_id == user.pk:
            return "You already hold this article for review."
        return policy.second_sign_off_refusal(article, user)
    return None


def decider_refusal(article: Article, user: Any) -> str | None:
    """Only the board member who holds the article approves it or requests changes."""
    holder = _current_holder(article)
    if holder is not None and user is not None and holder.pk == user.pk:
        return None
    if holder is None:
        return "Nobody holds this article for review: take it with “Start review” first."
    return (
        f"{display_name(holder)} holds this article for review, so only they can approve it "
        "or request changes. Ask them to release it, or an editor to reassign it."
    )


def check(article: Article, name: str, user: Any) -> workflow.Step:
    """The declaration of step `name`, once `user` may take it on `article` now; else its
    refusal (workflow.refusal) raised: WorkflowError (409) or PermissionDenied (403)."""
    found = workflow.refusal(article, name, user)
    if found is not None:
        status, reason = found
        raise WorkflowError(reason) if status == 409 else PermissionDenied(reason)
    return workflow.step(name)


def check_read(article: Article, revision_read: int | None, *, doing: str) -> None:
    """Refuse unless `revision_read`, the revision the user's form says they read, is exactly
    the revision under review: another revision of the article is a page that went stale
    (409); anything else is no revision of this article (400). None only from code acting
    on whatever is under review (commands, tests): every action form requires the id."""
    if revision_read is None:
        return
    under_review = article.current_revision
    if under_review is not None and revision_read == under_review.pk:
        return
    now = f"revision {under_review.number}" if under_review is not None else "no revision"
    read = article.revisions.filter(pk=revision_read).values_list("number", flat=True).first()
    if read is not None:
        raise WorkflowError(
            f"The revision under review is now {now}, not the revision {read} you read; "
            f"read it before {doing}. Nothing was done."
        )
    raise ValidationError(
        f"The form named no revision of this article (the one under review is {now}), so "
        f"nothing was done: open the revision under review and read it before {doing}."
    )


def lock(article: Article) -> ReviewedArticle:
    """The article under its row lock (articles.services.lock), as the workflow's proxy
    (ReviewedArticle) that carries the transitions, so racing steps serialise."""
    return articles_services.lock(article, ReviewedArticle)


def record(
    *,
    article: Article,
    action: AuditEntry.Action,
    from_status: str,
    user: Any,
    comment: str = "",
    revision: ArticleRevision | None = None,
    signature: ApprovalSignature | None = None,
) -> AuditEntry:
    """Write the step's audit entry; a step that changed the status also restarts the
    article's "in this status since" clock (what the queue and the dashboard order by)."""
    entry = AuditEntry.objects.create(
        article=article,
        revision=revision if revision is not None else article.current_revision,
        actor=user,
        transition=action,
        from_status=from_status,
        to_status=article.status,
        comment=comment,
        signature=signature,
    )
    if from_status != article.status:
        article.status_changed_at = entry.created_at
        Article.objects.filter(pk=article.pk).update(status_changed_at=entry.created_at)
    return entry


def notify_after_commit(notice: Task, **kwargs: Any) -> None:
    """Queue an email task (reviews.notifications) once the step is committed; a worker
    sends it. A failure to queue or to send is logged and recorded, never raised: the step
    has happened, so the person who took it must not see an error, nor wait for mail."""

    # A named function, not functools.partial: Django logs failures by __qualname__.
    def enqueue_notification() -> None:
        notice.enqueue(**kwargs)

    transaction.on_commit(enqueue_notification, robust=True)
