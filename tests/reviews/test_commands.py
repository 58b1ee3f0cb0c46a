"""The cron commands: flag_reviews_due and publish_scheduled, each safe to run repeatedly."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from reviews.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_flag_reviews_due_command_is_idempotent(approved):
    later = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()

    first = run("flag_reviews_due", f"--today={later}")
    second = run("flag_reviews_due", f"--today={later}")

    assert "1 article(s) flagged" in first
    assert "0 article(s) flagged" in second
    assert Article.objects.get(pk=approved.pk).status == Status.REVIEW_DUE
    assert AuditEntry.objects.filter(transition="flag_review_due").count() == 1


def test_publish_scheduled_command_is_idempotent(submitted, board_editor):
    article = factories.claim_and_approve(
        submitted, board_editor, go_live_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    Article.objects.filter(pk=article.pk).update(
        scheduled_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    first = run("publish_scheduled")
    second = run("publish_scheduled")

    assert "1 scheduled article(s) published" in first
    assert "0 scheduled article(s) published" in second
    assert Article.objects.get(pk=article.pk).live_revision_id == article.current_revision_id
    assert AuditEntry.objects.filter(transition="publish_scheduled").count() == 1
