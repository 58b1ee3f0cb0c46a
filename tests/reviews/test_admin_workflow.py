"""The editorial admin: what writers and reviewers see and what their clicks do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Article
from articles.states import Status
from reviews import services
from reviews.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def change_form_data(client, article: Article, **overrides) -> dict:
    """The change form as the browser would post it, with the inlines' management forms."""
    page = client.get(change_url(article))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    data.update(overrides)
    return data


def action_url(article: Article, name: str) -> str:
    return reverse("admin:articles_article_action", args=[article.pk, name])


def status_of(article: Article) -> str:
    return Article.objects.values_list("status", flat=True).get(pk=article.pk)


def test_writer_sees_only_their_own_articles(client, writer, draft):
    someone_elses = factories.ArticleFactory(title="Not yours")
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_changelist"))
    assert draft.title in page.text
    assert someone_elses.title not in page.text
    assert client.get(change_url(someone_elses)).status_code in (302, 404)


def test_writer_creates_a_draft_and_becomes_its_author(client, writer):
    topic = factories.TopicFactory()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Iron tablets and constipation",
            "slug": "iron-constipation",
            "summary": "Why it happens.",
            "topic": topic.pk,
            "body": "Common.",
            "professional_body": "",
            "audience_notes": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="iron-constipation")
    assert article.status == Status.DRAFT
    assert list(article.authors.all()) == [writer]


def test_status_posted_in_the_admin_form_is_ignored(client, writer, draft):
    client.force_login(writer)
    data = change_form_data(client, draft, status=Status.APPROVED, title="Renamed")
    response = client.post(change_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed"
    assert draft.status == Status.DRAFT


def test_writer_submits_with_the_workflow_button(client, writer, draft):
    client.force_login(writer)
    data = change_form_data(client, draft, _workflow_action="submit")
    page = client.post(change_url(draft), data, follow=True)
    assert status_of(draft) == Status.DRAFT  # the button opens the step's page first
    assert "The working copy is frozen as revision 1" in page.text
    response = client.post(
        action_url(draft, "submit"), {"next": "change", **factories.read(draft)}, follow=True
    )
    assert status_of(draft) == Status.SUBMITTED
    assert "Submitted for medical review" in response.text


def test_submit_button_reports_an_unknown_citation_and_changes_nothing(client, writer, draft):
    client.force_login(writer)
    data = change_form_data(client, draft, body="Claim [@nosuchsource].", _workflow_action="submit")
    client.post(change_url(draft), data, follow=True)
    response = client.post(action_url(draft, "submit"), {"next": "change", **factories.read(draft)})
    assert response.status_code == 400
    assert status_of(draft) == Status.DRAFT
    assert "[@nosuchsource]" in response.text
    assert not draft.revisions.exists()


def test_content_is_read_only_while_in_review(client, writer, in_review):
    client.force_login(writer)
    page = client.get(change_url(in_review))
    assert "body" not in page.context["adminform"].form.fields
    original = in_review.body
    client.post(change_url(in_review), change_form_data(client, in_review, body="Sneaky edit"))
    in_review.refresh_from_db()
    assert in_review.body == original


def test_request_changes_without_a_comment_shows_an_error(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(
        action_url(in_review, "request_changes"), {"comment": "", **factories.read(in_review)}
    )
    assert response.status_code == 400
    assert "a comment is required" in response.text
    assert status_of(in_review) == Status.IN_REVIEW


def test_request_changes_with_a_comment_returns_the_article(client, reviewer, in_review):
    client.force_login(reviewer)
    client.post(
        action_url(in_review, "request_changes"),
        {"comment": "The dose in paragraph 2 needs a source.", **factories.read(in_review)},
    )
    assert status_of(in_review) == Status.CHANGES_REQUESTED
    entry = AuditEntry.objects.filter(article=in_review).latest("pk")
    assert entry.comment == "The dose in paragraph 2 needs a source."


def test_author_on_the_board_gets_a_clear_refusal_in_the_admin(client, db):
    author = factories.reviewer(username="drauthor")
    article = factories.ArticleFactory(authors=[author])

    services.article_submit(article=article, user=author)
    client.force_login(author)
    page = client.get(change_url(article))
    assert 'value="start_review"' not in page.text  # no button for a step they may not take
    response = client.post(action_url(article, "start_review"))
    assert response.status_code == 403
    assert "wrote or co-wrote this article" in response.text
    assert status_of(article) == Status.SUBMITTED


def test_reviewer_cannot_change_article_text(client, reviewer, submitted):
    client.force_login(reviewer)
    page = client.get(change_url(submitted))
    assert page.status_code == 200
    assert "body" not in page.context["adminform"].form.fields


def test_change_page_shows_the_audit_history(client, writer, in_review):
    client.force_login(writer)
    page = client.get(change_url(in_review))
    assert "Review history" in page.text
    assert "Review started" in page.text


def test_markdownx_preview_is_for_staff_only(client, writer):
    url = reverse("markdownx_markdownify")
    anonymous = client.post(url, {"content": "Hi"})
    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]
    client.force_login(writer)
    preview = client.post(url, {"content": "Hello <script>alert(1)</script> **there**"})
    assert preview.status_code == 200
    assert "<strong>there</strong>" in preview.text
    assert "<script>" not in preview.text


def test_markdownx_upload_is_for_staff_only_and_refused_even_then(client, writer):
    anonymous = client.post(reverse("markdownx_upload"))
    assert anonymous.status_code == 302
    client.force_login(writer)
    staff = client.post(reverse("markdownx_upload"))
    assert staff.status_code == 403
    assert "add it to the image library" in staff.text


def test_stale_form_posted_after_a_co_author_submitted_is_refused_loudly(client, writer, draft):
    client.force_login(writer)
    data = change_form_data(client, draft, title="Edited in a stale tab", body="New body.")
    co_author = factories.writer(username="coauthor")
    draft.authors.add(co_author)

    services.article_submit(article=draft, user=co_author)
    response = client.post(change_url(draft), data, follow=True)
    assert "Your edits were not saved" in response.text
    assert "changed successfully" not in response.text
    draft.refresh_from_db()
    assert draft.title != "Edited in a stale tab"


def test_unknown_action_names_are_not_found(client, writer, draft):
    client.force_login(writer)
    assert client.get(action_url(draft, "publish_now")).status_code == 404
    assert client.post(action_url(draft, "flag_review_due")).status_code == 404
    data = change_form_data(client, draft, _workflow_action="save")
    assert client.post(change_url(draft), data, follow=True).status_code == 404
    assert status_of(draft) == Status.DRAFT


def test_writers_see_only_their_own_articles_revisions_and_history(client, writer, submitted):
    other = factories.ArticleFactory(title="Someone else's piece")

    services.article_submit(article=other, user=other.authors.get())
    client.force_login(writer)
    revisions = client.get(reverse("admin:articles_articlerevision_changelist"))
    assert submitted.title in revisions.text
    assert other.title not in revisions.text
    history = client.get(reverse("admin:reviews_auditentry_changelist"))
    assert submitted.title in history.text
    assert other.title not in history.text
    other_revision = other.revisions.get()
    url = reverse("admin:articles_articlerevision_change", args=[other_revision.pk])
    assert client.get(url).status_code in (302, 404)


def test_staff_without_a_role_cannot_read_revisions(client, submitted):
    nobody = factories.UserFactory(username="intern")
    client.force_login(nobody)
    url = reverse("admin:articles_articlerevision_changelist")
    assert client.get(url).status_code == 403


def test_article_list_names_the_reviewer_with_credentials(client, writer, in_review, reviewer):
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_changelist")).text
    profile = reviewer.reviewer_profile
    assert f"{profile.display_name}, {profile.credentials}" in page
