"""Only the board member who holds an article decides on it; others need it released or
reassigned. Two-sign-off topics hand the article on after each partial sign-off."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.states import Status
from people.models import ReviewerProfile
from reviews import selectors, services
from reviews.models import AuditEntry, ReviewDecision
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


approve = factories.approve


def nothing_decided(article) -> bool:
    stored = Article.objects.get(pk=article.pk)
    return stored.status == Status.IN_REVIEW and not ReviewDecision.objects.exists()


@pytest.fixture
def drug_dosing(two_approval_topic):
    two_approval_topic.required_specialty = "Clinical pharmacology"
    two_approval_topic.save()
    return two_approval_topic


@pytest.fixture
def dosing_in_review(drug_dosing, writer, reviewer):
    article = factories.ArticleFactory(topic=drug_dosing, authors=[writer])
    article = services.article_submit(article=article, user=writer)
    return services.review_start(article=article, user=reviewer)


# --- a held article -------------------------------------------------------------------


def test_another_board_member_cannot_approve_an_article_someone_holds(in_review, second_reviewer):
    with pytest.raises(PermissionDenied, match="holds this article for review"):
        approve(in_review, second_reviewer)

    assert nothing_decided(in_review)


def test_another_board_member_cannot_request_changes_on_it(in_review, second_reviewer):
    with pytest.raises(PermissionDenied, match="Ask them to release it, or an editor"):
        services.review_request_changes(article=in_review, user=second_reviewer, comment="No")

    assert nothing_decided(in_review)


def test_the_approve_page_tells_another_member_who_holds_it(client, in_review, second_reviewer):
    client.force_login(second_reviewer)
    url = reverse("admin:articles_article_action", args=[in_review.pk, "approve"])

    page = client.get(url)
    forged = client.post(url, {**FULL_CHECKLIST, "password": "pw"})

    assert page.status_code == 403
    assert "holds this article for review" in page.content.decode()
    assert forged.status_code == 403
    assert nothing_decided(in_review)


def test_the_review_screen_offers_another_member_no_decision(client, in_review, second_reviewer):
    client.force_login(second_reviewer)

    page = client.get(reverse("admin:articles_article_review", args=[in_review.pk]))

    assert set(page.context["offered"]) == set()


# --- releasing and reassigning ------------------------------------------------------------


def test_the_holder_releases_it_and_another_member_takes_it(in_review, reviewer, second_reviewer):
    released = services.review_release(article=in_review, user=reviewer, comment="On leave")

    assert released.assigned_reviewer is None
    assert released.status == Status.IN_REVIEW
    assert released.rounds.get().reviewer is None
    entry = AuditEntry.objects.filter(transition=AuditEntry.Action.RELEASE).get()
    assert (entry.actor, entry.comment) == (reviewer, "On leave")
    with pytest.raises(PermissionDenied, match="take it with “Start review” first"):
        approve(released, second_reviewer)

    taken = services.review_start(article=released, user=second_reviewer)
    approved = approve(taken, second_reviewer)

    assert approved.status == Status.APPROVED
    assert approved.rounds.get().reviewer == second_reviewer


@pytest.mark.parametrize("who", ["second_reviewer", "editor", "writer"])
def test_only_the_holder_may_release_it(in_review, who, request):
    with pytest.raises(PermissionDenied, match="Only the board member who holds this article"):
        services.review_release(article=in_review, user=request.getfixturevalue(who))

    assert Article.objects.get(pk=in_review.pk).assigned_reviewer is not None


def test_the_holder_releases_it_from_the_review_screen(client, in_review, reviewer):
    client.force_login(reviewer)
    review = client.get(reverse("admin:articles_article_review", args=[in_review.pk]))
    assert "release" in review.context["offered"]

    response = client.post(
        reverse("admin:articles_article_action", args=[in_review.pk, "release"]),
        factories.read(in_review),
    )

    assert response.status_code == 302
    assert Article.objects.get(pk=in_review.pk).assigned_reviewer is None


def test_an_editor_reassigns_it_and_the_new_holder_decides(
    in_review, editor, reviewer, second_reviewer
):
    services.review_assign(article=in_review, user=editor, reviewer=second_reviewer)

    with pytest.raises(PermissionDenied):
        approve(in_review, reviewer)
    assert approve(in_review, second_reviewer).status == Status.APPROVED


def test_a_holder_whose_credentials_lapsed_holds_nothing(in_review, reviewer, second_reviewer):
    ReviewerProfile.objects.filter(user=reviewer).update(
        credentials_expire_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    taken = services.review_start(article=in_review, user=second_reviewer)

    assert taken.assigned_reviewer == second_reviewer


# --- two sign-offs ("Drug dosing": two approvals, one from clinical pharmacology) ----------


def test_a_first_sign_off_opens_the_article_for_the_next_member(
    dosing_in_review, reviewer, second_reviewer
):
    article = approve(dosing_in_review, reviewer)

    assert article.status == Status.IN_REVIEW
    assert article.assigned_reviewer is None
    queue = list(selectors.review_queue(user=second_reviewer))
    assert queue == [article]
    assert list(selectors.review_queue(user=reviewer)) == []  # they signed this round


def test_the_pharmacist_takes_it_and_completes_the_sign_off(
    client, dosing_in_review, reviewer, second_reviewer
):
    approve(dosing_in_review, reviewer)
    client.force_login(second_reviewer)
    queue = client.get(reverse("admin:articles_article_queue"))
    assert [row["can_start"] for row in queue.context["rows"]] == [True]

    take = reverse("admin:articles_article_action", args=[dosing_in_review.pk, "start_review"])
    client.post(take, factories.read(dosing_in_review))
    article = Article.objects.get(pk=dosing_in_review.pk)
    assert article.assigned_reviewer == second_reviewer
    article = approve(article, second_reviewer)

    assert article.status == Status.APPROVED
    assert article.live_revision_id == article.current_revision_id


def test_the_pharmacist_may_send_it_back_instead(dosing_in_review, reviewer, second_reviewer):
    approve(dosing_in_review, reviewer)
    article = services.review_start(article=dosing_in_review, user=second_reviewer)

    article = services.review_request_changes(
        article=article, user=second_reviewer, comment="The renal doses are out of date."
    )

    assert article.status == Status.CHANGES_REQUESTED
    assert article.assigned_reviewer == second_reviewer


def test_the_first_signer_cannot_take_it_back(dosing_in_review, reviewer):
    approve(dosing_in_review, reviewer)

    with pytest.raises(PermissionDenied, match="already approved"):
        services.review_start(article=dosing_in_review, user=reviewer)
    with pytest.raises(PermissionDenied, match="already approved"):
        approve(dosing_in_review, reviewer)


def test_once_taken_the_second_sign_off_is_the_holders_alone(
    dosing_in_review, reviewer, second_reviewer
):
    approve(dosing_in_review, reviewer)
    services.review_start(article=dosing_in_review, user=second_reviewer)
    third = factories.reviewer(username="tara", specialty="Clinical pharmacology")

    with pytest.raises(PermissionDenied, match="holds this article"):
        approve(dosing_in_review, third)
    with pytest.raises(PermissionDenied, match="holds this article"):
        services.review_start(article=dosing_in_review, user=third)
