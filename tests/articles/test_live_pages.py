"""The public article URL shows only approved content: 404 before, 410 after archiving."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["draft", "submitted", "in_review"])
def test_unapproved_article_is_not_found(client, request, state):
    article = request.getfixturevalue(state)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert article.title not in response.text


def test_changes_requested_article_is_not_found(client, in_review, reviewer):
    services.review_request_changes(article=in_review, user=reviewer, comment="Needs work.")
    assert client.get(in_review.get_absolute_url()).status_code == 404


def test_approved_article_is_public(client, approved):
    response = client.get(approved.get_absolute_url())
    assert response.status_code == 200
    assert approved.title in response.text


def test_archived_article_answers_gone_with_a_notice(client, approved, editor):
    services.article_archive(article=approved, user=editor, reason="Superseded.")
    response = client.get(approved.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.text.lower()


def test_home_lists_only_approved_articles(client, approved, writer):
    pending = factories.ArticleFactory(title="Pending piece about statins", authors=[writer])
    services.article_submit(article=pending, user=writer)
    page = client.get("/")
    assert approved.title in page.text
    assert pending.title not in page.text


def test_page_dates_are_the_approval_date_not_the_last_save(client, in_review, reviewer, writer):
    approved_on = timezone.now() - datetime.timedelta(days=40)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: approved_on)
        services.review_approve(
            article=in_review,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )
    # A later save of the working copy is not a content change the public sees.
    in_review.refresh_from_db()
    in_review.audience_notes = "internal note"
    services.article_save(article=in_review, user=writer, changed_fields=["audience_notes"])

    page = client.get(in_review.get_absolute_url()).text
    profile = reviewer.reviewer_profile
    assert profile.printed_name in page
    assert "Last updated" in page
    assert "Last reviewed" in page
    approval_day = timezone.localtime(approved_on).date().isoformat()
    today = timezone.localdate().isoformat()
    assert page.count(approval_day) >= 2
    assert today not in page


def test_re_review_changes_last_reviewed_but_not_last_updated(client, approved, reviewer):
    live = approved.live_revision
    first_updated = live.content_updated_at
    later = timezone.now() + datetime.timedelta(days=30)
    services.flag_reviews_due(today=live.next_review_due + datetime.timedelta(days=1))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(timezone, "now", lambda: later)
        services.review_start(article=approved, user=reviewer)
        services.review_approve(
            article=approved,
            user=reviewer,
            checklist=FULL_CHECKLIST,
            signature=factories.signature(reviewer),
        )
    live.refresh_from_db()
    assert live.content_updated_at == first_updated
    assert live.last_reviewed_at == later


# --- found in review: each of these once let a draft's changes reach readers --------------


def test_draft_topic_change_does_not_move_the_live_article(client, approved, writer):
    old_topic = approved.topic
    secret = factories.TopicFactory(name="Unannounced trial results", slug="unannounced")
    approved.topic = secret
    services.article_save(article=approved, user=writer, changed_fields=["topic"])
    assert approved.live_revision.title in client.get(old_topic.get_absolute_url()).text
    assert approved.live_revision.title not in client.get(secret.get_absolute_url()).text
    assert "Unannounced trial results" not in client.get("/").text
    assert "Unannounced trial results" not in client.get("/feeds/articles.rss").text
    assert "/topics/unannounced/" not in client.get("/sitemap.xml").text


def test_byline_keeps_the_completed_review_while_a_re_review_is_under_way(
    client, writer, reviewer, second_reviewer
):
    topic = factories.TopicFactory(slug="dosing", name="Dosing", required_approvals=2)
    article = factories.ArticleFactory(authors=[writer], topic=topic)
    services.article_submit(article=article, user=writer)
    services.review_start(article=article, user=reviewer)
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    services.review_start(article=article, user=second_reviewer)
    services.review_approve(
        article=article,
        user=second_reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(second_reviewer),
    )
    third = factories.reviewer(username="third")
    article.refresh_from_db()
    services.flag_reviews_due(
        today=article.live_revision.next_review_due + datetime.timedelta(days=1)
    )
    services.review_start(article=article, user=third)
    services.review_approve(
        article=article, user=third, checklist=FULL_CHECKLIST, signature=factories.signature(third)
    )  # 1 of 2

    page = client.get(article.get_absolute_url()).text
    byline = page[page.index("Medically reviewed by") :][:600]
    assert reviewer.reviewer_profile.printed_name in byline
    assert second_reviewer.reviewer_profile.printed_name in byline
    assert third.reviewer_profile.printed_name not in byline


def test_profiles_of_never_verified_applicants_are_not_public(client):
    applicant = factories.ReviewerProfileFactory(
        credentials_verified_on=None, conflict_of_interest="Consults for a drug maker."
    )
    response = client.get(applicant.get_absolute_url())
    assert response.status_code == 404
    assert "Consults for a drug maker." not in response.text


@pytest.mark.parametrize("query", ["\x00", "gaba\x00pentin", "\x1b[2J", "\x7f"])
def test_search_with_control_characters_answers_normally(client, approved, query):
    assert client.get("/search/", {"q": query}).status_code == 200
