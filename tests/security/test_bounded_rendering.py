"""Every path that renders writer Markdown does work in proportion to the text, or refuses.

The corpus (tests/security/pathological.py) holds the issue's inputs, which took
from 3 s to past the 30 s worker timeout (or raised RecursionError), and texts at
each cap. The work each one costs is counted (tests/work.py: function calls, not
seconds) through the functions every path shares and through the endpoints writers
reach: the live preview, the change page, the staff preview and submit. A renderer
that went quadratic or backtracking again, or a cap that stopped refusing before the
parse, multiplies the count many times over and fails the bound; the time each input
takes is printed by scripts/pathological_bench.py.
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
from tests.security.pathological import CORPUS, ISSUE_CORPUS
from tests.work import calls

# Slow (the pathological-input sweep renders every corpus text on every path):
# `make test` runs it, `make test-fast` leaves it out.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Linear work: the costliest accepted text (a 30,000-character list) makes some 58 calls
# a character; quadratic work on a text that long would make thousands a character.
CALLS_PER_CHARACTER = 100


def within_linear_bound(text: str, count: int) -> bool:
    return count <= CALLS_PER_CHARACTER * len(text) + 10_000


def counted(send):
    """`send()`'s response and the calls it made, once this process has loaded what any
    first request loads (templates, URL patterns), and with no parse cached."""
    send()
    markdown._convert_within_limits.cache_clear()
    with calls() as count:
        response = send()
    return response, count.calls


def ordinary_work(send) -> int:
    """The calls `send()` makes for an ordinary article (a saved pathological body must
    cost no more): a whole admin page makes some 160,000."""
    return counted(send)[1]


@pytest.mark.parametrize("name", list(CORPUS))
def test_rendering_a_text_is_bounded_on_every_path(name):
    """An article's body and professional section, a site page and the preview function:
    one parse (they share it), work linear in the text, or a refusal."""
    text = CORPUS[name]
    with calls() as count:
        rendered = markdown.render_article(text, text)
        markdown.render_plain(text)
        markdown.markdownify(text)
    assert within_linear_bound(text, count.calls), f"{name}: {count.calls:,} calls"
    if rendered.refusals:
        assert "limit" in rendered.refusals[0]
        assert "Not rendered." in rendered.body_html
    elif text.rstrip().endswith("x"):
        # Accepted text is rendered whole: nothing deep is silently dropped.
        assert re.search(r">x\s*<", rendered.body_html), name


@pytest.mark.parametrize("name", list(ISSUE_CORPUS))
def test_the_issues_texts_are_refused_before_they_are_parsed(name):
    """The caps are cheap checks on the text: the engine never sees these (but for the
    nesting guard, which stops the parse at the first level too deep)."""
    text = ISSUE_CORPUS[name]
    with calls() as count:
        rendered = markdown.render_article(text)
    assert rendered.refusals
    assert count.calls <= 10_000, f"{name}: {count.calls:,} calls"


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
def ordinary(writer):
    return factories.ArticleFactory(authors=[writer])


@pytest.fixture
def bricked(writer):
    """A draft whose body got past the form's limits (written by a queryset update)."""
    article = factories.ArticleFactory(authors=[writer])
    Article.objects.filter(pk=article.pk).update(body="[" * 20_000 + " [@nosuch]")
    return Article.objects.get(pk=article.pk)


def change_page(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def test_a_saved_pathological_body_leaves_the_change_page_usable(client, writer, bricked, ordinary):
    client.force_login(writer)
    usual = ordinary_work(lambda: client.get(change_page(ordinary)))
    response, work = counted(lambda: client.get(change_page(bricked)))
    assert response.status_code == 200
    assert work <= 1.5 * usual, f"{work:,} calls; an ordinary article's page {usual:,}"
    assert "“[” characters" in response.text  # the submission check says why


def test_a_saved_pathological_body_leaves_the_staff_preview_usable(
    client, writer, bricked, ordinary
):
    client.force_login(writer)

    def staff_preview(article):
        return client.get(reverse("articles:preview", kwargs={"slug": article.slug}))

    usual = ordinary_work(lambda: staff_preview(ordinary))
    response, work = counted(lambda: staff_preview(bricked))
    assert response.status_code == 200
    assert work <= 1.5 * usual, f"{work:,} calls; an ordinary article's preview {usual:,}"
    assert "Not rendered." in response.text


def test_submitting_a_saved_pathological_body_is_refused_quickly(client, writer, bricked, ordinary):
    client.force_login(writer)
    usual = ordinary_work(lambda: client.get(change_page(ordinary)))
    data = change_form_data(client, bricked, _fsm_transition_to="submit")
    data["body"] = bricked.body
    response, work = counted(lambda: client.post(change_page(bricked), data, follow=True))
    assert response.status_code == 200
    # The refused post answers with the change page again: about one page's work.
    assert work <= 1.5 * usual, f"{work:,} calls; an ordinary article's page {usual:,}"
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
