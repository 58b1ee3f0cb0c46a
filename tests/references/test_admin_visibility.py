"""Issue 10, defect 8: a source's "cited by" list shows a writer only what they may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


def test_a_writer_sees_neither_another_writers_draft_nor_its_submitted_title(client, writer):
    source = factories.ReferenceFactory(key="shared2024")
    other = factories.writer(username="otto")
    factories.ArticleFactory(authors=[other], title="Otto's secret draft", body="X [@shared2024].")
    submitted = factories.ArticleFactory(
        authors=[other], title="Otto's submitted piece", body="Y [@shared2024]."
    )
    services.article_submit(article=submitted, user=other)
    mine = factories.ArticleFactory(authors=[writer], title="My own draft", body="Z [@shared2024].")

    client.force_login(writer)
    html = client.get(reverse("admin:references_reference_change", args=[source.pk])).content
    html = html.decode()
    assert "Otto&#x27;s secret draft" not in html and "Otto's secret draft" not in html
    assert "submitted piece" not in html
    assert "My own draft" in html
    assert reverse("admin:articles_article_change", args=[mine.pk]) in html


def test_a_writer_sees_another_writers_live_article_by_its_public_title(client, writer, reviewer):
    source = factories.ReferenceFactory(key="live2024")
    other = factories.writer(username="otto")
    article = factories.ArticleFactory(
        authors=[other], title="Public title", slug="public-title", body="Y [@live2024]."
    )
    services.article_submit(article=article, user=other)
    services.review_start(article=article, user=reviewer)
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    # Otto starts a new draft with a new working title: not public, not for other writers.
    article.refresh_from_db()
    article.title = "Unpublished new title"
    services.article_save(article=article, user=other, changed_fields={"title"})

    client.force_login(writer)
    html = client.get(reverse("admin:references_reference_change", args=[source.pk])).content
    html = html.decode()
    assert "Public title" in html
    assert "/articles/public-title/" in html
    assert "Unpublished new title" not in html


def test_an_editor_sees_every_citing_article(client, editor):
    source = factories.ReferenceFactory(key="ed2024")
    factories.ArticleFactory(title="Someone's draft", body="X [@ed2024].")
    client.force_login(editor)
    html = client.get(reverse("admin:references_reference_change", args=[source.pk])).content
    assert "Someone&#x27;s draft" in html.decode()
