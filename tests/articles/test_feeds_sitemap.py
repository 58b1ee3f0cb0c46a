"""sitemap.xml and the RSS/Atom feeds: live articles only, with the dates that matter."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.utils import timezone

from articles import sitemaps
from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def _sitemap_pages(client) -> list[str]:
    """The sitemap index: the (relative) URL of each sitemap page it lists."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    return [
        urlsplit(loc.text)._replace(scheme="", netloc="").geturl() for loc in index.iter(f"{SM}loc")
    ]


def _sitemap_entries(client) -> dict[str, str | None]:
    entries = {}
    for page in _sitemap_pages(client):
        root = ET.fromstring(client.get(page).content)
        entries |= {
            url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")
        }
    return entries


def test_sitemap_index_splits_articles_into_pages(client, writer, reviewer, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    for i in range(5):
        article = factories.ArticleFactory(authors=[writer], slug=f"split-{i}")
        services.article_submit(article=article, user=writer)
        factories.claim_and_approve(article, reviewer)
    pages = [p for p in _sitemap_pages(client) if "sitemap-articles" in p]
    assert pages == [
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=3",
    ]
    listed = set()
    for page in pages:
        root = ET.fromstring(client.get(page).content)
        locs = [url.findtext(f"{SM}loc") for url in root.iter(f"{SM}url")]
        assert len(locs) <= 2
        listed |= set(locs)
    assert len(listed) == 5
    assert client.get("/sitemap-articles.xml?p=4").status_code == 404
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert all(item.findtext(f"{SM}lastmod") for item in index.iter(f"{SM}sitemap") if
               "articles" in item.findtext(f"{SM}loc"))  # fmt: skip


def test_sitemap_lists_professional_versions_of_articles_that_have_them(client, writer, reviewer):
    article = factories.ArticleFactory(authors=[writer], professional_body="For clinicians.")
    services.article_submit(article=article, user=writer)
    factories.claim_and_approve(article, reviewer)
    entries = _sitemap_entries(client)
    assert f"{settings.SITE_URL}{article.get_absolute_url()}professional/" in entries


def test_sitemap_lists_live_article_with_lastmod(client, approved, settings):
    settings.SITE_URL = "https://health.example"
    entries = _sitemap_entries(client)
    loc = f"https://health.example{approved.get_absolute_url()}"
    assert loc in entries
    assert entries[loc] == approved.live_revision.last_reviewed_at.date().isoformat()
    assert "https://health.example/advisory-board/" in entries
    assert "https://health.example/pages/editorial-policy/" in entries


def test_sitemap_lastmod_follows_a_re_review(client, approved, reviewer):
    later = timezone.now() + datetime.timedelta(days=30)
    live = approved.live_revision
    services.flag_reviews_due(today=live.next_review_due + datetime.timedelta(days=1))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        services.review_start(article=approved, user=reviewer)
        services.review_approve(
            article=approved,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )
    lastmods = set(_sitemap_entries(client).values())
    assert later.date().isoformat() in lastmods


def test_rss_feed_has_the_live_article(client, approved, settings):
    settings.SITE_URL = "https://health.example"
    response = client.get("/feeds/articles.rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    items = root.findall("./channel/item")
    assert len(items) == 1
    assert items[0].findtext("title") == f"New: {approved.live_revision.title}"
    assert items[0].findtext("link") == f"https://health.example{approved.get_absolute_url()}"
    assert items[0].findtext("category") == approved.topic.name


def test_atom_feed_announces_a_re_review_as_a_new_entry(client, approved, reviewer):
    first = ET.fromstring(client.get("/feeds/articles.atom").content)
    first_id = first.find(f"{ATOM}entry/{ATOM}id").text
    later = timezone.now() + datetime.timedelta(days=30)
    services.flag_reviews_due(
        today=approved.live_revision.next_review_due + datetime.timedelta(days=1)
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        services.review_start(article=approved, user=reviewer)
        services.review_approve(
            article=approved,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )
    second = ET.fromstring(client.get("/feeds/articles.atom").content)
    entry = second.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}id").text != first_id
    assert entry.find(f"{ATOM}title").text.startswith("Re-reviewed: ")


def test_feed_and_sitemap_are_linked_from_every_page(client):
    page = client.get("/").text
    assert 'type="application/rss+xml"' in page
    assert 'type="application/atom+xml"' in page
    assert 'href="/sitemap.xml"' in page
