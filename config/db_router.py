"""Public reads from a read replica; everything else from the primary.

Active when DATABASE_REPLICA_URL is set. A read goes to the replica only while an
anonymous reader's GET is being served (ReplicaReadsMiddleware marks it) and no
transaction is open on the primary: the admin, the review workflow, management
commands and every write use the primary, and so does a read inside a transaction
that writes (a stale page re-rendered while a reader waits, say).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponseBase

from caching.page_cache import is_private

PRIMARY, REPLICA = "default", "replica"
_public_read = contextvars.ContextVar("vetted_public_read", default=False)
_EDITORIAL_PATHS = ("/admin/", "/markdownx/")


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if _public_read.get() and not connections[PRIMARY].in_atomic_block:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database, replicated

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY


class ReplicaReadsMiddleware:
    """Marks an anonymous reader's GET, whose reads may come from the replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
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
