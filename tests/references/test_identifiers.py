"""Normalising and validating DOIs, PMIDs and PMCIDs."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from references.identifiers import (
    DOI_RE,
    PMCID_RE,
    PMID_RE,
    doi_key,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    validate_doi,
    validate_pmcid,
    validate_pmid,
)

COCHRANE_DOI = "10.1002/14651858.cd007938.pub4"

# DOI


@pytest.mark.parametrize(
    "raw",
    [
        "10.1002/14651858.CD007938.pub4",
        "  10.1002/14651858.CD007938.pub4  ",
        "https://doi.org/10.1002/14651858.CD007938.pub4",
        "http://doi.org/10.1002/14651858.CD007938.pub4",
        "http://dx.doi.org/10.1002/14651858.CD007938.pub4",
        "https://dx.doi.org/10.1002/14651858.CD007938.pub4",
        "doi.org/10.1002/14651858.CD007938.pub4",
        "doi:10.1002/14651858.CD007938.pub4",
        "doi: 10.1002/14651858.CD007938.pub4",
        "DOI: 10.1002/14651858.CD007938.pub4",
        "doi: https://doi.org/10.1002/14651858.CD007938.pub4",
        "10.1002/14651858.CD007938.pub4.",
        "10.1002/14651858.CD007938.pub4,",
        "10.1002/14651858.CD007938.pub4;",
        "doi: 10.1002/14651858.CD007938.pub4. ",
    ],
)
def test_normalize_doi_strips_prefixes_and_trailing_punctuation_keeping_case(raw: str) -> None:
    assert normalize_doi(raw) == "10.1002/14651858.CD007938.pub4"
    assert doi_key(raw) == COCHRANE_DOI


def test_normalize_doi_keeps_parentheses_inside_the_doi() -> None:
    assert normalize_doi("doi: 10.1016/S0140-6736(20)32234-0.") == "10.1016/S0140-6736(20)32234-0"


@pytest.mark.parametrize(
    "value",
    [
        "10.1002/14651858.CD007938.pub4",
        "https://doi.org/10.1136/bmj.m441",
        "10.1016/S0140-6736(20)31180-6",
        "10.1093/jee/39.2.269",
        "10.1097/01.j.pain.0000460306.48701.f9",
        "10.1111/j.0030-1299.2005.13735.x",
        "10.1000.10/abc",
        "10.123456789/x",
    ],
)
def test_validate_doi_accepts_well_formed_dois(value: str) -> None:
    validate_doi(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "not a doi",
        "0.1371/journal.pdig.0000456",
        "11.1000/abc",
        "10.123/abc",
        "10.1234567890/abc",
        "10.abcd/xyz",
        "10.1000/",
        "10.1000",
        "10.1000/has space",
        "10.1000./abc",
    ],
)
def test_validate_doi_rejects_malformed_values(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_doi(value)
    assert excinfo.value.code == "invalid_doi"


@pytest.mark.parametrize(
    "value",
    [
        "10.1000/../../admin",
        "10.1000/abc/..",
        "10.1000/abc/./def",
        "10.1000/./abc",
        "10.1000/abc?format=json",
        "10.1000/abc#top",
        "10.1000/abc//def",
    ],
)
def test_a_doi_a_web_address_would_misread_is_refused_saying_why(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_doi(value)
    assert excinfo.value.code == "invalid_doi"
    assert excinfo.value.messages == [
        f"“{value}” is not a valid DOI: its suffix has “?”, “#”, an empty part (“//”) or a "
        "“.” or “..” part between slashes, which a web address reads as something else. Copy "
        "the DOI again from the publisher's page."
    ]


def test_dots_within_a_part_of_a_doi_are_fine() -> None:
    for value in ("10.1000/.hidden", "10.1000/a..b", "10.1093/jee/39.2.269", "10.1000/x./y"):
        validate_doi(value)


def test_validate_doi_error_names_the_value_and_the_expected_shape() -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_doi("0.1371/journal.pdig.0000456")
    message = excinfo.value.messages[0]
    assert "0.1371/journal.pdig.0000456" in message
    assert "not a valid DOI" in message
    assert "10.1002/14651858.CD007938" in message


# PMID


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("28597471", "28597471"),
        (" 28597471 ", "28597471"),
        ("PMID: 28597471", "28597471"),
        ("PMID:28597471", "28597471"),
        ("pmid 28597471", "28597471"),
        ("PMID: 28597471.", "28597471"),
    ],
)
def test_normalize_pmid_strips_label_and_whitespace(raw: str, expected: str) -> None:
    assert normalize_pmid(raw) == expected


@pytest.mark.parametrize("value", ["1", "8980231", "28597471", "999999999", "PMID: 25599447"])
def test_validate_pmid_accepts_one_to_nine_digits(value: str) -> None:
    validate_pmid(value)


@pytest.mark.parametrize(
    "value", ["", "0", "028597471", "1234567890", "12a45", "PMC6452908", "-5", "2859 7471x"]
)
def test_validate_pmid_rejects_malformed_values(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_pmid(value)
    assert excinfo.value.code == "invalid_pmid"


def test_validate_pmid_error_explains_the_rule() -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_pmid("028597471")
    message = excinfo.value.messages[0]
    assert "028597471" in message
    assert "no leading zero" in message


# PMCID


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("PMC6452908", "PMC6452908"),
        ("pmc6452908", "PMC6452908"),
        ("6452908", "PMC6452908"),
        (" PMC6452908 ", "PMC6452908"),
        ("PMCID: PMC6452908", "PMC6452908"),
        ("pmcid:pmc6452908.", "PMC6452908"),
        ("PMC 6452908", "PMC6452908"),
    ],
)
def test_normalize_pmcid_adds_prefix_and_uppercases(raw: str, expected: str) -> None:
    assert normalize_pmcid(raw) == expected


@pytest.mark.parametrize("value", ["PMC6452908", "pmc123", "123", "PMCID: PMC1182327"])
def test_validate_pmcid_accepts_pmc_and_digits(value: str) -> None:
    validate_pmcid(value)


@pytest.mark.parametrize("value", ["", "PMC", "PMC0", "PMC0123", "PMX123", "PMC12a", "PMCPMC12"])
def test_validate_pmcid_rejects_malformed_values(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_pmcid(value)
    assert excinfo.value.code == "invalid_pmcid"


def test_validate_pmcid_error_gives_an_example() -> None:
    with pytest.raises(ValidationError) as excinfo:
        validate_pmcid("PMX123")
    message = excinfo.value.messages[0]
    assert "PMX123" in message
    assert "PMC6452908" in message


# Regex constants, shared with database CheckConstraints


@pytest.mark.parametrize("pattern", [DOI_RE, PMID_RE, PMCID_RE])
def test_regex_constants_are_anchored_strings(pattern: str) -> None:
    assert isinstance(pattern, str)
    assert pattern.startswith("^")
    assert pattern.endswith("$")


@pytest.mark.parametrize("pattern", [DOI_RE, PMID_RE, PMCID_RE])
def test_regex_constants_avoid_python_only_syntax(pattern: str) -> None:
    # PostgreSQL's regex dialect has no named groups or lookbehind; keep to the common subset.
    assert "(?P<" not in pattern
    assert "(?<" not in pattern


@pytest.mark.parametrize(
    ("pattern", "normalised"),
    [
        (DOI_RE, normalize_doi("https://doi.org/10.1002/14651858.CD007938.pub4")),
        (PMID_RE, normalize_pmid("PMID: 28597471")),
        (PMCID_RE, normalize_pmcid("pmc6452908")),
    ],
)
def test_regex_constants_match_normalised_values(pattern: str, normalised: str) -> None:
    # SQLite's REGEXP in Django is Python's re.search, so this is what the constraint checks.
    assert re.search(pattern, normalised)


@pytest.mark.parametrize(
    ("pattern", "value"),
    [(DOI_RE, "10.1000/a b"), (PMID_RE, "0123"), (PMCID_RE, "pmc123")],
)
def test_regex_constants_reject_unnormalised_or_bad_values(pattern: str, value: str) -> None:
    assert not re.fullmatch(pattern, value)
