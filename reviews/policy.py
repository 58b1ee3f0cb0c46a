"""The board's sign-off policy: how many distinct approvals a round needs, and from whom.

The services compute these facts once and hand them to the state machine
(`article.approve(policy_met=…)`); nothing here changes anything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from articles.models import Article
from reviews.models import ReviewDecision


def approvals_this_round(article: Article) -> QuerySet[ReviewDecision]:
    return ReviewDecision.objects.filter(
        article=article, review_round=article.review_round, kind=ReviewDecision.Kind.APPROVE
    ).select_related("reviewer__reviewer_profile")


def has_approved_this_round(article: Article, user: Any) -> bool:
    return approvals_this_round(article).filter(reviewer=user).exists()


def second_sign_off_refusal(article: Article, user: Any) -> str | None:
    """The same person never counts twice towards one round's sign-off."""
    if has_approved_this_round(article, user):
        return (
            "You have already approved this revision; a further approval must come "
            "from another board member."
        )
    return None


def sign_off_policy_met(article: Article, *, also: Any = None) -> bool:
    """Distinct eligible approvers reach the topic's count (and specialty, if set).

    `also`: a board member about to sign, to say beforehand whether theirs completes it.
    """
    approvers = {d.reviewer for d in approvals_this_round(article)}
    if also is not None:
        approvers.add(also)
    author_ids = set(article.authors.values_list("pk", flat=True))
    # A sign-off counts only while its approver may still review (active, in date).
    approvers = {
        u
        for u in approvers
        if u.pk not in author_ids
        and getattr(u, "reviewer_profile", None) is not None
        and u.reviewer_profile.can_review()
    }
    if len(approvers) < article.topic.required_approvals:
        return False
    specialty = article.topic.required_specialty.strip().lower()
    if specialty:
        return any(
            getattr(u, "reviewer_profile", None)
            and u.reviewer_profile.specialty.strip().lower() == specialty
            for u in approvers
        )
    return True


def describe(article: Article) -> str:
    """The topic's policy in a sentence: "2 distinct approvals, including one from …"."""
    topic = article.topic
    needed = topic.required_approvals
    text = f"{needed} distinct approval{'s' if needed != 1 else ''}"
    if topic.required_specialty:
        text += f", including one from {topic.required_specialty}"
    return text
