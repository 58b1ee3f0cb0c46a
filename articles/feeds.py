"""RSS and Atom feeds of newly approved, updated and re-reviewed articles (live content only)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from articles import selectors
from articles.models import Article

FEED_SIZE = 30


def _approved_at(article: Article) -> datetime.datetime | None:
    revision = article.live_revision
    return max((d for d in (revision.published_at, revision.last_reviewed_at) if d), default=None)


def _event(article: Article) -> str:
    """What happened last: a first approval, an update, or a re-review of unchanged content."""
    revision = article.live_revision
    if (
        revision.last_reviewed_at
        and revision.published_at
        and (revision.last_reviewed_at > revision.published_at)
    ):
        return "Re-reviewed"
    if revision.number > 1 or (
        revision.content_updated_at
        and revision.published_at
        and revision.content_updated_at < revision.published_at
    ):
        return "Updated"
    return "New"


class LatestReviewedArticlesFeed(Feed):
    description = "Articles approved or re-reviewed by our medical advisory board."

    def title(self) -> str:
        return f"{settings.SITE_NAME}: newly reviewed articles"

    def link(self) -> str:
        return f"{settings.SITE_URL}/"

    def items(self):
        return selectors.feed_articles()[:FEED_SIZE]

    def item_title(self, article: Article) -> str:
        return f"{_event(article)}: {article.live_revision.title}"

    def item_description(self, article: Article) -> str:
        revision = article.live_revision
        reviewed = revision.last_reviewed_at.date().isoformat() if revision.last_reviewed_at else ""
        return f"{revision.summary} (Last reviewed {reviewed}.)"

    def item_link(self, article: Article) -> str:
        return f"{settings.SITE_URL}{article.get_absolute_url()}"

    def item_guid(self, article: Article) -> str:
        # A new approval or re-review is a new item for feed readers.
        approved_at = _approved_at(article)
        stamp = approved_at.isoformat() if approved_at else ""
        return f"{self.item_link(article)}#v{article.live_revision.number}-{stamp}"

    item_guid_is_permalink = False

    def item_pubdate(self, article: Article) -> datetime.datetime | None:
        return _approved_at(article)

    def item_updateddate(self, article: Article) -> datetime.datetime | None:
        return _approved_at(article)

    def item_categories(self, article: Article) -> list[str]:
        return [article.live_revision.topic.name]


class LatestReviewedArticlesAtomFeed(LatestReviewedArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestReviewedArticlesFeed.description
