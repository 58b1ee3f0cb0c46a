"""The one Markdown pipeline: Markdown -> numbered citations -> nh3 sanitising.

It renders revision snapshots (stored, so public pages never render Markdown per
request) and is MARKDOWNX_MARKDOWNIFY_FUNCTION, so the editor's live preview is
exactly what the public will see.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

import markdown
import nh3
from django.template.loader import render_to_string
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from references.citations import (
    CITATION_GROUP_RE,
    CitationKey,
    compress_numbers,
    find_citation_keys,
    split_group,
)
from references.models import Reference
from references.selectors import resolve_citation_keys

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "section",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class", "aria-label"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "sup": {"class", "id"},
    "span": {"class"},
    "li": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "td": {"align"},
    "th": {"align", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Our own marker between the Markdown pass and the numbering pass.
_MARKER_RE = re.compile(r'<sup data-cite="([^"]*)"></sup>')


class _CitationProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802  (Python-Markdown's API)
        if split_group(m.group(1)) is None:
            return None, None, None
        el = etree.Element("sup")
        el.set("data-cite", m.group(1))
        return el, m.start(0), m.end(0)


class _CitationExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802
        # Above links (160) so "[@key]" is never taken for a link reference.
        md.inlinePatterns.register(
            _CitationProcessor(CITATION_GROUP_RE.pattern, md), "vetted-citation", 175
        )


@dataclass
class RenderedArticle:
    body_html: str
    professional_html: str = ""
    references: list[Reference] = field(default_factory=list)
    unresolved_keys: list[str] = field(default_factory=list)


class _Numbering:
    """Numbers sources by first citation across every part of one article."""

    def __init__(self, resolved: dict[CitationKey, Reference]):
        self.resolved = resolved
        self.references: list[Reference] = []
        self.numbers: dict[int, int] = {}
        self.unresolved: list[str] = []

    def replace(self, match: re.Match) -> str:
        group = split_group(html.unescape(match.group(1))) or []
        numbers, missing = [], []
        for key in group:
            ref = self.resolved.get(key)
            if ref is None:
                missing.append(key.written)
                if key.written not in self.unresolved:
                    self.unresolved.append(key.written)
                continue
            if ref.pk not in self.numbers:
                self.references.append(ref)
                self.numbers[ref.pk] = len(self.references)
            numbers.append(self.numbers[ref.pk])
        parts = []
        for start, end in compress_numbers(numbers):
            link = f'<a href="#ref-{start}">{start}</a>'
            if end != start:
                link += f'–<a href="#ref-{end}">{end}</a>'
            parts.append(link)
        for written in missing:
            parts.append(f'<span class="citation-missing">?{html.escape(written)}</span>')
        return f'<sup class="citation">{",".join(parts)}</sup>'


def _markdown_to_html(text: str) -> str:
    return markdown.markdown(
        text or "",
        extensions=["extra", "sane_lists", _CitationExtension()],
        output_format="html",
    )


def sanitize(html_text: str) -> str:
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_article(body: str, professional_body: str = "") -> RenderedArticle:
    """Render an article's parts with one shared citation numbering, sanitised."""
    resolved = resolve_citation_keys(find_citation_keys(f"{body}\n{professional_body}"))
    numbering = _Numbering(resolved)
    parts = []
    for text in (body, professional_body):
        raw = _markdown_to_html(text) if text.strip() else ""
        # Number our markers, then sanitise the whole fragment, writer HTML included.
        parts.append(sanitize(_MARKER_RE.sub(numbering.replace, raw)))
    return RenderedArticle(
        body_html=parts[0],
        professional_html=parts[1],
        references=numbering.references,
        unresolved_keys=numbering.unresolved,
    )


def render_reference_list(references: list[Reference]) -> str:
    return render_to_string("references/_reference_list.html", {"references": references})


def render_plain(text: str) -> str:
    """Markdown without citations (site pages), sanitised."""
    return sanitize(_markdown_to_html(text))


def markdownify(text: str) -> str:
    """markdownx live preview: the page as published, reference list included."""
    rendered = render_article(text)
    return rendered.body_html + sanitize(render_reference_list(rendered.references))
