"""Dropping cached copies of changed pages: the page cache and the CDN, then again.

`invalidate` is called inside the transaction that changes what readers see:

1. now: bump the page-cache generations, so the old page stops being served at once;
2. after commit: bump them again (a reader who read the database before the commit
   may have cached the old page under the new generation), then purge the CDN, last,
   so that its refetch cannot find the old page in our cache;
3. VETTED_PURGE_REPEAT_SECONDS later: both again, for pages read from a lagging read
   replica or fetched by the CDN while the change was committing. This is a task
   (`repeat_drop`) queued to run then, by a worker.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from caching import frontend, page_cache


def invalidate(*, generations: Sequence[str], urls: Sequence[str], tags: Sequence[str]) -> None:
    page_cache.bump(*generations)
    # Plain lists: what the task carries is stored as JSON.
    dropped = {"generations": list(generations), "urls": list(urls), "tags": list(tags)}

    def after_commit() -> None:
        _drop(**dropped)
        _repeat_later(dropped)

    transaction.on_commit(after_commit, robust=True)


def _repeat_later(dropped: dict[str, list[str]]) -> None:
    delay = getattr(settings, "VETTED_PURGE_REPEAT_SECONDS", 0)
    # Only a backend that runs tasks later (a worker's: TASKS_BACKEND=database) can wait.
    # The immediate backend runs a task at once, in this process: it serves the embedded
    # default and the tests, one process without a read replica, where nothing can lag
    # behind the commit, and repeating at once would only purge twice. So it skips it.
    if not delay or not repeat_drop.get_backend().supports_defer:
        return
    run_after = timezone.now() + datetime.timedelta(seconds=delay)
    repeat_drop.using(run_after=run_after).enqueue(**dropped)


@task()
def repeat_drop(*, generations: list[str], urls: list[str], tags: list[str]) -> None:
    """The delayed repeat (3. above). Idempotent: bumping a generation or purging a page
    again only makes the next reader fetch the current page."""
    _drop(generations=generations, urls=urls, tags=tags)


def _drop(*, generations: Sequence[str], urls: Sequence[str], tags: Sequence[str]) -> None:
    page_cache.bump(*generations)
    frontend.purge(urls=urls, tags=tags)
