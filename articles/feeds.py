"""RSS and Atom feeds of newly approved, updated and re-reviewed articles (live content only).

Every address in them is on SITE_URL, whatever host asked (like the sitemap and canonical
links). Atom (RFC 4287) requires an author for the feed or for every entry: the feed's is
the publisher, each entry's its writers, else the editorial team.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse
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


# What the byline prints of a writer (WriterProfile.printed_name).
PROFILE_FIELDS = ("user", "display_name", "credentials", "is_public")


def editorial_team() -> str:
    return f"The {settings.SITE_NAME} editorial team"


class LatestReviewedArticlesFeed(Feed):
    description = "Articles approved or re-reviewed by our medical advisory board."
    url_name = "feed-rss"

    def feed_url(self) -> str:
        # Absolute, or Django would build the self link on the request's host.
        return f"{settings.SITE_URL}{reverse(self.url_name)}"

    def title(self) -> str:
        return f"{settings.SITE_NAME}: newly reviewed articles"

    def link(self) -> str:
        return f"{settings.SITE_URL}/"

    def feed_guid(self) -> str:
        return self.feed_url()

    def author_name(self) -> str:
        return settings.VETTED_PUBLISHER_NAME

    def author_link(self) -> str:
        return f"{settings.SITE_URL}{reverse('articles:page', kwargs={'key': 'about'})}"

    def feed_copyright(self) -> str:
        return f"© {datetime.date.today().year} {settings.VETTED_PUBLISHER_NAME}"

    def items(self):
        # The byline's writers: those who submitted the live revision and have a public
        # profile. One query for the pages, two for the writers, whatever the feed's size.
        return selectors.feed_pages().prefetch_related(
            Prefetch(
                "revision__authors",
                queryset=get_user_model()
                .objects.select_related("writer_profile")
                .only(*("writer_profile__" + name for name in PROFILE_FIELDS)),
            ),
        )[:FEED_SIZE]

    def item_author_name(self, page: LivePage) -> str:
        profiles = [getattr(user, "writer_profile", None) for user in page.revision.authors.all()]
        names = sorted(p.printed_name for p in profiles if p is not None and p.is_public)
        return " and ".join(names) or editorial_team()

    def item_title(self, page: LivePage) -> str:
        return f"{_event(page)}: {page.title}"

    def item_description(self, page: LivePage) -> str:
        reviewed = page.last_reviewed_at.date().isoformat() if page.last_reviewed_at else ""
        if getattr(page, "under_rereview", False):
            return (
                f"{page.summary} (A source this page relies on was retracted or corrected; "
                f"our medical board is re-reviewing the page. Last reviewed {reviewed}.)"
            )
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
    url_name = "feed-atom"
