"""Background work (django-tasks): emails and scheduled jobs leave the request path.

With the database backend (production's), a step queues its email once it commits and
answers at once; a worker (`manage.py db_worker`) sends it later, and a slow or broken
mail server costs the reviewer nothing. The immediate backend (the embedded default, and
the rest of this suite) runs each task as soon as it is queued.
"""

from __future__ import annotations

import datetime
import io
import logging
import signal
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from articles.states import Status
from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db
# The worker runs outside the request's transaction, checking its connection as it goes,
# so tests that run it commit for real (and on_commit callbacks run as in production).
worker_test = pytest.mark.django_db(transaction=True)


class CountingEmailBackend(BaseEmailBackend):
    """A mail server that counts each time it is reached, then delivers to the outbox.
    However slow a real one is, a request that never reaches it does not wait on it."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        mail.outbox.extend(email_messages)
        return len(email_messages)


class BrokenEmailBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def queued(settings):
    """The database backend: tasks wait in the database for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def mail_server_counted(settings):
    CountingEmailBackend.calls = 0
    settings.EMAIL_BACKEND = f"{__name__}.CountingEmailBackend"


def run_worker() -> None:
    """What `manage.py db_worker` does in production, until the queue is empty.

    The command sets up signal handlers and its loggers for a process of its own; both
    are put back afterwards so that the rest of the suite is unaffected.
    """
    signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    saved = [(logger.level, list(logger.handlers)) for logger in loggers]
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "-v0", stdout=io.StringIO())
    finally:
        for number, handler in signals.items():
            signal.signal(number, handler)
        for logger, (level, handlers) in zip(loggers, saved, strict=True):
            logger.setLevel(level)
            logger.handlers[:] = handlers


def approve_through_the_admin(client, reviewer, article):
    client.force_login(reviewer)
    url = reverse("admin:articles_article_action", args=[article.pk, "approve"])
    return client.post(url, {**FULL_CHECKLIST, "password": "pw", **factories.read(article)})


@worker_test
def test_a_slow_mail_server_does_not_slow_an_approval(
    client, reviewer, writer, in_review, queued, mail_server_counted
):
    mail.outbox = []  # the board's emails about the submission, sent before
    response = approve_through_the_admin(client, reviewer, in_review)

    assert response.status_code == 302
    assert Article.objects.get(pk=in_review.pk).status == Status.APPROVED
    # Answered without talking to the mail server: the email waits for a worker.
    assert CountingEmailBackend.calls == 0
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "reviews.notifications.article_approved"
    assert task.args_kwargs["kwargs"] == {"article_id": in_review.pk}
    assert task.status == TaskResultStatus.READY

    run_worker()

    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert [m.to for m in mail.outbox] == [[writer.email]]


@worker_test
def test_a_broken_mail_server_leaves_the_approval_and_records_the_failure(
    client, reviewer, in_review, queued, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"

    response = approve_through_the_admin(client, reviewer, in_review)
    run_worker()

    assert response.status_code == 302
    article = Article.objects.get(pk=in_review.pk)
    assert article.status == Status.APPROVED
    assert article.audit_entries.filter(transition="approve").exists()
    (task,) = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.FAILED
    assert "SMTPServerDisconnected" in task.task_result.errors[0].exception_class_path


def test_nothing_is_queued_when_the_step_rolls_back(
    draft, writer, reviewer, queued, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.article_submit(article=draft, user=writer)
        raise RuntimeError("something after the submit failed")

    assert not DBTaskResult.objects.exists()


def test_the_immediate_backend_sends_at_once(
    in_review, reviewer, writer, mailoutbox, django_capture_on_commit_callbacks
):
    """`make run` needs no worker: the email goes out as soon as the step commits."""
    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(
            article=in_review,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )

    assert [m.to for m in mailoutbox] == [[writer.email]]
    assert not DBTaskResult.objects.exists()


@worker_test
def test_publish_scheduled_can_be_queued_for_the_worker(submitted, board_editor, queued):
    article = factories.claim_and_approve(
        submitted, board_editor, go_live_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    Article.objects.filter(pk=article.pk).update(
        scheduled_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()

    call_command("publish_scheduled", "--enqueue", stdout=out)

    assert "Queued publish_scheduled" in out.getvalue()
    assert Article.objects.get(pk=article.pk).live_revision_id is None
    run_worker()
    assert Article.objects.get(pk=article.pk).live_revision_id == article.current_revision_id
    task = DBTaskResult.objects.get(task_path="reviews.tasks.publish_scheduled")
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == [article.pk]


@worker_test
def test_flag_reviews_due_can_be_queued_for_the_worker(approved, queued):
    later = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()

    call_command("flag_reviews_due", "--enqueue", f"--today={later}", stdout=io.StringIO())

    assert Article.objects.get(pk=approved.pk).status == Status.APPROVED
    run_worker()
    assert Article.objects.get(pk=approved.pk).status == Status.REVIEW_DUE
