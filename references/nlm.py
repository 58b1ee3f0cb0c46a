"""Parse one NLM/PubMed-style (Vancouver) citation into its parts.

    Wiffen PJ, Derry S, ... Moore RA. Gabapentin for chronic neuropathic pain in adults.
    Cochrane Database Syst Rev. 2017 Jun 9;6(6): CD007938. doi: 10.1002/14651858.CD007938.pub4.
    PMID: 28597471; PMCID: PMC6452908.

The parser anchors on the *source* ("Journal. 2017 Jun 9;6(6):CD007938"), the one part whose
shape is regular, rather than on sentence boundaries, which titles break freely ("... disease.
1. Evidence from ..."). Everything before the journal is authors then title; everything after the
source is the tail, where the identifiers and "Epub ahead of print" live.

Every regex here is either anchored with bounded repetition or scans without nested quantifiers,
and the input is capped, so parsing is linear in the length of the line whatever it contains.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

__all__ = ["MAX_CITATION_LENGTH", "CitationParseError", "ParsedCitation", "parse_nlm_citation"]

# The longest real reference lines (long author lists) run to a few thousand characters.
MAX_CITATION_LENGTH = 20_000


class CitationParseError(ValueError):
    """The text is not a citation this parser can read; the message says why, for a person."""


@dataclass(frozen=True)
class ParsedCitation:
    authors: list[str] = field(default_factory=list)
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    epub_ahead_of_print: bool = False

    def as_json_dict(self) -> dict[str, Any]:
        """The fields a reference is stored and compared by, JSON-ready."""
        return {
            "authors": list(self.authors),
            "title": self.title,
            "journal": self.journal,
            "year": self.year,
            "month": self.month,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "doi": self.doi,
            "pmid": self.pmid,
            "pmcid": self.pmcid,
        }


_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NAME = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
    r"|Spring|Summer|Fall|Autumn|Winter)"
)
_MONTH = rf"(?:{_MONTH_NAME}|\d{{1,2}})"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"

# The source after the journal: "2017 Jun 9;6(6): CD007938", "2013;(11):CD000023",
# "2009;27 Suppl 6:G17-20", "2019 11 14;381(20):1909-1917", "2022 Jul-Aug;32(4):299-306",
# "2023 Sep 20:e14037", "2022 Sep 27", "2020 28 March-3 April; 395(10229)" and, with the year
# left out, "Mar-Apr;34(2):211-216". Every quantifier is bounded or over a disjoint class.
_SOURCE = re.compile(
    rf"""
    (?:(?P<year>{_YEAR})(?!\d)
        (?:\ (?P<dday>\d{{1,2}})\ (?P<dmonth>{_MONTH_NAME})(?:-\d{{1,2}}\ {_MONTH_NAME})?
          |\ (?P<month>{_MONTH})\.?(?:[-/]{_MONTH}\.?)?   # month, season or a range of them
            (?:\ (?P<day>\d{{1,2}})(?:-\d{{1,2}})?)?      # day (or a range of days)
        )?
      |(?P<ymonth>{_MONTH_NAME})(?:-{_MONTH_NAME})?(?=\ ?;)  # no year at all: needs a volume
    )
    (?P<vi>\ ?;\ ?
        (?P<volume>[A-Za-z]?\d\w{{0,15}}(?:-\d{{1,6}})?)?
        (?:\ ?\((?P<issue>[^()]{{1,40}})\)
          |\ ?\[(?P<issue_b>[^\[\]]{{1,40}})\]
          |\ (?P<issue_s>(?:[Ss]uppl|Spec|Pt|Part)\b[^:;.()]{{0,20}})
        )?
    )?
    (?:\ ?:\ ?(?P<pages>[^\s;,]{{1,60}}))?
    """,
    re.VERBOSE,
)

# A period, question or exclamation mark followed by whitespace ends a "sentence".
_BOUNDARY = re.compile(r"[.?!](?=\s)")
# "...Journal. 2019" and, as a fallback, Vancouver without the period: "Diabetes Care 2024;47".
_SOURCE_START = re.compile(rf"\.\ (?={_YEAR}(?!\d)|{_MONTH_NAME}[-;])")
_SOURCE_START_NO_PERIOD = re.compile(rf"(?<=[A-Za-z)])\ (?={_YEAR};)")
# Words whose trailing period does not end a sentence ("Cytisine vs. varenicline"). Matched
# case-sensitively: "Cronin CA." and "Gaur DR." are initials that do end the author list.
_ABBREVIATIONS = frozenset(
    {"vs", "Vs", "e.g", "i.e", "St", "Dr", "No", "Nos", "Fig", "Figs", "approx", "cf", "ca", "sp"}
)

# "1. ", "[1] ", "(1) ", "1) " and Markdown's escaped "1\. ".
_LEADING_NUMBER = re.compile(r"\A(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}\\?[.)])\s+")
_LANGUAGE_NOTE = re.compile(r"\[(?:Article|Text) in [A-Za-z ,]{1,60}\]\.?", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\ufeff]")
# doi: 10.1/x, DOI:10.1/x, https://doi.org/10.1/x, http://dx.doi.org/10.1/x
_DOI_LABELLED = re.compile(
    r"(?:\bdoi\s?:?\s?(?:https?://(?:dx\.)?doi\.org/)?|https?://(?:dx\.)?doi\.org/)"
    r"(?P<doi>10\.\d{4,9}/[^\s<>\"]+)",
    re.IGNORECASE,
)
# Unlabelled: a bare "10.7326/M21-2449", or a publisher link ".../doi/full/10.7326/M20-5665".
_DOI_BARE = re.compile(
    r"(?:(?<![\w/.])|(?<=/doi/)|(?<=/doi/full/)|(?<=/doi/abs/)|(?<=/doi/pdf/))"
    r"(?P<doi>10\.\d{4,9}/[^\s<>\"]+)"
)
_PMID = re.compile(r"(?:\bPMID\s?:?|\[PubMed:?)\s?(?P<pmid>\d{1,12})\]?", re.IGNORECASE)
# EndNote sometimes doubles the prefix ("PMCID: PMCPMC7237901"); the digits are what matter.
_PMCID = re.compile(r"\bPMCID\s?:?\s?(?:PMC)*\s?(?P<digits>\d{1,12})", re.IGNORECASE)
_PMCID_BARE = re.compile(r"\bPMC(?P<digits>\d{4,12})\b")
_EPUB_AHEAD = re.compile(r"\b(?:Epub|Online) ahead of print\b", re.IGNORECASE)
# PubMed appends linked notes after the source ("Erratum in: Diabetes Care. 2009;32(1):207.");
# their sources must not be taken for the article's own.
_LINKED_NOTE = re.compile(
    r"\b(?:Erratum|Comment|Update|Retraction|Republished|Reprint|Corrected and republished"
    r"|Expression of concern|Summary for patients) (?:in|on|of|for|from):",
    re.IGNORECASE,
)

_PERSON = re.compile(
    r"[^\W\d_][\w'’\-]{0,40}(?: [^\W\d_][\w'’\-]{0,40}){0,4} [A-Z]{1,4}"
    r"(?: (?:Jr|Sr|2nd|3rd|[4-9]th|II|III|IV))?\.?"
)
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "2nd", "3rd", "ii", "iii", "iv"})
_ET_AL = re.compile(r"(?:^|\s)et\.? al\.?$", re.IGNORECASE)


def parse_nlm_citation(text: str) -> ParsedCitation:
    """Parse one reference-list line in NLM/PubMed style.

    Raises ``CitationParseError`` (and nothing else) for anything that is not a citation: empty or
    over-long text, text with no "Journal. Year" source, or a source with no journal before it.
    """
    try:
        return _parse(text)
    except CitationParseError:
        raise
    except Exception as exc:
        # The contract is "only CitationParseError escapes"; the fuzz tests check this never runs.
        raise CitationParseError(f"Could not read this citation ({type(exc).__name__}).") from exc


def _parse(text: str) -> ParsedCitation:
    if not isinstance(text, str):
        raise CitationParseError("A citation must be text.")
    if len(text) > MAX_CITATION_LENGTH:
        raise CitationParseError(
            f"This is {len(text):,} characters long; a citation is at most "
            f"{MAX_CITATION_LENGTH:,}. Put one citation per line."
        )
    line = _clean(text)
    if not line:
        raise CitationParseError("The line is empty.")

    doi, pmid, pmcid, line = _take_labelled_identifiers(line)
    epub_ahead = bool(_EPUB_AHEAD.search(line))
    line = _LINKED_NOTE.split(line, maxsplit=1)[0].rstrip()

    source = _find_source(line)
    if source is None:
        raise CitationParseError(
            "No journal and year found: expected something like "
            "“Journal Abbrev. 2019;42(3):100-110.” after the title."
        )
    journal_end, match = source

    boundaries = _boundaries(line)
    journal_start = _journal_start(line, boundaries, journal_end)
    journal = line[journal_start:journal_end].strip()
    if not re.search(r"[^\W\d_]", journal):
        raise CitationParseError("No journal name found before the publication year.")

    authors_text, title = _split_authors_and_title(line, boundaries, journal_start)
    authors, et_al = _split_authors(authors_text)
    strong = bool(match.group("vi") or match.group("pages"))
    if not (strong or authors or title or doi or pmid or pmcid):
        # "Smith AB. 2020." is a name and a year, not a reference anyone could look up.
        raise CitationParseError(
            "Only a name and a date found: a citation needs authors or a title before the "
            "journal, or a volume and pages after the year."
        )

    tail = line[match.end() :]
    if doi is None:
        bare = _DOI_BARE.search(tail)
        if bare:
            doi = _clean_doi(bare.group("doi"))
    if pmcid is None:
        bare_pmc = _PMCID_BARE.search(tail)
        if bare_pmc:
            pmcid = _clean_pmcid(bare_pmc.group("digits"))

    year, month, day, volume, issue, pages = _source_parts(match)
    return ParsedCitation(
        authors=authors,
        et_al=et_al,
        title=title,
        journal=journal,
        year=year,
        month=month,
        day=day,
        volume=volume,
        issue=issue,
        pages=pages,
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        epub_ahead_of_print=epub_ahead,
    )


def _clean(text: str) -> str:
    """One line, single spaces, no list numbering, no "[Article in German]" notes."""
    line = _CONTROL.sub(" ", text)
    line = " ".join(line.split())
    line = _LEADING_NUMBER.sub("", line)
    line = _LANGUAGE_NOTE.sub(" ", line)
    return " ".join(line.split())


def _take_labelled_identifiers(line: str) -> tuple[str | None, str | None, str | None, str]:
    """Pull out "doi:", "PMID:" and "PMCID:" values, wherever and in whatever order they are.

    They are blanked out of the line afterwards so a DOI's own periods and digits cannot be
    mistaken for a source ("doi: 10.1093/jee/39.2.269").
    """
    doi = pmid = pmcid = None
    spans: list[tuple[int, int]] = []
    for m in _DOI_LABELLED.finditer(line):
        if doi is None:
            doi = _clean_doi(m.group("doi"))
        spans.append(m.span())
    for m in _PMCID.finditer(line):
        if pmcid is None:
            pmcid = _clean_pmcid(m.group("digits"))
        spans.append(m.span())
    for m in _PMID.finditer(line):
        if pmid is None:
            candidate = normalize_pmid(m.group("pmid"))
            pmid = candidate if re.fullmatch(r"[1-9]\d{0,8}", candidate) else None
        spans.append(m.span())
    if not spans:
        return doi, pmid, pmcid, line
    parts: list[str] = []
    last = 0
    for start, end in sorted(spans):
        if start >= last:
            parts.append(line[last:start])
            last = end
        else:
            last = max(last, end)
    parts.append(line[last:])
    # Identifiers written first ("PMID: 1; Smith AB. ...") leave their separators behind.
    return doi, pmid, pmcid, " ".join(" ".join(parts).split()).lstrip(" .,;:")


def _clean_doi(raw: str) -> str | None:
    doi = normalize_doi(raw)
    # A DOI that closes a parenthesis it never opened was wrapped in one: "(doi: 10.1/x)".
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1].rstrip(".,;")
    return doi if re.fullmatch(r"10\.\d{4,9}(?:\.\d+)*/\S+", doi) else None


def _clean_pmcid(digits: str) -> str | None:
    pmcid = normalize_pmcid(digits)
    return pmcid if re.fullmatch(r"PMC[1-9]\d{0,8}", pmcid) else None


def _find_source(line: str) -> tuple[int, re.Match[str]] | None:
    """Return (end of the journal name, source match) for the most credible source.

    The first source with a volume or pages wins ("Lancet. 2020;395(10229):1054-1062"); failing
    that, the first bare date that ends a sentence ("Semin Dial. 2022 Sep 27.").
    """
    weak: tuple[int, re.Match[str]] | None = None
    for start in _SOURCE_START.finditer(line):
        found = _source_at(line, start.end())
        if found is None:
            continue
        match, strong = found
        if strong:
            return start.start(), match
        if weak is None:
            weak = (start.start(), match)
    if weak is not None:
        return weak
    for start in _SOURCE_START_NO_PERIOD.finditer(line):
        found = _source_at(line, start.end())
        if found is not None and found[1]:
            return start.start(), found[0]
    return None


def _source_at(line: str, pos: int) -> tuple[re.Match[str], bool] | None:
    match = _SOURCE.match(line, pos)
    if match is None:
        return None
    after = line[match.end() : match.end() + 1]
    strong = bool(match.group("vi") or match.group("pages"))
    if match.group("year") is None and not strong:
        return None
    # A source ends its sentence; "2019 update of ..." is a title that starts with a year.
    ends_sentence = after in ("", ".", ";", ",") or (strong and after == " ")
    return (match, strong) if ends_sentence else None


def _boundaries(line: str) -> list[int]:
    """Offsets just after each sentence-ending mark (".", "?", "!") that is not an abbreviation."""
    positions: list[int] = []
    for m in _BOUNDARY.finditer(line):
        end = m.start()
        if line[end] == ".":
            word_start = end
            # Walk back over the word the period ends, a bounded distance.
            while word_start > 0 and end - word_start < 12 and not line[word_start - 1].isspace():
                word_start -= 1
            word = line[word_start:end].lstrip("([")
            if word in _ABBREVIATIONS:
                continue
            # "U.S." or "e.g." inside a name: a single letter that follows another period.
            if len(word) >= 3 and word[-2] == "." and word[-1].isalpha():
                continue
        positions.append(m.end())
    return positions


def _journal_start(line: str, boundaries: list[int], journal_end: int) -> int:
    """The journal is the last sentence before its source."""
    index = bisect.bisect_left(boundaries, journal_end) - 1
    return boundaries[index] if index >= 0 else 0


def _split_authors_and_title(
    line: str, boundaries: list[int], journal_start: int
) -> tuple[str, str | None]:
    """Split what precedes the journal into the author list and the title.

    The authors are the first sentence; the title is everything from there to the journal, which
    may itself contain sentences ("... 1. Evidence from ...") or start with a number ("3. ...").
    """
    head = line[:journal_start].strip()
    if not head:
        return "", None
    first = next((b for b in boundaries if b < journal_start), journal_start)
    authors = line[:first].strip()
    title = line[first:journal_start].strip()
    if ": " in authors:
        # "Mehra M, Agarwal SK: Factors affecting ..." puts a colon after the authors.
        before, after = authors.split(": ", 1)
        if _is_person_list(before):
            authors, title = before, f"{after} {title}".strip()
    if not title:
        # One sentence before the journal: an author list with no title, or a title alone.
        if _is_person_list(authors.rstrip(".")):
            return authors, None
        return "", _clean_title(authors)
    return authors, _clean_title(title)


def _clean_title(title: str) -> str | None:
    title = title.strip()
    if title.endswith(".") and not title.endswith("..."):
        title = title[:-1].rstrip()
    # PubMed brackets a title translated from another language: "[Frequent skin findings]".
    if title.startswith("[") and title.endswith("]") and title.count("[") == 1:
        title = title[1:-1].strip()
    return title or None


def _is_person_list(text: str) -> bool:
    """True for "Smith AB, Jones C, et al": people written "Surname Initials", nothing else."""
    items = [item.strip() for item in re.split(r"[,;]", text)]
    items = [item for item in items if item]
    if not items:
        return False
    for item in items:
        if _ET_AL.search(item) and item.lower().startswith("et"):
            continue
        if item.lower() in _NAME_SUFFIXES:
            continue
        name = _ET_AL.sub("", item).strip()
        if not _PERSON.fullmatch(name):
            return False
    return True


def _split_authors(text: str) -> tuple[list[str], bool]:
    """Split "Smith AB, Jones C; Some Study Group, et al." into names and an et al. flag."""
    text = text.strip().rstrip(".").strip()
    if not text:
        return [], False
    authors: list[str] = []
    et_al = False
    for raw in re.split(r"[,;]", text):
        item = raw.strip()
        if item.lower().startswith("and "):
            item = item[4:].strip()
        if _ET_AL.search(item):
            et_al = True
            item = _ET_AL.sub("", item).strip()
        item = item.rstrip(".").strip()
        if not item:
            continue
        if item.lower() in _NAME_SUFFIXES and authors:
            # EndNote writes "Mauck WM, 3rd": the suffix belongs to the previous author.
            authors[-1] = f"{authors[-1]} {item}"
            continue
        authors.append(item)
    return authors, et_al


def _source_parts(
    match: re.Match[str],
) -> tuple[int | None, int | None, int | None, str | None, str | None, str | None]:
    year = int(match.group("year")) if match.group("year") else None
    month = _month_number(match.group("month") or match.group("dmonth") or match.group("ymonth"))
    day_text = match.group("day") or match.group("dday")
    day = int(day_text) if day_text and month and 1 <= int(day_text) <= 31 else None
    volume = match.group("volume") or None
    issue = match.group("issue") or match.group("issue_b") or match.group("issue_s")
    issue = " ".join(issue.split()) if issue else None
    pages = match.group("pages")
    if pages:
        pages = pages.rstrip(".")
        # Pages always carry a digit; anything else is stray punctuation.
        if not any(char.isdigit() for char in pages):
            pages = None
    return year, month, day, volume, issue or None, pages or None


def _month_number(text: str | None) -> int | None:
    """ "Jun" -> 6, "11" -> 11; seasons have no month number."""
    if not text:
        return None
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text[:3].lower())
