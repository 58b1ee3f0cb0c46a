"""Every path that renders writer Markdown finishes well under a second, or refuses.

The corpus (tests/security/pathological.py) holds the issue's inputs, which took
from 3 s to past the 30 s worker timeout (or raised RecursionError), and texts at
each cap. Each is timed through the function every path shares and through the
endpoints writers reach: the live preview, the change page, the staff preview and
submit.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from articles import markdown
from articles.models import Article, SitePage
from articles.states import Status
from tests import factories
from tests.reviews.test_admin_workflow import change_form_data
from tests.security.conftest import timed
from tests.security.pathological import CORPUS, ISSUE_CORPUS

pytestmark = pytest.mark.django_db

# The issue's bar is one second on this machine; the renders take a fraction of it.
BOUND = 1.0


def best_of_two(call):
    """The faster of two cold runs (parse cache cleared): the machine is shared, and a
    render that is slow by design is slow both times."""
    first = timed(call)
    if first[1] < BOUND:
        return first
    markdown._convert_within_limits.cache_clear()
    second = timed(call)
    return min(first, second, key=lambda outcome: outcome[1])


@pytest.mark.parametrize("name", list(CORPUS))
def test_rendering_an_article_is_bounded(name):
    text = CORPUS[name]
    # Body and professional section at once: the most one article renders.
    rendered, seconds = best_of_two(lambda: markdown.render_article(text, text))
    assert seconds < BOUND, f"{name}: {seconds:.2f}s"
    if rendered.refusals:
        assert "limit" in rendered.refusals[0]
        assert "Not rendered." in rendered.body_html
    elif text.rstrip().endswith("x"):
        # Accepted text is rendered whole: nothing deep is silently dropped.
        assert re.search(r">x\s*<", rendered.body_html), name


@pytest.mark.parametrize("name", list(CORPUS))
def test_site_pages_and_the_preview_function_are_bounded(name):
    text = CORPUS[name]
    _, seconds = best_of_two(lambda: (markdown.render_plain(text), markdown.markdownify(text)))
    assert seconds < BOUND, f"{name}: {seconds:.2f}s"


@pytest.mark.parametrize("name", list(ISSUE_CORPUS))
def test_the_live_preview_refuses_a_pathological_text_with_a_message(
    client, writer, name, monkeypatch
):
    """Refused by the caps before the parser sees it, or (nesting) by the parser's own
    guard within its one pass."""
    client.force_login(writer)
    counter = _ParseCounter(monkeypatch)
    text = ISSUE_CORPUS[name]
    response = client.post(reverse("markdownx_markdownify"), {"content": text})
    assert response.status_code == 200
    assert "Not rendered." in response.text
    assert "limit" in response.text
    over_the_caps = not _within_the_caps(text)
    assert counter.texts == ([] if over_the_caps else [text])


def _within_the_caps(text: str) -> bool:
    try:
        markdown.check_limits(text)
    except markdown.MarkdownRefused:
        return False
    return True


def test_a_preview_larger_than_django_reads_is_refused_unparsed(client, writer, monkeypatch):
    client.force_login(writer)
    counter = _ParseCounter(monkeypatch)
    text = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("markdownx_markdownify"), {"content": text})
    assert response.status_code == 400
    assert counter.texts == []


def test_deeply_nested_lists_are_refused_not_a_server_error(client, writer):
    client.force_login(writer)
    response = client.post(reverse("markdownx_markdownify"), {"content": "- " * 500 + "x"})
    assert response.status_code == 200
    assert "nested too deeply" in response.text


def test_nesting_within_the_limit_renders_in_full():
    text = "".join("  " * i + f"- level {i}\n" for i in range(markdown.LIMITS.nesting // 2))
    html = markdown.render_plain(text)
    assert f"level {markdown.LIMITS.nesting // 2 - 1}" in html
    assert html.count("<ul>") == markdown.LIMITS.nesting // 2


def test_the_preview_without_content_is_a_bad_request(client, writer):
    client.force_login(writer)
    assert client.post(reverse("markdownx_markdownify"), {}).status_code == 400


def test_the_article_form_refuses_text_beyond_a_limit_with_a_message(client, writer):
    topic = factories.TopicFactory()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Brackets",
            "slug": "brackets",
            "summary": "S.",
            "topic": topic.pk,
            "body": "[" * 20_000,
            "professional_body": "- " * 500 + "x",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "“[” characters" in errors["body"][0]
    assert "nested too deeply" in errors["professional_body"][0]
    assert not Article.objects.filter(slug="brackets").exists()


def test_the_site_page_form_refuses_text_beyond_a_limit(client, editor):
    page = SitePage.objects.update_or_create(
        key=SitePage.Key.EDITORIAL_POLICY, defaults={"title": "Policy", "body": "Ok"}
    )[0]
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_sitepage_change", args=[page.pk]),
        {"key": page.key, "title": "Policy", "body": "<div>" * 40_000},
    )
    assert response.status_code == 200
    assert "the limit is" in response.context["adminform"].form.errors["body"][0]
    page.refresh_from_db()
    assert page.body == "Ok"


@pytest.fixture
def bricked(writer):
    """A draft whose body got past the form's limits (written by a queryset update)."""
    article = factories.ArticleFactory(authors=[writer])
    Article.objects.filter(pk=article.pk).update(body="[" * 20_000 + " [@nosuch]")
    return Article.objects.get(pk=article.pk)


def test_a_saved_pathological_body_leaves_the_change_page_usable(client, writer, bricked):
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[bricked.pk])
    response, seconds = timed(lambda: client.get(url))
    assert response.status_code == 200
    assert seconds < BOUND
    assert "“[” characters" in response.text  # the submission check says why


def test_a_saved_pathological_body_leaves_the_staff_preview_usable(client, writer, bricked):
    client.force_login(writer)
    url = reverse("articles:preview", kwargs={"slug": bricked.slug})
    response, seconds = timed(lambda: client.get(url))
    assert response.status_code == 200
    assert seconds < BOUND
    assert "Not rendered." in response.text


def test_submitting_a_saved_pathological_body_is_refused_quickly(client, writer, bricked):
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[bricked.pk])
    data = change_form_data(client, bricked, _fsm_transition_to="submit")
    data["body"] = bricked.body
    response, seconds = timed(lambda: client.post(url, data, follow=True))
    assert response.status_code == 200
    assert seconds < BOUND
    bricked.refresh_from_db()
    assert bricked.status == Status.DRAFT
    assert bricked.revisions.count() == 0


class _ParseCounter:
    def __init__(self, monkeypatch):
        self.texts: list[str] = []
        original = markdown._MD.render

        def counting(text, env=None):
            self.texts.append(text)
            return original(text, env)

        monkeypatch.setattr(markdown._MD, "render", counting)


def test_the_change_page_parses_each_text_once(client, writer, monkeypatch):
    article = factories.ArticleFactory(authors=[writer], professional_body="For clinicians.")
    client.force_login(writer)
    counter = _ParseCounter(monkeypatch)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    # The checklist and the workflow's condition both check the body: one parse each text.
    assert sorted(counter.texts) == sorted([article.body, article.professional_body])


def test_submit_parses_each_text_once(client, writer, monkeypatch):
    article = factories.ArticleFactory(authors=[writer])
    client.force_login(writer)
    markdown._convert_within_limits.cache_clear()
    counter = _ParseCounter(monkeypatch)
    url = reverse("admin:articles_article_action", args=[article.pk, "submit"])
    client.post(url, factories.read(article))
    article.refresh_from_db()
    assert article.status == Status.SUBMITTED
    assert counter.texts == [article.body]


def test_the_live_preview_is_throttled_per_user(client, writer, other_writer, settings):
    settings.RATELIMIT_ENABLE = True
    settings.VETTED_PREVIEW_RATE = "3/m"
    cache.clear()
    url = reverse("markdownx_markdownify")
    client.force_login(writer)
    statuses = [client.post(url, {"content": f"Draft {i}"}).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    paused = client.post(url, {"content": "Draft"})
    assert "Preview paused" in paused.text
    # Per user, not per address: a colleague at the same desk is unaffected.
    client.force_login(other_writer)
    assert client.post(url, {"content": "Mine"}).status_code == 200
    cache.clear()
