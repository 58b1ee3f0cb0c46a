"""Migration 0009 fills the article's copies the editorial lists read: when each entered
its status, and its live revision's next review date."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles.models import Article

BEFORE = [("articles", "0008_credited_reviewers"), ("reviews", "0008_backfill_review_rounds")]
# Migrating back and forward again rebuilds most of the schema: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_existing_articles_get_their_status_clock_and_due_date():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="old-hand")
    topic = old.get_model("articles", "Topic").objects.create(name="Old", slug="old")
    articles = old.get_model("articles", "Article")
    revisions = old.get_model("articles", "ArticleRevision")
    entries = old.get_model("reviews", "AuditEntry")
    today = timezone.localdate()
    submitted_at = timezone.now() - datetime.timedelta(days=3)
    made = []
    for n in range(2):
        article = articles.objects.create(
            title=f"Old {n}", slug=f"old-{n}", summary="s", body="b", topic=topic, status="approved"
        )
        for number in (1, 2):
            revision = revisions.objects.create(
                article=article,
                number=number,
                title="t",
                slug=f"old-{n}",
                summary="s",
                body="b",
                body_html="<p>b</p>",
                topic=topic,
                content_hash=f"{n}{number}",
                created_by=user,
                next_review_due=today + datetime.timedelta(days=10 * n + number),
            )
        articles.objects.filter(pk=article.pk).update(live_revision=revision)
        made.append((article.pk, revision.next_review_due))
    waiting = articles.objects.create(
        title="Waiting", slug="waiting", summary="s", body="b", topic=topic, status="submitted"
    )
    entries.objects.create(
        article=waiting,
        actor=user,
        transition="submit",
        from_status="draft",
        to_status="submitted",
        created_at=submitted_at,
        seq=1,  # its place in the audit chain (the real model links it on save)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    for pk, due in made:
        assert Article.objects.get(pk=pk).next_review_due == due
    assert Article.objects.get(pk=waiting.pk).next_review_due is None
    assert Article.objects.get(pk=waiting.pk).status_changed_at == submitted_at
