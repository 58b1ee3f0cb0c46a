"""The review workflow's scheduled jobs as tasks (django-tasks), for a worker to run.

Cron (or any scheduler) queues them with `manage.py publish_scheduled --enqueue` and
`manage.py flag_reviews_due --enqueue`; without --enqueue the commands run the job in
their own process. Either way the job is the same service function, and idempotent.
Tasks take and return plain JSON values (dates as ISO strings, articles as ids).
"""

from __future__ import annotations

import datetime

from django_tasks import task

from reviews import scheduling, services


@task()
def publish_scheduled() -> list[int]:
    """Put live the approved revisions whose go-live time has come; the articles' ids."""
    return [article.pk for article in scheduling.publish_scheduled()]


@task()
def flag_reviews_due(*, today: str | None = None) -> list[int]:
    """Move approved articles past their next review date to review_due; their ids.
    `today` (YYYY-MM-DD) pretends the date, as the command's --today does."""
    day = datetime.date.fromisoformat(today) if today else None
    return [article.pk for article in services.flag_reviews_due(today=day)]
