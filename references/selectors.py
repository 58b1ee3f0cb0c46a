"""Reads over the reference library.

Nothing here knows about articles (articles.markdown resolves citations through it);
reads that join sources to the articles citing them are in articles.citing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from people import roles
from references import identifiers
from references.citations import CitationKey
from references.models import Reference, ReferenceEvent

# What the citation picker searches, as one text per source: served on PostgreSQL by the
# trigram index of migration 0007, whose expression this is, verbatim.
SEARCH_SQL = (
    "UPPER(key || ' ' || title || ' ' || author::text || ' ' || container_title || ' ' || "
    "COALESCE(year::text, ''))"
)
PICKER_LIMIT = 20
_WORD_SPLIT = re.compile(r"[\s,;()\[\]]+")
_PMID = re.compile(r"^(?:pmid:?\s*)?([1-9]\d{4,8})$", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmcid:?\s*)?(pmc[1-9]\d{0,8})$", re.IGNORECASE)


def resolve_citation_keys(keys: Iterable[CitationKey]) -> dict[CitationKey, Reference]:
    """Map each key to its reference with one query; unknown keys are simply absent.

    DOIs match whatever their case (they are case-insensitive); keys are stored lower-case.
    """
    keys = set(keys)
    if not keys:
        return {}
    wanted: dict[str, set[str]] = {"key": set(), "pmid": set(), "doi": set(), "pmcid": set()}
    for key in keys:
        wanted[key.scheme].add(key.value.lower() if key.scheme == "doi" else key.value)
    query = Q()
    for scheme, values in wanted.items():
        if values:
            lookup = "doi_lower__in" if scheme == "doi" else f"{scheme}__in"
            query |= Q(**{lookup: values})
    found = list(Reference.objects.alias(doi_lower=Lower("doi")).filter(query))
    index = {}
    for ref in found:
        for scheme in wanted:
            value = getattr(ref, scheme)
            if value:
                index[(scheme, value.lower() if scheme == "doi" else value)] = ref

    def lookup_value(k: CitationKey) -> tuple[str, str]:
        return (k.scheme, k.value.lower() if k.scheme == "doi" else k.value)

    return {k: index[lookup_value(k)] for k in keys if lookup_value(k) in index}


def source_events(reference: Reference) -> QuerySet[ReferenceEvent]:
    return reference.events.select_related("actor")


def can_change_retraction(user: Any) -> bool:
    """Editors only: a retraction shows on live pages at once."""
    return roles.is_editor(user)


def _identifier(text: str) -> dict[str, str]:
    """{"doi"|"pmid"|"pmcid": value} when the text is one identifier (a year is not a PMID)."""
    stripped = text.strip().rstrip(".")
    if match := _PMID.match(stripped):
        return {"pmid": match.group(1)}
    if match := _PMCID.match(stripped):
        return {"pmcid": match.group(1).upper()}
    if "10." in stripped:
        try:
            identifiers.validate_doi(stripped)
        except ValidationError:
            return {}
        return {"doi": identifiers.normalize_doi(stripped)}
    return {}


def search_library(query: str, *, limit: int = PICKER_LIMIT) -> list[Reference]:
    """Sources for the editor's citation picker: by key, author, title, journal, year, DOI,
    PMID or PMCID. Every word must match; an exact key or identifier comes first, then keys
    starting with the first word, then the newest. One indexed query on PostgreSQL (a
    trigram index over SEARCH_SQL), fast at 100,000 sources (scripts/bench_citation_search.py).
    """
    text = " ".join((query or "").split())[:200]
    if not text:
        return []
    exact = list(Reference.objects.with_identifier(**_identifier(text)))
    words = [w for w in _WORD_SPLIT.split(text) if w][:6]
    if len(words) == 1:
        exact += [r for r in Reference.objects.filter(key=words[0].lower()) if r not in exact]
    found = Reference.objects.all()
    if connection.vendor == "postgresql":
        found = found.annotate(haystack=RawSQL(SEARCH_SQL, []))
        for word in words:
            found = found.filter(haystack__contains=word.upper())
    else:  # the embedded SQLite default: a scan, as the admin's own search is
        for word in words:
            match = (
                Q(key__icontains=word)
                | Q(title__icontains=word)
                | Q(author__icontains=word)
                | Q(container_title__icontains=word)
            )
            if word.isdigit() and len(word) == 4:
                match |= Q(year=int(word))
            found = found.filter(match)
    found = found.order_by(
        Case(When(key__startswith=words[0].lower(), then=Value(0)), default=Value(1)),
        F("year").desc(nulls_last=True),
        "key",
    )
    results = exact[:limit]
    for reference in found[:limit]:
        if len(results) >= limit:
            break
        if reference not in results:
            results.append(reference)
    return results
