"""The submission check, and one rendering per submit."""

from __future__ import annotations

import pytest

from articles import markdown
from articles.submission import check_submission
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def render_count(monkeypatch):
    """Count every call to the one Markdown pipeline (articles.markdown.render_parts)."""
    calls = []
    real = markdown.render_parts

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(markdown, "render_parts", counting)
    return calls


def test_one_submit_renders_the_markdown_once(draft, writer, render_count):
    article = services.article_submit(article=draft, user=writer)

    assert len(render_count) == 1
    # ... and that one rendering is what the revision froze.
    assert article.current_revision.body_html == markdown.render_working_copy(draft).body_html


def test_a_refused_submit_renders_once_too_and_freezes_nothing(writer, render_count):
    article = factories.ArticleFactory(authors=[writer], body="Claim [@nosuchkey].")

    with pytest.raises(Exception, match=r"\[@nosuchkey\]"):
        services.article_submit(article=article, user=writer)

    assert len(render_count) == 1
    assert not article.revisions.exists()


def test_an_empty_body_is_refused_without_rendering(writer, render_count):
    article = factories.ArticleFactory(authors=[writer], body="  ")

    assert check_submission(article).problems == ["The body is empty."]
    assert render_count == []


def test_an_article_citing_nothing_is_not_ready(writer):
    article = factories.ArticleFactory(authors=[writer], body="No sources at all.")

    submission = check_submission(article)

    assert not submission.ready
    assert submission.problems == ["The article cites no source; cite at least one reference."]
