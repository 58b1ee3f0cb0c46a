"""Source checks as a task (django-tasks): slow (rate-limited requests to PubMed and
Crossref), so a worker runs them, never a request. Cron queues it with
`manage.py check_sources --enqueue`, or runs it in place without --enqueue."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from references import services
from references.models import Reference


@task()
def check_sources(*, limit: int | None = None, keys: list[str] | None = None) -> dict[str, Any]:
    """Check sources (least recently checked first, at most `limit`, or only `keys`);
    returns what it found, by source key."""
    references = Reference.objects.all()
    if keys:
        references = references.filter(key__in=[key.lower() for key in keys])
    checks = services.check_sources(references=references, limit=limit)
    return {
        "checked": len(checks),
        "new_notices": {
            check.reference.key: [event.get_kind_display() for event in check.new_events]
            for check in checks
            if check.new_events
        },
        "not_checked": {check.reference.key: check.error for check in checks if check.error},
    }
