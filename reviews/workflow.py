"""The review state machine, as an abstract model that Article inherits.

Transitions only change the instance, and only the workflow's own fields (status, the
reviewer holding the article, the archive reason). They take the facts they depend on
as arguments (`submit(problems=…)`, `approve(policy_met=…)`), computed once by
reviews.services, the only code that calls them; their conditions query nothing.

This module and people.roles import nothing from the articles app: Article builds on
them, and everything else in reviews builds on Article.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from articles.states import (
    APPROVED_CONTENT,
    NOT_ARCHIVED,
    SUBMITTABLE,
    TAKEABLE,
    Status,
)
from core import text_limits
from people import roles

# Who may take each step (people.roles), named once for the transitions below, the
# services that carry them out and the action model that offers them.
AUTHOR_RULE = roles.authors_and_editors
REVIEW_RULE = roles.board_members
ARCHIVE_RULE = roles.editors_only("archive or restore articles")
ASSIGN_RULE = roles.editors_only("assign reviewers")
SCHEDULE_RULE = roles.editors_only("change when an approved article goes live")
SYSTEM_RULE = roles.scheduler_only


class WorkflowError(Exception):
    """A step that cannot happen in the article's current state (HTTP 409)."""


def _has_live_revision(instance: Any) -> bool:
    # Whether the date has passed is the scheduler's call (it runs "as of" a given day).
    return instance.live_revision_id is not None


class ReviewWorkflow(fsm.ConcurrentTransitionMixin, models.Model):
    """The workflow's state of an article: its status, who holds it, which round."""

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

    class Meta:
        abstract = True

    @fsm.transition(
        field=status,
        source=list(SUBMITTABLE),
        target=Status.SUBMITTED,
        permission=roles.permits(AUTHOR_RULE),
        custom={"label": "Submit for medical review", "rule": AUTHOR_RULE},
    )
    def submit(self, *, problems: Sequence[str]) -> None:
        """Hand the working copy to the board, unless the submission check found problems."""
        if problems:
            raise ValidationError(list(problems))

    @fsm.transition(
        field=status,
        source=list(TAKEABLE),
        target=Status.IN_REVIEW,
        permission=roles.permits(REVIEW_RULE),
        custom={"label": "Start review", "rule": REVIEW_RULE},
    )
    def start_review(self, *, reviewer: Any) -> None:
        self.assigned_reviewer = reviewer

    @fsm.transition(
        field=status,
        source=Status.IN_REVIEW,
        target=Status.CHANGES_REQUESTED,
        # Only the holder decides (reviews.steps): on a two-approval topic the specialist
        # objects once the first reviewer's sign-off has handed the article on to them.
        permission=roles.permits(REVIEW_RULE),
        custom={"label": "Request changes", "rule": REVIEW_RULE},
    )
    def request_changes(self) -> None:
        """Send the article back to its authors (the service keeps the reviewer's request)."""

    @fsm.transition(
        field=status,
        source=Status.IN_REVIEW,
        target=fsm.RETURN_VALUE(Status.IN_REVIEW, Status.APPROVED),
        permission=roles.permits(REVIEW_RULE),
        custom={"label": "Approve", "rule": REVIEW_RULE},
    )
    def approve(self, *, policy_met: bool) -> str:
        """Approved once the topic's sign-off policy is met; otherwise it stays in review,
        held by nobody, for the next qualified board member to take."""
        if not policy_met:
            self.assigned_reviewer = None
        return Status.APPROVED if policy_met else Status.IN_REVIEW

    @fsm.transition(
        field=status,
        source=list(APPROVED_CONTENT),
        target=Status.DRAFT,
        permission=roles.permits(AUTHOR_RULE),
        custom={"label": "Revise", "rule": AUTHOR_RULE},
    )
    def revise(self) -> None:
        """Editing live content starts a new draft; the live revision stays public."""

    @fsm.transition(
        field=status,
        source=Status.APPROVED,
        target=Status.REVIEW_DUE,
        permission=roles.permits(SYSTEM_RULE),
        conditions=[_has_live_revision],
        custom={"label": "Flag review due", "rule": SYSTEM_RULE},
    )
    def flag_review_due(self) -> None:
        """The live revision's next review date has passed: a new round, open to the board."""
        self.assigned_reviewer = None

    @fsm.transition(
        field=status,
        source=list(NOT_ARCHIVED),
        target=Status.ARCHIVED,
        permission=roles.permits(ARCHIVE_RULE),
        custom={"label": "Archive", "rule": ARCHIVE_RULE},
    )
    def archive(self, *, reason: str) -> None:
        self.archive_reason = reason

    @fsm.transition(
        field=status,
        source=Status.ARCHIVED,
        target=Status.DRAFT,
        permission=roles.permits(ARCHIVE_RULE),
        custom={"label": "Restore to draft", "rule": ARCHIVE_RULE},
    )
    def restore(self) -> None:
        """Back to draft (the service takes it off the public site until approved again)."""
        self.archive_reason = ""


def transition_meta(name: str) -> fsm.Transition:
    """The declaration of the transition called `name` (label, rule, sources)."""
    method = getattr(ReviewWorkflow, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise WorkflowError(f"“{name}” is not a step of the review workflow.")
    return next(iter(meta.transitions.values()))


def refusal(article: ReviewWorkflow, name: str, user: Any) -> tuple[int, str] | None:
    """Why `user` may not take transition `name` now, as (HTTP status, sentence), or None.

    409 when the article's state does not allow it, 403 when the user may not.
    """
    meta = transition_meta(name)
    method = getattr(article, name)
    if not fsm.can_proceed(method, check_conditions=False):
        return 409, (
            f"“{meta.custom['label']}” is not possible while the article is "
            f"{article.get_status_display().lower()}."
        )
    reason = meta.custom["rule"](article, user)
    return (403, reason) if reason else None
