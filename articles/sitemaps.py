"""sitemap.xml: live articles (lastmod = when the page last changed), topics, board, pages."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles import selectors
from articles.models import Article, SitePage, Topic
from reviews.models import ReviewerProfile


class _SiteUrlSitemap(Sitemap):
    """Absolute URLs on SITE_URL, the same as canonical links, whatever host asked."""

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme


class ArticleSitemap(_SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return selectors.live_articles().order_by("pk")

    def lastmod(self, article: Article) -> datetime.datetime | None:
        return selectors.changed_at(article.live_revision)


class TopicSitemap(_SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return selectors.public_topics()

    def location(self, topic: Topic) -> str:
        return topic.get_absolute_url()


class ReviewerSitemap(_SiteUrlSitemap):
    priority = 0.3

    def items(self):
        return selectors.advisory_board()

    def location(self, profile: ReviewerProfile) -> str:
        return profile.get_absolute_url()


class StaticSitemap(_SiteUrlSitemap):
    priority = 0.4

    def items(self) -> list[str]:
        return [
            "home",
            "topics",
            "board",
            SitePage.Key.EDITORIAL_POLICY,
            SitePage.Key.MEDICAL_DISCLAIMER,
        ]

    def location(self, item: str) -> str:
        if item in ("home", "topics", "board"):
            return reverse(f"articles:{item}")
        return reverse("articles:page", kwargs={"key": item})


SITEMAPS = {
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "reviewers": ReviewerSitemap,
    "pages": StaticSitemap,
}
