"""Public reads from a read replica; everything else from the primary.

Active when DATABASE_REPLICA_URL is set (the test suite's settings add a replica that
mirrors the primary); without a replica, ReplicaReadsMiddleware steps aside and every
query goes to the primary. A read goes to the replica only while an anonymous reader's
GET is being served (ReplicaReadsMiddleware marks it) and no transaction is open on the
primary: the admin, the review workflow, management commands and every write use the
primary, and so does a read inside a transaction that writes (a stale page re-rendered
while a reader waits, say).

A replica that cannot be reached costs one reader at most its connect timeout
(DATABASE_REPLICA_CONNECT_TIMEOUT, config/settings.py): the failure marks it down for
VETTED_REPLICA_RETRY_AFTER seconds, in this process, during which public reads go
straight to the primary; it is logged once, and the replica is tried again after that.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import InterfaceError, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponseBase

from caching.page_cache import is_private

PRIMARY, REPLICA = "default", "replica"
_public_read = contextvars.ContextVar("vetted_public_read", default=False)
_EDITORIAL_PATHS = ("/admin/", "/markdownx/")

logger = logging.getLogger("vetted.db")

# Per process: the moment until which the replica is left alone.
_replica_down_until = 0.0
_lock = threading.Lock()


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if _public_read.get() and not connections[PRIMARY].in_atomic_block and replica_available():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, replicated

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY


def replica_available() -> bool:
    """Whether the replica is connected, or connects now; a failure marks it down.

    Connecting here, where the read is routed, rather than at the query lets a replica
    that is down send the read to the primary instead of failing the page.
    """
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.ensure_connection()
    except (OperationalError, InterfaceError) as error:
        _mark_replica_down(replica, error)
        return False
    return True


def _mark_replica_down(replica: BaseDatabaseWrapper, error: Exception) -> None:
    global _replica_down_until
    retry_after = settings.VETTED_REPLICA_RETRY_AFTER
    with _lock:
        was_up = time.monotonic() >= _replica_down_until
        _replica_down_until = time.monotonic() + retry_after
    if was_up:
        reason = next(iter(str(error).strip().splitlines()), "")  # one line, not psycopg's list
        logger.warning(
            "Read replica unavailable (%s: %s); public reads go to the primary for %.0f s "
            "before the replica is tried again.",
            type(error).__name__,
            reason,
            retry_after,
        )
    _discard_pool(replica)


def _discard_pool(replica: BaseDatabaseWrapper) -> None:
    """Drop the replica's connection pool, if it has one, so that its workers stop
    retrying in the background; the next try opens a fresh pool.

    Closed on a thread of its own: a worker may still be waiting out libpq's connect
    timeout on a silent replica, and the reader must not wait for it (Django's
    close_pool() would).
    """
    pools = getattr(replica, "_connection_pools", {})
    pool = pools.pop(replica.alias, None)
    if pool is not None:
        threading.Thread(target=pool.close, name="vetted-replica-pool-close", daemon=True).start()


class ReplicaReadsMiddleware:
    """Marks an anonymous reader's GET, whose reads may come from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed("No read replica: every read goes to the primary.")
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        public = (
            request.method in ("GET", "HEAD")
            and not is_private(request)
            and not request.path_info.startswith(_EDITORIAL_PATHS)
        )
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
