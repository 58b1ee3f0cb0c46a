"""Audit entries written before the hash chain existed are linked into it by migration 0005."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from reviews.models import AuditEntry

BEFORE = [("reviews", "0003_decision_go_live_at")]
# Migrating back and forward again rebuilds most of the schema: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.mark.django_db(transaction=True)
def test_existing_entries_are_hashed_in_order_and_verify():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="old-hand")
    topic = old.get_model("articles", "Topic").objects.create(name="Old", slug="old")
    article = old.get_model("articles", "Article").objects.create(
        title="Written long ago", slug="long-ago", summary="s", body="b", topic=topic
    )
    entries = old.get_model("reviews", "AuditEntry")
    start = timezone.now() - datetime.timedelta(days=400)
    for n, (transition, before, after) in enumerate(
        [("submit", "draft", "submitted"), ("start_review", "submitted", "in_review")]
    ):
        entries.objects.create(
            article=article,
            actor=user,
            transition=transition,
            from_status=before,
            to_status=after,
            comment=f"step {n}",
            created_at=start + datetime.timedelta(hours=n),
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "transition")) == [
        (1, "submit"),
        (2, "start_review"),
    ]
    # New entries carry on from the migrated head.
    AuditEntry.objects.create(
        article_id=article.pk,
        actor_id=user.pk,
        transition="request_changes",
        from_status="in_review",
        to_status="changes_requested",
    )
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "reviews: intact, 3 entries" in out.getvalue()
