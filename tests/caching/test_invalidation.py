"""The delayed repeat of an invalidation is a task a worker runs later, not a timer thread."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from caching import frontend, invalidation, page_cache
from tests.reviews.test_tasks import run_worker

REPEAT_TASK = "caching.invalidation.repeat_drop"
NOW = timezone.make_aware(datetime.datetime(2026, 5, 4, 12, 0))


class RecordingCDN(frontend.FrontendCacheBackend):
    purges: list[tuple[list[str], list[str]]] = []

    def __init__(self, **options):
        pass

    def purge(self, *, urls, tags):
        type(self).purges.append((list(urls), list(tags)))


@pytest.fixture
def cdn(settings):
    RecordingCDN.purges = []
    settings.VETTED_FRONTEND_CACHE = [{"BACKEND": f"{__name__}.RecordingCDN"}]
    return RecordingCDN.purges


@pytest.fixture
def queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VETTED_PURGE_REPEAT_SECONDS = 5


def _invalidate() -> None:
    invalidation.invalidate(
        generations=[page_cache.article_generation("night-cramps")],
        urls=["/articles/night-cramps/"],
        tags=["article:7", "lists"],
    )


@pytest.mark.django_db
def test_an_invalidation_queues_one_deferred_repeat_with_plain_data(
    cdn, queued, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    with django_capture_on_commit_callbacks(execute=True):
        _invalidate()

    assert cdn == [(["http://testserver/articles/night-cramps/"], ["article:7", "lists"])]
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == REPEAT_TASK
    assert task.args_kwargs == {
        "args": [],
        "kwargs": {
            "generations": ["gen:article:night-cramps"],
            "urls": ["/articles/night-cramps/"],
            "tags": ["article:7", "lists"],
        },
    }
    assert task.run_after == NOW + datetime.timedelta(seconds=5)


@pytest.mark.django_db(transaction=True)
def test_the_worker_repeats_the_purge_once_the_delay_has_passed(cdn, queued):
    generation = page_cache.article_generation("night-cramps")
    _invalidate()  # commits at once: no transaction
    after_commit = page_cache.cache.get(generation)
    assert len(cdn) == 1

    run_worker()
    assert len(cdn) == 1  # not before its time
    DBTaskResult.objects.update(run_after=timezone.now())
    run_worker()

    assert len(cdn) == 2
    assert cdn[1] == cdn[0]
    assert page_cache.cache.get(generation) != after_commit
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_the_immediate_backend_does_not_repeat(cdn, settings, django_capture_on_commit_callbacks):
    """One process, no replica: nothing can lag behind the commit, so nothing is repeated."""
    settings.VETTED_PURGE_REPEAT_SECONDS = 5
    with django_capture_on_commit_callbacks(execute=True):
        _invalidate()
    assert len(cdn) == 1
    assert not DBTaskResult.objects.exists()
