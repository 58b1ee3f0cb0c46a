"""The names and months every reader and printer of references shares."""

from __future__ import annotations

import re

import pytest

from references.vocabulary import (
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTH_PATTERN,
    SEASONS,
    author_from_bibtex,
    author_from_inverted,
    author_from_nlm,
    initials,
    inverted_name,
    is_name_suffix,
    is_single_month,
    month_number,
    nlm_name,
    nlm_names_from_apa,
    person_from_nlm,
    read_date,
)

# --- people's names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("Wiffen PJ", {"family": "Wiffen", "given": "PJ"}),
        ("Rice ASC", {"family": "Rice", "given": "ASC"}),
        ("Smith SC Jr", {"family": "Smith", "given": "SC", "suffix": "Jr"}),
        ("Mauck WM 3rd", {"family": "Mauck", "given": "WM", "suffix": "3rd"}),
        ("Gates WH III", {"family": "Gates", "given": "WH", "suffix": "III"}),
        ("van der Berg AB", {"family": "van der Berg", "given": "AB"}),
        ("Andersen-Nissen E", {"family": "Andersen-Nissen", "given": "E"}),
        ("Gómez-Soriano J", {"family": "Gómez-Soriano", "given": "J"}),
        ("O’Brien K", {"family": "O’Brien", "given": "K"}),
        ("  Wiffen PJ. ", {"family": "Wiffen", "given": "PJ"}),
    ],
)
def test_a_person_written_the_nlm_way_gives_family_initials_and_suffix(written, parts):
    assert person_from_nlm(written) == parts
    assert person_from_nlm(written, may_be_title=True) == parts
    assert author_from_nlm(written) == parts


@pytest.mark.parametrize(
    "group", ["WHO Study Group", "Cochrane Collaboration", "NICE", "Writing Committee", "Smith"]
)
def test_anything_not_written_family_then_initials_is_a_group_author(group):
    assert person_from_nlm(group) is None
    assert author_from_nlm(f" {group} ") == {"literal": group}


def test_a_known_author_may_have_any_family_name():
    assert person_from_nlm("'t Hart LM") == {"family": "'t Hart", "given": "LM"}


def test_text_that_may_be_a_title_needs_a_family_name_that_looks_like_one():
    """A title ending in capitals is not taken for a person when the text may be a title."""
    title = "Trends in cancer survival in the USA"
    assert person_from_nlm(title, may_be_title=True) is None
    assert person_from_nlm("Outcomes of care: the USA", may_be_title=True) is None
    assert person_from_nlm("'t Hart LM", may_be_title=True) is None


@pytest.mark.parametrize("word", ["Jr", "Jr.", "jr", "Sr", "2nd", "3rd", "4th", "9th", "II", "IV"])
def test_generational_suffixes_are_recognised(word):
    assert is_name_suffix(word)


@pytest.mark.parametrize("word", ["", "Smith", "ed", "10th", "V", "et al"])
def test_other_words_are_not_suffixes(word):
    assert not is_name_suffix(word)


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        ("PJ", "PJ"),
        ("Peter John", "PJ"),
        ("P. J.", "PJ"),
        ("P.J.", "PJ"),
        ("Jean-Paul", "JP"),
        ("J.-P.", "J-P"),
        ("", ""),
    ],
)
def test_initials_are_printed_without_full_stops(given, printed):
    assert initials(given) == printed


@pytest.mark.parametrize(
    ("author", "printed"),
    [
        ({"family": "Wiffen", "given": "Philip J."}, "Wiffen PJ"),
        ({"family": "Smith", "given": "SC", "suffix": "Jr"}, "Smith SC Jr"),
        ({"family": "Plato"}, "Plato"),
        ({"literal": " World Health Organization "}, "World Health Organization"),
    ],
)
def test_an_author_is_printed_the_nlm_way(author, printed):
    assert nlm_name(author) == printed


def test_a_printed_nlm_name_reads_back_as_the_same_parts():
    author = {"family": "Smith", "given": "SC", "suffix": "Jr"}
    assert author_from_nlm(nlm_name(author)) == author


def test_apa_people_are_read_into_nlm_form():
    assert nlm_names_from_apa("Smith, J. K., Jones, K.-L., & de Vries, A.") == [
        "Smith JK",
        "Jones K-L",
        "de Vries A",
    ]
    assert nlm_names_from_apa("World Health Organization") == []


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("Wiffen, PJ", {"family": "Wiffen", "given": "PJ"}),
        ("Wiffen,  Philip   J", {"family": "Wiffen", "given": "Philip J"}),
        ("{World Health Organization}", {"literal": "World Health Organization"}),
        ("{Cochrane {Pain} Group}", {"literal": "Cochrane Pain Group"}),
        ("Pfizer", {"literal": "Pfizer"}),
    ],
)
def test_an_inverted_name_is_family_comma_given(written, parts):
    assert author_from_inverted(written) == parts


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("Peter J Wiffen", {"family": "Wiffen", "given": "Peter J"}),
        ("Wiffen, Peter J", {"family": "Wiffen", "given": "Peter J"}),
        ("{World Health Organization}", {"literal": "World Health Organization"}),
        ("Plato", {"literal": "Plato"}),
    ],
)
def test_a_bibtex_name_is_first_then_last_unless_inverted(written, parts):
    assert author_from_bibtex(written) == parts


def test_an_author_is_printed_inverted_and_reads_back():
    for author in ({"family": "Wiffen", "given": "PJ"}, {"literal": "NICE"}):
        assert author_from_inverted(inverted_name(author)) == author
    assert inverted_name({"family": "Plato"}) == "Plato"


# --- months --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("Jun", 6),
        ("June", 6),
        ("jun.", 6),
        ("JUNE", 6),
        (" Jun ", 6),
        ("6", 6),
        ("06", 6),
        ("12", 12),
        ("Sept", 9),
        ("Sept.", 9),
        ("September", 9),
        ("May", 5),
        ("Apr-Jun", 4),
    ],
)
def test_a_month_is_read_in_any_form_it_is_printed(written, number):
    assert month_number(written) == number


@pytest.mark.parametrize("written", ["Winter", "Spring", "Fall", "0", "13", "", None, "Ju", "²"])
def test_seasons_and_non_months_have_no_month_number(written):
    assert month_number(written) is None


def test_every_printed_month_reads_back_as_its_number():
    pairs = zip(MONTH_ABBREVIATIONS, MONTH_NAMES, strict=True)
    for number, (abbreviation, name) in enumerate(pairs, start=1):
        assert month_number(abbreviation) == month_number(name) == number
    assert (MONTH_ABBREVIATIONS[5], MONTH_NAMES[8]) == ("Jun", "September")


def test_the_month_pattern_matches_each_printed_month_and_season_whole():
    spellings = [*MONTH_ABBREVIATIONS, *MONTH_NAMES, "Sept", *SEASONS]
    for word in spellings:
        assert re.fullmatch(MONTH_PATTERN, word), word
        # The pattern takes the whole word, never a shorter spelling inside it.
        assert re.match(MONTH_PATTERN, f"{word};").group() == word
    for word in ("Ju", "Janu", "Mayo", "Monday"):
        assert not re.fullmatch(MONTH_PATTERN, word), word


@pytest.mark.parametrize("printed", ["Jun", "June", "Jun."])
def test_one_month_is_single(printed):
    assert is_single_month(printed)


@pytest.mark.parametrize(
    "printed", ["Apr-Jun", "Oct–Dec", "Apr\u2212Jun", "Jul\u2014Sep", "Sep/Oct", "Winter", "13"]
)
def test_a_range_or_a_season_is_not_a_single_month(printed):
    assert not is_single_month(printed)


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("2017 Jun 9", (2017, 6, 9)),
        ("2017-06-09", (2017, 6, 9)),
        ("2017/06/09/", (2017, 6, 9)),
        ("2017 June", (2017, 6, None)),
        ("2017", (2017, None, None)),
        ("2010 Apr-Jun", (2010, 4, None)),
        ("2002 Winter", (2002, None, None)),
        ("2017 Jun 32", (2017, 6, None)),
        ("2017 Winter 3", (2017, None, None)),
        ("", (None, None, None)),
        ("Jun 2017", (None, None, None)),
        ("20170", (None, None, None)),
    ],
)
def test_a_date_is_read_year_first(written, parts):
    assert read_date(written) == parts
