"""The admin's "View on site" shortcut reveals no draft to someone who may not see it."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from articles.models import Article, Topic
from tests import factories

pytestmark = pytest.mark.django_db


def shortcut(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


@pytest.fixture
def secret_draft(writer):
    return factories.ArticleFactory(
        authors=[writer], title="Unannounced", slug="unannounced-trial-results"
    )


def test_another_writer_is_not_sent_to_a_draft(client, other_writer, secret_draft):
    client.force_login(other_writer)
    response = client.get(shortcut(secret_draft))
    assert response.status_code == 404
    assert secret_draft.slug not in response.get("Location", "")
    assert secret_draft.slug not in response.text


def test_anonymous_visitors_are_sent_to_the_login_page_only(client, secret_draft):
    response = client.get(shortcut(secret_draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert secret_draft.slug not in response["Location"].split("?next=")[0]
    assert "unannounced" not in response["Location"]


def test_the_author_is_sent_to_the_staff_preview_of_their_draft(client, writer, secret_draft):
    client.force_login(writer)
    response = client.get(shortcut(secret_draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:preview", kwargs={"slug": secret_draft.slug})


def test_a_live_article_goes_to_its_public_page(client, writer, approved):
    client.force_login(writer)
    response = client.get(shortcut(approved))
    assert response["Location"] == approved.get_absolute_url()


def test_made_up_and_unregistered_targets_are_404(client, writer, secret_draft):
    client.force_login(writer)
    article_type = ContentType.objects.get_for_model(Article)
    assert client.get(f"/admin/r/{article_type.pk}/999999/").status_code == 404
    assert client.get(f"/admin/r/{article_type.pk}/nope/").status_code == 404
    assert client.get("/admin/r/999999/1/").status_code == 404
    revision_type = ContentType.objects.get(app_label="sessions", model="session")
    assert client.get(f"/admin/r/{revision_type.pk}/1/").status_code == 404


def test_public_objects_still_have_a_working_shortcut(client, writer):
    topic = Topic.objects.create(name="Sleep", slug="sleep")
    client.force_login(writer)
    response = client.get(shortcut(topic))
    assert response.status_code == 302
    assert response["Location"] == topic.get_absolute_url()
