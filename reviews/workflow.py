"""The review state machine, as an abstract model that Article inherits.

Transitions only change the instance; their conditions have no side effects.
Snapshots, audit entries, notifications and locking live in reviews.services,
which is the only code that calls these methods.
"""

from __future__ import annotations

from typing import Any

import django_fsm as fsm
from django.db import models

from reviews import roles


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REVIEW_DUE = "review_due", "Review due"
    ARCHIVED = "archived", "Archived"


# The working copy may not be edited while the board holds it.
LOCKED_STATUSES = frozenset({Status.SUBMITTED, Status.IN_REVIEW})


def _can_author(instance: Any, user: Any) -> bool:
    return roles.can_edit_content(instance, user)


def _can_review(instance: Any, user: Any) -> bool:
    return roles.can_review_article(instance, user)


def _can_approve(instance: Any, user: Any) -> bool:
    # Any eligible board member may add a sign-off; the policy decides when it is enough.
    return _can_review(instance, user) and not instance.has_approved_this_round(user)


def _is_editor(instance: Any, user: Any) -> bool:
    return roles.is_editor(user)


def _is_system(instance: Any, user: Any) -> bool:
    # flag_review_due is run by the scheduler (user None), never from the admin.
    return user is None


def _content_complete(instance: Any) -> bool:
    return not instance.submission_problems()


def _has_live_revision(instance: Any) -> bool:
    # Whether the date has passed is the scheduler's call (it runs "as of" a given day).
    return instance.live_revision_id is not None


class ReviewWorkflow(fsm.ConcurrentTransitionMixin, models.Model):
    status = fsm.FSMField(
        default=Status.DRAFT, choices=Status.choices, protected=True, db_index=True
    )

    class Meta:
        abstract = True

    @fsm.transition(
        field=status,
        source=[Status.DRAFT, Status.CHANGES_REQUESTED],
        target=Status.SUBMITTED,
        permission=_can_author,
        conditions=[_content_complete],
        custom={"label": "Submit for medical review"},
    )
    def submit(self, comment: str = "") -> None:
        """Freeze the working copy for the board (the snapshot is taken by the service)."""

    @fsm.transition(
        field=status,
        source=[Status.SUBMITTED, Status.REVIEW_DUE],
        target=Status.IN_REVIEW,
        permission=_can_review,
        custom={"label": "Claim for review"},
    )
    def start_review(self, reviewer: Any = None) -> None:
        if reviewer is not None:
            self.assigned_reviewer = reviewer

    @fsm.transition(
        field=status,
        source=Status.IN_REVIEW,
        target=Status.CHANGES_REQUESTED,
        # Anyone whose sign-off could count may also object: on a two-approval topic
        # the specialist must be able to stop what the first reviewer would pass.
        permission=_can_review,
        custom={"label": "Request changes", "form": "reviews.forms.RequiredCommentForm"},
    )
    def request_changes(self, comment: str = "") -> None:
        """Send the article back to its authors with the reviewer's comment."""

    @fsm.transition(
        field=status,
        source=Status.IN_REVIEW,
        target=fsm.RETURN_VALUE(Status.IN_REVIEW, Status.APPROVED),
        permission=_can_approve,
        custom={"label": "Approve", "form": "reviews.forms.ApprovalForm"},
    )
    def approve(self, comment: str = "") -> str:
        """Approved once the topic's sign-off policy is met; otherwise stays in review."""
        return Status.APPROVED if self.sign_off_policy_met() else Status.IN_REVIEW

    @fsm.transition(
        field=status,
        source=[Status.APPROVED, Status.REVIEW_DUE],
        target=Status.DRAFT,
        permission=_can_author,
        custom={"admin": False},
    )
    def revise(self) -> None:
        """Editing live content starts a new draft; the live revision stays public."""

    @fsm.transition(
        field=status,
        source=Status.APPROVED,
        target=Status.REVIEW_DUE,
        permission=_is_system,
        conditions=[_has_live_revision],
        custom={"admin": False},
    )
    def flag_review_due(self) -> None:
        """The live revision's next review date has passed."""

    @fsm.transition(
        field=status,
        source=[s for s in Status if s != Status.ARCHIVED],
        target=Status.ARCHIVED,
        permission=_is_editor,
        custom={"label": "Archive", "form": "reviews.forms.RequiredReasonForm"},
    )
    def archive(self, reason: str = "") -> None:
        self.archive_reason = reason
        # A withdrawn article must not go live later by schedule.
        self.scheduled_revision = None
        self.scheduled_live_at = None

    @fsm.transition(
        field=status,
        source=Status.ARCHIVED,
        target=Status.DRAFT,
        permission=_is_editor,
        custom={"label": "Restore to draft"},
    )
    def restore(self) -> None:
        """Back to draft and off the public site: it must be approved again to return."""
        self.archive_reason = ""
        self.live_revision = None
        self.scheduled_revision = None
        self.scheduled_live_at = None
