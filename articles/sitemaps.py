"""Sitemaps by the protocol: an index of pages of at most PAGE_SIZE URLs each.

Entries carry <loc> and <lastmod> only (search engines ignore changefreq and priority).

/sitemap.xml is the index; /sitemap-<section>.xml?p=N are its pages. Articles come
from their stored live pages (no joins), each with the date its page last changed.
All URLs are absolute on SITE_URL, the same as canonical links, whatever host asked.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import EmptyPage
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import http_date

from articles import selectors
from articles.audiences import Audience
from articles.models import LivePage, SitePage, Topic
from caching.http import public_page
from core import paging
from people.models import ReviewerProfile

# The protocol allows 50,000; smaller pages are served well within a crawler's patience.
PAGE_SIZE = 5000


class _SiteUrlSitemap(Sitemap):
    """Django's Sitemap for items, paging and dates; written out by sitemap_section."""

    limit = PAGE_SIZE


def _changed_at(page: LivePage) -> datetime.datetime | None:
    """When the public page last changed: new content or a new review date."""
    dates = [d for d in (page.content_updated_at, page.last_reviewed_at) if d]
    return max(dates) if dates else page.published_at


class ArticleSitemap(_SiteUrlSitemap):
    url_format = "/articles/{slug}/"

    def items(self):
        return (
            LivePage.objects.listed()
            .order_by("pk")
            .only("pk", "slug", "content_updated_at", "last_reviewed_at", "published_at")
        )

    def location(self, page: LivePage) -> str:
        # Formatted, not reversed: thousands of URLs a page.
        return self.url_format.format(slug=page.slug)

    def lastmod(self, page: LivePage) -> datetime.datetime | None:
        return _changed_at(page)

    def get_latest_lastmod(self) -> datetime.datetime | None:
        latest = LivePage.objects.listed().aggregate(
            content=Max("content_updated_at"), reviewed=Max("last_reviewed_at")
        )
        dates = [d for d in latest.values() if d]
        return max(dates) if dates else None


class ProfessionalArticleSitemap(ArticleSitemap):
    """The versions for healthcare professionals of articles that have such a section."""

    url_format = "/articles/{slug}/professional/"

    def items(self):
        return super().items().filter(search_entry__has_professional_section=True)


class TopicSitemap(_SiteUrlSitemap):
    def items(self):
        return selectors.public_topics()

    def location(self, topic: Topic) -> str:
        return topic.get_absolute_url()


class ReviewerSitemap(_SiteUrlSitemap):
    def items(self):
        return selectors.advisory_board()

    def location(self, profile: ReviewerProfile) -> str:
        return profile.get_absolute_url()


class StaticSitemap(_SiteUrlSitemap):
    def items(self) -> list[str]:
        # Every site page with a page of its own (the per-audience disclaimers are shown
        # on article pages), the contact page at its own address.
        own_pages = [
            key
            for key in SitePage.Key.values
            if key not in (SitePage.Key.PATIENT_DISCLAIMER, SitePage.Key.PROFESSIONAL_DISCLAIMER)
        ]
        return ["home", "topics", "board", *own_pages]

    def location(self, item: str) -> str:
        if item in ("home", "topics", "board"):
            return reverse(f"articles:{item}")
        if item == SitePage.Key.CONTACT:
            return reverse("articles:contact")
        return reverse("articles:page", kwargs={"key": item})


SITEMAPS = {
    "articles": ArticleSitemap,
    Audience.PROFESSIONAL.value: ProfessionalArticleSitemap,
    "topics": TopicSitemap,
    "reviewers": ReviewerSitemap,
    "pages": StaticSitemap,
}


@public_page()
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """Every page of every section, with the date its newest entry changed."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        site = sitemap_class()
        if not site.paginator.count:
            continue
        url = settings.SITE_URL + reverse("sitemap-section", kwargs={"section": section})
        lastmod = site.get_latest_lastmod()
        for number in site.paginator.page_range:
            entries.append(SitemapIndexItem(url if number == 1 else f"{url}?p={number}", lastmod))
    return render(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


@public_page()
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One page of one section, written directly: thousands of entries, no template."""
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404("No such sitemap.")
    number = paging.page_number(request, param="p")
    site = sitemap_class()
    try:
        page = site.paginator.page(number)
    except EmptyPage:
        raise Http404("No such sitemap page.") from None
    has_lastmod = callable(getattr(site, "lastmod", None))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    latest = None
    for item in page.object_list:
        entry = f"<url><loc>{escape(settings.SITE_URL + site.location(item))}</loc>"
        lastmod = site.lastmod(item) if has_lastmod else None
        if lastmod:
            entry += f"<lastmod>{lastmod.date().isoformat()}</lastmod>"
            latest = max(latest or lastmod, lastmod)
        lines.append(entry + "</url>")
    lines.append("</urlset>\n")
    response = HttpResponse("\n".join(lines), content_type="application/xml")
    if latest:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response
