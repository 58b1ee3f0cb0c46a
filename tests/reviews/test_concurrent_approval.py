"""Board members acting on the same article at the same moment, on PostgreSQL."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from reviews import scheduling, services
from reviews.models import AuditEntry, ReviewDecision
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks and real concurrent connections (SQLite serialises)",
    ),
]


def _article(required_approvals: int, attempt: int) -> tuple[Article, list]:
    """An article submitted and claimed by the first of three board members."""
    writer = factories.writer(username=f"w{required_approvals}{attempt}")
    members = [
        factories.reviewer(username=f"{name}{required_approvals}{attempt}") for name in "abc"
    ]
    topic = factories.TopicFactory(
        slug=f"race-{required_approvals}-{attempt}",
        name=f"Race {required_approvals} {attempt}",
        required_approvals=required_approvals,
    )
    article = factories.ArticleFactory(authors=[writer], topic=topic)
    article = services.article_submit(article=article, user=writer)
    return services.review_start(article=article, user=members[0]), members


_approve = factories.approve


def _race(article: Article, steps: list) -> list:
    """Run each step (article, user) -> Article at the same moment, each on a copy of the
    article read beforehand; the outcome of each, in order: "done" or the refusal."""
    barrier = threading.Barrier(len(steps))
    outcome: list = [None] * len(steps)

    def run(i: int, step) -> None:
        try:
            stale = Article.objects.get(pk=article.pk)
            barrier.wait()
            step(stale)
            outcome[i] = "done"
        except (services.WorkflowError, PermissionDenied) as err:
            outcome[i] = err
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, step)) for i, step in enumerate(steps)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcome


@pytest.mark.parametrize("attempt", range(3))
def test_an_approval_sent_twice_at_once_records_exactly_one(attempt):
    """The holder's approval posted twice at the same moment (a double click)."""
    article, (holder, *_) = _article(1, attempt)

    outcome = _race(article, [lambda a: _approve(a, holder), lambda a: _approve(a, holder)])

    article.refresh_from_db()
    assert outcome.count("done") == 1
    (refused,) = [result for result in outcome if result != "done"]
    assert isinstance(refused, services.WorkflowError)
    assert "already approved: there is nothing to sign" in str(refused)
    assert article.status == Status.APPROVED
    assert ReviewDecision.objects.filter(article=article, kind="approve").count() == 1
    assert AuditEntry.objects.filter(article=article, transition="approve").count() == 1
    assert article.live_revision_id == article.current_revision_id


@pytest.mark.parametrize("attempt", range(3))
def test_another_member_approving_at_the_same_moment_as_the_holder_is_refused(attempt):
    article, (holder, other, _) = _article(1, attempt)

    outcome = _race(article, [lambda a: _approve(a, holder), lambda a: _approve(a, other)])

    article.refresh_from_db()
    assert outcome[0] == "done"
    assert isinstance(outcome[1], PermissionDenied | services.WorkflowError)
    assert article.status == Status.APPROVED
    assert list(ReviewDecision.objects.values_list("reviewer", flat=True)) == [holder.pk]


@pytest.mark.parametrize("attempt", range(3))
def test_two_members_taking_the_second_sign_off_at_once_one_holds_it(attempt):
    article, (first, second, third) = _article(2, attempt)
    article = _approve(article, first)

    outcome = _race(
        article,
        [
            lambda a: services.review_start(article=a, user=second),
            lambda a: services.review_start(article=a, user=third),
        ],
    )

    article.refresh_from_db()
    assert outcome.count("done") == 1
    (refused,) = [result for result in outcome if result != "done"]
    assert "holds this article for review" in str(refused)
    holder = second if outcome[0] == "done" else third
    assert article.assigned_reviewer == holder
    article = _approve(article, holder)
    assert article.status == Status.APPROVED
    entries = AuditEntry.objects.filter(article=article, transition="approve")
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
