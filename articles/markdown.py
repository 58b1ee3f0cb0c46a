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
import json
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

from articles import evidence
from articles.audiences import Audience
from images import rendering as image_rendering
from images.models import Image
from images.selectors import images_by_id
from references.citations import (
    CITATION_GROUP_RE,
    CitationKey,
    compress_numbers,
    split_group,
)
from references.links import LINK_SCHEMES
from references.listing import reference_list
from references.models import Reference
from references.selectors import resolve_citation_keys

# No <img>: writers insert figures from the image library (![alt](image:42)), whose
# markup this module writes after sanitising; an image from anywhere else is refused.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "section",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
# What writers' HTML may carry. No ids, classes or ARIA on links, superscripts or list
# items: those are the citation and reference-list markup this module generates after
# sanitising (ids cite-N and ref-N, aria-label "Source N"), which writer HTML must never
# forge. Headings may carry an id ("## Dosing {#dosing}") outside the ids the page uses.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "td": {"align"},
    "th": {"align", "scope"},
}
# Ids the page generates or its templates use: a writer's heading may not take them.
_RESERVED_ID_RE = re.compile(
    r"^(?:(?:ref|cite|evidence)-.*|.*-heading|article-.*|main|content-main|page-title|site-.*"
    r"|feedback|audience.*|sources|topics|reader|searchbar|toolbar|search-.*|personalize.*)$",
    re.IGNORECASE,
)
# Our own reference-list markup, when it is sanitised for the markdownx preview.
_GENERATED_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "a": {"href", "title", "class", "aria-label"},
    "li": {"id", "value"},
    "span": {"class", "aria-hidden"},
    "section": {"class", "aria-labelledby"},
    "h3": {"id"},
    "ol": {"class", "start"},
    "ul": {"class"},
}
URL_SCHEMES = set(LINK_SCHEMES)


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
# An image's marker, alone in its paragraph (a figure) or within a line (a picture).
_IMAGE_MARKER = rf'<span data-image-{_NONCE}="([^"]*)"></span>'
_IMAGE_RE = re.compile(rf"<p>{_IMAGE_MARKER}</p>|{_IMAGE_MARKER}")
_RAW_IMG_RE = re.compile(r"<img\b", re.IGNORECASE)
LIBRARY_IMAGE_RE = re.compile(r"^image:(\d{1,12})$")
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


def _render_image(self, tokens: list[Token], idx: int, options, env) -> str:
    """![alt](src "title") -> our marker; resolved (or refused) after sanitising."""
    token = tokens[idx]
    data = {
        "src": str(token.attrs.get("src") or ""),
        "alt": self.renderInlineAsText(token.children or [], options, env),
        "title": str(token.attrs.get("title") or ""),
    }
    return f'<span data-image-{_NONCE}="{html.escape(json.dumps(data))}"></span>'


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
    md.add_render_rule("image", _render_image)
    # Beyond the guard's limit, so the guard (with its message) always speaks first.
    md.options["maxNesting"] = LIMITS.nesting + 4
    return md


_MD = _engine()


@dataclass(frozen=True)
class _Converted:
    html: str = ""  # sanitised, with citation and image markers still to resolve
    refusal: str = ""
    raw_images: int = 0  # <img> tags written as raw HTML (dropped by the sanitiser)


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
    return _Converted(
        html=_sanitize(raw, keep_markers=True), raw_images=len(_RAW_IMG_RE.findall(raw))
    )


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


def validate_section_markdown(text: str) -> None:
    """An evidence section: shorter than a body (articles.evidence), else as any text."""
    if len(text or "") > evidence.SECTION_CHARACTERS:
        raise ValidationError(
            f"A section may hold {evidence.SECTION_CHARACTERS:,} characters; this one has "
            f"{len(text):,}. Split it, or move the detail into the body.",
            code="markdown_refused",
        )
    validate_markdown(text)


# --- citations, images and sanitising -----------------------------------------

# The Markdown parts of an article, in reading order. They are rendered together, so a
# source is numbered once across all of them, as the published page numbers it. A part
# added later (a new section) is one more name here, and one more field on Article.
ARTICLE_PARTS = ("body", "professional_body")


@dataclass
class RenderedArticle:
    # Sanitised HTML of each part, by name (ARTICLE_PARTS).
    parts: dict[str, str] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    unresolved_keys: list[str] = field(default_factory=list)
    # Why the text was not rendered (a limit it exceeds); the HTML then says so too.
    refusals: list[str] = field(default_factory=list)
    # Library images shown, in order of first appearance, each with the file it showed.
    images: list[Image] = field(default_factory=list)
    unknown_images: list[str] = field(default_factory=list)  # "image:999"
    external_images: list[str] = field(default_factory=list)  # "https://…/x.png"
    # The evidence sections as a revision freezes them (see render_pages), and each
    # page's reference list in the order of its numbers (`references` lists every source
    # cited anywhere: the professional page's, then any cited only for patients).
    sections: list[dict] = field(default_factory=list)
    page_references: dict[str, list[Reference]] = field(default_factory=dict)

    @property
    def body_html(self) -> str:
        return self.parts.get("body", "")

    @property
    def professional_html(self) -> str:
        return self.parts.get("professional_body", "")

    def reference_numbers(self) -> dict[str, list[int]]:
        """Each page's sources as ids, in the order of its numbers (as a revision keeps it)."""
        return {page: [ref.pk for ref in refs] for page, refs in self.page_references.items()}


def _missing_citation(key: CitationKey) -> str:
    """An unknown key, unmistakable in the preview: what was written and why it failed."""
    if key.scheme == "key":
        reason = "no source in the library has this key"
    else:
        reason = f"no source in the library has this {key.scheme.upper()}; add it with “Cite”"
    return (
        f'<mark class="citation-missing"><span aria-hidden="true">⚠ </span>'
        f"[@{html.escape(key.written)}] <em>{html.escape(reason)}</em></mark>"
    )


class _Resolver:
    """Numbers sources by first citation, and places library images, across every part
    of one article."""

    def __init__(self, resolved: dict[CitationKey, Reference], images: dict[int, Image]):
        self.resolved = resolved
        self.library = images
        self.references: list[Reference] = []
        self.numbers: dict[int, int] = {}
        self.unresolved: list[str] = []
        self.images: list[Image] = []
        self.unknown_images: list[str] = []
        self.external_images: list[str] = []
        self.citations = 0

    def citation(self, match: re.Match) -> str:
        group = split_group(html.unescape(match.group(1))) or []
        numbers, missing = [], []
        for key in group:
            ref = self.resolved.get(key)
            if ref is None:
                missing.append(key)
                if key.written not in self.unresolved:
                    self.unresolved.append(key.written)
                continue
            if ref.pk not in self.numbers:
                self.references.append(ref)
                self.numbers[ref.pk] = len(self.references)
            numbers.append(self.numbers[ref.pk])
        parts = []
        for start, end in compress_numbers(numbers):
            # The superscript shows "1" or "1–3"; a screen reader says "Source 1" or
            # "Sources 1 to 3" (not a bare digit after the sentence's last word).
            if end == start:
                parts.append(f'<a href="#ref-{start}" aria-label="Source {start}">{start}</a>')
            else:
                parts.append(
                    f'<a href="#ref-{start}" aria-label="Sources {start} to {end}">'
                    f"{start}–{end}</a>"
                )
        marked = ""
        if parts:
            # A unique id per citation on the page: the reference list links back to it.
            self.citations += 1
            marked = f'<sup class="citation" id="cite-{self.citations}">{",".join(parts)}</sup>'
        return marked + "".join(_missing_citation(key) for key in missing)

    def image(self, match: re.Match) -> str:
        block = match.group(1) is not None
        data = _image_data(match.group(1) if block else match.group(2))
        src = data.get("src", "")
        found = LIBRARY_IMAGE_RE.match(src)
        image = self.library.get(int(found.group(1))) if found else None
        if image is None:
            if found:
                self.unknown_images.append(src)
                notice = f"{src} is not in the image library"
            else:
                self.external_images.append(src)
                notice = (
                    f"External image not shown ({src}): upload it to the image library and "
                    "insert it from there"
                )
            mark = (
                f'<mark class="image-refused"><span aria-hidden="true">⚠ </span>'
                f"{html.escape(notice)}.</mark>"
            )
            return f"<p>{mark}</p>" if block else mark
        if image not in self.images:
            self.images.append(image)
        if block:
            return image_rendering.figure_html(
                image, image.current_version, alt=data.get("alt", ""), caption=data.get("title", "")
            )
        return image_rendering.picture_html(
            image.current_version, data.get("alt") or image.alt_text
        )


def _image_data(escaped: str) -> dict[str, str]:
    try:
        data = json.loads(html.unescape(escaped))
    except ValueError:
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _cited_keys(raw_parts: list[str]) -> list[CitationKey]:
    keys: list[CitationKey] = []
    for raw in raw_parts:
        for match in _MARKER_RE.finditer(raw):
            keys.extend(split_group(html.unescape(match.group(1))) or [])
    return keys


def _image_ids(raw_parts: list[str]) -> set[int]:
    ids = set()
    for raw in raw_parts:
        for match in _IMAGE_RE.finditer(raw):
            found = LIBRARY_IMAGE_RE.match(
                _image_data(match.group(1) or match.group(2)).get("src", "")
            )
            if found:
                ids.add(int(found.group(1)))
    return ids


def _writer_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: a writer's id may not take one the page uses."""
    if attribute == "id" and _RESERVED_ID_RE.match(value):
        return None
    return value


def _sanitize(html_text: str, *, keep_markers: bool = False) -> str:
    attributes = ALLOWED_ATTRIBUTES
    if keep_markers:
        attributes = {
            **attributes,
            "sup": {f"data-cite-{_NONCE}"},
            "span": {f"data-image-{_NONCE}"},
        }
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        attributes=attributes,
        attribute_filter=_writer_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def sanitize(html_text: str) -> str:
    """Writer HTML: the tags and attributes writers may use."""
    return _sanitize(html_text)


def sanitize_generated(html_text: str) -> str:
    """Markup our own templates wrote (a reference list), sanitised as a second line of
    defence: it may keep the ids, classes and labels those templates give it."""
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS | {"mark"},
        attributes=_GENERATED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def refusal_html(message: str) -> str:
    return (
        '<div class="markdown-refused"><p><strong>Not rendered.</strong> '
        f"{html.escape(message)}</p></div>"
    )


def render_parts(parts: list[tuple[str, str]]) -> RenderedArticle:
    """Render an article's Markdown parts, in reading order, with one shared citation
    numbering and the library's images, sanitised. The one rendering of an article: the
    editor's live preview, the staff preview and the snapshot frozen at submit all call it.

    Text beyond a limit is not rendered: its part carries a notice instead, and
    `refusals` says why (the submission check refuses such an article). Raw HTML images
    are dropped by the sanitiser and counted in `external_images`.
    """
    raw_parts, refusals, raw_images = [], [], 0
    for _name, text in parts:
        converted = _convert(text) if (text or "").strip() else _Converted()
        raw_parts.append(converted.html)
        raw_images += converted.raw_images
        if converted.refusal:
            refusals.append(converted.refusal)
            raw_parts[-1] = refusal_html(converted.refusal)
    names = [name for name, _text in parts]
    keys = _cited_keys(raw_parts)
    distinct = set(keys)
    if len(distinct) > LIMITS.cited_sources:
        message = (
            f"The article cites {len(distinct):,} different sources; the limit is "
            f"{LIMITS.cited_sources}."
        )
        html_parts = dict.fromkeys(names, "")
        html_parts[names[0]] = refusal_html(message)
        return RenderedArticle(parts=html_parts, refusals=[message])
    resolver = _Resolver(resolve_citation_keys(distinct), images_by_id(_image_ids(raw_parts)))
    # The parts are sanitised already; the resolver swaps our markers for our own markup.
    rendered = {
        name: _IMAGE_RE.sub(resolver.image, _MARKER_RE.sub(resolver.citation, raw))
        for name, raw in zip(names, raw_parts, strict=True)
    }
    external = resolver.external_images + ["<img> written as HTML"] * raw_images
    return RenderedArticle(
        parts=rendered,
        references=resolver.references,
        unresolved_keys=resolver.unresolved,
        refusals=refusals,
        images=resolver.images,
        unknown_images=resolver.unknown_images,
        external_images=external,
    )


def article_parts(article: object) -> list[tuple[str, str]]:
    """An article's (or a revision's) Markdown parts, in reading order."""
    return [(name, getattr(article, name, "") or "") for name in ARTICLE_PARTS]


def render_working_copy(article: object) -> RenderedArticle:
    """Render a whole working copy (saved or not) exactly as it would be published."""
    return render_pages(
        getattr(article, "body", "") or "",
        getattr(article, "professional_body", "") or "",
        evidence.working_sections(article),
    )


def _merged(*lists: list) -> list:
    seen: list = []
    for items in lists:
        seen.extend(item for item in items if item not in seen)
    return seen


def render_pages(
    body: str, professional_body: str, sections: list[evidence.SectionText]
) -> RenderedArticle:
    """Render an article with its evidence sections, as each page reads it.

    The professional page reads body, professional section, then its sections; the
    patient page body, then its sections. Each page numbers its sources by first
    citation in that order, so a section shown on both pages may carry different numbers
    on each: it is rendered once per page. The body comes first on both pages, so its
    HTML (and its numbers) are the same on both. Problems are reported once, whichever
    page shows the text.
    """
    sections = list(sections)
    refusals: list[str] = []
    if len(sections) > evidence.MAX_SECTIONS:
        refusals.append(
            f"The article has {len(sections)} evidence sections; the limit is "
            f"{evidence.MAX_SECTIONS}."
        )
        sections = sections[: evidence.MAX_SECTIONS]
    texts: list[str | None] = []
    too_long: dict[int, str] = {}
    for i, section in enumerate(sections):
        if len(section.body) > evidence.SECTION_CHARACTERS:
            too_long[i] = (
                f"The section “{section.title}” is too long: {len(section.body):,} "
                f"characters; the limit for a section is {evidence.SECTION_CHARACTERS:,}."
            )
            refusals.append(too_long[i])
            texts.append(None)
        else:
            texts.append(section.body)

    def page_parts(page: Audience) -> list[tuple[str, str]]:
        parts = [("body", body)]
        if page == Audience.PROFESSIONAL:
            parts.append(("professional_body", professional_body))
        return parts + [
            (f"section-{i}", text or "")
            for i, (section, text) in enumerate(zip(sections, texts, strict=True))
            if evidence.shown_on(section.audience, page)
        ]

    professional = render_parts(page_parts(Audience.PROFESSIONAL))
    patient_parts = page_parts(Audience.PATIENT)
    if len(patient_parts) == 1 and not professional_body.strip():
        patient = professional  # the same text in the same order: the same numbers
    else:
        patient = render_parts(patient_parts)
    pages = {Audience.PATIENT: patient, Audience.PROFESSIONAL: professional}
    frozen = []
    for i, section in enumerate(sections):
        html_by_page = {}
        for page, rendered in pages.items():
            if evidence.shown_on(section.audience, page):
                html_by_page[page] = (
                    refusal_html(too_long[i])
                    if i in too_long
                    else rendered.parts.get(f"section-{i}", "")
                )
        frozen.append(
            {
                "kind": section.kind,
                "heading": section.heading,
                "title": section.title,
                "audience": section.audience,
                "body": section.body,
                "html": html_by_page,
            }
        )
    return RenderedArticle(
        parts={
            "body": professional.parts.get("body", ""),
            "professional_body": professional.parts.get("professional_body", ""),
        },
        references=_merged(professional.references, patient.references),
        unresolved_keys=_merged(professional.unresolved_keys, patient.unresolved_keys),
        refusals=_merged(refusals, professional.refusals, patient.refusals),
        images=_merged(professional.images, patient.images),
        unknown_images=_merged(professional.unknown_images, patient.unknown_images),
        external_images=_merged(professional.external_images, patient.external_images),
        sections=frozen,
        page_references={page: list(r.references) for page, r in pages.items()},
    )


# "<sup class="citation" id="cite-3"><a href="#ref-1" aria-label="Source 1">…": this
# module's own markup (writer HTML cannot carry these attributes; see ALLOWED_ATTRIBUTES).
_CITATION_RE = re.compile(r'<sup class="citation" id="(cite-\d+)">(.*?)</sup>')
_CITED_RE = re.compile(r'aria-label="Sources? (\d+)(?: to (\d+))?"')


def citation_anchors(html_parts: list[str]) -> dict[int, list[str]]:
    """Where each numbered source is cited in rendered HTML: {number: [citation ids]},
    in reading order, for the reference list's links back to the text."""
    anchors: dict[int, list[str]] = {}
    for part in html_parts:
        for citation in _CITATION_RE.finditer(part or ""):
            for cited in _CITED_RE.finditer(citation.group(2)):
                start = int(cited.group(1))
                end = int(cited.group(2) or start)
                for number in range(start, end + 1):
                    anchors.setdefault(number, []).append(citation.group(1))
    return anchors


def render_article(body: str, professional_body: str = "") -> RenderedArticle:
    """The body and professional section given as text (see render_parts)."""
    return render_parts([("body", body), ("professional_body", professional_body)])


def render_reference_list(references: list[Reference], html_parts: list[str] = ()) -> str:
    """The numbered list, linking back to the citations in `html_parts` (rendered text)."""
    listed = reference_list(references, anchors=citation_anchors(list(html_parts)))
    return render_to_string("references/_reference_list.html", {"reference_list": listed})


def render_plain(text: str) -> str:
    """Markdown without citations (site pages), sanitised; "[@x]" stays as written."""
    converted = _convert(text or "")
    if converted.refusal:
        return refusal_html(converted.refusal)
    plain = _MARKER_RE.sub(lambda m: html.escape(f"[{html.unescape(m.group(1))}]"), converted.html)
    resolver = _Resolver({}, images_by_id(_image_ids([plain])))
    return _IMAGE_RE.sub(resolver.image, plain)


def markdownify(text: str) -> str:
    """markdownx live preview of one text: the page as published, reference list included."""
    rendered = render_article(text)
    return rendered.body_html + sanitize_generated(
        render_reference_list(rendered.references, [rendered.body_html])
    )
