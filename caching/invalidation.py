"""Dropping cached copies of changed pages: the page cache and the CDN, then again.

`invalidate` is called inside the transaction that changes what readers see:

1. now: bump the page-cache generations, so the old page stops being served at once;
2. after commit: bump them again (a reader who read the database before the commit
   may have cached the old page under the new generation), then purge the CDN, last,
   so that its refetch cannot find the old page in our cache;
3. VETTED_PURGE_REPEAT_SECONDS later: both again, for pages read from a lagging read
   replica or fetched by the CDN while the change was committing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from caching import frontend, page_cache


def invalidate(*, generations: Sequence[str], urls: Sequence[str], tags: Sequence[str]) -> None:
    page_cache.bump(*generations)

    def after_commit() -> None:
        _drop(generations, urls, tags)
        delay = getattr(settings, "VETTED_PURGE_REPEAT_SECONDS", 0)
        if delay:
            timer = threading.Timer(delay, _drop, args=(generations, urls, tags))
            timer.daemon = True
            timer.start()

    transaction.on_commit(after_commit, robust=True)


def _drop(generations: Sequence[str], urls: Sequence[str], tags: Sequence[str]) -> None:
    page_cache.bump(*generations)
    frontend.purge(urls=urls, tags=tags)
