"""An article's states and the named sets of them, defined once.

The review workflow (reviews.workflow) moves an article between these states; the
public site, the editor and the queues only read them.
"""

from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REVIEW_DUE = "review_due", "Review due"
    ARCHIVED = "archived", "Archived"


# The named sets of states. Each is defined here once and used everywhere.
# With the board: writers cannot edit the working copy; the public may see it as pending.
WITH_THE_BOARD = frozenset({Status.SUBMITTED, Status.IN_REVIEW})
# Waiting for a board member: what the queue lists and what a reviewer can be assigned to.
AWAITING_REVIEW = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.REVIEW_DUE})
# Waiting for a board member to start reviewing it.
READY_FOR_REVIEW = frozenset({Status.SUBMITTED, Status.REVIEW_DUE})
# Where a board member may take the review: in review only while nobody holds it (released,
# or signed off once and waiting for a further sign-off), which reviews.steps checks.
TAKEABLE = READY_FOR_REVIEW | {Status.IN_REVIEW}
# The working copy the writers may submit.
SUBMITTABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
# A live revision whose working copy is unchanged: editing it starts a new draft.
APPROVED_CONTENT = frozenset({Status.APPROVED, Status.REVIEW_DUE})
NOT_ARCHIVED = frozenset(s for s in Status if s != Status.ARCHIVED)
