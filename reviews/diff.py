"""What changed between two revisions, as a reader would notice it (stdlib difflib).

The body is compared as rendered text, not Markdown: each revision's stored, sanitised
HTML is read into blocks (headings, paragraphs, list items, quotes, table cells) with
their citations, the blocks are aligned, and changed blocks are compared word by word.
Citations are compared by source, not by number: before reading, each citation's numbers
are replaced by the keys of the sources they stand for (`keyed_citations`), so citing one
more source near the top, which renumbers every later citation, is not a change. The
review screen prints the result inline (deletions struck through, insertions underlined,
in reading order) or side by side.

Every piece of text is escaped; the only markup added is <ins>, <del> and <sup>, so the
output is safe to print in the admin.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.audiences import Audience, SectionAudience
from articles.models import ArticleRevision

TEXT_FIELDS = (("title", "Title"), ("summary", "Summary"))
RENDERED_FIELDS = (("body_html", "Body"), ("professional_html", "Professional section"))

# Words, punctuation and whitespace, so a change marks whole words ("500" in "500 mg,").
_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]")
# Blocks in the rendered HTML, and the inline element whose text is a citation number.
_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dt", "dd"}
)
_SUP = "\x01"  # marks citation text inside a block (never in sanitised text)
# Our own citation markup (articles.markdown): "<sup class="citation" id="cite-3"><a
# href="#ref-1" aria-label="Source 1">1</a></sup>"; writer HTML cannot carry these attributes.
_CITATION_RE = re.compile(r'<sup class="citation" id="cite-\d+">(.*?)</sup>', re.DOTALL)
_CITED_RE = re.compile(r'aria-label="Sources? (\d+)(?: to (\d+))?"')
# Below this similarity a changed block reads better as removed-and-added than word by word.
_PAIR_RATIO = 0.4


@dataclass
class TextDiff:
    label: str
    old: SafeString
    new: SafeString
    inline: SafeString
    changed: bool


def _mark(tag: str, text: str) -> str:
    return f"<{tag}>{_escape(text)}</{tag}>" if text else ""


def _escape(text: str) -> str:
    """Escape, then print citation numbers (between _SUP marks) as superscripts."""
    parts = escape(text).split(_SUP)
    return "".join(f"<sup>{p}</sup>" if i % 2 else p for i, p in enumerate(parts))


def _tokens(text: str) -> list[str]:
    # A citation (marked) is one token, so "1,2" changing to "1-3" is one change.
    pieces = re.split(f"({_SUP}[^{_SUP}]*{_SUP})", text)
    tokens: list[str] = []
    for piece in pieces:
        if piece.startswith(_SUP):
            tokens.append(piece)
        elif piece:
            tokens.extend(_TOKEN_RE.findall(piece))
    return tokens


def _runs(a: list[str], b: list[str]) -> list[tuple[str, str, str]]:
    """(op, old text, new text) runs; a change split only by a space reads as one change
    ("500 mg" → "1 g", not "500" → "1" and "mg" → "g")."""
    runs: list[tuple[str, str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        op = "equal" if op == "equal" else "change"
        if (
            op == "change"
            and len(runs) >= 2
            and runs[-1][0] == "equal"
            and not runs[-1][1].strip()
            and runs[-2][0] == "change"
        ):
            space = runs.pop()[1]
            _, before_old, before_new = runs.pop()
            removed, added = before_old + space + removed, before_new + space + added
        runs.append((op, removed, added))
    return runs


def diff_text(old: str, new: str, *, label: str = "") -> TextDiff:
    """Word-level diff: old side with <del>, new side with <ins>, and both inline."""
    old, new = old or "", new or ""
    left, right, inline = [], [], []
    for op, removed, added in _runs(_tokens(old), _tokens(new)):
        if op == "equal":
            left.append(_escape(removed))
            right.append(_escape(added))
            inline.append(_escape(added))
            continue
        left.append(_mark("del", removed))
        right.append(_mark("ins", added))
        inline.append(_mark("del", removed) + _mark("ins", added))
    return TextDiff(
        label=label,
        old=mark_safe("".join(left)),  # every token escaped above
        new=mark_safe("".join(right)),
        inline=mark_safe("".join(inline)),
        changed=old != new,
    )


# --- rendered HTML as blocks of text ----------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: str  # the element: "p", "h2", "li" …
    text: str  # its text, citations marked with _SUP


class _BlockReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._kind = ""

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text.replace(_SUP, "").strip():
            self.blocks.append(Block(self._kind or "p", text))
        self._text = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            self._kind = tag
        elif tag == "sup":
            self._text.append(_SUP)
        elif tag == "br":
            self._text.append(" ")
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self._text.append(_SUP)
        if tag in _BLOCK_TAGS:
            self._flush()
            # Text after a nested block (e.g. a list inside a list item) belongs to the outer one.
            self._kind = next((t for t in reversed(self._stack[:-1]) if t in _BLOCK_TAGS), "")
        if tag in self._stack:
            del self._stack[len(self._stack) - 1 - self._stack[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        self._text.append(data.replace(_SUP, ""))

    def close(self) -> None:
        super().close()
        self._flush()


def keyed_citations(html: str, keys: list[str]) -> str:
    """`html` with each citation showing the keys of its sources instead of their numbers
    (`keys[n - 1]` is source n's key): the same source reads the same whatever its number.
    A citation of several sources lists their keys in alphabetical order."""

    def by_key(citation: re.Match) -> str:
        cited = set()
        for found in _CITED_RE.finditer(citation.group(1)):
            start = int(found.group(1))
            for number in range(start, int(found.group(2) or start) + 1):
                cited.add(keys[number - 1] if 0 < number <= len(keys) else str(number))
        return f"<sup>{escape(', '.join(sorted(cited)))}</sup>"

    return _CITATION_RE.sub(by_key, html or "")


def html_blocks(html: str) -> list[Block]:
    """The readable blocks of a rendered (sanitised) fragment, in reading order."""
    reader = _BlockReader()
    reader.feed(html or "")
    reader.close()
    return reader.blocks


@dataclass
class BlockDiff:
    """One row of the rendered diff: a block kept, changed, added or removed."""

    kind: str
    change: str  # "same", "changed", "added", "removed"
    old: SafeString
    new: SafeString
    inline: SafeString


@dataclass
class RenderedDiff:
    label: str
    rows: list[BlockDiff]

    @property
    def changed(self) -> bool:
        return any(row.change != "same" for row in self.rows)

    def counts(self) -> dict[str, int]:
        counts = {"changed": 0, "added": 0, "removed": 0}
        for row in self.rows:
            if row.change in counts:
                counts[row.change] += 1
        return counts

    @property
    def summary(self) -> str:
        """ "1 changed, 2 added": the blocks that really differ, nothing said of zeros."""
        return ", ".join(f"{n} {change}" for change, n in self.counts().items() if n)


def _whole(kind: str, change: str, block: Block) -> BlockDiff:
    marked = mark_safe(_mark("ins" if change == "added" else "del", block.text))
    empty = mark_safe("")
    if change == "added":
        return BlockDiff(kind, change, empty, marked, marked)
    return BlockDiff(kind, change, marked, empty, marked)


def _words(text: str) -> list[str]:
    return [t for t in _tokens(text) if t.strip()]


def _pairs(old: list[Block], new: list[Block]) -> list[BlockDiff]:
    """Rows for a run of blocks replaced by another run: similar ones word by word."""
    rows: list[BlockDiff] = []
    j = 0
    for block in old:
        best, best_ratio = None, _PAIR_RATIO
        words = _words(block.text)
        for k in range(j, len(new)):
            ratio = difflib.SequenceMatcher(None, words, _words(new[k].text)).ratio()
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            rows.append(_whole(block.kind, "removed", block))
            continue
        rows.extend(_whole(b.kind, "added", b) for b in new[j:best])
        text = diff_text(block.text, new[best].text)
        rows.append(BlockDiff(new[best].kind, "changed", text.old, text.new, text.inline))
        j = best + 1
    rows.extend(_whole(b.kind, "added", b) for b in new[j:])
    return rows


def diff_rendered(old_html: str, new_html: str, *, label: str = "") -> RenderedDiff:
    """Align two rendered fragments block by block; compare changed blocks word by word."""
    old, new = html_blocks(old_html), html_blocks(new_html)
    rows: list[BlockDiff] = []
    matcher = difflib.SequenceMatcher(
        None, [(b.kind, b.text) for b in old], [(b.kind, b.text) for b in new], autojunk=False
    )
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for block in new[j1:j2]:
                same = mark_safe(_escape(block.text))
                rows.append(BlockDiff(block.kind, "same", same, same, same))
        elif op == "insert":
            rows.extend(_whole(b.kind, "added", b) for b in new[j1:j2])
        elif op == "delete":
            rows.extend(_whole(b.kind, "removed", b) for b in old[i1:i2])
        else:
            rows.extend(_pairs(old[i1:i2], new[j1:j2]))
    return RenderedDiff(label, rows)


# --- sources ----------------------------------------------------------------------------


@dataclass
class ReferenceDiff:
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    kept: list[Any] = field(default_factory=list)
    # (before, after) pairs: the same source, whose cited details were edited since.
    updated: list[tuple[Any, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.updated)


def diff_references(old: list[Any], new: list[Any]) -> ReferenceDiff:
    """Sources added to and removed from the reference list (by identity, not position),
    and kept ones whose details (title, URL, identifiers …) differ between the two."""
    old_by_id = {ref.pk: ref for ref in old}
    new_ids = {ref.pk for ref in new}
    return ReferenceDiff(
        added=[ref for ref in new if ref.pk not in old_by_id],
        removed=[ref for ref in old if ref.pk not in new_ids],
        kept=[ref for ref in new if ref.pk in old_by_id],
        updated=[
            (old_by_id[ref.pk], ref)
            for ref in new
            if ref.pk in old_by_id
            and old_by_id[ref.pk].bibliographic_snapshot() != ref.bibliographic_snapshot()
        ],
    )


@dataclass
class _Sources:
    """A revision's cited sources, and each page's source keys in the order of its numbers."""

    cited: list[Any] = field(default_factory=list)
    keys: dict[str, list[str]] = field(default_factory=dict)

    def keyed(self, html: str, page: str = Audience.PROFESSIONAL) -> str:
        return keyed_citations(html, self.keys.get(page, []))


def _sources(revision: ArticleRevision | None) -> _Sources:
    if revision is None:
        return _Sources()
    links = list(revision.reference_links.select_related("reference").order_by("position"))
    # The library key, not the frozen one: the same source reads the same in both revisions.
    key_of = {link.reference_id: link.reference.key for link in links}
    in_order = [link.reference.key for link in links]
    # The body (and professional section) carry the professional page's numbers; a revision
    # without per-page numbers has one list, its reference links'.
    keys = {
        page: [key_of.get(pk, "") for pk in (revision.reference_numbers or {}).get(page, [])]
        or in_order
        for page in Audience.values
    }
    return _Sources(cited=[link.cited_reference for link in links], keys=keys)


@dataclass
class RevisionDiff:
    base: ArticleRevision | None
    fields: list[TextDiff]
    rendered: list[RenderedDiff]
    references: ReferenceDiff

    @property
    def changed(self) -> bool:
        return (
            self.references.changed
            or any(f.changed for f in self.fields)
            or any(r.changed for r in self.rendered)
        )


_SECTION_PAGES = {
    SectionAudience.PATIENT: "patient page",
    SectionAudience.PROFESSIONAL: "professional page",
    SectionAudience.BOTH: "both pages",
}


def sections_html(revision: ArticleRevision | None, sources: _Sources | None = None) -> str:
    """A revision's evidence sections as one fragment, each under its heading and the page
    it is shown on (as professionals number it, when they see it), for the diff; with
    `sources`, its citations by source key (`keyed_citations`)."""
    if revision is None:
        return ""
    parts = []
    for section in revision.sections:
        by_page = section["html"]
        page = Audience.PROFESSIONAL if Audience.PROFESSIONAL in by_page else Audience.PATIENT
        html = by_page.get(page, "")
        if sources is not None:
            html = sources.keyed(html, page)
        where = _SECTION_PAGES[section["audience"]]
        parts.append(f"<h2>{escape(section['title'])} ({escape(where)})</h2>{html}")
    return "".join(parts)


def _sections_diff(
    old: ArticleRevision | None, new: ArticleRevision, sources: tuple[_Sources, _Sources]
) -> list[RenderedDiff]:
    if not ((old and old.sections) or new.sections):
        return []
    before, after = sections_html(old, sources[0]), sections_html(new, sources[1])
    return [diff_rendered(before, after, label="Evidence sections")]


def diff_revisions(old: ArticleRevision | None, new: ArticleRevision) -> RevisionDiff:
    """Diff two revisions; `old` is None when there is nothing to compare with (then the
    whole of `new` shows as added). Citations are compared by source (`keyed_citations`)."""
    before, after = _sources(old), _sources(new)
    return RevisionDiff(
        base=old,
        fields=[
            diff_text(getattr(old, name, ""), getattr(new, name, ""), label=label)
            for name, label in TEXT_FIELDS
        ],
        rendered=[
            diff_rendered(
                before.keyed(getattr(old, name, "")),
                after.keyed(getattr(new, name, "")),
                label=label,
            )
            for name, label in RENDERED_FIELDS
            if getattr(old, name, "") or getattr(new, name, "")
        ]
        + _sections_diff(old, new, (before, after)),
        references=diff_references(before.cited, after.cited),
    )
