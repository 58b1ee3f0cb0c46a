"""The workflow's part in going live: an editor's reschedule, and the scheduler's run,
each recorded in the audit log. The writes themselves are articles.going_live's.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from articles import going_live, stored_pages
from articles.models import Article, ArticleRevision
from reviews import steps
from reviews.models import AuditEntry


@transaction.atomic
def article_reschedule(
    *, article: Article, user: Any, go_live_at: datetime.datetime | None
) -> Article:
    """An editor moves an approved revision's go-live time, or clears it to publish now."""
    article = steps.lock(article)
    step = steps.check(article, "reschedule", user)
    revision = article.scheduled_revision
    now = timezone.now()
    if go_live_at is not None and go_live_at > now:
        article.scheduled_live_at = go_live_at
        comment = f"Go-live moved to {timezone.localtime(go_live_at):%Y-%m-%d %H:%M}."
    else:
        going_live.make_live(article, revision, now=now)
        comment = "Published now instead of at the scheduled time."
    article.save(update_fields=going_live.LIVE_SWITCH_FIELDS)
    stored_pages.article_changed(article)
    steps.record(
        article=article,
        action=step.audit,
        from_status=article.status,
        user=user,
        comment=comment,
        revision=revision,
    )
    return article


def _record_scheduled_publish(article: Article, revision: ArticleRevision) -> None:
    steps.record(
        article=article,
        action=AuditEntry.Action.PUBLISH_SCHEDULED,
        from_status=article.status,
        user=None,
        revision=revision,
    )


def publish_scheduled(*, now: datetime.datetime | None = None) -> list[Article]:
    """Put live the approved revisions whose go-live time has come, each with its audit
    entry (idempotent): the scheduler's job (reviews.tasks, `manage.py publish_scheduled`)."""
    return going_live.publish_scheduled(now=now, on_published=_record_scheduled_publish)
