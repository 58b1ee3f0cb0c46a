"""seed_scale fills every stored field as the real publishing path would."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from articles import search, stored_pages
from articles.models import Article, LivePage, SearchEntry

pytestmark = pytest.mark.django_db


def test_seeded_articles_are_live_with_revisions_pages_and_search_entries(client, settings):
    settings.DEBUG = True
    call_command("seed_scale", articles=4, revisions=3, workers=1, stdout=io.StringIO())
    articles = Article.objects.filter(slug__startswith="scale-")
    assert articles.count() == 4
    for article in articles:
        assert article.revisions.count() == 3
        assert article.live_revision == article.revisions.order_by("-number").first()
        assert article.live_revision.reference_links.exists()
        assert SearchEntry.objects.filter(page_id=article.pk).exists()
        page = client.get(article.get_absolute_url())
        assert page.status_code == 200
        assert article.live_revision.title in page.text
    # Stored exactly as the publishing path stores them: rendering again changes nothing.
    live = LivePage.objects.get(slug="scale-1")
    stored_pages.refresh_page(live.pk)
    assert LivePage.objects.get(slug="scale-1").etag == live.etag
    assert search.search(articles.first().title.split()[0]).hits


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="invented articles"):
        call_command("seed_scale", articles=2, workers=1)
    assert not Article.objects.exists()
