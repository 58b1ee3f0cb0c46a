"""The state banner at the top of the article's change form: where the article is, in
plain words, who holds it, why it is locked (if it is) and what happens next, worded for
the person looking (its writer, a board member, an editor).

Only reads: what the workflow allows is reviews.workflow's; this says it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from articles.models import Article
from articles.states import Status
from people import roles
from people.names import display_name

WRITER, REVIEWER, EDITOR = "writer", "reviewer", "editor"


@dataclass(frozen=True)
class Banner:
    status: str
    title: str
    holder: str
    # Why this person cannot edit the form now; empty when they can.
    locked: str = ""
    next_step: str = ""
    # What readers see meanwhile (a live article being revised or reviewed).
    live: str = ""
    notes: list[str] = field(default_factory=list)


def audience(article: Article, user: Any) -> str:
    """Whose words the banner uses: the article's writer, an editor, or a board member
    (anyone else who can open the form reads what a board member would)."""
    if roles.is_author(article, user):
        return WRITER
    if roles.is_editor(user) or getattr(user, "is_superuser", False):
        return EDITOR
    return REVIEWER


def _holder_name(article: Article) -> str:
    return display_name(article.assigned_reviewer, credentials=True)


def _number(revision: Any) -> str:
    return f"revision {revision.number}" if revision is not None else "the working copy"


def state_banner(article: Article, user: Any, *, editable: bool) -> Banner:
    """The banner for `user` looking at `article`; `editable` says whether the form lets
    them change the content now (the admin's read-only fields decide)."""
    who = audience(article, user)
    status = article.status
    holder = article.assigned_reviewer
    yours = holder is not None and holder.pk == getattr(user, "pk", None)
    under_review = _number(article.current_revision)
    live = ""
    if article.live_revision_id and status not in (Status.APPROVED, Status.ARCHIVED):
        live = (
            f"Readers still see the approved revision {article.live_revision.number} at "
            f"{article.get_absolute_url()}; these changes stay private until approved."
        )
    read_only = "" if editable else "Read-only for you: only its writers and editors edit it."
    with_the_board = (
        f"The board reviews exactly {under_review}, as it was submitted; the form is locked "
        "until they finish."
    )

    if status == Status.DRAFT:
        return Banner(
            status=status,
            title="Draft of changes to a live article" if live else "Draft",
            holder="With its writers; no reviewer yet.",
            locked=read_only,
            next_step={
                WRITER: "When it is ready, press “Submit for medical review”: it saves your "
                "changes and shows what happens before you confirm.",
                EDITOR: "Its writers submit it when it is ready; you may edit or submit it too.",
                REVIEWER: "Nothing to do yet: it reaches the review queue once submitted.",
            }[who],
            live=live,
        )

    if status == Status.SUBMITTED:
        return Banner(
            status=status,
            title="Submitted: waiting for a reviewer",
            holder=f"Assigned to {_holder_name(article)}, who has not started the review yet."
            if holder
            else "No reviewer yet: the first board member to start the review holds it.",
            locked=with_the_board,
            next_step={
                WRITER: "Nothing to do now: you are emailed when the reviewer approves it "
                "or asks for changes.",
                EDITOR: "Assign a reviewer, or wait for a board member to start the review.",
                REVIEWER: "Start the review to hold it; you then approve it or request changes.",
            }[who],
            live=live,
        )

    if status == Status.IN_REVIEW:
        if holder is None:
            holding = "Nobody holds it now: the next board member to start the review takes it."
        elif yours:
            holding = f"You are reviewing {under_review}."
        else:
            holding = f"{_holder_name(article)} is reviewing {under_review}."
        return Banner(
            status=status,
            title="In review",
            holder=holding,
            locked=with_the_board,
            next_step={
                WRITER: "Nothing to do now: you are emailed when the reviewer approves it "
                "or asks for changes.",
                EDITOR: "Reassign it if the review stalls; the reviewer decides.",
                REVIEWER: "Read it on the review screen, then sign and approve it or request "
                "changes."
                if yours
                else "Open the review screen to follow it; only its reviewer decides.",
            }[who],
            live=live,
        )

    if status == Status.CHANGES_REQUESTED:
        returns_to = (
            f"{_holder_name(article)} asked for changes and gets the resubmission straight "
            "back, in review."
            if holder
            else "The board asked for changes; the resubmission goes to the review queue."
        )
        return Banner(
            status=status,
            title="Changes requested",
            holder=f"Back with its writers. {returns_to}",
            locked=read_only,
            next_step={
                WRITER: "Make the changes asked for below, mark each point addressed on the "
                "review screen, then press “Submit for medical review” again.",
                EDITOR: "The writers revise and resubmit it; you may edit or submit it too.",
                REVIEWER: "Nothing to do until the writers resubmit it.",
            }[who],
            live=live,
        )

    if status in (Status.APPROVED, Status.REVIEW_DUE):
        revision = article.live_revision or article.current_revision
        scheduled = article.scheduled_revision_id and article.scheduled_live_at
        if scheduled:
            when = timezone.localtime(article.scheduled_live_at)
            title = f"Approved: goes live {when:%Y-%m-%d %H:%M}"
        elif status == Status.REVIEW_DUE:
            title = "Live, due for re-review"
        else:
            title = "Live: approved and public"
        edit_starts_draft = (
            "To change it, edit it here and press “Submit for medical review”: that saves "
            "your changes as a new draft and opens the submission in one step. Readers keep "
            f"seeing {_number(revision)} until the board approves the new one."
        )
        if status == Status.REVIEW_DUE:
            holding = (
                f"{_holder_name(article)} holds the re-review."
                if holder
                else "Waiting for a board member to re-review the live version."
            )
            next_step = {
                WRITER: "Nothing is needed from you unless the content needs changing. "
                + edit_starts_draft,
                EDITOR: "Assign a reviewer if nobody takes the re-review. " + edit_starts_draft,
                REVIEWER: "Start the review to re-confirm the live version, or ask for changes.",
            }[who]
        else:
            holding = f"Nobody: the board approved {_number(revision)}."
            next_step = {
                WRITER: edit_starts_draft,
                EDITOR: edit_starts_draft,
                REVIEWER: "Nothing to do until it is due for re-review"
                + (f" ({article.next_review_due:%Y-%m-%d})." if article.next_review_due else "."),
            }[who]
        return Banner(
            status=status,
            title=title,
            holder=holding,
            locked=read_only,
            next_step=next_step,
        )

    # Archived.
    reason = f" Reason: {article.archive_reason}" if article.archive_reason else ""
    return Banner(
        status=status,
        title="Archived",
        holder="Nobody: it is off the public site and out of every queue.",
        locked=f"An archived article cannot be edited.{reason}",
        next_step="Restore it to draft to work on it again; it returns to the site only after "
        "a new approval."
        if who == EDITOR
        else "Only an editor can restore it, to draft.",
    )
