"""What changed between the live revision and the one under review (stdlib difflib).

Every piece of text is escaped; the only markup added is <ins>/<del>, so the
output is safe to print in the admin.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

DIFF_FIELDS = (
    ("title", "Title"),
    ("summary", "Summary"),
    ("body", "Body"),
    ("professional_body", "Professional section"),
)

# Words, punctuation and whitespace, so a change marks whole words ("500" in "500 mg,").
_TOKEN_RE = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class TextDiff:
    label: str
    old: SafeString
    new: SafeString
    inline: SafeString
    changed: bool


@dataclass
class ReferenceDiff:
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    kept: list[Any] = field(default_factory=list)
    # (live, under review) pairs: the same source, whose cited details were edited since.
    updated: list[tuple[Any, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.updated)


@dataclass
class RevisionDiff:
    fields: list[TextDiff]
    references: ReferenceDiff

    @property
    def changed(self) -> bool:
        return self.references.changed or any(f.changed for f in self.fields)


def _mark(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def diff_text(old: str, new: str, *, label: str = "") -> TextDiff:
    """Word-level diff: old side with <del>, new side with <ins>, and both inline."""
    old, new = old or "", new or ""
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    left, right, inline = [], [], []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            left.append(escape(removed))
            right.append(escape(added))
            inline.append(escape(added))
            continue
        left.append(_mark("del", removed))
        right.append(_mark("ins", added))
        inline.append(_mark("del", removed) + _mark("ins", added))
    return TextDiff(
        label=label,
        old=mark_safe("".join(left)),  # noqa: S308  (every token escaped above)
        new=mark_safe("".join(right)),  # noqa: S308
        inline=mark_safe("".join(inline)),  # noqa: S308
        changed=old != new,
    )


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


def _references(revision: Any) -> list[Any]:
    if revision is None:
        return []
    links = revision.reference_links.select_related("reference").order_by("position")
    return [link.cited_reference for link in links]


def diff_revisions(old: Any, new: Any) -> RevisionDiff:
    """Diff two revisions; `old` is None when nothing is live yet (everything is new)."""
    return RevisionDiff(
        fields=[
            diff_text(getattr(old, name, ""), getattr(new, name, ""), label=label)
            for name, label in DIFF_FIELDS
        ],
        references=diff_references(_references(old), _references(new)),
    )
