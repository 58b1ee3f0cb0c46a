"""Who may do what. Transitions' `permission=` callables and views share these checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from articles.models import Article

WRITERS = "Writers"
REVIEWERS = "Medical reviewers"
EDITORS = "Editors"

# Custom permissions on Article (see articles.models.Article.Meta.permissions).
PERM_REVIEW = "articles.review_article"
PERM_MANAGE = "articles.manage_workflow"
PERM_EDIT_ANY = "articles.edit_any_article"


def is_editor(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERM_MANAGE))


def is_author(article: Article, user: Any) -> bool:
    if not user.is_authenticated or article.pk is None:
        return False
    return article.authors.filter(pk=user.pk).exists()


def can_edit_content(article: Article, user: Any) -> bool:
    """Authors edit their own articles; editors edit any article."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.has_perm(PERM_EDIT_ANY) or is_author(article, user)


def is_board_member(user: Any) -> bool:
    """An active advisory-board member whose credentials are verified and current."""
    if not (user.is_authenticated and user.is_active and user.has_perm(PERM_REVIEW)):
        return False
    profile = getattr(user, "reviewer_profile", None)
    return profile is not None and profile.can_review()


def can_review_article(article: Article, user: Any) -> bool:
    """Board members review, but never an article they wrote or co-wrote."""
    return is_board_member(user) and not is_author(article, user)
