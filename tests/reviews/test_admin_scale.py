"""The editorial side at scale: what an editor or a board member opens does not grow
with the number of articles (issue 9).

Each page runs the same number of SQL queries with a handful of articles and with several
times as many, in every state the page shows, with writers, board members and votes on
each row; long lists come a page at a time; counts stop at a cap.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleFeedback
from core import paging
from reviews import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db

_serial = itertools.count()


@pytest.fixture
def board(db):
    """Two board members who write nothing here, and one who co-writes."""
    return [
        factories.reviewer(username="board-a"),
        factories.reviewer(username="board-b", specialty="Clinical pharmacology"),
    ]


def grow(*, per_kind: int, writer, co_writer, board) -> None:
    """Add `per_kind` articles in each state the workbench shows, through the services:
    submitted, in review (held), live and falling due, with votes and two writers each."""
    holder = board[1]
    for _ in range(per_kind):
        n = next(_serial)
        topic = factories.TopicFactory(name=f"Scale topic {n}", slug=f"scale-topic-{n}")
        authors = [writer, co_writer]

        def fresh(kind: str, *, topic=topic, authors=authors, n=n) -> Article:
            article = factories.ArticleFactory(
                authors=authors, topic=topic, title=f"Scale {kind} {n}", slug=f"scale-{kind}-{n}"
            )
            return services.article_submit(article=article, user=writer)

        fresh("submitted")
        services.review_start(article=fresh("held"), user=holder)
        live = factories.claim_and_approve(fresh("live"), holder)
        due = timezone.localdate() + datetime.timedelta(days=20)
        live.live_revision.next_review_due = due
        live.live_revision.save(update_fields=["next_review_due"])
        Article.objects.filter(pk=live.pk).update(next_review_due=due)
        for vote in range(3):
            ArticleFeedback.objects.create(
                article=live,
                revision=live.live_revision,
                reader_key=f"reader-{n}-{vote}",
                helpful=vote != 0,
            )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


EDITOR_PAGES = [
    reverse("admin:articles_article_changelist"),
    reverse("admin:articles_article_changelist") + "?q=scale",
    reverse("admin:articles_article_changelist") + "?status__exact=in_review",
    reverse("admin:articles_article_changelist") + "?queue=awaiting",
    reverse("admin:articles_article_queue"),
    reverse("admin:articles_article_dashboard"),
    reverse("admin:articles_article_due") + "?days=30",
    reverse("admin:articles_articlerevision_changelist"),
    reverse("admin:reviews_auditentry_changelist"),
]
BOARD_PAGES = [
    reverse("admin:articles_article_queue"),
    reverse("admin:articles_article_changelist"),
    reverse("admin:articles_article_due") + "?days=30",
]


def test_queries_per_page_do_not_grow_with_the_articles(client, editor, writer, board):
    co_writer = factories.reviewer(username="board-writer", specialty="Cardiology")
    grow(per_kind=2, writer=writer, co_writer=co_writer, board=board)
    board_member = board[0]
    viewers = [(editor, EDITOR_PAGES), (board_member, BOARD_PAGES), (writer, BOARD_PAGES[1:2])]

    def measure() -> dict[tuple[str, str], int]:
        counts = {}
        for user, pages in viewers:
            client.force_login(user)
            counts.update({(user.username, url): queries(client, url) for url in pages})
        return counts

    small = measure()
    grow(per_kind=6, writer=writer, co_writer=co_writer, board=board)
    large = measure()

    assert Article.objects.count() == 24
    assert large == small


def test_the_queue_comes_a_page_at_a_time_oldest_first(client, editor, writer, monkeypatch):
    monkeypatch.setattr(selectors, "QUEUE_PAGE_SIZE", 2)
    waiting = [
        services.article_submit(article=factories.ArticleFactory(authors=[writer]), user=writer)
        for _ in range(3)
    ]
    client.force_login(editor)
    url = reverse("admin:articles_article_queue")

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert [row["article"] for row in first.context["rows"]] == waiting[:2]
    assert [row["article"] for row in second.context["rows"]] == waiting[2:]
    assert "1–2 of 3" in first.text
    assert "Page 1 of 2" in first.text
    assert 'rel="next"' in first.text


def test_an_out_of_range_queue_page_shows_the_last_page(client, editor, submitted, monkeypatch):
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_queue"), {"page": "999"})

    assert [row["article"] for row in page.context["rows"]] == [submitted]


def test_the_due_report_is_paginated_soonest_first(client, editor, writer, board, monkeypatch):
    monkeypatch.setattr(selectors, "DUE_PAGE_SIZE", 2)
    articles = []
    for days in (40, 10, 25):
        live = factories.claim_and_approve(
            services.article_submit(
                article=factories.ArticleFactory(authors=[writer]), user=writer
            ),
            board[0],
        )
        due = timezone.localdate() + datetime.timedelta(days=days)
        Article.objects.filter(pk=live.pk).update(next_review_due=due)
        articles.append(live)
    client.force_login(editor)
    url = reverse("admin:articles_article_due")

    first = client.get(url, {"days": 60})
    second = client.get(url, {"days": 60, "page": 2})

    assert [row.article for row in first.context["rows"]] == [articles[1], articles[2]]
    assert [row.article for row in second.context["rows"]] == [articles[0]]
    assert "days=60" in first.text.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_approval_keeps_the_due_date_on_the_article(approved):
    """The due report reads the article's copy of its live revision's review date."""
    assert approved.next_review_due is not None
    assert approved.next_review_due == approved.live_revision.next_review_due


def test_restoring_an_archived_article_clears_its_due_date(approved, editor):
    archived = services.article_archive(article=approved, user=editor, reason="Outdated.")
    restored = services.article_restore(article=archived, user=editor)

    assert Article.objects.get(pk=restored.pk).next_review_due is None
    assert not selectors.due_report(days=400).exists()


def test_the_changelist_counts_only_up_to_a_cap(client, editor, writer, monkeypatch):
    monkeypatch.setattr(paging.BoundedPaginator, "cap", 2)
    for _ in range(3):
        factories.ArticleFactory(authors=[writer])
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_changelist"))

    assert page.context["cl"].result_count == 2
    assert "More than 2 articles" in page.text


def test_the_dashboard_estimates_a_state_too_large_to_count(editor, writer, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    for _ in range(3):
        factories.ArticleFactory(authors=[writer])

    drafts = next(s for s in selectors.editor_dashboard() if s.status == "draft")

    assert drafts.exact is False
    assert drafts.count >= 3


def test_a_nul_byte_in_the_changelist_search_is_a_clear_refusal(client, editor, writer):
    """PostgreSQL refuses NUL in text: the editorial side answers 400 (config.middleware)."""
    factories.ArticleFactory(authors=[writer], title="Migraine in children")
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_changelist"), {"q": "mig\x00raine"})

    assert page.status_code == 400


def test_editors_pick_writers_through_the_autocomplete(client, editor, writer):
    client.force_login(editor)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": writer.username,
            "app_label": "articles",
            "model_name": "article",
            "field_name": "authors",
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(writer.pk)]


def test_the_changelist_shows_each_articles_reader_votes(client, editor, approved, writer):
    for n, helpful in enumerate([True, True, False]):
        ArticleFeedback.objects.create(
            article=approved, revision=approved.live_revision, reader_key=f"r{n}", helpful=helpful
        )
    factories.ArticleFactory(authors=[writer], title="Nobody voted")
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_changelist"))

    votes = {a.title: (a.helpful_yes, a.helpful_no) for a in page.context["cl"].result_list}
    assert votes == {approved.title: (2, 1), "Nobody voted": (0, 0)}
    assert "2 / 1" in page.text
