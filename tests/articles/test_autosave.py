"""The editor's autosave (articles.autosave): a writer's unsaved typing is kept per person
and article, only for an article they may edit now, without touching the article, its
revisions or the audit trail; offered back on the change form; gone once they save."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from articles import autosave as autosave_views
from articles.models import Article, ArticleAutosave, ArticleRevision
from reviews import services
from reviews.models import AuditEntry
from tests import factories
from tests.reviews.test_admin_workflow import change_form_data, change_url

pytestmark = pytest.mark.django_db

TYPED = {
    "title": "Migraine: what helps",
    "body": "Rest in a dark room [@x].",
    "group_references": True,
}


def autosave_url(article: Article) -> str:
    return reverse("articles:autosave", kwargs={"pk": article.pk})


def send(client, article: Article, fields: dict | None = None, **extra):
    payload = {"fields": TYPED if fields is None else fields, "opened_version": article.version}
    return client.post(
        autosave_url(article), json.dumps(payload), content_type="application/json", **extra
    )


def error(response) -> str:
    return response.json()["error"]


# --- keeping it ---------------------------------------------------------------------------


def test_an_author_s_typing_is_kept_without_touching_the_article_its_revisions_or_the_audit(
    client, writer, draft
):
    client.force_login(writer)
    before = Article.objects.get(pk=draft.pk)
    counts = (ArticleRevision.objects.count(), AuditEntry.objects.count(), LogEntry.objects.count())

    response = send(client, draft)

    assert response.status_code == 200
    assert response.json()["message"].startswith("Autosaved at ")
    kept = ArticleAutosave.objects.get(article=draft, user=writer)
    assert kept.fields == TYPED
    assert kept.opened_version == before.version
    after = Article.objects.get(pk=draft.pk)
    assert (after.title, after.body, after.version, after.updated_at) == (
        before.title,
        before.body,
        before.version,
        before.updated_at,
    )
    counts_after = (
        ArticleRevision.objects.count(),
        AuditEntry.objects.count(),
        LogEntry.objects.count(),
    )
    assert counts_after == counts


def test_a_later_autosave_replaces_the_earlier_one(client, writer, draft):
    client.force_login(writer)
    send(client, draft, {"body": "First thoughts."})
    send(client, draft, {"body": "Second thoughts."})

    assert list(ArticleAutosave.objects.filter(article=draft).values_list("fields", flat=True)) == [
        {"body": "Second thoughts."}
    ]


def test_each_person_has_their_own_autosave(client, writer, editor, draft):
    colleague = Client()
    client.force_login(writer)
    colleague.force_login(editor)
    send(client, draft, {"body": "The writer's words."})
    send(colleague, draft, {"body": "The editor's words."})

    kept = dict(ArticleAutosave.objects.filter(article=draft).values_list("user", "fields"))
    assert kept == {
        writer.pk: {"body": "The writer's words."},
        editor.pk: {"body": "The editor's words."},
    }


def test_discarding_deletes_only_ones_own_autosave(client, writer, editor, draft):
    colleague = Client()
    client.force_login(writer)
    colleague.force_login(editor)
    send(client, draft)
    send(colleague, draft)

    response = client.delete(autosave_url(draft))

    assert response.status_code == 200
    assert list(ArticleAutosave.objects.values_list("user", flat=True)) == [editor.pk]


# --- refusals -----------------------------------------------------------------------------


def test_someone_elses_article_is_refused(client, draft):
    stranger = factories.writer(username="stranger")
    client.force_login(stranger)

    response = send(client, draft)

    assert response.status_code == 404
    assert "no article of yours" in error(response)
    assert not ArticleAutosave.objects.exists()


def test_a_board_member_who_may_read_but_not_edit_is_refused(client, reviewer, draft):
    client.force_login(reviewer)

    response = send(client, draft)

    assert response.status_code == 403
    assert error(response) == "Only the article's authors or an editor can edit it."
    assert not ArticleAutosave.objects.exists()


def test_an_article_with_the_board_is_refused(client, writer, submitted):
    client.force_login(writer)

    response = send(client, submitted)

    assert response.status_code == 409
    assert "with the medical reviewers" in error(response)
    assert not ArticleAutosave.objects.exists()


def test_an_archived_article_is_refused(client, writer, editor, draft):
    archived = services.article_archive(article=draft, user=editor, reason="Out of scope.")
    client.force_login(writer)

    response = send(client, archived)

    assert response.status_code == 409
    assert "archived" in error(response)


def test_anonymous_and_non_staff_users_are_refused(client, draft):
    assert send(client, draft).status_code == 403
    member_of_the_public = factories.UserFactory(username="reader", is_staff=False)
    client.force_login(member_of_the_public)

    response = send(client, draft)

    assert response.status_code == 403
    assert "Sign in" in error(response)
    assert not ArticleAutosave.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(writer, draft):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(writer)

    response = send(browser, draft)

    assert response.status_code == 403
    assert "security token" in error(response)
    assert not ArticleAutosave.objects.exists()


def test_a_post_with_the_csrf_token_is_kept(writer, draft):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(writer)
    token = browser.get(change_url(draft)).context["csrf_token"]

    response = send(browser, draft, HTTP_X_CSRFTOKEN=str(token))

    assert response.status_code == 200
    assert ArticleAutosave.objects.filter(article=draft, user=writer).exists()


def test_an_oversized_autosave_is_refused(client, writer, draft):
    client.force_login(writer)

    response = send(client, draft, {"body": "x" * (autosave_views.MAX_CHARACTERS + 1)})

    assert response.status_code == 413
    assert error(response) == autosave_views.TOO_LARGE
    assert not ArticleAutosave.objects.exists()


@pytest.mark.parametrize(
    "body",
    ["not json", json.dumps(["a list"]), json.dumps({"fields": {"body": {"nested": 1}}})],
)
def test_a_malformed_autosave_is_refused(client, writer, draft, body):
    client.force_login(writer)

    response = client.post(autosave_url(draft), body, content_type="application/json")

    assert response.status_code == 400
    assert error(response) == autosave_views.MALFORMED
    assert not ArticleAutosave.objects.exists()


def test_a_get_is_refused(client, writer, draft):
    client.force_login(writer)
    assert client.get(autosave_url(draft)).status_code == 405


# --- saving the form ----------------------------------------------------------------------


def test_saving_the_form_deletes_the_savers_autosave_only(client, writer, editor, draft):
    colleague = Client()
    client.force_login(writer)
    colleague.force_login(editor)
    send(client, draft, {"body": "Typed, then saved."})
    send(colleague, draft, {"body": "The editor's unsaved words."})
    form = change_form_data(client, draft, body="Typed, then saved.")

    assert client.post(change_url(draft), form).status_code == 302

    assert list(ArticleAutosave.objects.values_list("user", flat=True)) == [editor.pk]


def test_a_refused_save_keeps_the_autosave(client, writer, editor, draft):
    client.force_login(writer)
    stale_form = change_form_data(client, draft, body="Typed on an old copy.")
    draft.title = "Renamed by the editor"
    services.article_save(article=draft, user=editor, changed_fields=["title"])
    send(client, draft, {"body": "Typed on an old copy."})

    response = client.post(change_url(draft), stale_form)

    assert response.status_code == 200  # the form again, with who changed it
    assert ArticleAutosave.objects.filter(article=draft, user=writer).exists()


# --- offering it back ---------------------------------------------------------------------


def test_the_change_form_offers_the_autosave_back(client, writer, draft):
    client.force_login(writer)
    send(client, draft, {"body": "Words I never saved."})

    page = client.get(change_url(draft)).content.decode()

    assert 'id="autosave-prompt"' in page
    assert "Restore your unsaved changes from" in page
    assert "Words I never saved." in page  # the values to restore, as JSON
    assert "has saved this article since" not in page


def test_the_offer_says_when_someone_else_saved_since(client, writer, editor, draft):
    client.force_login(writer)
    send(client, draft, {"body": "Words I never saved."})
    services.article_save(article=draft, user=editor, changed_fields=["title"])

    page = client.get(change_url(draft)).content.decode()

    assert "Words I never saved." in page
    assert "has saved this article since you began them" in page


def test_nothing_is_offered_once_the_form_is_saved(client, writer, draft):
    client.force_login(writer)
    send(client, draft, {"body": "Typed, then saved."})
    client.post(change_url(draft), change_form_data(client, draft, body="Typed, then saved."))

    page = client.get(change_url(draft)).content.decode()

    assert 'id="autosave-fields"' not in page


def test_nothing_is_offered_on_a_locked_article(client, writer, draft):
    client.force_login(writer)
    send(client, draft, {"body": "Typed before submitting elsewhere."})
    services.article_submit(article=draft, user=writer)

    page = client.get(change_url(draft)).content.decode()

    assert "Typed before submitting elsewhere." not in page
    assert 'id="autosave"' not in page
