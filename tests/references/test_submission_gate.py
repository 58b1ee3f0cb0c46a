"""An article cannot go to the board while a citation resolves to nothing or it cites nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from articles.states import Status
from reviews import services
from tests.factories import ArticleFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def test_submit_names_every_key_that_resolves_to_nothing(writer):
    ReferenceFactory(key="known")
    article = ArticleFactory(
        authors=[writer], body="A [@known]. B [@typo2017]. C [@doi:10.9999/missing]."
    )
    with pytest.raises(ValidationError) as info:
        services.article_submit(article=article, user=writer)
    message = " ".join(info.value.messages)
    assert "[@typo2017]" in message
    assert "[@doi:10.9999/missing]" in message
    assert "[@known]" not in message
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.revisions.count() == 0


def test_submit_refuses_an_article_that_cites_no_source(writer):
    article = ArticleFactory(authors=[writer], body="Plain text with no citation at all.")
    with pytest.raises(ValidationError) as info:
        services.article_submit(article=article, user=writer)
    assert "cites no source" in " ".join(info.value.messages)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_a_citation_only_inside_code_does_not_count_as_citing(writer):
    ReferenceFactory(key="known")
    article = ArticleFactory(authors=[writer], body="Write `[@known]` to cite.")
    with pytest.raises(ValidationError, match="cites no source"):
        services.article_submit(article=article, user=writer)


def test_submit_freezes_the_numbered_reference_list(writer):
    first, second = ReferenceFactory(key="first"), ReferenceFactory(key="second")
    article = ArticleFactory(authors=[writer], body="B [@second]. A [@first; @pmid:nope].")
    with pytest.raises(ValidationError, match=r"\[@pmid:nope\]"):
        services.article_submit(article=article, user=writer)
    article.body = "B [@second]. A [@first; @second]."
    article.save()
    services.article_submit(article=article, user=writer)
    article.refresh_from_db()
    links = list(article.current_revision.reference_links.order_by("position"))
    assert [(link.position, link.reference) for link in links] == [(1, second), (2, first)]
    assert '<sup class="citation" id="cite-1">' in article.current_revision.body_html
    assert '>1</a>,<a href="#ref-2"' in article.current_revision.body_html
