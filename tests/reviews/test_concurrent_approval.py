"""Two board members approving the same revision at the same moment, on PostgreSQL."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from articles.models import Article
from reviews import scheduling, services
from reviews.models import AuditEntry, ReviewDecision
from reviews.workflow import Status
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and real concurrent connections (SQLite serialises)",
    ),
]


def _race(required_approvals: int, attempt: int) -> tuple[Article, dict]:
    """Submit and claim an article, then let two reviewers approve it at once."""
    writer = factories.writer(username=f"w{required_approvals}{attempt}")
    first = factories.reviewer(username=f"a{required_approvals}{attempt}")
    second = factories.reviewer(username=f"b{required_approvals}{attempt}")
    topic = factories.TopicFactory(
        slug=f"race-{required_approvals}-{attempt}",
        name=f"Race {required_approvals} {attempt}",
        required_approvals=required_approvals,
    )
    article = factories.ArticleFactory(authors=[writer], topic=topic)
    article = services.article_submit(article=article, user=writer)
    article = services.review_start(article=article, user=first)
    barrier = threading.Barrier(2)
    outcome: dict = {}

    def approve(user):
        try:
            stale = Article.objects.get(pk=article.pk)
            barrier.wait()
            services.review_approve(
                article=stale,
                user=user,
                checklist=FULL_CHECKLIST,
                signature=factories.signature(user),
            )
            outcome[user.username] = "approved"
        except (services.WorkflowError, PermissionDenied) as err:
            outcome[user.username] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return Article.objects.get(pk=article.pk), outcome


@pytest.mark.parametrize("attempt", range(3))
def test_one_required_approval_records_exactly_one(attempt):
    article, outcome = _race(1, attempt)

    approved = [u for u, result in outcome.items() if result == "approved"]
    refused = [result for result in outcome.values() if result != "approved"]
    assert len(approved) == 1
    assert len(refused) == 1
    assert isinstance(refused[0], services.WorkflowError)
    assert "not possible while the article is approved" in str(refused[0])
    assert article.status == Status.APPROVED
    assert ReviewDecision.objects.filter(article=article, kind="approve").count() == 1
    assert AuditEntry.objects.filter(article=article, transition="approve").count() == 1
    assert article.live_revision_id == article.current_revision_id


@pytest.mark.parametrize("attempt", range(3))
def test_two_required_approvals_record_both(attempt):
    article, outcome = _race(2, attempt)

    assert list(outcome.values()) == ["approved", "approved"]
    assert article.status == Status.APPROVED
    assert ReviewDecision.objects.filter(article=article, kind="approve").count() == 2
    entries = AuditEntry.objects.filter(article=article, transition="approve")
    assert entries.count() == 2
    assert sorted(e.to_status for e in entries) == [Status.APPROVED, Status.IN_REVIEW]


def test_overlapping_publish_scheduled_runs_publish_once():
    editor = factories.reviewer(username="boarded")
    editor.groups.add(Group.objects.get(name="Editors"))
    editor = type(editor).objects.get(pk=editor.pk)
    writer = factories.writer(username="sched-writer")
    article = factories.ArticleFactory(authors=[writer])
    article = services.article_submit(article=article, user=writer)
    article = factories.claim_and_approve(
        article, editor, go_live_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    later = timezone.now() + datetime.timedelta(minutes=10)
    barrier = threading.Barrier(2)
    published: list[int] = []

    def run():
        try:
            barrier.wait()
            published.extend(a.pk for a in scheduling.publish_scheduled(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    article.refresh_from_db()
    assert published == [article.pk]
    assert article.live_revision_id == article.current_revision_id
    assert AuditEntry.objects.filter(article=article, transition="publish_scheduled").count() == 1
