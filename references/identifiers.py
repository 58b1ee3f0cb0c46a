"""Normalise and validate the identifiers a reference can carry: DOI, PMID and PMCID.

Pure functions, no models. The regex constants are plain strings so a model can reuse them in a
``CheckConstraint(condition=Q(doi__regex=DOI_RE))``: they only use syntax that both PostgreSQL's
regular expressions and Python's ``re`` (which Django uses for SQLite's REGEXP) understand.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

__all__ = [
    "DOI_RE",
    "PMCID_RE",
    "PMID_RE",
    "doi_key",
    "normalize_doi",
    "normalize_pmcid",
    "normalize_pmid",
    "validate_doi",
    "validate_pmcid",
    "validate_pmid",
]

# One part of a DOI's suffix (between slashes): not empty, no whitespace, nothing a web
# address reads as the end of its path ("?", "#"), and not dots alone ("." and ".." are steps
# within or out of a path: a look-up could be sent to another page). It starts with any dots,
# then one other character, so a long suffix is matched in one pass.
_DOI_PART = r"\.*[^./?#\s][^/?#\s]*"
# 10.<registrant of 4-9 digits, optionally with .sub parts>/<suffix of such parts>
DOI_RE = rf"^10\.[0-9]{{4,9}}(\.[0-9]+)*/{_DOI_PART}(/{_DOI_PART})*$"
# PubMed IDs are positive integers of at most nine digits; they never start with 0.
PMID_RE = r"^[1-9][0-9]{0,8}$"
# PubMed Central IDs are "PMC" followed by a positive integer (stored upper-case).
PMCID_RE = r"^PMC[1-9][0-9]{0,8}$"

_DOI = re.compile(DOI_RE)
# The shape alone (any suffix without whitespace): to say which rule a DOI breaks.
_DOI_SHAPE = re.compile(r"^10\.[0-9]{4,9}(\.[0-9]+)*/\S+$")
_PMID = re.compile(PMID_RE)
_PMCID = re.compile(PMCID_RE)

# Longest first, so "https://dx.doi.org/" is not half-stripped as "doi.org/".
_DOI_PREFIXES = (
    "https://dx.doi.org/",
    "http://dx.doi.org/",
    "https://doi.org/",
    "http://doi.org/",
    "dx.doi.org/",
    "doi.org/",
    "doi:",
)
_TRAILING_PUNCTUATION = ".,;"


def normalize_doi(value: str) -> str:
    """Return ``value`` as a bare DOI (``10.1000/xyz``), in the case it was given.

    Strips surrounding whitespace, resolver prefixes (``https://doi.org/``, ``http://dx.doi.org/``,
    ``doi.org/``) and a ``doi:``/``DOI:`` label, then trailing ``.``/``,``/``;`` left over from the
    sentence the DOI was copied out of. DOIs are case-insensitive: compare them with
    ``doi_key`` (and the database's index on ``Lower("doi")``), but print them as given, as the
    publisher registered them. Does not validate.
    """
    doi = value.strip()
    changed = True
    # Prefixes can stack ("doi: https://doi.org/10..."), so strip until nothing changes.
    while changed:
        changed = False
        lowered = doi.lower()
        for prefix in _DOI_PREFIXES:
            if lowered.startswith(prefix):
                doi = doi[len(prefix) :].lstrip()
                changed = True
                break
    return doi.rstrip().rstrip(_TRAILING_PUNCTUATION).rstrip()


def doi_key(value: str) -> str:
    """The form two DOIs are compared by: normalised and lower-cased."""
    return normalize_doi(value).lower()


def validate_doi(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` normalises to a well-formed DOI."""
    doi = normalize_doi(value)
    if _DOI_SHAPE.fullmatch(doi) and not _DOI.fullmatch(doi):
        raise ValidationError(
            "“%(value)s” is not a valid DOI: its suffix has “?”, “#”, an empty part (“//”) or "
            "a “.” or “..” part between slashes, which a web address reads as something else. "
            "Copy the DOI again from the publisher's page.",
            code="invalid_doi",
            params={"value": value},
        )
    if not _DOI.fullmatch(doi):
        raise ValidationError(
            "“%(value)s” is not a valid DOI. A DOI looks like 10.1002/14651858.CD007938: "
            "“10.”, a registrant code of 4–9 digits, a slash, then a suffix without spaces.",
            code="invalid_doi",
            params={"value": value},
        )


def normalize_pmid(value: str) -> str:
    """Return ``value`` without a ``PMID:`` label or whitespace (``"PMID: 123"`` -> ``"123"``)."""
    pmid = value.strip()
    if pmid[:4].lower() == "pmid":
        pmid = pmid[4:].lstrip().removeprefix(":")
    return "".join(pmid.split()).rstrip(_TRAILING_PUNCTUATION)


def validate_pmid(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` normalises to a PubMed ID."""
    if not _PMID.fullmatch(normalize_pmid(value)):
        raise ValidationError(
            "“%(value)s” is not a valid PubMed ID (PMID): use 1–9 digits with no leading zero, "
            "e.g. 28597471.",
            code="invalid_pmid",
            params={"value": value},
        )


def normalize_pmcid(value: str) -> str:
    """Return ``value`` as an upper-case PMCID: ``"pmc123"`` and bare ``"123"`` -> ``"PMC123"``."""
    pmcid = value.strip()
    if pmcid[:5].lower() == "pmcid":
        pmcid = pmcid[5:].lstrip().removeprefix(":")
    pmcid = "".join(pmcid.split()).rstrip(_TRAILING_PUNCTUATION).upper()
    if pmcid.isdigit():
        pmcid = f"PMC{pmcid}"
    return pmcid


def validate_pmcid(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` normalises to a PubMed Central ID."""
    if not _PMCID.fullmatch(normalize_pmcid(value)):
        raise ValidationError(
            "“%(value)s” is not a valid PubMed Central ID (PMCID): use “PMC” followed by "
            "digits, e.g. PMC6452908.",
            code="invalid_pmcid",
            params={"value": value},
        )
