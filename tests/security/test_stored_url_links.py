"""A source's stored URL becomes a link only through references.links.safe_url.

The URL is written straight into the database (a queryset update skips every form and
validator), then the source is shown wherever pages print it: the review screen, the
approve page, the public article page (its reference list and JSON-LD) and the source
admin. No link, script or frame on any of them may carry it.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import ContactMessage
from references.models import Reference
from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST
from tests.security.xss import executable_markup

pytestmark = pytest.mark.django_db

UNSAFE_URLS = [
    "javascript:alert(document.cookie)",
    "java\tscript:alert(document.cookie)",
    "  JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(document.cookie)</script>",
]
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "data", "poster"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


class _Links(HTMLParser):
    """Every URL-carrying attribute of a page, as a browser reads it (charrefs decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in _URL_ATTRIBUTES and value]


def _schemes(html: str) -> set[str]:
    """The schemes of every link on the page, read as a browser reads them: tabs and
    newlines removed, controls and spaces stripped at the ends, case folded."""
    parser = _Links()
    parser.feed(html)
    schemes = set()
    for url in parser.urls:
        read = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21)))).lower()
        if match := _SCHEME.match(read):
            schemes.add(match.group(1))
    return schemes


def _no_unsafe_link(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert _schemes(html) <= {"http", "https", "mailto"}, _schemes(html)
    assert executable_markup(html) == []
    return html


@pytest.fixture(params=UNSAFE_URLS, ids=["javascript", "tab", "spaces-and-case", "data"])
def unsafe_source(request):
    source = factories.ReferenceFactory(key="webpage2024", kind=Reference.Kind.WEBPAGE)
    Reference.objects.filter(pk=source.pk).update(url=request.param)
    source.refresh_from_db()
    assert source.url == request.param
    return source


@pytest.fixture
def citing(unsafe_source, writer, reviewer):
    """An article citing the source, with the board (claimed by `reviewer`)."""
    article = factories.ArticleFactory(authors=[writer], body="See the page [@webpage2024].")
    article = services.article_submit(article=article, user=writer)
    return services.review_start(article=article, user=reviewer)


def test_the_review_screen_prints_the_url_as_text_not_as_a_link(client, reviewer, citing):
    client.force_login(reviewer)
    html = _no_unsafe_link(client.get(reverse("admin:articles_article_review", args=[citing.pk])))
    assert "Web page, not linked (not a web address)" in html


def test_the_approve_page_does_not_link_it(client, reviewer, citing):
    client.force_login(reviewer)
    html = _no_unsafe_link(
        client.get(reverse("admin:articles_article_action", args=[citing.pk, "approve"]))
    )
    assert "Web page, not linked (not a web address)" in html


def test_the_public_page_does_not_link_it(client, reviewer, citing):
    services.review_approve(
        article=citing,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    client.logout()
    html = _no_unsafe_link(client.get(citing.get_absolute_url()))
    assert 'id="ref-1"' in html  # the source is listed, without its link
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    citations = json.loads(data.group(1))["citation"]
    assert [c.get("url") for c in citations] == [None]


def test_the_source_admin_does_not_link_it(client, editor, reviewer, unsafe_source):
    """The editor's change form, and the reviewer's read-only view of it."""
    url = reverse("admin:references_reference_change", args=[unsafe_source.pk])
    for person in (editor, reviewer):
        client.force_login(person)
        _no_unsafe_link(client.get(url))


def test_a_web_address_is_still_linked_everywhere(client, writer, reviewer):
    source = factories.ReferenceFactory(key="webpage2024", kind=Reference.Kind.WEBPAGE)
    Reference.objects.filter(pk=source.pk).update(url="https://www.nhs.uk/conditions/cramp/")
    article = factories.ArticleFactory(authors=[writer], body="See the page [@webpage2024].")
    article = services.article_submit(article=article, user=writer)
    article = services.review_start(article=article, user=reviewer)
    client.force_login(reviewer)
    link = 'href="https://www.nhs.uk/conditions/cramp/"'
    assert link in client.get(reverse("admin:articles_article_review", args=[article.pk])).text
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    client.logout()
    assert link in client.get(article.get_absolute_url()).text


def test_a_readers_article_address_is_linked_only_if_it_is_a_web_address(client, editor):
    message = ContactMessage.objects.create(
        name="Ann", email="ann@example.org", kind="error", message="A typo in the dose."
    )
    ContactMessage.objects.filter(pk=message.pk).update(article_url="javascript:alert(1)")
    client.force_login(editor)
    url = reverse("admin:articles_contactmessage_change", args=[message.pk])
    html = _no_unsafe_link(client.get(url))
    assert "javascript:alert(1)" in html  # shown as text
