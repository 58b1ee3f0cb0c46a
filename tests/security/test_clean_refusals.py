"""Odd and racing requests get a clear 4xx or form error, never a 500, and change nothing."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from articles.services import LOCKED_MESSAGE
from articles.states import Status
from reviews import services
from reviews.article_admin import ArticleAdmin
from reviews.models import AuditEntry
from tests import factories
from tests.reviews.test_admin_workflow import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _answer_instead_of_raising(client):
    # What a browser gets: a 500 page rather than the exception in the test.
    client.raise_request_exception = False


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def snapshot(article: Article) -> tuple:
    row = Article.objects.get(pk=article.pk)
    return (row.status, row.assigned_reviewer_id, row.body, AuditEntry.objects.count())


# --- assign_reviewer is a service, not a transition --------------------------------


def test_assign_reviewer_is_an_action_with_a_page_not_a_server_error(client, editor, submitted):
    """It once 500'd as a transition name; now it is one of the declared actions."""
    client.force_login(editor)
    url = reverse("admin:articles_article_action", args=[submitted.pk, "assign_reviewer"])
    before = snapshot(submitted)
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400  # no reviewer chosen: nothing done
    assert snapshot(submitted) == before


@pytest.mark.parametrize(
    "name", ["save", "delete", "clean", "__init__", "revise", "flag_review_due", "nope"]
)
def test_names_that_are_not_actions_are_404s(client, editor, submitted, name):
    client.force_login(editor)
    url = reverse("admin:articles_article_action", args=[submitted.pk, name])
    before = snapshot(submitted)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 404
    assert snapshot(submitted) == before


# --- NUL characters (PostgreSQL refuses them in text) --------------------------------

NUL_URLS = [
    "/admin/articles/article/?status__exact=%00",
    "/admin/articles/article/?title__contains=%00",
    "/admin/articles/article/?q=%00",
    "/admin/references/reference/?q=a%00b",
    "/admin/reviews/auditentry/?transition__exact=%00",
    "/admin/autocomplete/?app_label=articles&model_name=article&field_name=topic&term=%00",
    "/admin/articles/article/?%00=1",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_a_nul_in_a_query_is_a_400(client, editor, draft, url):
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 400
    assert "null character" in response.text


def test_a_nul_in_the_article_forms_topic_is_a_400_and_saves_nothing(client, writer, draft):
    client.force_login(writer)
    data = change_form_data(client, draft, topic="\x00", title="Changed")
    assert client.post(change_url(draft), data).status_code == 400
    assert Article.objects.get(pk=draft.pk).title == draft.title


def test_a_nul_in_a_preview_is_a_400(client, writer):
    client.force_login(writer)
    response = client.post(reverse("markdownx_markdownify"), {"content": "a\x00b"})
    assert response.status_code == 400


def test_public_search_still_answers_a_nul_normally(client, approved):
    assert client.get("/search/", {"q": "gaba\x00pentin"}).status_code == 200


def test_a_topic_that_is_not_an_id_is_a_form_error(client, writer, draft):
    client.force_login(writer)
    data = change_form_data(client, draft, topic="abc", title="Changed")
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors["topic"])
    assert Article.objects.get(pk=draft.pk).title == draft.title


# --- races lost between a form's checks and its save -------------------------------


@pytest.fixture
def lands_first(monkeypatch):
    """Commit `action`, from another connection, after the admin validated the form and
    just before it saves: the moment at which another person's click lands in a race."""

    def arrange(action):
        original = ArticleAdmin.save_form

        def save_form(self, request, form, change):
            failures: list[Exception] = []

            def other_person():
                try:
                    action()
                except Exception as err:  # reported below, in the test's thread
                    failures.append(err)
                finally:
                    connection.close()

            thread = threading.Thread(target=other_person)
            thread.start()
            thread.join(timeout=30)
            assert not failures, failures
            return original(self, request, form, change)

        monkeypatch.setattr(ArticleAdmin, "save_form", save_form)

    return arrange


# Another connection commits mid-request: real transactions and PostgreSQL row locks.
COMMITTED = pytest.mark.django_db(transaction=True)
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
)


@COMMITTED
@ON_POSTGRESQL
def test_an_edit_racing_an_archive_is_a_409_and_saves_nothing(
    client, writer, editor, draft, lands_first
):
    client.force_login(writer)
    data = change_form_data(client, draft, body="Edited [@x]")
    lands_first(lambda: services.article_archive(article=draft, user=editor, reason="Withdrawn"))
    response = client.post(change_url(draft), data)
    assert response.status_code == 409
    assert "archived" in response.text
    row = Article.objects.get(pk=draft.pk)
    assert row.status == Status.ARCHIVED
    assert row.body == draft.body


@COMMITTED
@ON_POSTGRESQL
def test_an_edit_racing_a_claim_is_a_409_and_saves_nothing(
    client, writer, reviewer, in_review, lands_first
):
    article = services.review_request_changes(article=in_review, user=reviewer, comment="Fix")
    client.force_login(writer)
    data = change_form_data(client, article, summary="Edited summary.")

    def resubmit():  # back in review with the reviewer who sent it back
        services.article_submit(article=article, user=writer)

    lands_first(resubmit)
    response = client.post(change_url(article), data)
    assert response.status_code == 409
    assert LOCKED_MESSAGE in response.text
    row = Article.objects.get(pk=article.pk)
    assert row.status == Status.IN_REVIEW
    assert row.summary == article.summary


@COMMITTED
@ON_POSTGRESQL
def test_two_writers_taking_one_slug_at_once_is_a_409(client, writer, other_writer, lands_first):
    topic = factories.TopicFactory()
    client.force_login(writer)
    lands_first(lambda: factories.ArticleFactory(slug="iron", authors=[other_writer]))
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Iron",
            "slug": "iron",
            "summary": "S.",
            "topic": topic.pk,
            "body": "B.",
            "professional_body": "",
        },
    )
    assert response.status_code == 409
    assert Article.objects.filter(slug="iron").count() == 1
    assert not Article.objects.filter(title="Iron").exists()


@COMMITTED
@ON_POSTGRESQL
def test_the_conflict_page_is_the_admins_own(client, writer, editor, draft, lands_first):
    client.force_login(writer)
    data = change_form_data(client, draft)
    data["body"] = "Edited"
    lands_first(lambda: services.article_archive(article=draft, user=editor, reason="Gone"))
    response = client.post(change_url(draft), data)
    assert "Your edits were not saved" in response.text
    assert change_url(draft) in response.text
