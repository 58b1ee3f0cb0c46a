"""Review rounds keep their context: who held them, what was asked, what was addressed."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import Article
from articles.states import Status
from reviews import selectors, services
from reviews.models import ReviewComment, ReviewRound
from reviews.workflow import WorkflowError

pytestmark = pytest.mark.django_db


def review_url(article: Article, **query: str) -> str:
    url = reverse("admin:articles_article_review", args=[article.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def sent_back(in_review, reviewer):
    return services.review_request_changes(
        article=in_review, user=reviewer, comment="Give the maximum daily dose."
    )


@pytest.fixture
def resubmitted(sent_back, writer):
    sent_back.body = sent_back.body + "\n\nNever more than 4 g in 24 hours."
    services.article_save(article=sent_back, user=writer, changed_fields=["body"])
    return services.article_submit(article=sent_back, user=writer, comment="Added the maximum.")


def test_submit_opens_a_round_and_claiming_holds_it(submitted, reviewer):
    (round_,) = submitted.rounds.all()
    assert (round_.number, round_.outcome, round_.reviewer) == (1, "open", None)

    services.review_start(article=submitted, user=reviewer)

    assert submitted.rounds.get().reviewer == reviewer


def test_a_request_for_changes_closes_the_round_and_opens_a_point(sent_back, reviewer):
    round_ = sent_back.rounds.get()
    assert round_.outcome == ReviewRound.Outcome.CHANGES_REQUESTED
    assert round_.closed_at is not None
    (point,) = round_.comments.all()
    assert point.body == "Give the maximum daily dose."
    assert point.author == reviewer


def test_the_reviewer_who_sent_it_back_gets_the_resubmission_in_review(resubmitted, reviewer):
    # Back in review with its keeper at once: nobody has to press "Start review" again.
    assert resubmitted.status == Status.IN_REVIEW
    assert resubmitted.assigned_reviewer == reviewer
    first, second = resubmitted.rounds.order_by("number")
    assert (second.number, second.reviewer, second.outcome) == (2, reviewer, "open")
    assert second.revision != first.revision


def test_others_cannot_take_a_resubmission_held_by_its_reviewer(resubmitted, second_reviewer):
    with pytest.raises(PermissionDenied, match="holds this article for review"):
        services.review_start(article=resubmitted, user=second_reviewer)


def test_an_editor_can_reassign_a_resubmission(resubmitted, editor, second_reviewer):
    services.review_assign(article=resubmitted, user=editor, reviewer=second_reviewer)
    assert Article.objects.get(pk=resubmitted.pk).rounds.get(number=2).reviewer == second_reviewer


def test_a_reviewer_who_left_the_board_does_not_keep_it(sent_back, reviewer, writer):
    reviewer.reviewer_profile.is_active = False
    reviewer.reviewer_profile.save()
    article = services.article_submit(article=sent_back, user=writer)
    assert article.assigned_reviewer is None


def test_only_one_round_is_open_per_article(submitted):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRound.objects.create(article=submitted, number=9, revision=submitted.current_revision)


def test_writers_mark_points_addressed_before_resubmitting(sent_back, writer):
    point = ReviewComment.objects.get()
    services.comment_mark_addressed(comment=point, user=writer)
    point.refresh_from_db()
    assert point.addressed_by == writer and point.addressed_at is not None


def test_points_cannot_be_marked_once_resubmitted(resubmitted, writer):
    with pytest.raises(WorkflowError):
        services.comment_mark_addressed(comment=ReviewComment.objects.get(), user=writer)


def test_reviewers_cannot_mark_their_own_points_addressed(sent_back, reviewer):
    with pytest.raises(PermissionDenied):
        services.comment_mark_addressed(comment=ReviewComment.objects.get(), user=reviewer)


def test_the_sent_back_revision_is_what_the_resubmission_is_compared_with(resubmitted):
    sent_back = selectors.sent_back_revision(article=resubmitted)
    assert sent_back.number == 1
    assert resubmitted.current_revision.number == 2


def test_review_screen_shows_the_diff_against_the_sent_back_revision_and_earlier_round(
    client, sent_back, writer, reviewer
):
    point = ReviewComment.objects.get()
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_comment", args=[sent_back.pk]),
        {"body": "Added it to the dosing section.", "parent": point.pk},
    )
    client.post(reverse("admin:articles_article_addressed", args=[sent_back.pk, point.pk]))
    sent_back.body = sent_back.body + "\n\nNever more than 4 g in 24 hours."
    services.article_save(article=sent_back, user=writer, changed_fields=["body"])
    services.article_submit(article=sent_back, user=writer, comment="Added the maximum.")
    client.force_login(reviewer)

    page = client.get(review_url(sent_back))

    assert page.status_code == 200
    # Nothing is live: the default baseline is the revision sent back in the last round.
    assert page.context["baseline"].number == 1
    assert "Revision 1, sent back in the last round" in page.text
    assert "<ins>Never more than 4 g in 24 hours.</ins>" in page.text
    assert "Give the maximum daily dose." in page.text  # the earlier round's request
    assert "Added it to the dosing section." in page.text  # and the writer's answer
    assert "Addressed · " in page.text
    assert "The writers marked <strong>1 of 1</strong> point addressed" in page.text
    assert "Added the maximum." in page.text  # the writers' note on resubmitting
    assert page.context["article"].assigned_reviewer == reviewer


def test_review_screen_also_compares_with_live_and_side_by_side(client, approved, writer, reviewer):
    approved.body = approved.body + "\n\nNew warning about grapefruit."
    services.article_save(article=approved, user=writer, changed_fields=["body"])
    article = services.article_submit(article=approved, user=writer)
    client.force_login(reviewer)

    page = client.get(review_url(article, against="1", view="side"))

    assert page.context["baseline"] == article.live_revision
    assert page.context["side_by_side"] is True
    assert '<div class="diff-new blk-p"><ins>New warning about grapefruit.</ins></div>' in page.text


def test_rounds_are_rebuilt_from_the_audit_log_for_older_articles(sent_back, writer):
    """The backfill migration replays the history; here its replay function is checked."""
    migration = import_module("reviews.migrations.0008_backfill_review_rounds")
    entries = sent_back.audit_entries.order_by("created_at", "pk")
    (replayed,) = migration._rounds_from_history(entries)
    actual = sent_back.rounds.get()
    assert replayed["outcome"] == actual.outcome
    assert replayed["revision_id"] == actual.revision_id
    assert replayed["reviewer_id"] == actual.reviewer_id
