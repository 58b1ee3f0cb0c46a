"""safe_url: the one check a stored URL passes before a page links it."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from references.links import safe_url

LINKED = [
    ("https://www.nice.org.uk/guidance/cg173", "https://www.nice.org.uk/guidance/cg173"),
    ("http://example.org/a?b=1&c=2#d", "http://example.org/a?b=1&c=2#d"),
    ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/"),
    ("  https://example.org/  ", "https://example.org/"),
    # Browsers drop tabs and newlines inside a URL: the link is what they would follow.
    ("https://exam\tple.org/\n", "https://example.org/"),
    ("/articles/night-cramps/", "/articles/night-cramps/"),
    ("#ref-2", "#ref-2"),
    ("?page=2", "?page=2"),
]

DROPPED = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "  javascript:alert(1)",
    "\x00javascript:alert(1)",
    "\x01\x02 javascript:alert(1)",
    "\u00a0javascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "java\x00script:alert(1)",
    "javascript&#58;alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "%6Aavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://files.example.org/a.pdf",
    "mailto:editor@example.org",  # only where an email link is meant
    # Leave the site without saying where to: protocol-relative, and the backslash forms
    # browsers read as "//".
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "https:evil.example",
    "https:\\\\evil.example",
    "https://",
    "http://[::1",
    "www.example.org/page",
    "",
    "   ",
    None,
]


@pytest.mark.parametrize(("url", "linked"), LINKED)
def test_web_addresses_and_site_paths_are_linked(url, linked):
    assert safe_url(url) == linked


@pytest.mark.parametrize("url", DROPPED)
def test_anything_else_is_not_linked(url):
    assert safe_url(url) == ""


def test_mailto_is_linked_only_where_an_email_link_is_meant():
    assert safe_url("mailto:editor@example.org", mailto=True) == "mailto:editor@example.org"
    assert safe_url("mailto:", mailto=True) == ""
    assert safe_url("javascript:alert(1)", mailto=True) == ""


def _render(source: str, **context) -> str:
    return Template("{% load references %}" + source).render(Context(context))


def test_the_template_filter_links_a_web_address_and_drops_a_script():
    link = '{% with href=url|safe_url %}{% if href %}<a href="{{ href }}">x</a>{% else %}{{ url }}{% endif %}{% endwith %}'  # noqa: E501
    assert _render(link, url="https://example.org/?a=1&b=2") == (
        '<a href="https://example.org/?a=1&amp;b=2">x</a>'
    )
    assert _render(link, url="java\tscript:alert('x')") == "java\tscript:alert(&#x27;x&#x27;)"


def test_the_template_filter_takes_mailto_when_asked():
    assert _render("{{ url|safe_url }}", url="mailto:a@example.org") == ""
    assert _render('{{ url|safe_url:"mailto" }}', url="mailto:a@example.org") == (
        "mailto:a@example.org"
    )
