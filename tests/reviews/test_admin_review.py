"""The reviewer's workbench in the admin: queue, review screen, dashboard, due report."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from reviews import services
from reviews.models import NotificationPreference, ReviewComment, ReviewDecision
from tests import factories
from tests.conftest import FULL_CHECKLIST

# The approval form as a reviewer without a second factor posts it: checklist and password.
SIGNED = {**FULL_CHECKLIST, "password": "pw"}

pytestmark = pytest.mark.django_db


def review_url(article: Article, action: str | None = None) -> str:
    """The review screen, or the URL one of its buttons posts to."""
    if action == "comment":
        return reverse("admin:articles_article_comment", args=[article.pk])
    if action:
        return reverse("admin:articles_article_action", args=[article.pk, action])
    return reverse("admin:articles_article_review", args=[article.pk])


def reader_url(article: Article) -> str:
    revision = article.current_revision
    return reverse("admin:articles_article_read", args=[article.pk, revision.number])


def status_of(article: Article) -> str:
    return Article.objects.values_list("status", flat=True).get(pk=article.pk)


# --- queue ------------------------------------------------------------------------


def test_queue_lists_submitted_articles_for_a_board_member(client, reviewer, submitted):
    client.force_login(reviewer)

    page = client.get(reverse("admin:articles_article_queue"))

    assert page.status_code == 200
    assert submitted.title in page.text


def test_queue_is_forbidden_to_writers(client, writer):
    client.force_login(writer)

    assert client.get(reverse("admin:articles_article_queue")).status_code == 403


def test_editor_sees_the_queue(client, editor, in_review):
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_queue"))

    assert in_review.title in page.text


def test_start_review_from_the_queue_assigns_the_reviewer(client, reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(review_url(submitted, "start_review"), factories.read(submitted))

    assert response.status_code == 302
    article = Article.objects.get(pk=submitted.pk)
    assert article.status == Status.IN_REVIEW
    assert article.assigned_reviewer == reviewer


def test_index_links_to_the_workbench(client, reviewer):
    client.force_login(reviewer)

    page = client.get(reverse("admin:index"))

    assert reverse("admin:articles_article_queue") in page.text
    assert reverse("admin:articles_article_due") in page.text


# --- review screen ----------------------------------------------------------------


def test_review_screen_shows_the_revision_in_the_public_layout(client, reviewer, in_review):
    client.force_login(reviewer)

    page = client.get(review_url(in_review))
    reader = client.get(reader_url(in_review))

    assert page.status_code == 200
    assert f'src="{reader_url(in_review)}"' in page.text
    assert 'name="claims_supported"' in page.text
    # The frame is the public page itself: the site's stylesheet, not the admin's.
    assert reader.status_code == 200
    assert in_review.current_revision.body_html in reader.text
    assert "/static/vetted/site.css" in reader.text
    assert "/static/admin/" not in reader.text
    assert reader["X-Frame-Options"] == "SAMEORIGIN"


def test_review_screen_shows_the_diff_against_the_live_revision(client, reviewer, approved, writer):
    approved.body = approved.body + "\n\nNew warning about grapefruit."
    services.article_save(article=approved, user=writer, changed_fields=["body"])
    article = services.article_submit(article=approved, user=writer)
    client.force_login(reviewer)

    page = client.get(review_url(article))

    assert re.search(r"<ins>[^<]*grapefruit\.</ins>", page.text)


def test_review_screen_highlights_retracted_and_old_sources(client, reviewer, writer):
    old = factories.ReferenceFactory(key="old2001", year=2001)
    retracted = factories.ReferenceFactory(key="gone2024", year=2024, retracted=True)
    article = factories.ArticleFactory(
        authors=[writer], body=f"A [@{old.key}]. B, since retracted [@{retracted.key}]."
    )
    article = services.article_submit(article=article, user=writer)
    client.force_login(reviewer)

    page = client.get(review_url(article))

    assert "Published 2001: older than the 5-year limit set for research sources." in page.text
    assert "Retracted by the publisher." in page.text


def test_review_screen_link_on_the_change_form(client, reviewer, in_review):
    client.force_login(reviewer)

    page = client.get(reverse("admin:articles_article_change", args=[in_review.pk]))

    assert review_url(in_review) in page.text


def test_approve_with_the_full_checklist(client, reviewer, in_review):
    client.force_login(reviewer)

    response = client.post(
        review_url(in_review, "approve"), {**SIGNED, **factories.read(in_review)}
    )

    assert response.status_code == 302
    assert status_of(in_review) == Status.APPROVED


def test_approve_with_a_missing_checklist_item_changes_nothing(client, reviewer, in_review):
    client.force_login(reviewer)
    data = {**SIGNED}
    del data["disclaimer_fits"]

    response = client.post(review_url(in_review, "approve"), {**data, **factories.read(in_review)})

    assert response.status_code == 400
    assert status_of(in_review) == Status.IN_REVIEW
    assert not ReviewDecision.objects.exists()


def test_author_approving_gets_403_and_a_clear_message(client, in_review):
    coauthor = factories.reviewer(username="coauthor")
    in_review.authors.add(coauthor)
    client.force_login(coauthor)

    response = client.post(
        review_url(in_review, "approve"), {**SIGNED, **factories.read(in_review)}
    )

    assert response.status_code == 403
    assert "wrote or co-wrote" in response.text
    assert status_of(in_review) == Status.IN_REVIEW


def test_approving_twice_is_refused_with_a_message(client, reviewer, approved):
    client.force_login(reviewer)

    response = client.post(review_url(approved, "approve"), {**SIGNED, **factories.read(approved)})

    assert response.status_code == 409
    assert "already approved: there is nothing to sign" in response.text


def test_reviewer_cannot_schedule_go_live(client, reviewer, in_review):
    client.force_login(reviewer)
    data = {**SIGNED, "go_live_at": "2099-01-01T09:00"}

    client.post(review_url(in_review, "approve"), {**data, **factories.read(in_review)})

    # Not an editor: the field is not offered and a posted value is ignored.
    article = Article.objects.get(pk=in_review.pk)
    assert article.scheduled_live_at is None
    assert article.live_revision is not None


def test_board_editor_schedules_go_live_on_approval(client, board_editor, submitted):
    article = services.review_start(article=submitted, user=board_editor)
    client.force_login(board_editor)
    data = {**SIGNED, "go_live_at": "2099-01-01T09:00"}

    client.post(review_url(article, "approve"), {**data, **factories.read(article)})

    article.refresh_from_db()
    assert article.status == Status.APPROVED
    assert article.scheduled_live_at is not None
    assert article.live_revision is None


def test_request_changes_requires_a_comment(client, reviewer, in_review):
    client.force_login(reviewer)

    response = client.post(
        review_url(in_review, "request_changes"), {"comment": "", **factories.read(in_review)}
    )

    assert response.status_code == 400
    assert status_of(in_review) == Status.IN_REVIEW


def test_request_changes_is_shown_to_the_writer_on_the_change_form(
    client, reviewer, writer, in_review
):
    client.force_login(reviewer)
    client.post(
        review_url(in_review, "request_changes"),
        {"comment": "Add the 2024 NICE dose.", **factories.read(in_review)},
    )
    client.force_login(writer)

    page = client.get(reverse("admin:articles_article_change", args=[in_review.pk]))

    assert "Add the 2024 NICE dose." in page.text


def test_threaded_reply_from_the_review_screen(client, reviewer, writer, in_review):
    question = services.review_comment(
        revision=in_review.current_revision, user=reviewer, body="Which trial?"
    )
    client.force_login(writer)

    client.post(review_url(in_review, "comment"), {"body": "The 2019 one.", "parent": question.pk})

    reply = ReviewComment.objects.get(parent=question)
    assert reply.author == writer
    page = client.get(review_url(in_review))
    assert "The 2019 one." in page.text


def test_reply_to_a_missing_comment_is_refused_not_posted_as_a_new_thread(
    client, writer, in_review
):
    client.force_login(writer)

    response = client.post(review_url(in_review, "comment"), {"body": "Agreed.", "parent": 999999})

    assert response.status_code == 400
    assert "no longer exists" in response.text
    assert not ReviewComment.objects.filter(body="Agreed.").exists()


def test_comment_text_is_escaped(client, reviewer, in_review):
    client.force_login(reviewer)
    client.post(review_url(in_review, "comment"), {"body": "<script>alert(1)</script>"})

    page = client.get(review_url(in_review))

    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_editor_assigns_a_reviewer_from_the_review_screen(client, editor, reviewer, submitted):
    client.force_login(editor)

    client.post(
        review_url(submitted, "assign_reviewer"),
        {"reviewer": reviewer.pk, **factories.read(submitted)},
    )

    assert Article.objects.get(pk=submitted.pk).assigned_reviewer == reviewer


def test_reviewer_cannot_assign(client, reviewer, second_reviewer, submitted):
    client.force_login(reviewer)

    response = client.post(
        review_url(submitted, "assign_reviewer"),
        {"reviewer": second_reviewer.pk, **factories.read(submitted)},
    )

    assert response.status_code == 403
    assert Article.objects.get(pk=submitted.pk).assigned_reviewer is None


def test_opening_an_action_page_changes_nothing(client, reviewer, in_review):
    client.force_login(reviewer)

    page = client.get(review_url(in_review, "approve"))

    assert page.status_code == 200
    assert status_of(in_review) == Status.IN_REVIEW
    assert not ReviewDecision.objects.exists()


def test_writer_cannot_open_someone_elses_review_screen(client, in_review):
    stranger = factories.writer(username="stranger")
    client.force_login(stranger)

    assert client.get(review_url(in_review)).status_code == 404


# --- dashboard, due report, notifications --------------------------------------------


def test_dashboard_counts_articles_per_state(client, editor, submitted, writer):
    factories.ArticleFactory(authors=[writer])
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_dashboard"))

    counts = {s.status: s.count for s in page.context["states"]}
    assert counts[Status.SUBMITTED] == 1
    assert counts[Status.DRAFT] == 1
    assert page.context["states"][1].oldest == submitted


def test_dashboard_is_for_editors(client, reviewer):
    client.force_login(reviewer)

    assert client.get(reverse("admin:articles_article_dashboard")).status_code == 403


def test_due_report_page_lists_articles_due_soon(client, editor, approved):
    soon = timezone.localdate() + datetime.timedelta(days=20)
    approved.live_revision.next_review_due = soon
    approved.live_revision.save(update_fields=["next_review_due"])
    Article.objects.filter(pk=approved.pk).update(next_review_due=soon)
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_due"), {"days": 30})

    assert approved.title in page.text
    assert "within 30 days" in page.text


def test_user_turns_their_own_emails_off(client, writer):
    client.force_login(writer)

    response = client.post(reverse("admin:reviews_notificationpreference_mine"), {})

    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=writer).email_enabled is False


def test_approve_through_the_change_form_transition_form(client, reviewer, in_review):
    client.force_login(reviewer)
    url = reverse("admin:articles_article_action", args=[in_review.pk, "approve"])

    client.post(url, {**SIGNED, **factories.read(in_review)})

    assert status_of(in_review) == Status.APPROVED


def test_transition_form_without_the_checklist_changes_nothing(client, reviewer, in_review):
    client.force_login(reviewer)
    url = reverse("admin:articles_article_action", args=[in_review.pk, "approve"])

    response = client.post(url, {"comment": "Looks fine.", **factories.read(in_review)})

    assert response.status_code == 400
    assert status_of(in_review) == Status.IN_REVIEW


def test_editor_reschedules_from_the_review_screen(client, editor, board_editor, submitted):
    article = factories.claim_and_approve(
        submitted, board_editor, go_live_at=timezone.now() + datetime.timedelta(days=1)
    )
    client.force_login(editor)

    client.post(review_url(article, "reschedule"), {"go_live_at": "", **factories.read(article)})

    article.refresh_from_db()
    assert article.live_revision_id == article.current_revision_id
    assert article.scheduled_live_at is None
