"""A board member whose credentials expired (or who is inactive) sees nothing of the review
side until an editor renews them: only a notice saying so."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from people import roles
from people.models import ReviewerProfile
from reviews import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def lapsed(db):
    return factories.reviewer(username="lapsed", expires_in_days=-1)


def review_side(article: Article) -> list[str]:
    """Every page of the review side, for an article in review."""
    return [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_review", args=[article.pk]),
        reverse("admin:articles_article_queue"),
        reverse("admin:articles_article_due"),
        reverse("admin:articles_article_action", args=[article.pk, "start_review"]),
        reverse("admin:articles_article_read", args=[article.pk, 1]),
        reverse("admin:articles_articlerevision_changelist"),
        reverse("admin:reviews_reviewcomment_changelist"),
        reverse("admin:reviews_auditentry_changelist"),
        reverse("admin:images_image_changelist"),
        reverse("admin:references_reference_changelist"),
    ]


def test_the_admin_home_says_when_the_credentials_expired(client, lapsed):
    client.force_login(lapsed)

    page = client.get(reverse("admin:index"))

    html = page.content.decode()
    assert page.status_code == 200
    assert f"Your credentials expired on {YESTERDAY:%Y-%m-%d}" in html
    assert "An editor can renew your membership" in html


def test_every_review_page_answers_with_the_notice(client, lapsed, in_review):
    client.force_login(lapsed)

    for url in review_side(in_review):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Your credentials expired on" in response.content.decode(), url
        assert in_review.title not in response.content.decode(), url


def test_no_review_action_goes_through(client, lapsed, submitted):
    client.force_login(lapsed)

    response = client.post(
        reverse("admin:articles_article_action", args=[submitted.pk, "start_review"])
    )

    assert response.status_code == 403
    assert Article.objects.get(pk=submitted.pk).status == "submitted"


def test_no_draft_preview_and_no_live_preview(client, lapsed, draft):
    client.force_login(lapsed)

    assert client.get(reverse("articles:preview", args=[draft.slug])).status_code == 404
    assert client.post("/markdownx/markdownify/", {"content": "x"}).status_code == 403


def test_the_board_permissions_are_gone_whatever_path_asks(lapsed, in_review):
    assert not lapsed.has_perm(roles.PERM_REVIEW)
    assert not lapsed.has_perm("articles.view_article")
    assert not roles.sees_every_article(lapsed)
    assert list(Article.objects.editable_by(lapsed)) == []
    assert list(selectors.review_queue(user=lapsed)) == []


def test_an_inactive_board_member_sees_the_same_notice(client, second_reviewer, in_review):
    ReviewerProfile.objects.filter(user=second_reviewer).update(is_active=False)
    client.force_login(second_reviewer)

    home = client.get(reverse("admin:index"))
    review = client.get(reverse("admin:articles_article_review", args=[in_review.pk]))

    assert "Your advisory board membership is inactive" in home.content.decode()
    assert review.status_code == 403


def test_they_can_still_sign_in_to_read_the_notice(client, lapsed):
    response = client.post(
        reverse("admin:login"),
        {"username": "lapsed", "password": "pw", "next": "/admin/"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Your credentials expired on" in response.content.decode()


def test_renewed_credentials_bring_everything_back(client, lapsed, in_review):
    ReviewerProfile.objects.filter(user=lapsed).update(
        credentials_expire_on=timezone.localdate() + datetime.timedelta(days=365)
    )
    client.force_login(lapsed)

    assert client.get(reverse("admin:articles_article_queue")).status_code == 200
    review = client.get(reverse("admin:articles_article_review", args=[in_review.pk]))
    assert review.status_code == 200


def test_a_lapsed_member_who_also_writes_keeps_only_their_own_articles(client, lapsed, draft):
    lapsed.groups.add(Group.objects.get(name=roles.WRITERS))
    own = factories.ArticleFactory(authors=[lapsed], slug="own")
    client.force_login(lapsed)

    home = client.get(reverse("admin:index"))
    listed = client.get(reverse("admin:articles_article_changelist"))

    assert home.status_code == 200
    assert "Your credentials expired on" in home.content.decode()
    assert list(listed.context["cl"].result_list) == [own]
    other = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert other.status_code == 302  # not theirs: the admin answers as for a missing article
    assert client.get(reverse("admin:articles_article_queue")).status_code == 403


def test_services_refuse_them_too(lapsed, submitted):
    with pytest.raises(PermissionDenied):
        services.review_start(article=submitted, user=lapsed)
