"""Reads over the reference library."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from references.citations import CitationKey
from references.models import Reference


def resolve_citation_keys(keys: Iterable[CitationKey]) -> dict[CitationKey, Reference]:
    """Map each key to its reference with one query; unknown keys are simply absent."""
    keys = set(keys)
    if not keys:
        return {}
    wanted: dict[str, set[str]] = {"key": set(), "pmid": set(), "doi": set(), "pmcid": set()}
    for key in keys:
        wanted[key.scheme].add(key.value)
    query = Q()
    for scheme, values in wanted.items():
        if values:
            query |= Q(**{f"{scheme}__in": values})
    found = list(Reference.objects.filter(query))
    index = {(scheme, getattr(ref, scheme)): ref for ref in found for scheme in wanted}
    return {k: index[(k.scheme, k.value)] for k in keys if (k.scheme, k.value) in index}
