"""Search over live content: ranked full-text on PostgreSQL, a word match on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

from articles import search
from articles.models import SearchEntry
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


@pytest.fixture
def publish(writer, reviewer):
    def _publish(**fields):
        ref = factories.ReferenceFactory()
        fields["body"] = f"{fields.get('body', 'Plain text.')} [@{ref.key}]"
        return factories.publish(writer=writer, reviewer=reviewer, **fields)

    return _publish


def test_finds_live_articles_and_links_them(client, publish):
    article = publish(title="Night cramps in the calf", summary="Why calves cramp at night.")
    page = client.get("/search/", {"q": "cramps"}).text
    assert "1 result for “cramps”" in page
    assert f'href="{article.get_absolute_url()}"' in page


def _ids(query: str, **filters) -> list[int]:
    return [hit.page.pk for hit in search.search(query, **filters).hits]


def test_title_match_ranks_above_summary_above_body(publish):
    body_hit = publish(title="Sleep", summary="About sleep.", body="Leg cramps can wake you.")
    summary_hit = publish(title="Exercise", summary="Cramps after exercise.", body="Stretch.")
    title_hit = publish(title="Cramps explained", summary="An overview.", body="Muscles.")
    ranked = _ids("cramps")
    assert ranked[0] == title_hit.pk
    if connection.vendor == "postgresql":
        assert ranked == [title_hit.pk, summary_hit.pk, body_hit.pk]
    else:
        assert set(ranked[1:]) == {summary_hit.pk, body_hit.pk}


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
    assert 'href="?q=cramp&amp;page=2"' in first
    second = client.get("/search/", {"q": "cramp", "page": 2}).text
    assert second.count('<li class="card">') == 2
    assert 'rel="next"' not in second


def test_a_page_of_results_that_cannot_exist_is_not_found(client, publish):
    publish(title="Cramp fact")
    for page in ("999", "0", "two", "-1"):
        assert client.get("/search/", {"q": "cramp", "page": page}).status_code == 404, page


def test_empty_and_symbol_queries_return_nothing(client, publish):
    publish(title="Anything")
    assert "result" not in client.get("/search/", {"q": "   "}).text.split("</form>")[1]
    assert _ids("!!!") == []


def test_only_live_content_is_searchable(publish, writer, editor, reviewer):
    """The search document follows what readers can see: approve, draft, archive, restore."""
    article = publish(title="Original title about cramps")
    assert _ids("original") == [article.pk]

    article.title = "Unapproved wording"
    article = services.article_save(article=article, user=writer, changed_fields=["title"])
    assert _ids("unapproved") == []
    assert _ids("original") == [article.pk]

    article = factories.approve_edit(article, writer=writer, reviewer=reviewer)
    assert _ids("unapproved") == [article.pk]
    assert _ids("original") == []

    services.article_archive(article=article, user=editor, reason="Superseded")
    assert _ids("unapproved") == []
    services.article_restore(article=article, user=editor)
    assert _ids("unapproved") == []
    assert not SearchEntry.objects.exists()


def test_submitted_and_draft_articles_are_never_found(client, writer):
    draft = factories.ArticleFactory(authors=[writer], title="Secret draft about cramps")
    services.article_submit(article=draft, user=writer)
    assert _ids("secret") == []
    assert "Secret draft" not in client.get("/search/", {"q": "secret"}).text


def test_phrases_prefixes_alternatives_and_exclusions(publish):
    kidney = publish(title="Kidney disease and diet", summary="Eating well.")
    liver = publish(title="Disease of the liver and kidney function", summary="Tests.")
    gaba = publish(title="Gabapentin at night", summary="Drowsiness.")
    assert _ids('"kidney disease"') == [kidney.pk]
    assert set(_ids("kidney disease")) == {kidney.pk, liver.pk}
    assert _ids("gaba*") == [gaba.pk]
    assert set(_ids("gabapentin OR liver")) == {gaba.pk, liver.pk}
    assert _ids("kidney -liver") == [kidney.pk]


def test_filters_by_topic_and_audience(client, publish):
    sleep = factories.TopicFactory(name="Sleep", slug="sleep")
    in_sleep = publish(title="Cramps at night", topic=sleep)
    with_section = publish(title="Cramps in athletes", professional_body="Check CK levels.")
    assert _ids("cramps", topic_id=sleep.pk) == [in_sleep.pk]
    assert _ids("cramps", professional_only=True) == [with_section.pk]
    page = client.get("/search/", {"q": "cramps", "topic": "sleep"}).text
    assert "1 result for “cramps” in Sleep" in page


def test_a_large_count_is_an_estimate(client, publish, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 2)
    for i in range(4):
        publish(title=f"Cramp note {i}", slug=f"cramp-note-{i}")
    results = search.search("cramp")
    if connection.vendor == "postgresql":
        assert results.total_is_estimate
        assert "About" in client.get("/search/", {"q": "cramp"}).text
    assert len(results.hits) == 4


@postgres_only
def test_stemming_matches_word_forms(publish):
    article = publish(title="Cramping legs")
    assert _ids("cramps") == [article.pk]


def test_a_misspelt_word_gets_a_did_you_mean(client, publish):
    publish(title="Migraine in children", summary="Headaches that come back.")
    results = search.search("migrane")
    assert results.hits == []
    assert results.suggestion == "migraine"
    page = client.get("/search/", {"q": "migrane"}).text
    assert 'Did you mean <a href="?q=migraine">migraine</a>?' in page


@postgres_only
def test_gin_indexes_serve_the_query(publish):
    publish(title="Cramps")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'articles_searchentry'"
            " AND indexdef LIKE '%USING gin%'"
        )
        names = {row[0] for row in cursor.fetchall()}
        assert {
            "searchentry_head_gin",
            "searchentry_document_gin",
            "searchentry_title_trgm",
        } <= names
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT 1 FROM articles_searchentry"
            " WHERE document @@ to_tsquery('english', 'cramps')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "searchentry_document_gin" in plan


def test_a_search_runs_a_constant_number_of_queries(client, publish, django_assert_max_num_queries):
    publish(title="Cramp one")
    with django_assert_max_num_queries(8) as few:
        client.get("/search/", {"q": "cramp", "x": "1"})
    for i in range(15):
        publish(title=f"Cramp more {i}", slug=f"cramp-more-{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/search/", {"q": "cramp", "x": "2"})
