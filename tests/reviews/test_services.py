"""The workbench's services: assignment, comments, the checklist, sign-off policy,
credentials, re-confirmation and scheduled publishing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from people.models import ReviewerProfile
from reviews import scheduling, services
from reviews.models import AuditEntry, ReviewComment, ReviewDecision
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


def _submitted_in(topic, writer):
    return factories.submitted(writer, topic=topic)


_approve = factories.approve


# --- assignment ---------------------------------------------------------------


def test_editor_assigns_a_reviewer_to_a_submitted_article(submitted, editor, reviewer):
    article = services.review_assign(article=submitted, user=editor, reviewer=reviewer)

    assert article.assigned_reviewer == reviewer
    assert article.status == Status.SUBMITTED


def test_assignment_writes_an_audit_entry(submitted, editor, reviewer):
    services.review_assign(article=submitted, user=editor, reviewer=reviewer)

    entry = AuditEntry.objects.filter(article=submitted, transition="assign_reviewer").get()
    assert entry.actor == editor


def test_editor_reassigns_an_article_in_review(in_review, editor, second_reviewer):
    article = services.review_assign(article=in_review, user=editor, reviewer=second_reviewer)

    assert article.assigned_reviewer == second_reviewer
    assert article.status == Status.IN_REVIEW


def test_non_editor_cannot_assign(submitted, reviewer, second_reviewer):
    with pytest.raises(PermissionDenied):
        services.review_assign(article=submitted, user=reviewer, reviewer=second_reviewer)


def test_cannot_assign_an_author(submitted, editor, writer):
    coauthor = factories.reviewer(username="coauthor")
    submitted.authors.add(coauthor)

    with pytest.raises(ValidationError):
        services.review_assign(article=submitted, user=editor, reviewer=coauthor)


def test_cannot_assign_a_reviewer_with_expired_credentials(submitted, editor):
    expired = factories.reviewer(username="old", expires_in_days=-1)

    with pytest.raises(ValidationError):
        services.review_assign(article=submitted, user=editor, reviewer=expired)
    assert Article.objects.get(pk=submitted.pk).assigned_reviewer is None


def test_cannot_assign_a_draft(draft, editor, reviewer):
    with pytest.raises(services.WorkflowError):
        services.review_assign(article=draft, user=editor, reviewer=reviewer)


def test_claiming_assigns_the_reviewer(in_review, reviewer):
    assert in_review.assigned_reviewer == reviewer


# --- comments -----------------------------------------------------------------


def test_reviewer_comments_on_a_revision(in_review, reviewer):
    comment = services.review_comment(
        revision=in_review.current_revision, user=reviewer, body="Cite the 2023 guideline."
    )

    assert comment.revision == in_review.current_revision
    assert comment.parent is None


def test_writer_replies_in_the_thread(in_review, reviewer, writer):
    question = services.review_comment(
        revision=in_review.current_revision, user=reviewer, body="Source for line 3?"
    )

    reply = services.review_comment(
        revision=in_review.current_revision, user=writer, body="Added.", parent=question
    )

    assert list(question.replies.all()) == [reply]


def test_reply_must_be_on_the_same_revision(in_review, reviewer, writer):
    other = factories.ArticleFactory(authors=[writer])
    other = services.article_submit(article=other, user=writer)
    question = services.review_comment(revision=in_review.current_revision, user=reviewer, body="?")

    with pytest.raises(ValidationError):
        services.review_comment(
            revision=other.current_revision, user=writer, body="!", parent=question
        )


def test_empty_comment_is_refused(in_review, reviewer):
    with pytest.raises(ValidationError):
        services.review_comment(revision=in_review.current_revision, user=reviewer, body="  ")


def test_stranger_cannot_comment(in_review):
    stranger = factories.writer(username="stranger")

    with pytest.raises(PermissionDenied):
        services.review_comment(revision=in_review.current_revision, user=stranger, body="Hi")
    assert not ReviewComment.objects.exists()


def test_request_changes_keeps_the_comment_with_the_revision(in_review, reviewer):
    services.review_request_changes(article=in_review, user=reviewer, comment="Check the dose.")

    comment = ReviewComment.objects.get()
    assert comment.revision == in_review.current_revision
    assert comment.body == "Check the dose."


# --- checklist ----------------------------------------------------------------


def test_approval_without_the_checklist_is_refused(in_review, reviewer):
    with pytest.raises(ValidationError):
        services.review_approve(
            article=in_review, user=reviewer, signature=factories.signature(reviewer)
        )
    assert Article.objects.get(pk=in_review.pk).status == Status.IN_REVIEW
    assert not ReviewDecision.objects.exists()


def test_approval_with_one_item_unchecked_is_refused(in_review, reviewer, checklist):
    checklist["dosing_checked"] = False

    with pytest.raises(ValidationError):
        services.review_approve(
            article=in_review,
            user=reviewer,
            checklist=checklist,
            signature=factories.signature(reviewer),
        )
    assert Article.objects.get(pk=in_review.pk).status == Status.IN_REVIEW


def test_approval_stores_the_confirmed_checklist(approved, reviewer):
    decision = ReviewDecision.objects.get(reviewer=reviewer)

    assert decision.checklist == FULL_CHECKLIST


# --- sign-off policy ----------------------------------------------------------


def test_one_approval_publishes_under_the_default_policy(approved):
    assert approved.status == Status.APPROVED
    assert approved.live_revision == approved.current_revision


def test_first_of_two_required_approvals_keeps_the_article_in_review(
    two_approval_topic, writer, reviewer
):
    article = _submitted_in(two_approval_topic, writer)
    article = services.review_start(article=article, user=reviewer)

    article = _approve(article, reviewer)

    assert article.status == Status.IN_REVIEW
    assert article.live_revision is None


def test_second_distinct_approval_meets_a_two_approval_policy(
    two_approval_topic, writer, reviewer, second_reviewer
):
    article = _submitted_in(two_approval_topic, writer)
    article = services.review_start(article=article, user=reviewer)
    article = _approve(article, reviewer)

    article = services.review_start(article=article, user=second_reviewer)
    article = _approve(article, second_reviewer)

    assert article.status == Status.APPROVED
    assert ReviewDecision.objects.filter(article=article, kind="approve").count() == 2


def test_same_reviewer_cannot_approve_twice(two_approval_topic, writer, reviewer):
    article = _submitted_in(two_approval_topic, writer)
    article = services.review_start(article=article, user=reviewer)
    _approve(article, reviewer)

    with pytest.raises(PermissionDenied):
        _approve(article, reviewer)
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    assert ReviewDecision.objects.filter(article=article).count() == 1


def test_author_cannot_approve_own_article(two_approval_topic, reviewer, second_reviewer):
    article = _submitted_in(two_approval_topic, second_reviewer)
    article = services.review_start(article=article, user=reviewer)
    _approve(article, reviewer)

    with pytest.raises(PermissionDenied):
        _approve(article, second_reviewer)
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_reviewer_with_expired_credentials_cannot_approve(in_review):
    expired = factories.reviewer(username="lapsed", expires_in_days=-1)

    with pytest.raises(PermissionDenied):
        _approve(in_review, expired)
    assert not ReviewDecision.objects.exists()


def test_reviewer_with_expired_credentials_cannot_claim(submitted):
    expired = factories.reviewer(username="lapsed", expires_in_days=-1)

    with pytest.raises(PermissionDenied):
        services.review_start(article=submitted, user=expired)


def test_inactive_board_member_cannot_approve(in_review, second_reviewer):
    second_reviewer.reviewer_profile.is_active = False
    second_reviewer.reviewer_profile.save()

    with pytest.raises(PermissionDenied):
        _approve(in_review, second_reviewer)


def test_required_specialty_waits_for_a_specialist(writer, reviewer, second_reviewer):
    topic = factories.TopicFactory(
        slug="dosing", name="Dosing", required_specialty="Clinical pharmacology"
    )
    article = services.review_start(article=_submitted_in(topic, writer), user=reviewer)

    article = _approve(article, reviewer)
    assert article.status == Status.IN_REVIEW

    article = services.review_start(article=article, user=second_reviewer)
    article = _approve(article, second_reviewer)
    assert article.status == Status.APPROVED


# --- re-review ----------------------------------------------------------------


def _due(approved, reviewer, *, days_later=400):
    later = timezone.localdate() + datetime.timedelta(days=days_later)
    services.flag_reviews_due(today=later)
    return Article.objects.get(pk=approved.pk)


def test_reconfirmation_changes_last_reviewed_but_not_last_updated(approved, second_reviewer):
    live = approved.live_revision
    updated, reviewed = live.content_updated_at, live.last_reviewed_at
    article = _due(approved, second_reviewer)
    assert article.status == Status.REVIEW_DUE

    article = services.review_start(article=article, user=second_reviewer)
    article = _approve(article, second_reviewer)

    live.refresh_from_db()
    assert article.status == Status.APPROVED
    assert article.live_revision_id == live.pk
    assert live.content_updated_at == updated
    assert live.last_reviewed_at > reviewed


def test_reconfirmation_records_a_new_approval(approved, reviewer):
    article = _due(approved, reviewer)
    article = services.review_start(article=article, user=reviewer)

    _approve(article, reviewer)

    assert ReviewDecision.objects.filter(article=approved, kind="approve").count() == 2


def test_reconfirmation_moves_the_next_review_date(approved, reviewer):
    live = approved.live_revision
    old_due = live.next_review_due
    article = services.review_start(article=_due(approved, reviewer), user=reviewer)

    _approve(article, reviewer)

    live.refresh_from_db()
    assert live.next_review_due >= old_due


def test_reviewer_can_request_changes_on_due_content(approved, reviewer):
    article = services.review_start(article=_due(approved, reviewer), user=reviewer)

    article = services.review_request_changes(
        article=article, user=reviewer, comment="The guideline changed in 2026."
    )

    assert article.status == Status.CHANGES_REQUESTED
    assert article.live_revision == approved.live_revision


def test_flag_reviews_due_keeps_the_page_live(approved, reviewer):
    article = _due(approved, reviewer)

    assert article.live_revision_id == approved.live_revision_id
    assert Article.objects.live().filter(pk=article.pk).exists()


def test_flag_reviews_due_is_idempotent(approved):
    later = timezone.localdate() + datetime.timedelta(days=400)

    first = services.flag_reviews_due(today=later)
    second = services.flag_reviews_due(today=later)

    assert [a.pk for a in first] == [approved.pk]
    assert second == []
    assert AuditEntry.objects.filter(transition="flag_review_due").count() == 1


def test_flag_reviews_due_leaves_current_articles_alone(approved):
    assert services.flag_reviews_due() == []
    assert Article.objects.get(pk=approved.pk).status == Status.APPROVED


def test_next_review_date_follows_the_topic_interval(writer, reviewer):
    topic = factories.TopicFactory(slug="fast", name="Fast", review_interval_months=6)
    article = services.review_start(article=_submitted_in(topic, writer), user=reviewer)

    article = _approve(article, reviewer)

    today = timezone.localdate()
    due = article.live_revision.next_review_due
    assert 180 <= (due - today).days <= 185


# --- scheduled publishing -----------------------------------------------------


def test_editor_on_the_board_schedules_go_live(submitted, board_editor):
    go_live = timezone.now() + datetime.timedelta(hours=2)
    article = services.review_start(article=submitted, user=board_editor)

    article = _approve(article, board_editor, go_live_at=go_live)

    assert article.status == Status.APPROVED
    assert article.live_revision is None
    assert article.scheduled_revision == article.current_revision
    assert article.scheduled_live_at == go_live


def test_reviewer_who_is_not_an_editor_cannot_schedule(in_review, reviewer):
    go_live = timezone.now() + datetime.timedelta(hours=2)

    with pytest.raises(PermissionDenied):
        _approve(in_review, reviewer, go_live_at=go_live)
    assert Article.objects.get(pk=in_review.pk).status == Status.IN_REVIEW


def _scheduled(submitted, board_editor, *, hours=2):
    article = services.review_start(article=submitted, user=board_editor)
    return _approve(
        article, board_editor, go_live_at=timezone.now() + datetime.timedelta(hours=hours)
    )


def test_publish_scheduled_waits_for_the_go_live_time(submitted, board_editor):
    article = _scheduled(submitted, board_editor)

    assert scheduling.publish_scheduled() == []
    assert Article.objects.get(pk=article.pk).live_revision is None


def test_publish_scheduled_switches_the_live_revision(submitted, board_editor):
    article = _scheduled(submitted, board_editor)
    revision = article.scheduled_revision

    scheduling.publish_scheduled(now=timezone.now() + datetime.timedelta(hours=3))

    article.refresh_from_db()
    assert article.live_revision == revision
    assert article.scheduled_revision is None
    assert article.scheduled_live_at is None
    assert Article.objects.live().filter(pk=article.pk).exists()


def test_publish_scheduled_is_idempotent(submitted, board_editor):
    _scheduled(submitted, board_editor)
    later = timezone.now() + datetime.timedelta(hours=3)

    first = scheduling.publish_scheduled(now=later)
    second = scheduling.publish_scheduled(now=later)

    assert len(first) == 1
    assert second == []
    assert AuditEntry.objects.filter(transition="publish_scheduled").count() == 1


def test_publish_scheduled_skips_archived_articles(submitted, board_editor, editor):
    article = _scheduled(submitted, board_editor)
    services.article_archive(article=article, user=editor, reason="Withdrawn.")

    assert scheduling.publish_scheduled(now=timezone.now() + datetime.timedelta(hours=3)) == []


def test_editor_moves_a_scheduled_go_live(submitted, board_editor, editor):
    article = _scheduled(submitted, board_editor)
    later = timezone.now() + datetime.timedelta(days=3)

    article = scheduling.article_reschedule(article=article, user=editor, go_live_at=later)

    assert article.scheduled_live_at == later
    assert article.live_revision is None
    assert AuditEntry.objects.filter(article=article, transition="reschedule").count() == 1


def test_editor_clearing_the_go_live_time_publishes_now(submitted, board_editor, editor):
    article = _scheduled(submitted, board_editor)
    revision = article.scheduled_revision

    article = scheduling.article_reschedule(article=article, user=editor, go_live_at=None)

    assert article.live_revision == revision
    assert article.scheduled_live_at is None


def test_reviewer_cannot_reschedule(submitted, board_editor, reviewer):
    article = _scheduled(submitted, board_editor)

    with pytest.raises(PermissionDenied):
        scheduling.article_reschedule(article=article, user=reviewer, go_live_at=None)
    assert Article.objects.get(pk=article.pk).live_revision is None


def test_reschedule_without_a_schedule_is_refused(approved, editor):
    with pytest.raises(services.WorkflowError):
        scheduling.article_reschedule(article=approved, user=editor, go_live_at=None)


def test_board_listing_leaves_out_expired_and_inactive_members(reviewer, second_reviewer):
    lapsed = factories.reviewer(username="lapsed", expires_in_days=-1)
    second_reviewer.reviewer_profile.is_active = False
    second_reviewer.reviewer_profile.save()

    active = list(ReviewerProfile.objects.active())

    assert active == [reviewer.reviewer_profile]
    assert not lapsed.reviewer_profile.can_review()


def test_another_board_member_cannot_claim_an_assigned_article(
    submitted, editor, reviewer, second_reviewer
):
    services.review_assign(article=submitted, user=editor, reviewer=reviewer)

    with pytest.raises(PermissionDenied):
        services.review_start(article=submitted, user=second_reviewer)
    assert Article.objects.get(pk=submitted.pk).status == Status.SUBMITTED


def test_assigned_reviewer_claims_their_article(submitted, editor, reviewer):
    services.review_assign(article=submitted, user=editor, reviewer=reviewer)

    article = services.review_start(article=submitted, user=reviewer)

    assert article.status == Status.IN_REVIEW
    assert article.assigned_reviewer == reviewer


def test_flagging_a_review_due_frees_it_for_any_board_member(approved, second_reviewer):
    article = _due(approved, second_reviewer)

    assert article.assigned_reviewer is None
    assert services.review_start(article=article, user=second_reviewer).status == Status.IN_REVIEW
