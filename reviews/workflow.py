"""The review workflow: the state machine that moves an article, and what a step is.

`ReviewedArticle` is the article as the workflow sees it, a proxy of articles.Article
carrying the django-fsm transitions. Transitions only change the instance, and only the
workflow's own fields (status, the reviewer holding the article, the archive reason).
They take the facts they depend on as arguments (`submit(problems=…)`,
`approve(policy_met=…)`), computed once by reviews.services, the only code that calls
them; their conditions query nothing.

A `Step` declares one thing the workflow does: its name, label, who may (rule), further
checks, the state it needs and the audit entry it writes. Each is declared once, in
reviews.actions, and `refusal()` is the one answer to "may this user take it now?". A
transition's label, rule and permission are read from the step of the same name, never
written twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import django_fsm as fsm
from django.core.exceptions import ValidationError

from articles.models import Article
from articles.states import (
    APPROVED_CONTENT,
    NOT_ARCHIVED,
    SUBMITTABLE,
    TAKEABLE,
    Status,
)
from people import roles

if TYPE_CHECKING:
    from reviews.models import AuditEntry

# Who may take each step (people.roles), named once for the steps declared in
# reviews.actions and for the screens that ask before offering one.
AUTHOR_RULE = roles.authors_and_editors
REVIEW_RULE = roles.board_members
ARCHIVE_RULE = roles.editors_only("archive or restore articles")
ASSIGN_RULE = roles.editors_only("assign reviewers")
SCHEDULE_RULE = roles.editors_only("change when an approved article goes live")
SYSTEM_RULE = roles.scheduler_only

# Why a step is refused: (HTTP status, sentence). 409: the article's state; 403: who.
Refusal = tuple[int, str]
# A check beyond the rule (who holds the article, who signed this round): a sentence or None.
Check = Callable[[Any, Any], str | None]


class WorkflowError(Exception):
    """A step that cannot happen in the article's current state (HTTP 409)."""


# --- what a step is ------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Step:
    """One thing the workflow does, declared once (reviews.actions).

    A step that changes the status is a transition of ReviewedArticle with the same name,
    and the state it needs is that transition's sources; any other step (assign, release,
    reschedule) says which states it needs with `state`.
    """

    name: str
    label: str
    rule: roles.Rule
    audit: AuditEntry.Action
    # Further checks after the rule, each answering 403 with its sentence.
    checks: tuple[Check, ...] = ()
    # For a step that is not a transition: why the article's state does not allow it.
    state: Callable[[Any], str | None] | None = None

    @property
    def transition(self) -> fsm.FSMMeta | None:
        """The django-fsm declaration of this step's transition, if it is one."""
        method = getattr(ReviewedArticle, self.name, None)
        return getattr(method, "_django_fsm", None)

    def state_refusal(self, article: Any) -> str | None:
        if self.state is not None:
            return self.state(article)
        if self.transition.has_transition(article.status):
            return None
        return _STATE_REFUSALS.get((self.name, article.status)) or (
            f"{_WHERE[article.status]}, so “{self.label}” isn’t possible now."
        )


# Where the article is, in the words of the people who work on it: why a step is refused.
_WHERE = {
    Status.DRAFT: "The article is still a draft with its writers",
    Status.SUBMITTED: "The article is waiting for a board member to start its review",
    Status.IN_REVIEW: "A board member is reviewing the article",
    Status.CHANGES_REQUESTED: "The article is back with its writers for the changes asked for",
    Status.APPROVED: "The article is approved",
    Status.REVIEW_DUE: "The article’s live version is due for re-review by the board",
    Status.ARCHIVED: "The article is archived",
}
_WITH_THE_BOARD_NOW = (
    "The medical board has this article now, so there is nothing to submit: you can edit "
    "it again once the reviewer sends it back or approves it."
)
# A step's own words where the general ones would leave someone guessing what to do.
_STATE_REFUSALS = {
    ("submit", Status.SUBMITTED): _WITH_THE_BOARD_NOW,
    ("submit", Status.IN_REVIEW): _WITH_THE_BOARD_NOW,
    ("submit", Status.APPROVED): (
        "Nothing to submit yet: the article is exactly as the board approved it. "
        "Change it, and Submit sends your changes for review."
    ),
    ("submit", Status.REVIEW_DUE): (
        "Nothing to submit yet: the board is due to re-review the live version as it is. "
        "Change it, and Submit sends your changes for review."
    ),
    ("submit", Status.ARCHIVED): (
        "The article is archived: an editor must restore it to draft before it can be submitted."
    ),
    ("approve", Status.APPROVED): "This revision is already approved: there is nothing to sign.",
}


# The declared steps by name. reviews.actions fills it when the app is ready: its rows
# name their services and forms, which build on this module, so the services and the
# transitions look their step up here by name rather than import the table above them.
_DECLARED: dict[str, Step] = {}


def declare(*steps: Step) -> None:
    """Make these steps the workflow's (reviews.actions declares every one, once)."""
    for declared in steps:
        if declared.name in _DECLARED:
            raise ValueError(f"The step “{declared.name}” is declared twice.")
        if declared.state is None and declared.transition is None:
            raise ValueError(f"The step “{declared.name}” is no transition and names no state.")
        _DECLARED[declared.name] = declared


def step(name: str) -> Step:
    """The declaration of the step called `name`."""
    try:
        return _DECLARED[name]
    except KeyError:
        raise WorkflowError(f"“{name}” is not a step of the review workflow.") from None


def refusal(article: Any, name: str, user: Any) -> Refusal | None:
    """Why `user` may not take step `name` on `article` now, as (HTTP status, sentence),
    or None if they may: the state first (409), then the rule and the step's checks (403).

    The one answer: the action page, the buttons and the services (reviews.steps.check)
    all ask it, so a screen and the service it calls can never disagree.
    """
    declared = step(name)
    if reason := declared.state_refusal(article):
        return 409, reason
    for check in (declared.rule, *declared.checks):
        if reason := check(article, user):
            return 403, reason
    return None


# --- the state machine ---------------------------------------------------------------------


class _FromDeclaration(Mapping):
    """A transition's `custom` (label, rule), read from the step of the same name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _values(self) -> dict[str, Any]:
        declared = step(self.name)
        return {"label": declared.label, "rule": declared.rule}

    def __getitem__(self, key: str) -> Any:
        return self._values()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(("label", "rule"))

    def __len__(self) -> int:
        return 2


def _transition(
    *, source: Any, target: Any, conditions: Sequence[Callable] = ()
) -> Callable[[Callable], Callable]:
    """django-fsm's transition on the status, with the label, rule and permission of the
    step declared under the method's name."""

    def decorate(method: Callable) -> Callable:
        name = method.__name__
        return fsm.transition(
            field="status",
            source=source,
            target=target,
            conditions=list(conditions),
            permission=lambda article, user: step(name).rule(article, user) is None,
            custom=_FromDeclaration(name),
        )(method)

    return decorate


def _has_live_revision(instance: Any) -> bool:
    # Whether the date has passed is the scheduler's call (it runs "as of" a given day).
    return instance.live_revision_id is not None


class ReviewedArticle(Article):
    """An article as the review workflow moves it: its transitions. Same table and rows;
    reviews.steps.lock loads this proxy for every step."""

    class Meta:
        proxy = True
        # The article's own permissions (articles.review_article, …) apply.
        default_permissions = ()

    @_transition(
        source=list(SUBMITTABLE), target=fsm.RETURN_VALUE(Status.SUBMITTED, Status.IN_REVIEW)
    )
    def submit(self, *, problems: Sequence[str], keeper: Any = None) -> str:
        """Hand the working copy to the board, unless the submission check found problems.
        A resubmission goes straight back into review with its keeper, the reviewer who
        sent it back (reviews.services decides who that is); anything else waits for the
        first board member to start the review."""
        if problems:
            raise ValidationError(list(problems))
        self.assigned_reviewer = keeper
        return Status.SUBMITTED if keeper is None else Status.IN_REVIEW

    @_transition(source=list(TAKEABLE), target=Status.IN_REVIEW)
    def start_review(self, *, reviewer: Any) -> None:
        self.assigned_reviewer = reviewer

    # Only the holder decides (reviews.steps): on a two-approval topic the specialist
    # objects once the first reviewer's sign-off has handed the article on to them.
    @_transition(source=Status.IN_REVIEW, target=Status.CHANGES_REQUESTED)
    def request_changes(self) -> None:
        """Send the article back to its authors (the service keeps the reviewer's request)."""

    @_transition(
        source=Status.IN_REVIEW, target=fsm.RETURN_VALUE(Status.IN_REVIEW, Status.APPROVED)
    )
    def approve(self, *, policy_met: bool) -> str:
        """Approved once the topic's sign-off policy is met; otherwise it stays in review,
        held by nobody, for the next qualified board member to take."""
        if not policy_met:
            self.assigned_reviewer = None
        return Status.APPROVED if policy_met else Status.IN_REVIEW

    @_transition(source=list(APPROVED_CONTENT), target=Status.DRAFT)
    def revise(self) -> None:
        """Editing live content starts a new draft; the live revision stays public."""

    @_transition(source=Status.APPROVED, target=Status.REVIEW_DUE, conditions=[_has_live_revision])
    def flag_review_due(self) -> None:
        """The live revision's next review date has passed: a new round, open to the board."""
        self.assigned_reviewer = None

    @_transition(source=list(NOT_ARCHIVED), target=Status.ARCHIVED)
    def archive(self, *, reason: str) -> None:
        self.archive_reason = reason

    @_transition(source=Status.ARCHIVED, target=Status.DRAFT)
    def restore(self) -> None:
        """Back to draft (the service takes it off the public site until approved again)."""
        self.archive_reason = ""
