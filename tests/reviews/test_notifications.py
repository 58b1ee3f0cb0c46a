"""Review emails: who gets them, that they wait for the commit, and the opt-out."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from reviews import services
from reviews.models import NotificationPreference
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


def _recipients(mailoutbox) -> set[str]:
    return {address for message in mailoutbox for address in message.to}


def test_submission_emails_the_board(
    draft, writer, reviewer, second_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=draft, user=writer)

    assert _recipients(mailoutbox) == {reviewer.email, second_reviewer.email}
    assert draft.title in mailoutbox[0].subject


def test_submission_does_not_email_board_members_who_wrote_it(
    reviewer, second_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    article = factories.ArticleFactory(authors=[second_reviewer])

    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=article, user=second_reviewer)

    assert _recipients(mailoutbox) == {reviewer.email}


def test_submission_skips_reviewers_with_expired_credentials(
    draft, writer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    factories.reviewer(username="lapsed", expires_in_days=-1)

    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=draft, user=writer)

    assert _recipients(mailoutbox) == {reviewer.email}


def test_assignment_emails_the_reviewer(
    submitted, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_assign(article=submitted, user=editor, reviewer=reviewer)

    assert _recipients(mailoutbox) == {reviewer.email}
    assert "assigned" in mailoutbox[0].subject


def test_request_for_changes_emails_the_authors_with_the_comment(
    in_review, reviewer, writer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_request_changes(article=in_review, user=reviewer, comment="Cite NICE.")

    assert _recipients(mailoutbox) == {writer.email}
    assert "Cite NICE." in mailoutbox[0].body


def test_approval_emails_the_authors(
    in_review, reviewer, writer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(
            article=in_review,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )

    assert _recipients(mailoutbox) == {writer.email}
    assert "Approved" in mailoutbox[0].subject


def test_first_of_two_approvals_emails_nobody(
    two_approval_topic, writer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    article = factories.ArticleFactory(authors=[writer], topic=two_approval_topic)
    article = services.article_submit(article=article, user=writer)
    article = services.review_start(article=article, user=reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(
            article=article,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )

    assert mailoutbox == []


def test_reviews_falling_due_email_the_editors(
    approved, editor, mailoutbox, django_capture_on_commit_callbacks
):
    later = timezone.localdate() + datetime.timedelta(days=400)

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_reviews_due(today=later)

    assert _recipients(mailoutbox) == {editor.email}
    assert approved.title in mailoutbox[0].body


def test_no_email_when_the_transaction_rolls_back(
    draft, writer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.article_submit(article=draft, user=writer)
        raise RuntimeError("something after the submit failed")

    assert callbacks == []
    assert mailoutbox == []


def test_no_email_before_the_commit(
    draft, writer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.article_submit(article=draft, user=writer)

    # The email is queued for the commit (beside the audit log's anchor, audit.anchors).
    assert "enqueue_notification" in [getattr(c, "__name__", "") for c in callbacks]
    assert mailoutbox == []


def test_user_who_turned_emails_off_gets_none(
    in_review, reviewer, writer, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=writer, email_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.review_request_changes(article=in_review, user=reviewer, comment="Fix it.")

    assert mailoutbox == []


def test_plain_text_emails_are_not_html_escaped(
    writer, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    article = factories.ArticleFactory(authors=[writer], title="Children's fever & pain")

    with django_capture_on_commit_callbacks(execute=True):
        services.article_submit(article=article, user=writer)

    assert "Children's fever & pain" in mailoutbox[0].subject
    assert "Children's fever & pain" in mailoutbox[0].body
