"""The review workflow's actions and steps, each declared once.

Like Wagtail's workflow tasks (`get_actions`, `get_form_for_action`, `on_action`), one
table row says everything about an action: its name and label, who may take it (its
rule and further checks), the state it needs (its transition's sources, or `state`),
the audit entry its service writes, its form (only the fields this user may use), the
service that carries it out, what will happen (shown before confirming) and the message
once it has. The transitions of reviews.workflow take their label, rule and permission
from these rows; the services check and record through them (reviews.steps). The change
form's buttons, the review screen and the queue offer actions from this table, and one
view (reviews.admin_views.action_view) takes them all. Adding an action is one row here
(plus its service, and its transition if it changes the state).

Steps nobody takes from a screen (the scheduler's flag, the new draft an edit of live
content starts) are declared here too, as plain workflow Steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from articles.submission import check_submission
from people import roles
from people.names import display_name
from reviews import forms, policy, scheduling, services, steps, workflow
from reviews.models import AuditEntry, ReviewRound
from reviews.workflow import (
    ARCHIVE_RULE,
    ASSIGN_RULE,
    AUTHOR_RULE,
    REVIEW_RULE,
    SCHEDULE_RULE,
    SYSTEM_RULE,
    Refusal,
    Step,
)


@dataclass(frozen=True, kw_only=True)
class Action(Step):
    """A step people take from a screen: the workflow's declaration plus its page."""

    form: type[forms.ActionForm]
    service: Callable[..., Article]
    # What the action page says will happen, before the user confirms.
    consequences: Callable[[Article, Any], list[str]]
    # The message once it has happened (the article as it is afterwards).
    success: Callable[[Article], str]
    # "danger" for what takes content off the site; "default" for the usual next step.
    style: str = ""
    # What in the content keeps the action from succeeding now, said beside its button
    # (the submission check for submit): the writers can fix these, unlike a refusal.
    blockers: Callable[[Article], list[str]] | None = None

    def blocked_by(self, article: Article) -> list[str]:
        return self.blockers(article) if self.blockers is not None else []

    def refusal(self, article: Article, user: Any) -> Refusal | None:
        """Why `user` may not take this action now (409 state, 403 who), or None."""
        return workflow.refusal(article, self.name, user)

    def available(self, article: Article, user: Any) -> bool:
        return self.refusal(article, user) is None

    def get_form(
        self,
        article: Article,
        user: Any,
        *,
        data: Any = None,
        request: HttpRequest | None = None,
    ) -> forms.ActionForm:
        # Ids of their own: the review screen shows several actions' forms on one page.
        return self.form(
            data, article=article, user=user, request=request, auto_id=f"{self.name}-%s"
        )

    def perform(self, article: Article, user: Any, form: forms.ActionForm) -> Article:
        """Carry the action out through its service (which checks everything again)."""
        return self.service(article=article, user=user, **form.service_kwargs())


# --- what each action will do, said before it is done --------------------------------


def _public_url(article: Article) -> str:
    return article.get_absolute_url()


def _submit_consequences(article: Article, user: Any) -> list[str]:
    keeper = article.assigned_reviewer
    last = services.current_round(article)
    resubmission = (
        last is not None
        and last.outcome == ReviewRound.Outcome.CHANGES_REQUESTED
        and keeper is not None
        and roles.board_members(article, keeper) is None
    )
    said = [
        f"The working copy is frozen as revision {article.revisions.count() + 1} for the "
        "board, and locked for editing until they finish.",
        f"{display_name(keeper, credentials=True)}, who sent the last revision back, has it "
        "again, in review straight away, and is emailed; an editor can reassign it."
        if resubmission
        else "Every eligible board member is emailed; the first to start the review holds it.",
    ]
    if article.live_revision_id:
        said.append(
            f"The public page keeps showing revision {article.live_revision.number} until "
            "this one is approved."
        )
    return said


def _start_consequences(article: Article, user: Any) -> list[str]:
    if article.status == Status.REVIEW_DUE:
        return [
            f"You re-review the live revision {article.live_revision.number} in a new round; "
            "the public page stays as it is meanwhile.",
            "Approving it again moves “Last reviewed” and the next review date; "
            "“Last updated” stays.",
        ]
    if article.status == Status.IN_REVIEW:
        signed = policy.approvals_this_round(article).count()
        return [
            f"You take over the review of revision {article.current_revision.number}: "
            f"{signed} sign-off{'s' if signed != 1 else ''} so far, and this topic needs "
            f"{policy.describe(article)}.",
            "Only you can approve it or request changes until you release it.",
        ]
    return [
        f"You become the reviewer of revision {article.current_revision.number}; "
        "other board members no longer see it as waiting.",
    ]


def _changes_consequences(article: Article, user: Any) -> list[str]:
    return [
        "The article goes back to its writers with your comment, which opens a thread they "
        "answer and mark addressed.",
        "When they resubmit, the revision comes back to "
        + (
            "you"
            if article.assigned_reviewer_id == getattr(user, "pk", None)
            else display_name(article.assigned_reviewer)
            if article.assigned_reviewer
            else "the board"
        )
        + ", with what changed since this one.",
    ]


def _approve_consequences(article: Article, user: Any) -> list[str]:
    revision = article.current_revision
    if not policy.sign_off_policy_met(article, also=user):
        have = policy.approvals_this_round(article).count() + 1
        return [
            f"Yours is sign-off {have}: this topic needs {policy.describe(article)}. "
            "The article stays in review until then, open for the next board member to take.",
            "Your electronic signature is recorded with your printed name, the time and "
            "the revision's content hash.",
        ]
    if article.live_revision_id == revision.pk:
        return [
            "You re-confirm the live content: “Last reviewed” becomes today and the next "
            "review falls due "
            f"{article.topic.review_interval_months} months from now; “Last updated” stays.",
        ]
    said = [
        f"Revision {revision.number} goes live at {_public_url(article)} when you sign"
        + (
            f", replacing revision {article.live_revision.number}."
            if article.live_revision_id
            else "."
        ),
        f"It is due for re-review in {article.topic.review_interval_months} months.",
        "Your electronic signature is recorded with your printed name, the time and the "
        "revision's content hash.",
    ]
    if roles.is_editor(user):
        said.append("As an editor you may instead set a later go-live time.")
    return said


def _archive_consequences(article: Article, user: Any) -> list[str]:
    said = []
    if article.live_revision_id:
        said.append(
            f"The public URL {_public_url(article)} will answer 410 Gone with a withdrawal "
            "notice, and the article leaves the lists, search, sitemap and feeds."
        )
    else:
        said.append("It has never been public; it leaves every queue.")
    if article.scheduled_revision_id:
        said.append("Its scheduled go-live is cancelled.")
    if article.status in (Status.SUBMITTED, Status.IN_REVIEW):
        said.append("The review under way is withdrawn.")
    said.append(
        "Only an editor can restore it, to draft; it returns to the site only after a new approval."
    )
    return said


def _restore_consequences(article: Article, user: Any) -> list[str]:
    return [
        "It returns to draft for its writers, off the public site (404) until the board "
        "approves it again.",
    ]


def _assign_consequences(article: Article, user: Any) -> list[str]:
    return [
        "The board member you choose holds the article and is emailed; others can no longer "
        "start its review.",
    ]


def _release_consequences(article: Article, user: Any) -> list[str]:
    return [
        "You stop holding this article: any eligible board member can take it from the "
        "queue, and an editor can assign it.",
    ]


def _reschedule_consequences(article: Article, user: Any) -> list[str]:
    said = []
    if article.scheduled_revision_id and article.scheduled_live_at:
        said.append(
            f"Revision {article.scheduled_revision.number} is approved and scheduled for "
            f"{timezone.localtime(article.scheduled_live_at):%Y-%m-%d %H:%M}."
        )
    said.append(f"Leave the time empty to publish it now at {_public_url(article)}.")
    return said


# --- what each action says once done ---------------------------------------------------


def approved_message(article: Article) -> str:
    if article.status == Status.IN_REVIEW:
        return (
            f"Your approval is recorded. This topic needs {policy.describe(article)} "
            "before it goes live; the next board member takes it from the review queue."
        )
    if article.scheduled_live_at:
        when = timezone.localtime(article.scheduled_live_at)
        return f"Approved. It goes live at {when:%Y-%m-%d %H:%M}."
    return "Approved. The public page now shows this revision."


def _submitted_message(article: Article) -> str:
    message = "Submitted for medical review. The article is locked until the board finishes."
    if article.assigned_reviewer:
        message += f" {display_name(article.assigned_reviewer)} has it again, in review."
    return message


def _archived_message(article: Article) -> str:
    if article.live_revision_id:
        return "Archived. The public URL now answers 410 Gone."
    return "Archived."


def _rescheduled_message(article: Article) -> str:
    if article.scheduled_live_at:
        when = timezone.localtime(article.scheduled_live_at)
        return f"The go-live time is now {when:%Y-%m-%d %H:%M}."
    return "Published now. The public page shows this revision."


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in [
        Action(
            name="submit",
            label="Submit for medical review",
            rule=AUTHOR_RULE,
            audit=AuditEntry.Action.SUBMIT,
            form=forms.SubmitForm,
            service=services.article_submit,
            consequences=_submit_consequences,
            success=_submitted_message,
            style="default",
            blockers=lambda article: check_submission(article).problems,
        ),
        Action(
            name="start_review",
            label="Start review",
            rule=REVIEW_RULE,
            checks=(steps.take_refusal,),
            audit=AuditEntry.Action.START_REVIEW,
            form=forms.ActionForm,
            service=services.review_start,
            consequences=_start_consequences,
            success=lambda article: "You are now the reviewer of this article.",
            style="default",
        ),
        Action(
            name="request_changes",
            label="Request changes",
            rule=REVIEW_RULE,
            checks=(steps.decider_refusal,),
            audit=AuditEntry.Action.REQUEST_CHANGES,
            form=forms.RequiredCommentForm,
            service=services.review_request_changes,
            consequences=_changes_consequences,
            success=lambda article: "Changes requested; the writers have been told.",
        ),
        Action(
            name="approve",
            # What the reviewer does is sign: the button, the page's title and a refusal
            # ("…, so “Sign and approve” isn’t possible now.") all say so.
            label="Sign and approve",
            rule=REVIEW_RULE,
            checks=(policy.second_sign_off_refusal, steps.decider_refusal),
            audit=AuditEntry.Action.APPROVE,
            form=forms.ApprovalForm,
            service=services.review_approve,
            consequences=_approve_consequences,
            success=approved_message,
            style="default",
        ),
        Action(
            name="assign_reviewer",
            label="Assign reviewer",
            rule=ASSIGN_RULE,
            state=steps.awaiting_review,
            audit=AuditEntry.Action.ASSIGN_REVIEWER,
            form=forms.AssignReviewerForm,
            service=services.review_assign,
            consequences=_assign_consequences,
            success=lambda article: (
                f"Assigned to {display_name(article.assigned_reviewer)}; they have been told."
            ),
        ),
        Action(
            name="release",
            label="Release",
            rule=steps.holder_only,
            state=steps.held,
            audit=AuditEntry.Action.RELEASE,
            form=forms.NoteForm,
            service=services.review_release,
            consequences=_release_consequences,
            success=lambda article: "Released: the article is open to the board again.",
        ),
        Action(
            name="reschedule",
            label="Change go-live time",
            rule=SCHEDULE_RULE,
            state=steps.scheduled,
            audit=AuditEntry.Action.RESCHEDULE,
            form=forms.ScheduleForm,
            service=scheduling.article_reschedule,
            consequences=_reschedule_consequences,
            success=_rescheduled_message,
        ),
        Action(
            name="archive",
            label="Archive",
            rule=ARCHIVE_RULE,
            audit=AuditEntry.Action.ARCHIVE,
            form=forms.RequiredReasonForm,
            service=services.article_archive,
            consequences=_archive_consequences,
            success=_archived_message,
            style="danger",
        ),
        Action(
            name="restore",
            label="Restore to draft",
            rule=ARCHIVE_RULE,
            audit=AuditEntry.Action.RESTORE,
            form=forms.NoteForm,
            service=services.article_restore,
            consequences=_restore_consequences,
            success=lambda article: "Restored to draft.",
        ),
    ]
}

# Steps of the workflow that no screen offers.
SYSTEM_STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        # Editing live content (reviews.services.article_save) starts a new draft.
        Step(name="revise", label="Revise", rule=AUTHOR_RULE, audit=AuditEntry.Action.REVISE),
        Step(
            name="flag_review_due",
            label="Flag review due",
            rule=SYSTEM_RULE,
            audit=AuditEntry.Action.FLAG_REVIEW_DUE,
        ),
    ]
}

workflow.declare(*ACTIONS.values(), *SYSTEM_STEPS.values())


def get(name: str) -> Action | None:
    return ACTIONS.get(name)


def available(article: Article, user: Any) -> list[Action]:
    """The actions this user may take on this article now, in the table's order."""
    if article is None or article.pk is None:
        return []
    return [action for action in ACTIONS.values() if action.available(article, user)]
