"""The review state machine, exercised through reviews.services as every caller does."""

from __future__ import annotations

import datetime

import django_fsm as fsm
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from reviews import actions, scheduling, services, workflow
from reviews.models import AuditEntry, ReviewDecision
from reviews.services import WorkflowError
from reviews.workflow import ReviewedArticle
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


def status_of(article: Article) -> str:
    return Article.objects.values_list("status", flat=True).get(pk=article.pk)


# --- allowed transitions, one per role that may take them ---------------------------------


def test_author_submits_a_complete_draft(draft, writer):
    services.article_submit(article=draft, user=writer)
    assert status_of(draft) == Status.SUBMITTED


def test_editor_submits_an_article_they_did_not_write(draft, editor):
    services.article_submit(article=draft, user=editor)
    assert status_of(draft) == Status.SUBMITTED


def test_board_member_claims_a_submitted_article(submitted, reviewer):
    services.review_start(article=submitted, user=reviewer)
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW
    assert submitted.assigned_reviewer == reviewer


def test_assigned_reviewer_requests_changes_with_a_comment(in_review, reviewer):
    services.review_request_changes(article=in_review, user=reviewer, comment="Cite the label.")
    assert status_of(in_review) == Status.CHANGES_REQUESTED


def test_author_resubmits_after_changes_requested(in_review, reviewer, writer):
    services.review_request_changes(article=in_review, user=reviewer, comment="Fix dose.")
    services.article_submit(article=in_review, user=writer)
    in_review.refresh_from_db()
    # Back with the reviewer who asked for the changes, in review.
    assert in_review.status == Status.IN_REVIEW
    assert in_review.assigned_reviewer == reviewer
    assert in_review.revisions.count() == 2


def test_board_member_approves_and_the_revision_goes_live(in_review, reviewer):
    services.review_approve(
        article=in_review,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    in_review.refresh_from_db()
    assert in_review.status == Status.APPROVED
    assert in_review.live_revision == in_review.current_revision


def test_editor_archives_with_a_reason(approved, editor):
    services.article_archive(article=approved, user=editor, reason="Superseded by new guidance.")
    approved.refresh_from_db()
    assert approved.status == Status.ARCHIVED
    assert approved.archive_reason == "Superseded by new guidance."


def test_editor_restores_an_archived_article_to_draft(approved, editor):
    services.article_archive(article=approved, user=editor, reason="Withdrawn.")
    services.article_restore(article=approved, user=editor)
    assert status_of(approved) == Status.DRAFT


def test_editing_approved_content_starts_a_new_draft(approved, writer):
    approved.body += "\n\nA new paragraph."
    services.article_save(article=approved, user=writer, changed_fields=["body"])
    assert status_of(approved) == Status.DRAFT


def test_flag_reviews_due_moves_past_due_articles(approved):
    due = approved.live_revision.next_review_due
    flagged = services.flag_reviews_due(today=due + datetime.timedelta(days=1))
    assert [a.pk for a in flagged] == [approved.pk]
    assert status_of(approved) == Status.REVIEW_DUE


def test_flag_reviews_due_leaves_current_articles_alone(approved):
    due = approved.live_revision.next_review_due
    assert services.flag_reviews_due(today=due) == []
    assert status_of(approved) == Status.APPROVED


def test_board_member_starts_re_review_of_a_due_article(approved, reviewer):
    due = approved.live_revision.next_review_due
    services.flag_reviews_due(today=due + datetime.timedelta(days=1))
    services.review_start(article=approved, user=reviewer)
    approved.refresh_from_db()
    assert approved.status == Status.IN_REVIEW
    assert approved.current_revision == approved.live_revision


# --- forbidden transitions: each role that may not, and each wrong state ------------------

FORBIDDEN_BY_ROLE = [
    # (transition, starting fixture, actor fixture)
    ("submit", "draft", "reviewer"),
    ("submit", "draft", "other_writer"),
    ("start_review", "submitted", "writer"),
    ("start_review", "submitted", "editor"),
    ("start_review", "submitted", "expired_reviewer"),
    ("start_review", "submitted", "inactive_reviewer"),
    ("request_changes", "in_review", "writer"),
    ("request_changes", "in_review", "editor"),
    ("request_changes", "in_review", "expired_reviewer"),
    ("approve", "in_review", "writer"),
    ("approve", "in_review", "editor"),
    ("approve", "in_review", "expired_reviewer"),
    ("archive", "approved", "writer"),
    ("archive", "approved", "reviewer"),
    ("restore", "archived", "writer"),
    ("restore", "archived", "reviewer"),
]

TRANSITION_KWARGS = {
    "request_changes": {"comment": "Please fix."},
    "approve": {"checklist": FULL_CHECKLIST},
    "archive": {"reason": "Out of date."},
}


@pytest.fixture
def other_writer(db):
    return factories.writer(username="otto")


@pytest.fixture
def expired_reviewer(db):
    return factories.reviewer(username="exp", expires_in_days=-1)


@pytest.fixture
def inactive_reviewer(db):
    user = factories.reviewer(username="gone")
    user.reviewer_profile.is_active = False
    user.reviewer_profile.save()
    return user


@pytest.fixture
def archived(approved, editor):
    return services.article_archive(article=approved, user=editor, reason="Withdrawn.")


@pytest.mark.parametrize(("transition", "start", "actor"), FORBIDDEN_BY_ROLE)
def test_role_may_not_take_transition(request, transition, start, actor):
    article = request.getfixturevalue(start)
    user = request.getfixturevalue(actor)
    before = status_of(article)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        actions.get(transition).service(
            article=article, user=user, **TRANSITION_KWARGS.get(transition, {})
        )
    assert status_of(article) == before
    assert AuditEntry.objects.count() == audit_before


FORBIDDEN_BY_STATE = [
    ("submit", "submitted", "writer"),
    ("submit", "in_review", "writer"),
    ("submit", "approved", "writer"),
    ("start_review", "draft", "reviewer"),
    ("start_review", "approved", "reviewer"),
    ("request_changes", "submitted", "reviewer"),
    ("approve", "submitted", "reviewer"),
    ("approve", "draft", "reviewer"),
    ("restore", "approved", "editor"),
    ("archive", "archived", "editor"),
]


@pytest.mark.parametrize(("transition", "start", "actor"), FORBIDDEN_BY_STATE)
def test_transition_refused_in_the_wrong_state(request, transition, start, actor):
    article = request.getfixturevalue(start)
    user = request.getfixturevalue(actor)
    before = status_of(article)
    # Said in plain words (reviews.workflow), never "not possible while the article is …".
    plain = r"isn’t possible now|Nothing to submit|has this article now|already approved"
    with pytest.raises(WorkflowError, match=plain):
        actions.get(transition).service(
            article=article, user=user, **TRANSITION_KWARGS.get(transition, {})
        )
    assert status_of(article) == before


def test_author_who_sits_on_the_board_cannot_claim_their_own_article(db):
    author = factories.reviewer(username="doc")
    article = factories.ArticleFactory(authors=[author])
    services.article_submit(article=article, user=author)
    with pytest.raises(PermissionDenied, match="wrote or co-wrote"):
        services.review_start(article=article, user=author)
    assert status_of(article) == Status.SUBMITTED


def test_co_author_on_the_board_cannot_approve(in_review, writer):
    co_author = factories.reviewer(username="coauthor")
    in_review.authors.add(co_author)
    with pytest.raises(PermissionDenied, match="wrote or co-wrote"):
        services.review_approve(
            article=in_review,
            user=co_author,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(co_author),
        )
    assert status_of(in_review) == Status.IN_REVIEW
    assert not ReviewDecision.objects.filter(reviewer=co_author).exists()


def test_request_changes_without_a_comment_changes_nothing(in_review, reviewer):
    with pytest.raises(ValidationError, match="comment is required"):
        services.review_request_changes(article=in_review, user=reviewer, comment="   ")
    assert status_of(in_review) == Status.IN_REVIEW
    assert not ReviewDecision.objects.exists()


def test_archive_without_a_reason_changes_nothing(approved, editor):
    with pytest.raises(ValidationError, match="reason"):
        services.article_archive(article=approved, user=editor, reason="")
    assert status_of(approved) == Status.APPROVED


def test_submit_refused_while_title_or_body_is_missing(writer):
    article = factories.ArticleFactory(authors=[writer], body="")
    with pytest.raises(ValidationError, match="body is empty"):
        services.article_submit(article=article, user=writer)
    assert status_of(article) == Status.DRAFT
    assert not article.revisions.exists()


def test_flag_review_due_is_not_an_action_anyone_can_take(approved, editor):
    assert actions.get("flag_review_due") is None
    assert workflow.refusal(approved, "flag_review_due", editor) == (
        403,
        "Only the scheduler does that.",
    )


def test_writers_cannot_edit_while_under_review(in_review, writer):
    in_review.body = "Changed during review"
    with pytest.raises(ValidationError, match="cannot be edited"):
        services.article_save(article=in_review, user=writer, changed_fields=["body"])
    assert Article.objects.get(pk=in_review.pk).body != "Changed during review"


def test_other_writers_cannot_edit_someone_elses_article(draft, other_writer):
    draft.title = "Hijacked"
    with pytest.raises(PermissionDenied):
        services.article_save(article=draft, user=other_writer, changed_fields=["title"])
    assert Article.objects.get(pk=draft.pk).title != "Hijacked"


# --- the protected status --------------------------------------------------------------


def test_status_cannot_be_assigned_directly(draft):
    with pytest.raises(AttributeError, match="modification is not allowed"):
        draft.status = Status.APPROVED


def test_status_cannot_be_set_by_a_queryset_shortcut_through_the_model(draft):
    draft.refresh_from_db()
    with pytest.raises(AttributeError):
        draft.status = "approved"
    assert status_of(draft) == Status.DRAFT


def test_the_workflows_proxy_carries_the_transitions_and_guards_the_status(submitted, reviewer):
    """reviews.workflow.ReviewedArticle is the article with its transitions: django-fsm
    collects them on the proxy, keeps the status protected, and refuses to save a copy
    read before another step moved the article."""
    article = ReviewedArticle.objects.get(pk=submitted.pk)
    stale = ReviewedArticle.objects.get(pk=submitted.pk)

    assert {t.name for t in article.get_available_status_transitions()} == {
        "start_review",
        "archive",
    }
    assert fsm.can_proceed(article.start_review)
    assert not hasattr(Article, "start_review")
    with pytest.raises(AttributeError, match="modification is not allowed"):
        article.status = Status.IN_REVIEW

    services.review_start(article=article, user=reviewer)
    stale.archive(reason="Raced.")
    with pytest.raises(fsm.ConcurrentTransition), transaction.atomic():
        stale.save()
    assert status_of(submitted) == Status.IN_REVIEW


# --- snapshots, live revision and the audit log ------------------------------------------


def test_submit_freezes_an_immutable_revision(draft, writer):
    services.article_submit(article=draft, user=writer)
    draft.refresh_from_db()
    revision = draft.current_revision
    assert revision.body == draft.body
    assert '<sup class="citation" id="cite-1">' in revision.body_html
    assert revision.references.count() == 1
    revision.body = "tampered"
    with pytest.raises(TypeError, match="immutable"):
        revision.save()


def test_editing_an_approved_article_leaves_the_public_page_unchanged(approved, writer, client):
    live_title = approved.live_revision.title
    approved.title = "A brand-new headline"
    services.article_save(article=approved, user=writer, changed_fields=["title"])
    page = client.get(approved.get_absolute_url())
    assert page.status_code == 200
    assert live_title in page.text
    assert "A brand-new headline" not in page.text


def test_new_revision_replaces_the_live_one_only_when_approved(approved, writer, reviewer, client):
    approved.title = "Updated headline"
    services.article_save(article=approved, user=writer, changed_fields=["title"])
    services.article_submit(article=approved, user=writer)
    services.review_start(article=approved, user=reviewer)
    assert "Updated headline" not in client.get(approved.get_absolute_url()).text
    services.review_approve(
        article=approved,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    assert "Updated headline" in client.get(approved.get_absolute_url()).text


def test_every_transition_writes_one_audit_entry(draft, writer, reviewer, editor):
    services.article_submit(article=draft, user=writer, comment="Ready")
    services.review_start(article=draft, user=reviewer)
    services.review_request_changes(article=draft, user=reviewer, comment="Add a source")
    services.article_submit(article=draft, user=writer)  # straight back to its reviewer
    services.review_approve(
        article=draft,
        user=reviewer,
        comment="Good",
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    draft.refresh_from_db()
    draft.body += "\n\nMore."
    services.article_save(article=draft, user=writer, changed_fields=["body"])
    services.article_archive(article=draft, user=editor, reason="Withdrawn")
    services.article_restore(article=draft, user=editor)

    entries = list(AuditEntry.objects.filter(article=draft).order_by("pk"))
    assert [(e.transition, e.from_status, e.to_status, e.actor) for e in entries] == [
        ("submit", "draft", "submitted", writer),
        ("start_review", "submitted", "in_review", reviewer),
        ("request_changes", "in_review", "changes_requested", reviewer),
        ("submit", "changes_requested", "in_review", writer),
        ("approve", "in_review", "approved", reviewer),
        ("revise", "approved", "draft", writer),
        ("archive", "draft", "archived", editor),
        ("restore", "archived", "draft", editor),
    ]
    assert entries[2].comment == "Add a source"
    assert entries[0].revision is not None


def test_system_flag_is_audited_without_an_actor(approved):
    services.flag_reviews_due(today=approved.live_revision.next_review_due + datetime.timedelta(1))
    entry = AuditEntry.objects.filter(article=approved).latest("pk")
    assert (entry.transition, entry.actor) == ("flag_review_due", None)


def test_audit_entries_cannot_be_edited_or_deleted(submitted):
    entry = AuditEntry.objects.get(article=submitted)
    entry.comment = "rewritten history"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")


def test_articles_that_were_ever_live_cannot_be_deleted(approved):

    with pytest.raises(ProtectedError):
        Article.objects.filter(pk=approved.pk).delete()


def test_approval_stamps_dates_and_next_review(in_review, reviewer):
    before = timezone.now()
    services.review_approve(
        article=in_review,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    in_review.refresh_from_db()
    live = in_review.live_revision
    assert before <= live.approved_at <= timezone.now()
    assert live.last_reviewed_at == live.approved_at
    assert live.content_updated_at == live.approved_at
    months_ahead = live.next_review_due - live.approved_at.date()
    assert 365 <= months_ahead.days <= 366


# --- found in review: each of these once let unreviewed content reach readers -----------


def test_restored_article_stays_off_the_public_site_until_approved_again(
    approved, editor, writer, reviewer, client
):
    services.article_archive(article=approved, user=editor, reason="Superseded.")
    services.article_restore(article=approved, user=editor)
    approved.refresh_from_db()
    assert approved.live_revision is None
    assert client.get(approved.get_absolute_url()).status_code == 404
    services.article_submit(article=approved, user=writer)
    services.review_start(article=approved, user=reviewer)
    services.review_approve(
        article=approved,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    assert client.get(approved.get_absolute_url()).status_code == 200


def test_restore_cancels_a_scheduled_go_live(submitted, editor, board_editor):
    soon = timezone.now() + datetime.timedelta(hours=1)
    article = factories.claim_and_approve(submitted, board_editor, go_live_at=soon)
    services.article_archive(article=article, user=editor, reason="Pulled before launch.")
    services.article_restore(article=article, user=editor)
    assert scheduling.publish_scheduled(now=soon + datetime.timedelta(minutes=1)) == []
    assert Article.objects.get(pk=article.pk).live_revision is None


def test_slug_is_fixed_once_approved_even_before_going_live(submitted, writer, board_editor):
    later = timezone.now() + datetime.timedelta(days=1)
    article = factories.claim_and_approve(submitted, board_editor, go_live_at=later)
    approved_slug = article.slug
    article.slug = "a-different-url"
    with pytest.raises(ValidationError, match="cannot change"):
        services.article_save(article=article, user=writer, changed_fields=["slug"])
    assert Article.objects.get(pk=article.pk).slug == approved_slug


def test_saving_a_stale_copy_cannot_undo_a_publish(submitted, writer, board_editor):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    article = factories.claim_and_approve(submitted, board_editor, go_live_at=soon)
    stale = Article.objects.get(pk=article.pk)  # a writer opens the edit form
    scheduling.publish_scheduled(now=soon + datetime.timedelta(minutes=1))
    stale.audience_notes = "For people with kidney disease."
    services.article_save(article=stale, user=writer, changed_fields=["audience_notes"])
    article.refresh_from_db()
    assert article.live_revision is not None
    assert article.scheduled_revision is None
    assert article.audience_notes == "For people with kidney disease."


def test_resubmitting_unchanged_content_keeps_last_updated(approved, writer, reviewer):
    """An edit undone before resubmission: reviewed again, but not updated."""
    first = approved.live_revision
    original_title = approved.title
    approved.title = "A tentative new headline"
    services.article_save(article=approved, user=writer, changed_fields=["title"])
    approved.refresh_from_db()
    approved.title = original_title
    services.article_save(article=approved, user=writer, changed_fields=["title"])
    services.article_submit(article=approved, user=writer)
    services.review_start(article=approved, user=reviewer)
    services.review_approve(
        article=approved,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    approved.refresh_from_db()
    second = approved.live_revision
    assert second.pk != first.pk
    assert second.content_updated_at == first.content_updated_at
    assert second.last_reviewed_at > first.last_reviewed_at


@pytest.mark.django_db(transaction=True)
def test_a_mail_failure_after_commit_is_logged_not_raised(settings, caplog):
    """The transition has happened; the person who made it must not see an error."""
    settings.EMAIL_BACKEND = "tests.reviews.test_workflow.BrokenMailBackend"
    author = factories.writer(username="mailfail")
    factories.reviewer(username="boardmember")  # someone to notify
    article = factories.ArticleFactory(authors=[author])
    services.article_submit(article=article, user=author)  # commits; emails run after
    assert status_of(article) == Status.SUBMITTED
    assert "SMTP server down" in caplog.text


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


def test_a_second_board_member_can_stop_a_two_approval_article(writer, reviewer, second_reviewer):
    """The specialist whose sign-off is needed can object, not only withhold approval."""
    topic = factories.TopicFactory(slug="dose", name="Dose", required_approvals=2)
    article = factories.ArticleFactory(authors=[writer], topic=topic)
    services.article_submit(article=article, user=writer)
    services.review_start(article=article, user=reviewer)
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    services.review_start(article=article, user=second_reviewer)  # the first sign-off freed it
    services.review_request_changes(
        article=article,
        user=second_reviewer,
        comment="The dose in the table is ten times too high.",
    )
    assert status_of(article) == Status.CHANGES_REQUESTED
    assert Article.objects.get(pk=article.pk).live_revision is None


def test_go_live_time_set_with_a_first_sign_off_holds_when_the_second_completes_it(
    writer, board_editor, second_reviewer
):
    topic = factories.TopicFactory(slug="dose2", name="Dose 2", required_approvals=2)
    article = factories.ArticleFactory(authors=[writer], topic=topic)
    services.article_submit(article=article, user=writer)
    next_week = timezone.now() + datetime.timedelta(days=7)
    factories.claim_and_approve(article, board_editor, go_live_at=next_week)  # 1 of 2
    assert status_of(article) == Status.IN_REVIEW
    services.review_start(article=article, user=second_reviewer)
    services.review_approve(
        article=article,
        user=second_reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(second_reviewer),
    )
    article.refresh_from_db()
    assert article.status == Status.APPROVED
    assert article.live_revision is None
    assert article.scheduled_live_at == next_week
    assert scheduling.publish_scheduled(now=next_week + datetime.timedelta(minutes=1)) == [article]


def test_an_approval_stops_counting_when_its_approver_lapses(writer, reviewer, second_reviewer):
    topic = factories.TopicFactory(slug="dose3", name="Dose 3", required_approvals=2)
    article = factories.ArticleFactory(authors=[writer], topic=topic)
    services.article_submit(article=article, user=writer)
    services.review_start(article=article, user=reviewer)
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    profile = reviewer.reviewer_profile
    profile.is_active = False  # left the board before the second sign-off
    profile.save()
    services.review_start(article=article, user=second_reviewer)
    services.review_approve(
        article=article,
        user=second_reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(second_reviewer),
    )
    assert status_of(article) == Status.IN_REVIEW


def test_archiving_cancels_a_scheduled_go_live(submitted, editor, board_editor):
    soon = timezone.now() + datetime.timedelta(hours=1)
    article = factories.claim_and_approve(submitted, board_editor, go_live_at=soon)
    services.article_archive(article=article, user=editor, reason="Pulled.")
    with pytest.raises(WorkflowError, match="archived"):
        scheduling.article_reschedule(article=article, user=editor, go_live_at=None)
    assert scheduling.publish_scheduled(now=soon + datetime.timedelta(minutes=1)) == []
    article.refresh_from_db()
    assert (article.live_revision, article.scheduled_revision) == (None, None)
