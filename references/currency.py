"""Is a source still one to rely on? The review screen's source checks, by kind.

A flag has to mean something, or reviewers learn to ignore it:

- a retraction is always flagged, and so is an expression of concern;
- a source with a newer version in the library (`Reference.superseded_by`: a guideline's
  update, a drug label's revision, a review's new edition) is flagged as superseded;
  guidelines and drug labels are judged by that alone, since a 2015 label that is the
  current label is current;
- other kinds are flagged when older than the age set for their kind
  (`VETTED_SOURCE_MAX_AGE_YEARS`, e.g. research 5 years, books 10), web pages by when
  they were last accessed;
- a published correction is noted, without a flag.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from references.models import Reference, ReferenceEvent

# Kinds that are current while they are the latest version, whatever their age.
VERSIONED_KINDS = frozenset({Reference.Kind.GUIDELINE, Reference.Kind.DRUG_LABEL})

DEFAULT_MAX_AGE_YEARS = {
    Reference.Kind.RESEARCH: 5,
    Reference.Kind.SYSTEMATIC_REVIEW: 5,
    Reference.Kind.DATASET: 5,
    Reference.Kind.BOOK: 10,
    Reference.Kind.WEBPAGE: 3,
}


@dataclass(frozen=True)
class Finding:
    level: str  # "alert" (retracted), "warning" (flagged) or "note" (for information)
    text: str
    # What was found: "retracted", "concern", "corrected", "superseded", "current" or "age".
    kind: str = ""

    @property
    def flagged(self) -> bool:
        return self.level in ("alert", "warning")


def max_age_years() -> dict[str, int]:
    """Ages per kind from settings (kind → years; 0 or absent: no age limit)."""
    configured = getattr(settings, "VETTED_SOURCE_MAX_AGE_YEARS", None)
    return dict(DEFAULT_MAX_AGE_YEARS if configured is None else configured)


def assess(
    cited: Reference,
    library: Reference,
    *,
    events: list[ReferenceEvent] | None = None,
    today: datetime.date,
    ages: dict[str, int] | None = None,
) -> list[Finding]:
    """What a reviewer should know about one cited source.

    `cited` is the source as the revision froze it; `library` is its row in the library
    now (retractions and newer versions are tracked there), with `superseded_by` selected.
    """
    ages = max_age_years() if ages is None else ages
    findings: list[Finding] = []
    if library.retracted:
        findings.append(Finding("alert", "Retracted by the publisher.", "retracted"))
    for event in events or []:
        if event.kind == ReferenceEvent.Kind.CONCERN:
            findings.append(
                Finding(
                    "warning",
                    f"Expression of concern published ({event.created_at:%Y-%m-%d}).",
                    "concern",
                )
            )
        elif event.kind == ReferenceEvent.Kind.CORRECTION:
            findings.append(
                Finding("note", f"Correction published ({event.created_at:%Y-%m-%d}).", "corrected")
            )
    newer = library.superseded_by
    if newer is not None:
        year = f", {newer.year}" if newer.year else ""
        findings.append(
            Finding(
                "warning",
                f"Superseded by a newer version in the library: {newer.key}{year}.",
                "superseded",
            )
        )
    elif cited.kind in VERSIONED_KINDS:
        findings.append(Finding("note", "Latest version in the library.", "current"))
    limit = ages.get(cited.kind) or 0
    if limit:
        findings.extend(_age_findings(cited, today=today, limit=limit))
    return findings


def events_by_source(reference_ids: Iterable[int]) -> dict[int, list[ReferenceEvent]]:
    """Each source's events, oldest first, in one query (what `assess` is given)."""
    events: dict[int, list[ReferenceEvent]] = {}
    for event in ReferenceEvent.objects.filter(reference__in=list(reference_ids)).order_by(
        "created_at", "pk"
    ):
        events.setdefault(event.reference_id, []).append(event)
    return events


def assess_library(
    references: Iterable[Reference], *, today: datetime.date
) -> dict[int, list[Finding]]:
    """What the reviewer's screen would say of each source as the library has it now (a
    working copy cites library rows, not a revision's frozen copies), in two queries."""
    ids = [ref.pk for ref in references]
    rows = Reference.objects.select_related("superseded_by").in_bulk(ids)
    events = events_by_source(ids)
    ages = max_age_years()
    return {
        pk: assess(row, row, events=events.get(pk), today=today, ages=ages)
        for pk, row in rows.items()
    }


def _age_findings(cited: Any, *, today: datetime.date, limit: int) -> list[Finding]:
    kind = cited.get_kind_display().lower()
    if cited.kind == Reference.Kind.WEBPAGE and cited.accessed:
        if (today - cited.accessed).days > limit * 365:
            return [
                Finding(
                    "warning",
                    f"Last accessed {cited.accessed:%Y-%m-%d}: older than the {limit}-year "
                    f"limit set for {kind} sources.",
                    "age",
                )
            ]
        return []
    if cited.year and today.year - cited.year > limit:
        return [
            Finding(
                "warning",
                f"Published {cited.year}: older than the {limit}-year limit set for {kind} "
                "sources.",
                "age",
            )
        ]
    return []
