"""The workbench's reads: queues per role, the editors' dashboard, the due report."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from reviews import selectors, services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


submit = factories.submitted


def queue(user) -> list[Article]:
    return list(selectors.review_queue(user=user))


def test_board_member_queue_has_submitted_articles(reviewer, submitted):
    assert queue(reviewer) == [submitted]


def test_board_member_queue_has_articles_they_claimed(reviewer, in_review):
    assert queue(reviewer) == [in_review]


def test_board_member_queue_leaves_out_articles_claimed_by_others(second_reviewer, in_review):
    assert queue(second_reviewer) == []


def test_board_member_queue_has_articles_needing_another_sign_off(
    writer, reviewer, second_reviewer, two_approval_topic
):
    article = services.review_start(article=submit(writer, topic=two_approval_topic), user=reviewer)
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )

    assert queue(second_reviewer) == [article]
    assert queue(reviewer) == []


def test_board_member_queue_has_articles_due_for_review(reviewer, approved):
    services.flag_reviews_due(today=timezone.localdate() + datetime.timedelta(days=400))

    assert queue(reviewer) == [approved]


def test_board_member_queue_leaves_out_their_own_articles(reviewer, second_reviewer):
    submit(second_reviewer)

    assert queue(second_reviewer) == []


def test_queue_leaves_out_drafts_and_approved_articles(reviewer, draft, writer):
    approved = services.review_start(article=submit(writer), user=reviewer)
    services.review_approve(
        article=approved,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )

    assert queue(reviewer) == []


def test_board_member_with_expired_credentials_has_an_empty_queue(submitted):
    lapsed = factories.reviewer(username="lapsed", expires_in_days=-1)

    assert queue(lapsed) == []


def test_editor_queue_has_everything_awaiting_review(editor, writer, reviewer):
    waiting = submit(writer)
    claimed = services.review_start(article=submit(writer), user=reviewer)

    assert set(queue(editor)) == {waiting, claimed}


def test_writer_queue_is_empty(writer, submitted):
    assert queue(writer) == []


def test_queue_is_oldest_first_with_waiting_since(reviewer, writer):
    older = submit(writer)
    newer = submit(writer)

    rows = queue(reviewer)

    assert rows == [older, newer]
    assert rows[0].status_changed_at <= rows[1].status_changed_at


def test_assigning_a_reviewer_does_not_restart_the_waiting_clock(editor, reviewer, writer):
    older = submit(writer)
    newer = submit(writer)
    services.review_assign(article=older, user=editor, reviewer=reviewer)

    rows = queue(editor)

    assert rows == [older, newer]
    submitted_at = older.audit_entries.get(transition="submit").created_at
    assert rows[0].status_changed_at == submitted_at


def test_dashboard_counts_each_state(writer, reviewer):
    factories.ArticleFactory(authors=[writer])
    submit(writer)
    submit(writer)

    counts = {s.status: s.count for s in selectors.editor_dashboard()}

    assert counts[Status.DRAFT] == 1
    assert counts[Status.SUBMITTED] == 2
    assert counts[Status.APPROVED] == 0


def test_dashboard_shows_the_oldest_waiting_in_each_state(writer):
    oldest = submit(writer)
    submit(writer)

    by_status = {s.status: s for s in selectors.editor_dashboard()}

    assert by_status[Status.SUBMITTED].oldest == oldest
    assert by_status[Status.IN_REVIEW].oldest is None


def _due_in(article: Article, days: int) -> None:
    due = timezone.localdate() + datetime.timedelta(days=days)
    revision = article.live_revision
    revision.next_review_due = due
    revision.save(update_fields=["next_review_due"])
    Article.objects.filter(pk=article.pk).update(next_review_due=due)


def due_report(days: int) -> list[selectors.DueRow]:
    return selectors.due_rows(selectors.due_report(days=days))


@pytest.mark.parametrize(
    ("due_in_days", "horizon", "listed"),
    [(20, 30, True), (45, 30, False), (45, 60, True), (80, 60, False), (80, 90, True)],
)
def test_due_report_covers_the_chosen_horizon(approved, due_in_days, horizon, listed):
    _due_in(approved, due_in_days)

    rows = due_report(horizon)

    assert ([r.article for r in rows] == [approved]) is listed


def test_due_report_includes_overdue_articles(approved):
    _due_in(approved, -3)

    (row,) = due_report(30)

    assert row.bucket == "overdue"
    assert row.days_left == -3


def test_due_report_buckets_by_30_60_90_days(approved):
    _due_in(approved, 50)

    (row,) = due_report(90)

    assert row.bucket == "within 60 days"


def test_reference_rows_flag_old_and_retracted_sources(writer):
    today = timezone.localdate()
    old = factories.ReferenceFactory(key="old", year=today.year - 6)
    recent = factories.ReferenceFactory(key="recent", year=today.year - 1)
    gone = factories.ReferenceFactory(key="gone", year=today.year, retracted=True)
    article = submit(writer, body="A [@old]. B [@recent]. C, since retracted [@gone].")

    rows = selectors.review_references(revision=article.current_revision)

    assert [(r.reference, r.flagged, r.retracted) for r in rows] == [
        (old, True, False),
        (recent, False, False),
        (gone, True, True),
    ]
    assert [f.text for f in rows[0].findings] == [
        f"Published {today.year - 6}: older than the 5-year limit set for research sources."
    ]


def test_comment_threads_nest_replies(in_review, reviewer, writer):
    revision = in_review.current_revision
    question = services.review_comment(revision=revision, user=reviewer, body="Why?")
    answer = services.review_comment(revision=revision, user=writer, body="So.", parent=question)
    services.review_comment(revision=revision, user=reviewer, body="Another point.")

    threads = selectors.comment_threads(revision=revision)

    assert [t.comment.body for t in threads] == ["Why?", "Another point."]
    assert [r.comment for r in threads[0].replies] == [answer]


def test_article_assigned_to_another_reviewer_leaves_my_queue(
    submitted, editor, reviewer, second_reviewer
):
    services.review_assign(article=submitted, user=editor, reviewer=reviewer)

    assert queue(second_reviewer) == []
    assert queue(reviewer) == [submitted]
