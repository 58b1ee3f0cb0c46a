"""Reads over the reference library.

Nothing here knows about articles (articles.markdown resolves citations through it);
reads that join sources to the articles citing them are in references.citing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from references.citations import CitationKey
from references.models import Reference, ReferenceEvent
from reviews import roles


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
