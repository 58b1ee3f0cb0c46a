"""The writer's home: their own articles by what each needs next."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviews import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db


def _groups(user) -> dict[str, list[str]]:
    return {g.key: [r.article.title for r in g.rows] for g in selectors.writer_desk(user=user)}


def _approved(writer, reviewer, title: str) -> Article:
    return factories.publish(writer=writer, reviewer=reviewer, title=title)


def test_each_article_is_where_its_next_step_is(writer, reviewer, other_writer_fixture):
    factories.ArticleFactory(authors=[writer], title="A draft")
    waiting = factories.ArticleFactory(authors=[writer], title="Waiting")
    services.article_submit(article=waiting, user=writer)
    back = factories.ArticleFactory(authors=[writer], title="Sent back")
    services.article_submit(article=back, user=writer)
    services.review_start(article=back, user=reviewer)
    services.review_request_changes(article=back, user=reviewer, comment="Cite the 2023 guideline.")
    _approved(writer, reviewer, "Live")
    due = _approved(writer, reviewer, "Due soon")
    Article.objects.filter(pk=due.pk).update(
        next_review_due=timezone.localdate() + datetime.timedelta(days=10)
    )
    factories.ArticleFactory(authors=[other_writer_fixture], title="Someone else's")

    assert _groups(writer) == {
        "drafts": ["A draft"],
        "sent_back": ["Sent back"],
        "waiting": ["Waiting"],
        "due": ["Due soon"],
        "live": ["Live"],
    }
    groups = {g.key: g for g in selectors.writer_desk(user=writer)}
    (row,) = groups["sent_back"].rows
    assert [d.comment for d in row.requests] == ["Cite the 2023 guideline."]
    assert row.next_step.startswith("Answer each of the reviewer's points")
    assert groups["waiting"].rows[0].next_step.startswith("Nothing to do")


@pytest.fixture
def other_writer_fixture(db):
    return factories.writer(username="olga")


def test_the_desk_runs_the_same_queries_however_many_articles(writer, reviewer):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.writer_desk(user=writer)
        return len(queries)

    factories.ArticleFactory(authors=[writer])
    few = count()
    for _ in range(4):
        factories.ArticleFactory(authors=[writer])
        article = factories.ArticleFactory(authors=[writer])
        services.article_submit(article=article, user=writer)
    assert count() == few


def test_the_admin_home_shows_a_writer_their_articles(client, writer, reviewer):
    draft = factories.ArticleFactory(authors=[writer], title="Night cramps")
    client.force_login(writer)
    html = client.get(reverse("admin:index")).content.decode()
    assert "My articles" in html
    assert reverse("admin:articles_article_change", args=[draft.pk]) in html
    assert "Finish it and submit it for medical review." in html
    client.force_login(reviewer)
    assert "My articles" not in client.get(reverse("admin:index")).content.decode()


def test_a_half_signed_article_waits_for_the_next_board_member(
    writer, reviewer, two_approval_topic
):
    article = factories.ArticleFactory(authors=[writer], topic=two_approval_topic)
    services.article_submit(article=article, user=writer)
    factories.claim_and_approve(article, reviewer)  # sign-off 1 of 2 lets go of it

    (row,) = next(g for g in selectors.writer_desk(user=writer) if g.key == "waiting").rows

    assert row.where.startswith("In review since")
    assert row.where.endswith("waiting for the next board member to take it.")
