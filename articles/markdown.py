"""The one Markdown pipeline: Markdown -> numbered citations -> nh3 sanitising.

It renders revision snapshots (stored, so public pages never render Markdown per
request) and is MARKDOWNX_MARKDOWNIFY_FUNCTION, so the editor's live preview is
exactly what the public will see.

Rendering is bounded. The engine is markdown-it-py (CommonMark): its parser is
linear in the input by design, where Python-Markdown took seconds to minutes on
some short inputs. What remains is capped (see LIMITS): text beyond a cap is
refused with a message naming the cap, before any parsing when the check is
cheap. The Markdown pass depends only on the text, so its result is kept in a
small per-process cache: the submission check, the workflow's condition, the
snapshot and the staff preview of one body parse it once.
"""

from __future__ import annotations

import functools
import html
import re
import secrets
from dataclasses import dataclass, field

import nh3
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin

from references.citations import (
    CITATION_GROUP_RE,
    CitationKey,
    compress_numbers,
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


@dataclass(frozen=True)
class Limits:
    """What one Markdown field may hold. Measured with scripts/pathological_bench.py:
    the slowest text within these caps renders in a fraction of a second."""

    characters: int = 30_000  # ~5,000 words; a long health article is 10,000, the demo's 2,000
    brackets: int = 2_000  # "[" opens every link and citation; each costs parser work
    html_tags: int = 1_000  # raw HTML: nh3's tree builder is quadratic in nesting depth
    nesting: int = 16  # block levels: a quote is one, a list (list + item) two
    cited_sources: int = 300  # distinct citation keys, resolved in one query
    abbreviations: int = 100  # "*[WHO]: World Health Organization" definitions


LIMITS = Limits()


class MarkdownRefused(ValueError):
    """Text the pipeline will not render; the message says which limit and why."""


# --- the engine ---------------------------------------------------------------

# Our citation marker between the Markdown pass and the numbering pass. The nonce
# keeps writer HTML from forging one (raw HTML passes through the Markdown pass).
_NONCE = secrets.token_hex(8)
_MARKER_RE = re.compile(rf'<sup data-cite-{_NONCE}="([^"]*)"></sup>')
_HTML_TAG_RE = re.compile(r"<[A-Za-z/!?]")
_HEADING_ID_RE = re.compile(r"[ \t]*\{:?[ \t]*#([A-Za-z][\w-]{0,80})[ \t]*\}[ \t]*$")
_ABBREVIATION_RE = re.compile(r"\*\[([^\]\n]{1,100})\]:[ \t]*(.*)$")


class _TooDeep(Exception):
    pass


def _citation_rule(state: StateInline, silent: bool) -> bool:
    """[@key], [@a; @b], [@pmid:…]: before links, so a citation is never a link label."""
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION_GROUP_RE.match(state.src, state.pos, state.posMax)
    if match is None or split_group(match.group(1)) is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = match.group(1)
    state.pos = match.end()
    return True


def _render_citation(self, tokens: list[Token], idx: int, options, env) -> str:
    return f'<sup data-cite-{_NONCE}="{html.escape(tokens[idx].content)}"></sup>'


def _nesting_guard(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    # markdown-it silently drops content nested beyond its maxNesting; refuse instead.
    if state.level > LIMITS.nesting:
        raise _TooDeep
    return False


def _heading_ids(state: StateCore) -> None:
    """A heading ending "{#dosing}" gets that id (as Python-Markdown's attr_list gave it)."""
    tokens = state.tokens
    for i, token in enumerate(tokens[:-1]):
        if token.type != "heading_open" or not tokens[i + 1].children:
            continue
        last = tokens[i + 1].children[-1]
        match = _HEADING_ID_RE.search(last.content) if last.type == "text" else None
        if match:
            last.content = last.content[: match.start()]
            token.attrSet("id", match.group(1))


def _abbreviation_definition(
    state: StateBlock, start_line: int, end_line: int, silent: bool
) -> bool:
    """A line "*[WHO]: World Health Organization" defines an abbreviation (not printed)."""
    if state.sCount[start_line] - state.blkIndent >= 4:  # indented code
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[start : state.eMarks[start_line]]
    match = _ABBREVIATION_RE.match(line)
    if match is None:
        return False
    if not silent:
        definitions = state.env.setdefault("abbreviations", {})
        definitions[match.group(1).strip()] = match.group(2).strip()
    state.line = start_line + 1
    return True


def _abbreviations(state: StateCore) -> None:
    """Wrap each defined abbreviation, as a whole word, in <abbr title="…">."""
    definitions = state.env.get("abbreviations")
    if not definitions or len(definitions) > LIMITS.abbreviations:
        return
    labels = sorted(definitions, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, labels)) + r")(?!\w)")
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        for child in block.children:
            if child.type != "text" or not pattern.search(child.content):
                children.append(child)
                continue
            position = 0
            for match in pattern.finditer(child.content):
                if match.start() > position:
                    children.append(_text(child.content[position : match.start()], child))
                opening = Token("abbr_open", "abbr", 1)
                opening.attrSet("title", definitions[match.group(1)])
                children += [opening, _text(match.group(1), child), Token("abbr_close", "abbr", -1)]
                position = match.end()
            if position < len(child.content):
                children.append(_text(child.content[position:], child))
        block.children = children


def _text(content: str, like: Token) -> Token:
    token = Token("text", "", 0)
    token.content = content
    token.level = like.level
    return token


def _engine() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(deflist_plugin)
    md.block.ruler.before("table", "vetted_nesting_guard", _nesting_guard)
    md.block.ruler.before(
        "reference",
        "vetted_abbreviation",
        _abbreviation_definition,
        {"alt": ["paragraph", "reference"]},
    )
    md.inline.ruler.before("link", "vetted_citation", _citation_rule)
    md.core.ruler.push("vetted_heading_ids", _heading_ids)
    md.core.ruler.push("vetted_abbreviations", _abbreviations)
    md.add_render_rule("citation", _render_citation)
    # Beyond the guard's limit, so the guard (with its message) always speaks first.
    md.options["maxNesting"] = LIMITS.nesting + 4
    return md


_MD = _engine()


@dataclass(frozen=True)
class _Converted:
    html: str = ""  # sanitised, with citation markers still to number
    refusal: str = ""


def check_limits(text: str) -> None:
    """The cheap caps, checked before any parsing. Raises MarkdownRefused."""
    if len(text) > LIMITS.characters:
        raise MarkdownRefused(
            f"The text is too long: {len(text):,} characters; the limit is "
            f"{LIMITS.characters:,}. Split it into more than one article."
        )
    brackets = text.count("[")
    if brackets > LIMITS.brackets:
        raise MarkdownRefused(
            f"The text has {brackets:,} “[” characters (links and citations); "
            f"the limit is {LIMITS.brackets:,}."
        )
    tags = len(_HTML_TAG_RE.findall(text))
    if tags > LIMITS.html_tags:
        raise MarkdownRefused(
            f"The text has {tags:,} HTML tags; the limit is {LIMITS.html_tags:,}. "
            "Use Markdown for structure instead."
        )


@functools.lru_cache(maxsize=16)
def _convert_within_limits(text: str) -> _Converted:
    env: dict = {}
    try:
        raw = _MD.render(text, env)
    except _TooDeep:
        return _Converted(
            refusal=f"Lists and quotes are nested too deeply: the limit is {LIMITS.nesting} "
            f"levels ({LIMITS.nesting} quotes, or {LIMITS.nesting // 2} lists, one inside another)."
        )
    definitions = env.get("abbreviations") or {}
    if len(definitions) > LIMITS.abbreviations:
        return _Converted(
            refusal=f"The text defines {len(definitions):,} abbreviations; the limit is "
            f"{LIMITS.abbreviations}."
        )
    return _Converted(html=_sanitize(raw, keep_markers=True))


def _convert(text: str) -> _Converted:
    try:
        check_limits(text)
    except MarkdownRefused as refusal:
        return _Converted(refusal=str(refusal))
    return _convert_within_limits(text)


def validate_markdown(text: str) -> None:
    """Form validator: the text is within every limit (parsing it once, cached)."""
    refusal = _convert(text or "").refusal
    if refusal:
        raise ValidationError(refusal, code="markdown_refused")


# --- citations and sanitising -----------------------------------------------


@dataclass
class RenderedArticle:
    body_html: str
    professional_html: str = ""
    references: list[Reference] = field(default_factory=list)
    unresolved_keys: list[str] = field(default_factory=list)
    # Why the text was not rendered (a limit it exceeds); the HTML then says so too.
    refusals: list[str] = field(default_factory=list)


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


def _cited_keys(raw_parts: list[str]) -> list[CitationKey]:
    keys: list[CitationKey] = []
    for raw in raw_parts:
        for match in _MARKER_RE.finditer(raw):
            keys.extend(split_group(html.unescape(match.group(1))) or [])
    return keys


def _sanitize(html_text: str, *, keep_markers: bool = False) -> str:
    attributes = ALLOWED_ATTRIBUTES
    if keep_markers:
        attributes = {**attributes, "sup": {*attributes["sup"], f"data-cite-{_NONCE}"}}
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def sanitize(html_text: str) -> str:
    return _sanitize(html_text)


def refusal_html(message: str) -> str:
    return (
        '<div class="markdown-refused"><p><strong>Not rendered.</strong> '
        f"{html.escape(message)}</p></div>"
    )


def render_article(body: str, professional_body: str = "") -> RenderedArticle:
    """Render an article's parts with one shared citation numbering, sanitised.

    Text beyond a limit is not rendered: its part carries a notice instead, and
    `refusals` says why (the submission check refuses such an article).
    """
    raw_parts, refusals = [], []
    for text in (body or "", professional_body or ""):
        converted = _convert(text) if text.strip() else _Converted()
        raw_parts.append(converted.html)
        if converted.refusal:
            refusals.append(converted.refusal)
            raw_parts[-1] = refusal_html(converted.refusal)
    keys = _cited_keys(raw_parts)
    distinct = set(keys)
    if len(distinct) > LIMITS.cited_sources:
        message = (
            f"The article cites {len(distinct):,} different sources; the limit is "
            f"{LIMITS.cited_sources}."
        )
        return RenderedArticle(body_html=refusal_html(message), refusals=[message])
    numbering = _Numbering(resolve_citation_keys(distinct))
    # The parts are sanitised already; numbering swaps our markers for our own markup.
    parts = [_MARKER_RE.sub(numbering.replace, raw) for raw in raw_parts]
    return RenderedArticle(
        body_html=parts[0],
        professional_html=parts[1],
        references=numbering.references,
        unresolved_keys=numbering.unresolved,
        refusals=refusals,
    )


def render_reference_list(references: list[Reference]) -> str:
    return render_to_string("references/_reference_list.html", {"references": references})


def render_plain(text: str) -> str:
    """Markdown without citations (site pages), sanitised; "[@x]" stays as written."""
    converted = _convert(text or "")
    if converted.refusal:
        return refusal_html(converted.refusal)
    return _MARKER_RE.sub(lambda m: html.escape(f"[{html.unescape(m.group(1))}]"), converted.html)


def markdownify(text: str) -> str:
    """markdownx live preview: the page as published, reference list included."""
    rendered = render_article(text)
    return rendered.body_html + sanitize(render_reference_list(rendered.references))
