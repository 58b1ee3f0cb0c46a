"""No payload of the XSS corpus reaches a page as executable markup.

Each payload goes in through the forms writers use: every field of a library source
(the reference form), and an article's title, summary, body and professional
section (the article form). It is then checked where it shows: the live preview,
the staff preview, the review screen (after submit and claim) and the public pages
(after approval). A payload refused at the door (a null character, a key that
matches no source) is checked on the pages that refused it.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from articles.submission import check_submission
from references.models import Reference
from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST
from tests.security.xss import PAYLOADS, executable_markup

# Slow (the XSS sweep renders every payload through every page):
# `make test` runs it, `make test-fast` leaves it out.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_corpus_is_large_and_the_checker_catches_raw_payloads():
    assert len(PAYLOADS) >= 150
    html_payloads = [p for p in PAYLOADS if p.startswith("<") and "alert" in p]
    caught = [p for p in html_payloads if executable_markup(p)]
    assert len(caught) >= 0.9 * len(html_payloads)


def _reference_form(key: str, payload: str) -> dict:
    compact = re.sub(r"\s", "", payload)
    name = {"family": payload[:200], "given": payload[:200]}
    return {
        "key": key,
        "kind": "research",
        "author": json.dumps([name, {"literal": payload[:200]}]),
        "title": payload,
        "container_title": payload[:300],
        "publisher": payload[:300],
        "year": "2020",
        "volume": payload[:40],
        "issue": payload[:40],
        "page": payload[:60],
        "doi": f"10.1234/{compact}"[:200],
        "url": f"https://example.org/{compact}"[:500],
    }


def _clean(response) -> None:
    assert response.status_code < 500
    problems = executable_markup(response.content.decode())
    assert problems == [], problems


def _add_reference(client: Client, key: str, payload: str) -> Reference | None:
    add = reverse("admin:references_reference_add")
    data = _reference_form(key, payload)
    _clean(client.post(add, data))
    if not Reference.objects.filter(key=key).exists():
        # The identifier fields are validated; the text fields must still get through.
        _clean(client.post(add, {**data, "doi": "", "url": ""}))
    return Reference.objects.filter(key=key).first()


@pytest.mark.parametrize("index", range(len(PAYLOADS)))
def test_a_payload_never_reaches_a_page_as_executable_markup(client, writer, reviewer, index):
    payload = PAYLOADS[index]
    key = f"xss{index}"
    client.force_login(writer)
    reference = _add_reference(client, key, payload)
    cite = f"[@{key}]" if reference else ""
    # Cited first too: a raw-text payload (<iframe>, <xmp>) swallows what follows it.
    body = f"Evidence {cite}.\n\n{payload}\n\nMore {cite}."

    _clean(client.post(reverse("markdownx_markdownify"), {"content": body}))
    _clean(client.post(reverse("markdownx_markdownify"), {"content": payload}))

    topic = factories.TopicFactory()
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": payload[:200],
            "slug": f"xss-{index}",
            "summary": payload,
            "topic": topic.pk,
            "body": body,
            "professional_body": payload,
        },
    )
    _clean(response)
    article = Article.objects.filter(slug=f"xss-{index}").first()
    if article is None or reference is None:
        return  # refused at the door (e.g. a null character): nothing stored to show
    _clean(client.get(reverse("articles:preview", kwargs={"slug": article.slug})))

    if check_submission(article).problems:
        return  # e.g. a citation key that matches no source: it never reaches a reviewer
    article = services.article_submit(article=article, user=writer)
    services.review_start(article=article, user=reviewer)
    client.force_login(reviewer)
    _clean(client.get(reverse("admin:articles_article_review", args=[article.pk])))
    # The revision as readers will see it, shown in the review screen's frame.
    number = article.current_revision.number
    _clean(client.get(reverse("admin:articles_article_read", args=[article.pk, number])))

    services.review_approve(
        article=article,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    reader = Client()
    _clean(reader.get(article.get_absolute_url()))
    _clean(reader.get(reverse("articles:detail_professional", kwargs={"slug": article.slug})))
    _clean(reader.get(topic.get_absolute_url()))
