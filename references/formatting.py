"""Reference formatters: NLM/Vancouver (the site's style) and AMA, from structured fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from references.models import Reference

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _name(author: dict) -> str:
    if author.get("literal"):
        return author["literal"]
    return " ".join(p for p in (author.get("family", ""), author.get("given", "")) if p)


def _authors(ref: Reference, limit: int = 6) -> str:
    names = [_name(a) for a in ref.author or []]
    if len(names) > limit:
        names = [*names[:limit], "et al"]
    return ", ".join(names)


def _date(ref: Reference) -> str:
    parts = [str(ref.year)] if ref.year else []
    if ref.year and ref.month:
        parts.append(MONTHS[ref.month - 1])
        if ref.day:
            parts.append(str(ref.day))
    return " ".join(parts)


def vancouver(ref: Reference) -> str:
    """Author AA, Author BB. Title. Journal. Year Mon Day;Vol(Issue):pages."""
    out = []
    if ref.author:
        out.append(f"{_authors(ref)}.")
    out.append(f"{ref.title.rstrip('.')}." if not ref.title.endswith(("?", "!")) else ref.title)
    if ref.container_title:
        out.append(f"{ref.container_title.rstrip('.')}.")
    locator = _date(ref)
    if ref.volume:
        locator += f";{ref.volume}"
        if ref.issue:
            locator += f"({ref.issue})"
    elif ref.issue:
        locator += f";({ref.issue})"
    if ref.page:
        locator += f":{ref.page}"
    if locator:
        out.append(f"{locator}.")
    if ref.doi:
        out.append(f"doi:{ref.doi}")
    return " ".join(out)
