"""Inline citation syntax: [@key], [@a; @b], [@pmid:28597471], [@doi:10.1002/…], [@pmcid:PMC1].

Parsing and numbering only; resolving keys to references is a single query in
references.selectors, and Markdown/HTML assembly is articles.markdown's job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from references import identifiers

# One bracketed group of one or more @-keys separated by semicolons.
CITATION_GROUP_RE = re.compile(r"\[(@[^\[\]\n]{1,500}?)\]")
_IDENTIFIER_PREFIXES = ("pmid", "doi", "pmcid")


@dataclass(frozen=True)
class CitationKey:
    """A key as the writer wrote it, and what it looks up."""

    written: str  # e.g. "pmid:28597471" (without the @)
    scheme: str  # "key", "pmid", "doi" or "pmcid"
    value: str  # normalised lookup value

    @classmethod
    def parse(cls, written: str) -> CitationKey:
        written = written.strip()
        scheme, sep, rest = written.partition(":")
        scheme = scheme.lower()
        if sep and scheme in _IDENTIFIER_PREFIXES:
            normalise = {
                "pmid": identifiers.normalize_pmid,
                "doi": identifiers.normalize_doi,
                "pmcid": identifiers.normalize_pmcid,
            }[scheme]
            return cls(written=written, scheme=scheme, value=normalise(rest))
        return cls(written=written, scheme="key", value=written.lower())


def split_group(inner: str) -> list[CitationKey] | None:
    """'@a; @b' -> keys, or None if the bracket is not a citation group."""
    parts = [p.strip() for p in inner.split(";")]
    if not parts or not all(p.startswith("@") and len(p) > 1 for p in parts):
        return None
    return [CitationKey.parse(p[1:]) for p in parts]


def find_citation_keys(text: str) -> list[CitationKey]:
    """Every key cited in the text, in order of appearance (duplicates kept)."""
    keys: list[CitationKey] = []
    for match in CITATION_GROUP_RE.finditer(text or ""):
        group = split_group(match.group(1))
        if group:
            keys.extend(group)
    return keys


def compress_numbers(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, de-duplicated runs: [1, 2, 3, 5] -> [(1, 3), (5, 5)].

    Runs of three or more print as a range (1–3); a pair prints as 1,2.
    """
    ordered = sorted(set(numbers))
    runs: list[tuple[int, int]] = []
    for n in ordered:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    result: list[tuple[int, int]] = []
    for start, end in runs:
        if end - start == 1:
            result.extend([(start, start), (end, end)])
        else:
            result.append((start, end))
    return result
