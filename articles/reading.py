"""What one audience's page shows after the body: its evidence sections, in order, and its
reference list (grouped by kind if the article asks), with links back to each citation.

Built from a revision's frozen data (a live, pending or reviewed page) or from a working
copy's rendering (the editor's preview), so every page lays them out the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from articles.audiences import Audience
from articles.markdown import RenderedArticle, citation_anchors
from references.listing import ReferenceList, reference_list


@dataclass(frozen=True)
class ShownSection:
    kind: str
    title: str
    html: str  # sanitised when the revision was rendered
    anchor: str  # "evidence-2": its heading's id is "evidence-2-heading"


@dataclass(frozen=True)
class Reading:
    sections: list[ShownSection]
    reference_list: ReferenceList


def reading(
    *,
    audience: str,
    body_html: str,
    professional_html: str,
    sections: list[dict],
    references: list[Any],
    grouped: bool,
) -> Reading:
    """`sections` as frozen (articles.markdown.render_pages), `references` the page's list
    in the order of its numbers."""
    shown: list[ShownSection] = []
    for section in sections:
        html = section["html"].get(audience)
        if html is None:  # written for the other page
            continue
        shown.append(
            ShownSection(
                kind=section["kind"],
                title=section["title"],
                html=html,
                anchor=f"evidence-{len(shown) + 1}",
            )
        )
    # The page in reading order: the professional section shows only to professionals.
    parts = [body_html, professional_html if audience == Audience.PROFESSIONAL else ""]
    anchors = citation_anchors(parts + [s.html for s in shown])
    return Reading(shown, reference_list(references, grouped=grouped, anchors=anchors))


def of_rendering(rendered: RenderedArticle, audience: str, *, grouped: bool) -> Reading:
    """The same for a working copy rendered by articles.markdown.render_working_copy."""
    return reading(
        audience=audience,
        body_html=rendered.body_html,
        professional_html=rendered.professional_html,
        sections=rendered.sections,
        references=rendered.page_references[audience],
        grouped=grouped,
    )
