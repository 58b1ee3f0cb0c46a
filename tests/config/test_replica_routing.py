"""Public reads go to the read replica; the admin, the workflow and every write to the
primary. In tests the replica mirrors the primary (tests/settings.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections, transaction
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import LivePage
from caching import page_cache
from config import db_router
from reviews import services
from tests.reviews.test_tasks import run_worker

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _queries(alias: str) -> CaptureQueriesContext:
    return CaptureQueriesContext(connections[alias])


def test_a_readers_page_is_read_from_the_replica(client, approved):
    with _queries("replica") as replica, _queries("default") as primary:
        response = client.get(approved.get_absolute_url())
    assert response.status_code == 200
    assert any("articles_livepage" in q["sql"] for q in replica.captured_queries)
    assert primary.captured_queries == []


def test_the_review_workflow_and_the_admin_use_the_primary(client, submitted, reviewer):
    client.force_login(reviewer)
    with _queries("replica") as replica, _queries("default") as primary:
        assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
        services.review_start(article=submitted, user=reviewer)
    assert replica.captured_queries == []
    assert primary.captured_queries


def test_writes_and_reads_inside_a_transaction_use_the_primary():
    router = db_router.PrimaryReplicaRouter()
    token = db_router._public_read.set(True)
    try:
        assert router.db_for_read(LivePage) == "replica"
        assert router.db_for_write(LivePage) == "default"
        with transaction.atomic():
            assert router.db_for_read(LivePage) == "default"
    finally:
        db_router._public_read.reset(token)
    assert router.db_for_read(LivePage) == "default"  # outside a reader's request


def test_without_a_replica_the_middleware_steps_aside(monkeypatch):
    """No DATABASE_REPLICA_URL: the middleware drops out of the chain, so no request is
    marked and the router sends every read to the primary."""
    monkeypatch.delitem(settings.DATABASES, "replica")
    with pytest.raises(MiddlewareNotUsed):
        db_router.ReplicaReadsMiddleware(lambda request: HttpResponse())


def test_a_page_read_from_a_lagging_replica_is_dropped_again(client, approved, editor, settings):
    """The page cache is invalidated once more after the replicas have caught up: by a task
    that a worker runs VETTED_PURGE_REPEAT_SECONDS later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VETTED_PURGE_REPEAT_SECONDS = 30
    url = approved.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    generation = page_cache.article_generation(approved.slug)
    before = page_cache.cache.get(generation)
    services.article_archive(article=approved, user=editor, reason="Withdrawn.")  # commits
    after_commit = page_cache.cache.get(generation)
    assert after_commit != before
    run_worker()
    assert page_cache.cache.get(generation) == after_commit  # not yet: the replica may lag
    DBTaskResult.objects.filter(task_path="caching.invalidation.repeat_drop").update(
        run_after=timezone.now()
    )  # the delay has passed
    run_worker()
    assert page_cache.cache.get(generation) != after_commit  # and once more, later
