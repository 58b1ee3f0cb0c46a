"""Who may do what, and what to tell anyone who may not.

A *rule* takes (article, user) and returns None when the user may take the step, or the
sentence to show them when they may not. The state machine's `permission=` callables,
the services' server-side checks and the action model's buttons all use these rules, so
a refusal reads the same wherever it happens.

This module knows nothing of the articles app: it sees an article only as something
with authors (`Authored`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

WRITERS = "Writers"
REVIEWERS = "Medical reviewers"
EDITORS = "Editors"

# Custom permissions on Article (see articles.models.Article.Meta.permissions).
PERM_REVIEW = "articles.review_article"
PERM_MANAGE = "articles.manage_workflow"
PERM_EDIT_ANY = "articles.edit_any_article"


class Authored(Protocol):
    """What the rules need of an article: its primary key and its authors."""

    pk: Any
    authors: Any


# A user may take a step when the rule returns None; otherwise it returns why not.
Rule = Callable[[Authored, Any], "str | None"]


def is_editor(user: Any) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.has_perm(PERM_MANAGE)
    )


def sees_every_article(user: Any) -> bool:
    """Editors and current board members see every article in the admin; writers their own
    (a reviewer whose membership lapsed sees none: people.membership)."""
    return user.has_perm(PERM_EDIT_ANY) or is_board_member(user)


def is_author(article: Authored, user: Any) -> bool:
    if user is None or not user.is_authenticated or article.pk is None:
        return False
    return article.authors.filter(pk=user.pk).exists()


def can_edit_content(article: Authored, user: Any) -> bool:
    """Authors edit their own articles; editors edit any article."""
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    return user.has_perm(PERM_EDIT_ANY) or is_author(article, user)


def is_board_member(user: Any) -> bool:
    """An active advisory-board member whose credentials are verified and current."""
    if user is None or not (
        user.is_authenticated and user.is_active and user.has_perm(PERM_REVIEW)
    ):
        return False
    profile = getattr(user, "reviewer_profile", None)
    return profile is not None and profile.can_review()


def can_review_article(article: Authored, user: Any) -> bool:
    """Board members review, but never an article they wrote or co-wrote."""
    return board_members(article, user) is None


# --- rules ---------------------------------------------------------------------------


def board_members(article: Authored, user: Any) -> str | None:
    """Board members who did not write the article."""
    if is_author(article, user):
        return "You wrote or co-wrote this article, so you cannot review or approve it."
    if not is_board_member(user):
        return (
            "Only active advisory board members with current, verified credentials "
            "can review articles."
        )
    return None


def authors_and_editors(article: Authored, user: Any) -> str | None:
    if can_edit_content(article, user):
        return None
    return "Only the article's authors or an editor can do that."


def editors_only(doing: str) -> Rule:
    """A rule for editors' steps, saying what only editors may do ("archive articles")."""

    def rule(article: Authored, user: Any) -> str | None:
        return None if is_editor(user) else f"Only editors can {doing}."

    return rule


def scheduler_only(article: Authored, user: Any) -> str | None:
    # Taken by scheduled commands (user None), never from a screen.
    return None if user is None else "Only the scheduler does that."


def permits(rule: Rule) -> Callable[[Authored, Any], bool]:
    """The rule as a django-fsm `permission=` callable."""

    def permission(article: Authored, user: Any) -> bool:
        return rule(article, user) is None

    return permission
