"""A page's reference list: numbered entries, optionally grouped by kind, each with links
back to where the text cites it.

Numbers come from the text (first citation on the page) and never change here: grouped,
each group lists its sources with their own numbers, in ascending order, so an inline
"3" always finds entry 3 (`<li value="3" id="ref-3">`).
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from references.models import Reference

K = Reference.Kind

# Group, heading, the kinds in it. The last group takes every kind not named before it.
GROUPS: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("guidelines", "Guidelines", frozenset({K.GUIDELINE})),
    ("drug_labels", "Drug labels and prescribing information", frozenset({K.DRUG_LABEL})),
    ("research", "Research", frozenset({K.RESEARCH, K.SYSTEMATIC_REVIEW})),
    ("other", "Other sources", frozenset()),
)


def group_of(kind: str) -> str:
    for key, _label, kinds in GROUPS[:-1]:
        if kind in kinds:
            return key
    return GROUPS[-1][0]


@dataclass(frozen=True)
class BackLink:
    target: str  # the citation's id in the text, e.g. "cite-4"
    text: str  # what the link shows: "↩" alone, or a letter when there are several
    label: str  # what a screen reader says


@dataclass(frozen=True)
class Entry:
    number: int
    reference: Any
    backlinks: list[BackLink] = field(default_factory=list)

    @property
    def several_backlinks(self) -> bool:
        return len(self.backlinks) > 1


@dataclass(frozen=True)
class Group:
    key: str
    label: str  # "" when the list is not grouped
    entries: list[Entry]


@dataclass(frozen=True)
class ReferenceList:
    groups: list[Group]
    grouped: bool = False

    def __bool__(self) -> bool:
        return any(group.entries for group in self.groups)

    def __len__(self) -> int:
        return sum(len(group.entries) for group in self.groups)


def _letter(index: int) -> str:
    letters = string.ascii_lowercase
    return letters[index] if index < len(letters) else str(index + 1)


def backlinks(number: int, targets: list[str]) -> list[BackLink]:
    if len(targets) == 1:
        return [BackLink(targets[0], "↩", f"Back to the text (source {number})")]
    return [
        BackLink(
            target,
            _letter(i),
            f"Back to the text, citation {i + 1} of {len(targets)} (source {number})",
        )
        for i, target in enumerate(targets)
    ]


def reference_list(
    references: Iterable[Any],
    *,
    grouped: bool = False,
    anchors: Mapping[int, list[str]] | None = None,
) -> ReferenceList:
    """The list for sources numbered 1, 2, 3 … in this order; `anchors` maps a number to
    the ids of its citations in the text (articles.markdown.citation_anchors)."""
    anchors = anchors or {}
    entries = [
        Entry(number, ref, backlinks(number, anchors[number]) if anchors.get(number) else [])
        for number, ref in enumerate(references, start=1)
    ]
    if not grouped:
        return ReferenceList([Group("all", "", entries)])
    by_group: dict[str, list[Entry]] = {key: [] for key, _label, _kinds in GROUPS}
    for entry in entries:  # already in ascending number order
        by_group[group_of(entry.reference.kind)].append(entry)
    return ReferenceList(
        [Group(key, label, by_group[key]) for key, label, _kinds in GROUPS if by_group[key]],
        grouped=True,
    )
