"""Search over live content: ranked full-text on PostgreSQL, a word match on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

from articles import search
from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


@pytest.fixture
def publish(writer, reviewer):
    def _publish(**fields):
        ref = factories.ReferenceFactory()
        fields["body"] = f"{fields.get('body', 'Plain text.')} [@{ref.key}]"
        article = factories.ArticleFactory(authors=[writer], **fields)
        services.article_submit(article=article, user=writer)
        services.review_start(article=article, user=reviewer)
        return services.review_approve(
            article=article,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )

    return _publish


def test_finds_live_articles_and_links_them(client, publish):
    article = publish(title="Night cramps in the calf", summary="Why calves cramp at night.")
    page = client.get("/search/", {"q": "cramps"}).text
    assert "1 result for “cramps”" in page
    assert f'href="{article.get_absolute_url()}"' in page


def test_title_match_ranks_above_summary_above_body(publish):
    body_hit = publish(title="Sleep", summary="About sleep.", body="Leg cramps can wake you.")
    summary_hit = publish(title="Exercise", summary="Cramps after exercise.", body="Stretch.")
    title_hit = publish(title="Cramps explained", summary="An overview.", body="Muscles.")
    ranked = list(search.search_articles("cramps"))
    assert ranked[0] == title_hit
    if connection.vendor == "postgresql":
        assert ranked == [title_hit, summary_hit, body_hit]
    else:
        assert set(ranked[1:]) == {summary_hit, body_hit}


def test_snippet_highlights_matches_and_escapes_writer_text(client, publish):
    publish(
        title="Magnesium",
        summary="Does magnesium help?",
        body="Magnesium <b>supplements</b> and <script>alert(1)</script> cramps at night.",
    )
    page = client.get("/search/", {"q": "magnesium"}).text
    snippet = page.split('<p class="snippet">')[1].split("</p>")[0]
    assert "<mark>" in snippet.lower() or "<mark>magnesium" in snippet.lower()
    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "[@" not in snippet


def test_results_are_paginated(client, publish):
    for i in range(12):
        publish(title=f"Cramp fact {i}", slug=f"cramp-fact-{i}")
    first = client.get("/search/", {"q": "cramp"}).text
    assert "12 results" in first
    assert first.count('<li class="card">') == 10
    assert "Page 1 of 2" in first
    assert 'href="?q=cramp&amp;page=2"' in first
    second = client.get("/search/", {"q": "cramp", "page": 2}).text
    assert second.count('<li class="card">') == 2


def test_empty_and_symbol_queries_return_nothing(client, publish):
    publish(title="Anything")
    assert "result" not in client.get("/search/", {"q": "   "}).text.split("</form>")[1]
    assert list(search.search_articles("!!!")) == []


def test_search_ignores_drafts_of_live_articles(publish, writer):
    article = publish(title="Original title")
    article.title = "Unapproved wording"
    services.article_save(article=article, user=writer, changed_fields=["title"])
    assert list(search.search_articles("unapproved")) == []
    assert list(search.search_articles("original")) == [article]


@postgres_only
def test_stemming_matches_word_forms(publish):
    article = publish(title="Cramping legs")
    assert list(search.search_articles("cramps")) == [article]


@postgres_only
def test_gin_index_exists_and_serves_the_query(publish):
    publish(title="Cramps")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'revision_search_gin'")
        (indexdef,) = cursor.fetchone()
        assert "USING gin" in indexdef
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search.search_articles("cramps").explain()
    assert "revision_search_gin" in plan
