"""The article change form: a save from a form opened before someone else's edit is
refused on the form (who, when, what changed; the user's text kept), never a lost
update; and a writer's first save keeps everything in the form, sections included."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.models import Article
from people.names import display_name
from reviews import services
from reviews.article_admin import ArticleAdmin
from tests import factories
from tests.reviews.test_admin_workflow import change_form_data, change_url

pytestmark = pytest.mark.django_db

REFUSED = "since you opened it; your changes were not saved"


@pytest.fixture
def colleague_client(db):
    """A second browser: another person at another desk."""
    return Client()


def form_errors(response) -> str:
    return str(response.context["adminform"].form.non_field_errors())


def posted(response, name: str) -> str:
    return response.context["adminform"].form[name].value()


def section_data(body: str, *, index: int = 0, total: int = 1, **fields: str) -> dict:
    return {
        "sections-TOTAL_FORMS": str(total),
        "sections-INITIAL_FORMS": "0",
        f"sections-{index}-position": fields.get("position", "1"),
        f"sections-{index}-kind": fields.get("kind", "guidelines"),
        f"sections-{index}-heading": fields.get("heading", ""),
        f"sections-{index}-audience": fields.get("audience", "both"),
        f"sections-{index}-body": body,
    }


# --- two people, one article -----------------------------------------------------------------


def test_a_save_from_a_form_opened_before_anothers_edit_is_refused_and_changes_nothing(
    client, colleague_client, writer, editor, draft
):
    """Editor and writer open the form; the editor renames the article; the writer's save
    of the summary from the older form would put the old title back: refused, on the form."""
    client.force_login(editor)
    colleague_client.force_login(writer)
    editors_form = change_form_data(client, draft)
    writers_form = change_form_data(colleague_client, draft)

    editors_form["title"] = "Renamed by the editor"
    assert client.post(change_url(draft), editors_form).status_code == 302

    writers_form["summary"] = "The writer's better summary."
    response = colleague_client.post(change_url(draft), writers_form)

    assert response.status_code == 200
    message = form_errors(response)
    assert REFUSED in message
    assert display_name(editor) in message
    assert "Title: now “Renamed by the editor”" in message
    assert "changed successfully" not in response.text
    # Nothing typed is lost: the form shows what the writer sent.
    assert posted(response, "summary") == "The writer's better summary."
    row = Article.objects.get(pk=draft.pk)
    assert row.title == "Renamed by the editor"
    assert row.summary == draft.summary
    assert row.last_edited_by == editor


def test_the_refused_form_stays_refused_and_a_reloaded_form_saves(
    client, colleague_client, writer, editor, draft
):
    client.force_login(editor)
    colleague_client.force_login(writer)
    writers_form = change_form_data(colleague_client, draft)
    client.post(change_url(draft), change_form_data(client, draft, title="Renamed"))

    writers_form["summary"] = "Second try."
    refused = colleague_client.post(change_url(draft), writers_form)
    # Saving the refused form again is refused again: it still carries the old title.
    again = colleague_client.post(change_url(draft), {**writers_form, **_token_of(refused)})
    assert REFUSED in form_errors(again)
    assert Article.objects.get(pk=draft.pk).summary == draft.summary

    fresh = change_form_data(colleague_client, draft, summary="Second try.")
    assert colleague_client.post(change_url(draft), fresh).status_code == 302
    row = Article.objects.get(pk=draft.pk)
    assert (row.title, row.summary) == ("Renamed", "Second try.")


def _token_of(response) -> dict:
    form = response.context["adminform"].form
    return {name: form[name].value() for name in ("opened_version", "opened_parts")}


def test_a_stale_form_cannot_undo_anothers_evidence_sections(
    client, colleague_client, writer, draft
):
    co_author = factories.writer(username="cora")
    draft.authors.add(co_author)
    client.force_login(writer)
    colleague_client.force_login(co_author)
    stale = change_form_data(colleague_client, draft)

    added = change_form_data(client, draft, **section_data("From the guideline."))
    assert client.post(change_url(draft), added).status_code == 302

    stale["body"] = "The co-author's new body."
    response = colleague_client.post(change_url(draft), stale)
    assert "Evidence sections" in form_errors(response)
    row = Article.objects.get(pk=draft.pk)
    assert row.body == draft.body
    assert [s.body for s in row.sections.all()] == ["From the guideline."]


def test_an_edit_the_stale_form_does_not_carry_is_kept_and_does_not_block_it(
    client, colleague_client, writer, editor, draft
):
    """The editor adds a co-author; the writer's form has no authors field, so saving it
    cannot undo that: it saves, and the co-author stays."""
    co_author = factories.writer(username="cora")
    client.force_login(editor)
    colleague_client.force_login(writer)
    writers_form = change_form_data(colleague_client, draft, summary="Clearer.")
    editors_form = change_form_data(client, draft, authors=[writer.pk, co_author.pk])
    assert client.post(change_url(draft), editors_form).status_code == 302

    assert colleague_client.post(change_url(draft), writers_form).status_code == 302
    row = Article.objects.get(pk=draft.pk)
    assert row.summary == "Clearer."
    assert set(row.authors.all()) == {writer, co_author}


def test_a_form_that_does_not_say_what_it_was_opened_at_is_refused(client, writer, draft):
    client.force_login(writer)
    data = change_form_data(client, draft, title="From a script")
    del data["opened_version"]
    response = client.post(change_url(draft), data)
    assert "does not say which version" in form_errors(response)
    assert Article.objects.get(pk=draft.pk).title == draft.title


def test_each_save_of_the_working_copy_counts_as_one_edit(client, writer, draft):
    client.force_login(writer)
    before = Article.objects.get(pk=draft.pk).version
    data = change_form_data(client, draft, title="Once", **section_data("A section."))
    assert client.post(change_url(draft), data).status_code == 302
    row = Article.objects.get(pk=draft.pk)
    # The fields and the sections were saved in one request, one after the other.
    assert row.version == before + 2
    assert (row.last_edited_by, row.title) == (writer, "Once")


# --- a save landing at the same moment ------------------------------------------------------


@pytest.fixture
def lands_between_check_and_save(monkeypatch):
    """Commit `action` from another connection after the admin checked the form and just
    before it saves: the moment two people's saves race."""

    def arrange(action):
        original = ArticleAdmin.save_form

        def save_form(self, request, form, change):
            failures: list[Exception] = []

            def other_person():
                try:
                    action()
                except Exception as err:  # reported in the test's thread
                    failures.append(err)
                finally:
                    connection.close()

            thread = threading.Thread(target=other_person)
            thread.start()
            thread.join(timeout=30)
            assert not failures, failures
            monkeypatch.setattr(ArticleAdmin, "save_form", original)  # once
            return original(self, request, form, change)

        monkeypatch.setattr(ArticleAdmin, "save_form", save_form)

    return arrange


COMMITTED = pytest.mark.django_db(transaction=True)
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
)


@COMMITTED
@ON_POSTGRESQL
def test_a_save_racing_anothers_from_the_same_version_loses_on_the_form(
    client, writer, editor, draft, lands_between_check_and_save
):
    client.force_login(writer)
    data = change_form_data(client, draft, summary="The writer's summary.")

    def editor_saves():
        copy = Article.objects.get(pk=draft.pk)
        copy.title = "The editor's title"
        services.article_save(article=copy, user=editor, changed_fields=["title"])

    lands_between_check_and_save(editor_saves)
    response = client.post(change_url(draft), data)

    assert response.status_code == 200
    assert REFUSED in form_errors(response)
    assert posted(response, "summary") == "The writer's summary."
    row = Article.objects.get(pk=draft.pk)
    assert (row.title, row.summary) == ("The editor's title", draft.summary)


@COMMITTED
@ON_POSTGRESQL
def test_losing_authorship_mid_save_is_a_clear_refusal_that_shows_what_was_sent(
    client, writer, editor, draft, lands_between_check_and_save
):
    client.force_login(writer)
    data = change_form_data(client, draft, body="A long new paragraph.")
    lands_between_check_and_save(lambda: Article.objects.get(pk=draft.pk).authors.set([editor]))
    response = client.post(change_url(draft), data)
    assert response.status_code == 403
    assert response.context["reasons"] == ["Only the article's authors or an editor can edit it."]
    assert "A long new paragraph." in response.text  # in "What you sent"
    assert Article.objects.get(pk=draft.pk).body == draft.body


# --- a writer's first save -------------------------------------------------------------------


def add_form(topic, **extra) -> dict:
    return {
        "title": "Iron tablets and constipation",
        "slug": "iron-constipation",
        "summary": "Why it happens.",
        "topic": topic.pk,
        "body": "Common.",
        "professional_body": "",
        "audience_notes": "",
        **extra,
    }


def test_a_writer_saves_a_new_article_with_an_evidence_section_at_once(client, writer):
    topic = factories.TopicFactory()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        add_form(topic, **section_data("The guideline says so.", heading="From NICE")),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="iron-constipation")
    assert list(article.authors.all()) == [writer]
    assert [(s.heading, s.body) for s in article.sections.all()] == [
        ("From NICE", "The guideline says so.")
    ]


def test_an_editor_creating_an_article_for_a_writer_leaves_the_writer_its_author(
    client, editor, writer
):
    topic = factories.TopicFactory()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_add"),
        add_form(topic, authors=[writer.pk], **section_data("Research says so.")),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="iron-constipation")
    assert list(article.authors.all()) == [writer]
    assert article.sections.count() == 1


def test_creating_an_article_makes_its_creator_an_author_in_the_service(writer):
    article = Article(title="T", slug="t", summary="S.", body="B.", topic=factories.TopicFactory())
    services.article_save(article=article, user=writer, changed_fields=[])
    assert list(Article.objects.get(pk=article.pk).authors.all()) == [writer]
    assert get_user_model().objects.filter(articles=article).count() == 1
