"""An edit racing a submit ends in one consistent state: never a lost update."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_fsm import ConcurrentTransition

from articles.models import Article
from articles.states import Status
from reviews import services
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
    ),
]


@pytest.mark.parametrize("attempt", range(5))
def test_edit_and_submit_at_once_never_lose_the_edit(attempt):
    author = factories.writer(username=f"racer{attempt}")
    article = factories.ArticleFactory(authors=[author])
    citation = article.body
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def edit():
        stale = Article.objects.get(pk=article.pk)
        stale.body = f"Edited while submitting {citation}"
        barrier.wait()
        try:
            services.article_save(article=stale, user=author, changed_fields=["body"])
            outcome["edit"] = "saved"
        except (ValidationError, ConcurrentTransition) as err:
            outcome["edit"] = err
        finally:
            connection.close()

    def submit():
        stale = Article.objects.get(pk=article.pk)
        barrier.wait()
        try:
            services.article_submit(article=stale, user=author)
            outcome["submit"] = "submitted"
        finally:
            connection.close()

    threads = [threading.Thread(target=edit), threading.Thread(target=submit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    article.refresh_from_db()
    assert outcome["submit"] == "submitted"
    assert article.status == Status.SUBMITTED
    revision = article.current_revision
    if outcome["edit"] == "saved":
        # The edit committed first, so the frozen revision must contain it.
        assert revision.body == article.body
        assert article.body.startswith("Edited while submitting")
    else:
        # The submit won: the edit was refused and nothing of it was written.
        assert article.body == citation
        assert revision.body == citation
