"""Reads for the public site. Every public query starts from Article.objects.live()."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from articles.models import Article, ArticleRevision, RevisionReference
from reviews.models import ReviewDecision, ReviewerProfile


@dataclass
class PublicArticle:
    article: Article
    revision: ArticleRevision
    cited: list[RevisionReference]
    reviewers: list[ReviewerProfile]

    @property
    def references(self):
        return [link.reference for link in self.cited]


def live_articles():
    return (
        Article.objects.live()
        .select_related("topic", "live_revision")
        .order_by("-live_revision__content_updated_at")
    )


def revision_reviewers(revision: ArticleRevision) -> list[ReviewerProfile]:
    """The board members who signed off the latest review round of this revision."""
    approvals = ReviewDecision.objects.filter(revision=revision, kind=ReviewDecision.Kind.APPROVE)
    last_round = approvals.aggregate(r=Max("review_round"))["r"]
    return [
        d.reviewer.reviewer_profile
        for d in approvals.filter(review_round=last_round).select_related(
            "reviewer__reviewer_profile"
        )
        if hasattr(d.reviewer, "reviewer_profile")
    ]


def public_article(*, article: Article) -> PublicArticle:
    """Everything the article page prints, in a constant number of queries."""
    revision = article.live_revision
    cited = list(
        RevisionReference.objects.filter(revision=revision)
        .select_related("reference")
        .order_by("position")
    )
    return PublicArticle(article, revision, cited, revision_reviewers(revision))
