"""The words references are written with: people's names and months, read and printed.

Every reader (the NLM parser, the BibTeX, RIS and CSL-JSON importers, the PubMed look-up) and
every printer (the Vancouver and AMA formatters, the RIS export) takes them from here, so a
name or a month means the same whichever path it came by. Plain Python, no Django: the
parser's accuracy script runs without settings.
"""

from __future__ import annotations

import re

# --- people's names ------------------------------------------------------------------------

# The parts of a CSL name, as a reference stores them: a person's family name, given names
# (or initials) and suffix, or a group author's name as "literal".
NAME_PARTS = ("family", "given", "suffix", "literal")
# Generational suffixes, written after the initials: "Smith SC Jr", "Mauck WM 3rd".
NAME_SUFFIXES = (
    "Jr", "Sr", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "II", "III", "IV",
)  # fmt: skip
_SUFFIX_WORDS = frozenset(suffix.lower() for suffix in NAME_SUFFIXES)

_SUFFIX = "|".join(sorted(NAME_SUFFIXES, key=len, reverse=True))
_INITIALS = r"[A-Z]{1,4}"
# Text known to be an author's name may have any family name ("'t Hart LM", "St. John AB").
_ANY_FAMILY = r".+?"
# Text that may be a title instead needs a family name that looks like one, or a title ending
# in capitals ("Trends in cancer survival in the USA") would pass for a person: up to five
# words of letters, apostrophes and hyphens (the fewest that fit, so "Gates WH III" keeps its
# suffix). Bounded, so the parser stays linear.
_WORDS_FAMILY = r"[^\W\d_][\w'’\-]{0,40}(?: [^\W\d_][\w'’\-]{0,40}){0,4}?"
_NLM_PERSON = {
    may_be_title: re.compile(
        rf"(?P<family>{family}) (?P<given>{_INITIALS})(?: (?P<suffix>{_SUFFIX}))?\.?"
    )
    for may_be_title, family in ((False, _ANY_FAMILY), (True, _WORDS_FAMILY))
}
# APA and DataCite: "Smith, J. K., & Jones, K.-L."
_APA_PERSON = re.compile(r"(?P<family>[^,&]{1,60}),\s(?P<initials>(?:[A-Z]\.\s?-?){1,4})")


def person_from_nlm(text: str, *, may_be_title: bool = False) -> dict[str, str] | None:
    """A person written the NLM way ("Wiffen PJ", "Smith SC Jr") as CSL name parts, or None.

    `may_be_title`: the text may be a title rather than a name (the parser finding where the
    author list ends), so the family name must look like one.
    """
    match = _NLM_PERSON[may_be_title].fullmatch(text.strip())
    if match is None:
        return None
    person = {"family": match["family"], "given": match["given"]}
    if match["suffix"]:
        person["suffix"] = match["suffix"]
    return person


def author_from_nlm(text: str) -> dict[str, str]:
    """'Wiffen PJ' as family and given; anything else ('WHO Study Group') is a group author."""
    return person_from_nlm(text) or {"literal": text.strip()}


def author_from_inverted(text: str) -> dict[str, str]:
    """'Wiffen, PJ' as family and given (RIS, BibTeX); '{World Health Organization}' or a
    name with no comma is a group author."""
    text = " ".join(text.split())
    if text.startswith("{") and text.endswith("}"):
        return {"literal": text[1:-1].replace("{", "").replace("}", "").strip()}
    text = text.replace("{", "").replace("}", "")
    if "," in text:
        family, _, given = text.partition(",")
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": text}


def author_from_bibtex(text: str) -> dict[str, str]:
    """A BibTeX name: 'Wiffen, PJ' or '{WHO}' as `author_from_inverted`; otherwise BibTeX's
    First von Last form ("Peter J Wiffen"), whose last word is the family name."""
    text = " ".join(text.split())
    if (text.startswith("{") and text.endswith("}")) or "," in text:
        return author_from_inverted(text)
    words = text.replace("{", "").replace("}", "").split()
    if len(words) == 1:
        return {"literal": words[0]}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def nlm_names_from_apa(text: str) -> list[str]:
    """'Smith, J. K., & Jones, K.' -> ['Smith JK', 'Jones K']: APA's people in NLM form."""
    return [
        f"{match['family'].strip()} {initials(match['initials'])}"
        for match in _APA_PERSON.finditer(text)
    ]


def is_name_suffix(word: str) -> bool:
    """True for "Jr", "Jr.", "3rd", "III": a suffix some tools write as an author of its own."""
    return word.rstrip(".").lower() in _SUFFIX_WORDS


def initials(given: str) -> str:
    """'Peter John' -> 'PJ', 'P. J.' -> 'PJ', 'J.-P.' -> 'J-P': initials without full stops,
    as Citing Medicine and AMA both print them."""
    given = given.strip()
    if given and given.replace(".", "").replace(" ", "").isupper():
        return given.replace(".", "").replace(" ", "")
    return "".join(part[0] for part in given.replace(".", " ").replace("-", " ").split())


def nlm_name(author: dict) -> str:
    """'Wiffen PJ' for a person (family name, then initials), or a group name as written."""
    if author.get("literal"):
        return str(author["literal"]).strip()
    family, suffix = str(author.get("family", "")).strip(), str(author.get("suffix", "")).strip()
    given = initials(str(author.get("given", "")))
    return " ".join(part for part in (family, given, suffix) if part)


def inverted_name(author: dict) -> str:
    """'Wiffen, PJ' for a person (RIS), or a group name as written."""
    if author.get("literal"):
        return author["literal"]
    return ", ".join(p for p in (author.get("family", ""), author.get("given", "")) if p)


# --- months --------------------------------------------------------------------------------

# As NLM (Vancouver) prints a month, and as AMA does.
MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_BY_ABBREVIATION = {name.lower(): n for n, name in enumerate(MONTH_ABBREVIATIONS, start=1)}
# A quarterly's issue may be dated by season; a season has no month number.
SEASONS = ("Spring", "Summer", "Fall", "Autumn", "Winter")
_OTHER_SPELLINGS = {9: ("Sept",)}


def _month_spellings(number: int) -> tuple[str, ...]:
    """Every way a month is printed, the longest first: ('September', 'Sept', 'Sep')."""
    names = {
        MONTH_NAMES[number - 1],
        MONTH_ABBREVIATIONS[number - 1],
        *_OTHER_SPELLINGS.get(number, ()),
    }
    return tuple(sorted(names, key=len, reverse=True))


# A month or a season as a citation prints it, capitalised ("Jun", "June", "Sept", "Winter"):
# a piece for the parser's patterns.
MONTH_PATTERN = "(?:{})".format(
    "|".join(
        [*("|".join(_month_spellings(number)) for number in range(1, 13)), *SEASONS],
    )
)
# Between the two months of a range: a hyphen, any dash, a minus sign, or a slash.
_RANGE_MARK = re.compile(r"[-/\u2010-\u2015\u2212]")


def month_number(text: str | None) -> int | None:
    """'Jun', 'June', 'jun.', '6' or '06' -> 6; the first month of 'Apr-Jun'; a season (or
    anything else) -> None."""
    text = str(text or "").strip().lower().rstrip(".")
    if text.isdecimal():
        number = int(text)
        return number if 1 <= number <= 12 else None
    # Every spelling starts with the abbreviation: "sept", "june", "Apr-Jun".
    return _MONTH_BY_ABBREVIATION.get(text[:3])


def is_single_month(printed: str) -> bool:
    """'Jun' is one month; 'Apr-Jun', 'Sep/Oct' and 'Winter' are not (a number cannot say them)."""
    return month_number(printed) is not None and not _RANGE_MARK.search(printed)


def read_date(text: str) -> tuple[int | None, int | None, int | None]:
    """'2017 Jun 9', '2017-06-09', '2017/06/09/' or '2017' -> (year, month, day); a range or
    season keeps its year and first month ('2010 Apr-Jun' -> (2010, 4, None))."""
    parts = [p for p in re.split(r"[/\-\s,]+", (text or "").strip()) if p]
    year = _number(parts[0]) if parts else None
    if not year or not 1000 <= year <= 2999:
        return None, None, None
    month = month_number(parts[1]) if len(parts) > 1 else None
    day = _number(parts[2]) if month and len(parts) > 2 else None
    if day is not None and not 1 <= day <= 31:
        day = None
    return year, month, day


def _number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
