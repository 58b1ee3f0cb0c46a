"""RSS and Atom feeds of newly approved, updated and re-reviewed articles (live content only)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from articles import selectors
from articles.models import LivePage

FEED_SIZE = 30


def _event(page: LivePage) -> str:
    """What happened last: a first approval, an update, or a re-review of unchanged content."""
    if page.last_reviewed_at and page.published_at and page.last_reviewed_at > page.published_at:
        return "Re-reviewed"
    if page.revision.number > 1 or (
        page.content_updated_at
        and page.published_at
        and page.content_updated_at < page.published_at
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
        return selectors.feed_pages()[:FEED_SIZE]

    def item_title(self, page: LivePage) -> str:
        return f"{_event(page)}: {page.title}"

    def item_description(self, page: LivePage) -> str:
        reviewed = page.last_reviewed_at.date().isoformat() if page.last_reviewed_at else ""
        return f"{page.summary} (Last reviewed {reviewed}.)"

    def item_link(self, page: LivePage) -> str:
        return f"{settings.SITE_URL}{page.get_absolute_url()}"

    def item_guid(self, page: LivePage) -> str:
        # A new approval or re-review is a new item for feed readers.
        stamp = page.announced_at.isoformat() if page.announced_at else ""
        return f"{self.item_link(page)}#v{page.revision.number}-{stamp}"

    item_guid_is_permalink = False

    def item_pubdate(self, page: LivePage) -> datetime.datetime | None:
        return page.announced_at

    def item_updateddate(self, page: LivePage) -> datetime.datetime | None:
        return page.announced_at

    def item_categories(self, page: LivePage) -> list[str]:
        return [page.topic.name]


class LatestReviewedArticlesAtomFeed(LatestReviewedArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestReviewedArticlesFeed.description
