"""Evidence sections: "From the guidelines", "From the drug label", "Research" …

An article may carry a few typed sections after its body, each with its own Markdown
citing its own sources. This module holds what they are (kinds, limits; who sees them is
articles.audiences.SectionAudience); articles.markdown renders them with the body (one
numbering per page) and articles.reading lays them out for a page. Nothing here touches
the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from articles.audiences import Audience, SectionAudience

# At most this many sections, each at most this long: with the body and the professional
# section, an article stays within a few times the single-text rendering bound.
MAX_SECTIONS = 12
SECTION_CHARACTERS = 12_000
HEADING_CHARACTERS = 120


class Kind(models.TextChoices):
    # The label is the heading shown when the writer gives none.
    GUIDELINES = "guidelines", "From the guidelines"
    DRUG_LABEL = "drug_label", "From the drug label"
    RESEARCH = "research", "Research"
    OTHER = "other", "More evidence"


def section_title(kind: str, heading: str = "") -> str:
    heading = (heading or "").strip()
    if heading:
        return heading
    try:
        return Kind(kind).label
    except ValueError:
        return Kind.OTHER.label


def shown_on(section_audience: str, page: Audience) -> bool:
    return section_audience == SectionAudience.BOTH or section_audience == page


@dataclass(frozen=True)
class SectionText:
    """One section as written (a saved ArticleSection, or the editor's unsaved form)."""

    kind: str
    heading: str
    audience: str
    body: str

    @property
    def title(self) -> str:
        return section_title(self.kind, self.heading)

    @classmethod
    def of(cls, section: Any) -> SectionText:
        return cls(
            kind=section.kind,
            heading=section.heading or "",
            audience=section.audience,
            body=section.body or "",
        )


def working_sections(article: Any) -> list[SectionText]:
    """The saved sections of a working copy, in order (none for an unsaved article,
    unless the editor's preview attached its form's as `article.section_texts`)."""
    attached = getattr(article, "section_texts", None)
    if attached is not None:
        return list(attached)
    if getattr(article, "pk", None) is None:
        return []
    return [SectionText.of(s) for s in article.sections.order_by("position", "pk")]
