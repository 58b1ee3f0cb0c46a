"""The article editor: one rendering for the preview, the staff preview, the snapshot and
the page; the Submit button that says why it is blocked; View on site never a 404."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from articles.models import Article
from articles.states import Status
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db
PREVIEW = reverse("markdownx_markdownify")


def sups(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", s)
        for s in re.findall(r'<sup class="citation"[^>]*>(.*?)</sup>', html)
    ]


@pytest.fixture
def sources(db):
    return [factories.ReferenceFactory(key=key) for key in ("alpha", "beta", "gamma")]


@pytest.fixture
def two_parts(writer, sources):
    return factories.ArticleFactory(
        authors=[writer],
        slug="two-parts",
        body="First [@alpha]. Then [@beta].",
        professional_body="Dosing [@gamma]; as said [@alpha].",
    )


def _working_copy(article: Article, **changes) -> dict:
    data = {
        "title": article.title, "summary": article.summary, "topic": str(article.topic_id),
        "body": article.body, "professional_body": article.professional_body,
    }  # fmt: skip
    return {**data, **changes}


def test_the_editor_preview_numbers_both_sections_together_as_published(
    client, writer, two_parts, reviewer
):
    client.force_login(writer)
    answer = client.post(PREVIEW, _working_copy(two_parts)).json()
    assert sups(answer["html"]) == ["1", "2", "3", "1"]
    assert 'href="/static/vetted/site.css"' in answer["html"]  # the public stylesheet
    assert answer["problems"] == []

    article = services.article_submit(article=two_parts, user=writer)
    factories.claim_and_approve(article, reviewer)
    page = client.get(reverse("articles:detail_professional", kwargs={"slug": "two-parts"}))
    assert sups(page.content.decode()) == ["1", "2", "3", "1"]


def test_the_editor_preview_says_what_blocks_submission_of_the_unsaved_text(
    client, writer, two_parts
):
    client.force_login(writer)
    answer = client.post(
        PREVIEW, _working_copy(two_parts, summary=" ", topic="", body="New [@nosuch2099].")
    ).json()
    assert answer["problems"] == ["The summary is empty.", "Choose a topic."]
    assert "[@nosuch2099] <em>no source in the library has this key</em>" in answer["html"]
    answer = client.post(PREVIEW, _working_copy(two_parts, body="New [@nosuch2099].")).json()
    assert answer["problems"] == [
        "These citations match no reference in the library: [@nosuch2099]."
    ]
    two_parts.refresh_from_db()
    assert two_parts.body == "First [@alpha]. Then [@beta]."  # a preview saves nothing


def test_one_text_previews_as_before(client, writer, sources):
    client.force_login(writer)
    response = client.post(PREVIEW, {"content": "Known [@alpha]."})
    assert sups(response.content.decode()) == ["1"]


def test_the_staff_preview_is_the_public_page_under_a_not_yet_reviewed_banner(
    client, writer, two_parts
):
    client.force_login(writer)
    response = client.get(reverse("articles:preview_professional", kwargs={"slug": "two-parts"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "not yet reviewed by our Medical Advisory Board" in html
    assert "Not yet submitted for review" in html
    assert 'class="article article--pending"' in html  # the article page's own template
    assert sups(html) == ["1", "2", "3", "1"]
    patient = client.get(reverse("articles:preview", kwargs={"slug": "two-parts"})).content
    assert (
        reverse("articles:preview_professional", kwargs={"slug": "two-parts"}) in patient.decode()
    )


@pytest.mark.parametrize("state", ["draft", "submitted", "approved", "archived"])
def test_view_on_site_never_sends_staff_to_a_404(client, writer, editor, request, state):
    article = request.getfixturevalue("draft" if state in ("draft", "archived") else state)
    if state == "archived":
        services.article_archive(article=article, user=editor, reason="Outdated.")
    client.force_login(editor)
    content_type = ContentType.objects.get_for_model(Article)
    response = client.get(f"/admin/r/{content_type.pk}/{article.pk}/", follow=True)
    assert response.status_code == 200


def test_the_change_form_always_shows_submit_with_what_blocks_it(client, writer, sources):
    article = factories.ArticleFactory(authors=[writer], body="Claim [@nosuch2099].")
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'id="submit-for-review"' in html
    assert "Submitting is blocked until:" in html
    assert "These citations match no reference in the library: [@nosuch2099]." in html
    assert "Preview on the site" in html


def test_a_blocked_submit_keeps_the_writers_edits_and_says_why(client, writer, sources):
    article = factories.ArticleFactory(authors=[writer], body="Old text [@alpha].")
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "title": article.title, "slug": article.slug, "summary": article.summary,
        "topic": article.topic_id, "body": "My new paragraph [@nosuch2099].",
        "professional_body": "", "audience_notes": "", "_workflow_action": "submit",
        "opened_version": article.version,
        "revisions-TOTAL_FORMS": 0, "revisions-INITIAL_FORMS": 0,
        "audit_entries-TOTAL_FORMS": 0, "audit_entries-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == url
    html = response.content.decode()
    assert "Your changes are saved, but the article was not submitted" in html
    assert "[@nosuch2099]" in html
    article.refresh_from_db()
    assert article.body == "My new paragraph [@nosuch2099]."
    assert article.status == Status.DRAFT and not article.revisions.exists()


def test_the_submit_page_lists_the_blockers_instead_of_a_confirm_button(client, writer):
    article = factories.ArticleFactory(authors=[writer], body="No sources here.")
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_action", args=[article.pk, "submit"]))
    assert response.status_code == 409
    assert "cite at least one reference" in response.content.decode()


def test_submit_is_shown_disabled_with_the_reason_while_the_board_has_it(client, writer, submitted):
    client.force_login(writer)
    html = client.get(reverse("admin:articles_article_change", args=[submitted.pk])).content
    html = html.decode()
    assert re.search(r'id="submit-for-review" disabled', html)
    assert "The medical board has this article now" in html


def test_a_reviewer_sees_no_submit_button(client, reviewer, submitted):
    client.force_login(reviewer)
    html = client.get(reverse("admin:articles_article_change", args=[submitted.pk])).content
    assert b'id="submit-for-review"' not in html


def test_a_new_article_can_be_saved_and_submitted_at_once(client, writer, sources):
    topic = factories.TopicFactory()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Night cramps", "slug": "night-cramps", "summary": "What helps.",
            "topic": topic.pk, "body": "Stretching helps [@alpha].", "professional_body": "",
            "audience_notes": "", "_workflow_action": "submit",
        },
    )  # fmt: skip
    article = Article.objects.get(slug="night-cramps")
    assert response["Location"].startswith(
        reverse("admin:articles_article_action", args=[article.pk, "submit"])
    )
    assert list(article.authors.all()) == [writer]
