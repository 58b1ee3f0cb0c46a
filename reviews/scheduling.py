"""Going live: switching the public page to an approved revision, now or at a set time.

Every function that changes what the public sees calls publishing.article_changed
inside its transaction, so the stored page and the caches follow.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from articles import publishing
from articles.models import Article, ArticleRevision
from articles.states import Status
from core.dates import add_months
from reviews import steps
from reviews.models import AuditEntry

# What make_live (and rescheduling) change on the article.
LIVE_SWITCH_FIELDS = [
    "live_revision",
    "next_review_due",
    "scheduled_revision",
    "scheduled_live_at",
    "updated_at",
]


def publish_approved(
    article: Article,
    revision: ArticleRevision,
    *,
    go_live_at: datetime.datetime | None,
    now: datetime.datetime,
) -> None:
    """Stamp a completed sign-off and put the revision live, now or at `go_live_at`
    (the caller saves the article)."""
    revision.approved_at = revision.approved_at or now
    revision.last_reviewed_at = now
    revision.next_review_due = add_months(
        timezone.localdate(now), article.topic.review_interval_months
    )
    revision.save(update_fields=["approved_at", "last_reviewed_at", "next_review_due"])
    if article.live_revision_id == revision.pk:
        # Re-confirmation of unchanged content: reviewed again, not updated.
        article.next_review_due = revision.next_review_due
        return
    if go_live_at and go_live_at > now:
        article.scheduled_revision = revision
        article.scheduled_live_at = go_live_at
        return
    make_live(article, revision, now=now)


def make_live(article: Article, revision: ArticleRevision, *, now: datetime.datetime) -> None:
    """Switch the public page to `revision` (caller saves the article)."""
    previous = article.live_revision
    unchanged = previous is not None and previous.content_hash == revision.content_hash
    revision.published_at = now
    revision.content_updated_at = previous.content_updated_at if unchanged else now
    revision.save(update_fields=["published_at", "content_updated_at"])
    article.live_revision = revision
    article.next_review_due = revision.next_review_due
    clear_schedule(article)


def clear_schedule(article: Article) -> None:
    article.scheduled_revision = None
    article.scheduled_live_at = None


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
        make_live(article, revision, now=now)
        comment = "Published now instead of at the scheduled time."
    article.save(update_fields=LIVE_SWITCH_FIELDS)
    publishing.article_changed(article)
    steps.record(
        article=article,
        action=step.audit,
        from_status=article.status,
        user=user,
        comment=comment,
        revision=revision,
    )
    return article


def publish_scheduled(*, now: datetime.datetime | None = None) -> list[Article]:
    """Switch approved revisions whose go-live time has come to live (idempotent)."""
    now = now or timezone.now()
    due = Article.objects.filter(
        scheduled_revision__isnull=False, scheduled_live_at__lte=now
    ).exclude(status=Status.ARCHIVED)
    published = []
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            article = steps.lock(Article(pk=pk))
            revision = article.scheduled_revision
            if (
                revision is None
                or article.scheduled_live_at is None
                or article.scheduled_live_at > now
                or article.status == Status.ARCHIVED
            ):
                continue  # published or changed since we listed it
            make_live(article, revision, now=now)
            article.save(update_fields=LIVE_SWITCH_FIELDS)
            publishing.article_changed(article)
            steps.record(
                article=article,
                action=AuditEntry.Action.PUBLISH_SCHEDULED,
                from_status=article.status,
                user=None,
                revision=revision,
            )
            published.append(article)
    return published
