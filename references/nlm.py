"""Parse one pasted reference (NLM/PubMed, Vancouver or AMA style) into its parts.

    Wiffen PJ, Derry S, ... Moore RA. Gabapentin for chronic neuropathic pain in adults.
    Cochrane Database Syst Rev. 2017 Jun 9;6(6): CD007938. doi: 10.1002/14651858.CD007938.pub4.
    PMID: 28597471; PMCID: PMC6452908.

The parser anchors on the *source* ("Journal. 2017 Jun 9;6(6):CD007938"), the one part whose
shape is regular, rather than on sentence boundaries, which titles break freely ("... disease.
1. Evidence from ..."). Everything before the journal is authors then title; everything after the
source is the tail, where the identifiers and "Epub ahead of print" live. Books, chapters ("In:
…, editors. Book [Internet]. Place: Publisher; 2024 Jan-."), web pages, drug labels and data
sets anchor on their publisher clause ("Place: Publisher; Year") instead; their "journal" is the
book, or the issuing body, or the repository.

What the parser is unsure of it says, field by field (`ParsedCitation.warnings`): no journal, no
year, a DOI that cannot be right, text that looks cut off or run together. A field silently
wrong in a medical reference list is worse than a field left empty.

Every regex here is either anchored with bounded repetition or scans without nested quantifiers,
and the input is capped, so parsing is linear in the length of the line whatever it contains.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from references.vocabulary import (
    MONTH_PATTERN,
    is_name_suffix,
    is_single_month,
    month_number,
    nlm_names_from_apa,
    person_from_nlm,
)

__all__ = [
    "MAX_CITATION_LENGTH",
    "CitationParseError",
    "ParseWarning",
    "ParsedCitation",
    "parse_nlm_citation",
]

# The longest real reference lines (long author lists) run to a few thousand characters.
MAX_CITATION_LENGTH = 20_000


class CitationParseError(ValueError):
    """The text is not a citation this parser can read; the message says why, for a person."""


@dataclass(frozen=True)
class ParseWarning:
    """Low confidence in one field (or in the whole text): what looks wrong, for a person."""

    field: str  # a key of as_json_dict(), or "text" for the input as a whole
    code: str  # no_journal, no_year, implausible_doi, truncated, run_together, ...
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class ParsedCitation:
    authors: list[str] = field(default_factory=list)
    et_al: bool = False
    title: str | None = None
    journal: str | None = None  # the journal; for a chapter its book; else the issuing body
    year: int | None = None
    month: int | None = None  # the first month of a range; None for a season
    day: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    epub_ahead_of_print: bool = False
    # The month as printed: "Jun", "Apr-Jun", "Winter" (None when no month was printed).
    month_printed: str | None = None
    # The date, normalised: "2017-06-09", "2010-04", "2010-04/2010-06", "2002" (a season).
    date: str | None = None
    kind: str = "journal"  # journal, chapter, book, web, label, dataset
    publisher: str | None = None
    place: str | None = None
    url: str | None = None
    accessed: str | None = None  # "[cited 2024 Jan 5]" / "Accessed June 1, 2023", normalised
    warnings: tuple[ParseWarning, ...] = ()

    def as_json_dict(self) -> dict[str, Any]:
        """The 11 fields a reference is stored and compared by, JSON-ready.

        `month` is the month's number when one month was printed, and the month as printed
        when it was a range or a season ("Apr-Jun", "Winter"): cutting a quarter to its first
        month would misdate the issue.
        """
        month: int | str | None = self.month_range_or_season or self.month
        return {
            "authors": list(self.authors),
            "title": self.title,
            "journal": self.journal,
            "year": self.year,
            "month": month,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "doi": self.doi,
            "pmid": self.pmid,
            "pmcid": self.pmcid,
        }

    @property
    def month_range_or_season(self) -> str | None:
        """The month as printed when no one number says it: "Apr-Jun", "Sep/Oct", "Winter"."""
        if self.month_printed and (self.month is None or not is_single_month(self.month_printed)):
            return self.month_printed
        return None

    def warnings_for(self, name: str) -> list[str]:
        return [w.message for w in self.warnings if w.field == name]


_MONTH = rf"(?:{MONTH_PATTERN}|\d{{1,2}})"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_DASH = "[-\u2010\u2011\u2012\u2013\u2212]"  # hyphen and the dashes PDFs turn it into

# The source after the journal: "2017 Jun 9;6(6): CD007938", "2013;(11):CD000023",
# "2009;27 Suppl 6:G17-20", "2019 11 14;381(20):1909-1917", "2022 Jul-Aug;32(4):299-306",
# "2023 Sep 20:e14037", "2022 Sep 27", "2020 28 March-3 April; 395(10229)" and, with the year
# left out, "Mar-Apr;34(2):211-216". Every quantifier is bounded or over a disjoint class.
_SOURCE = re.compile(
    rf"""
    (?:(?P<year>{_YEAR})(?!\d)
        (?:\ (?P<dday>\d{{1,2}})\ (?P<dmonth>{MONTH_PATTERN})(?:{_DASH}\d{{1,2}}\ {MONTH_PATTERN})?
          |\ (?P<mtext>(?P<month>{_MONTH})\.?(?:(?:{_DASH}|/)(?P<month2>{_MONTH})\.?)?)
            (?:\ (?P<day>\d{{1,2}})(?:{_DASH}\d{{1,2}})?)?      # day (or a range of days)
        )?
      |(?P<ymtext>(?P<ymonth>{MONTH_PATTERN})(?:{_DASH}{MONTH_PATTERN})?)(?=\ ?;)  # no year
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
_SOURCE_START = re.compile(rf"[.?]\ (?={_YEAR}(?!\d)|{MONTH_PATTERN}{_DASH}|{MONTH_PATTERN};)")
_SOURCE_START_NO_PERIOD = re.compile(rf"(?<=[A-Za-z)])\ (?={_YEAR};)")
# Words whose trailing period does not end a sentence ("Cytisine vs. varenicline"). Matched
# case-sensitively: "Cronin CA." and "Gaur DR." are initials that do end the author list.
_ABBREVIATIONS = frozenset(
    {"vs", "Vs", "e.g", "i.e", "St", "Dr", "No", "Nos", "Fig", "Figs", "approx", "cf", "ca", "sp"}
)

# "1. ", "[1] ", "(1) ", "1) " and Markdown's escaped "1\. ".
_LEADING_NUMBER = re.compile(r"\A(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}\\?[.)])\s+")
# "12 Smith AB ...": a list number with its punctuation lost.
_BARE_LEADING_NUMBER = re.compile(r"\A\d{1,4}\s+(?=[^\W\d_])")
_LANGUAGE_NOTE = re.compile(r"\[(?:Article|Text) in [A-Za-z ,]{1,60}\]\.?", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\ufeff]")
# doi: 10.1/x, DOI:10.1/x, https://doi.org/10.1/x, http://dx.doi.org/10.1/x
_DOI_LABELLED = re.compile(
    r"(?:\bdoi\s?:?\s?(?:https?://(?:dx\.)?doi\.org/)?|https?://(?:dx\.)?doi\.org/)"
    r"(?P<doi>10\.\d{4,9}/[^\s<>\"]+)",
    re.IGNORECASE,
)
# A "doi" label followed by something that is not a DOI ("doi: 10.1O56/…", "doi: 10.2307").
_DOI_LABEL_ANY = re.compile(r"\bdoi\s?:\s?(?P<rest>\S{1,200})", re.IGNORECASE)
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
# "Available from: https://…", "Available at https://…", "URL: …" and bare links.
_URL = re.compile(
    r"(?:\b(?:Available (?:from|at)|URL)\s?:?\s?)?(?P<url>(?:https?://|www\.)[^\s<>\"]{1,500})",
    re.IGNORECASE,
)
# "[cited 2024 Jan 5]", "[updated 2023 Nov 21; cited 2024 Jan 10]", "[Updated 2018 Dec 20]".
_BRACKET_DATES = re.compile(
    r"\s?\[(?P<body>(?:cited|updated|accessed|modified|revised)\b[^\[\]]{0,80})\]", re.IGNORECASE
)
_CITED = re.compile(rf"\bcited\s(?P<date>{_YEAR}(?:\s\w{{3,9}})?(?:\s\d{{1,2}})?)", re.IGNORECASE)
_ABOUT_PAGES = re.compile(r"\[about [^\[\]]{1,40}\]", re.IGNORECASE)
_ACCESSED = re.compile(
    rf"\bAccessed\s(?P<date>(?:{MONTH_PATTERN}\s\d{{1,2}},\s)?{_YEAR}|{_YEAR}\s{MONTH_PATTERN}\s\d{{1,2}})\.?",
    re.IGNORECASE,
)
# AMA: "JAMA. Published online March 4, 2024." — the source of an article ahead of print.
_PUBLISHED_ONLINE = re.compile(
    rf"\.\s(?:Published online|Epub)\s(?P<month>{MONTH_PATTERN})\.?\s(?:(?P<day>\d{{1,2}}),\s)?"
    rf"(?P<year>{_YEAR})\b"
)
_FORTHCOMING = re.compile(rf"\.\s(?:Forthcoming|In press)\s(?P<year>{_YEAR})\b", re.IGNORECASE)
# PubMed appends linked notes after the source ("Erratum in: Diabetes Care. 2009;32(1):207.");
# their sources must not be taken for the article's own.
_LINKED_NOTE = re.compile(
    r"\b(?:Erratum|Comment|Update|Retraction|Republished|Reprint|Corrected and republished"
    r"|Expression of concern|Summary for patients) (?:in|on|of|for|from):",
    re.IGNORECASE,
)
# Content designators a citation prints after a title: "[letter]", "[package insert]".
_DESIGNATOR = re.compile(
    r"\s?\[(?P<what>letter|editorial|abstract|comment|review|erratum|internet|package insert"
    r"|dataset|data set|database|software|cd-rom|dvd|monograph on the internet|homepage on the"
    r" internet|serial on the internet|videocast|podcast|computer program|epub ahead of print)\]",
    re.IGNORECASE,
)
_MEDIUM_KINDS = {
    "package insert": "label",
    "dataset": "dataset",
    "data set": "dataset",
    "database": "dataset",
    "software": "dataset",
    "computer program": "dataset",
}
# "Place: Publisher; 2002." / "Publisher; 2016." with dates like "c2000-01", "1993-2024",
# "2024 Jan-", "2019 [updated …]". Matched at a sentence start, so it begins after ". ".
_PUBLISHER_CLAUSE = re.compile(
    rf"""
    (?:(?P<place>[^.:;\[\]]{{2,80}}?)\ ?:\ )?
    (?P<publisher>[^;:\[\]]{{2,200}}?)\ ?;\ ?
    (?P<date>c?(?P<year>{_YEAR})(?:{_DASH}\d{{2,4}})?
        (?:\ (?P<mtext>(?P<month>{MONTH_PATTERN})(?:{_DASH}{MONTH_PATTERN}?)?)
            (?:\ (?P<day>\d{{1,2}}))?)?
        {_DASH}?)
    (?=\.|$)   # the date ends the sentence ("; 2002 Apr 3-5; Kinsdale" is a conference)
    """,
    re.VERBOSE,
)
_EDITION = re.compile(r"^(?:\d{1,2}(?:st|nd|rd|th)|[A-Z][a-z]+|Rev)\.? (?:ed|edition)\.?$")
_EDITORS = re.compile(r",?\s(?:editors?|eds?\.?)$", re.IGNORECASE)
_CHAPTER_DATE = re.compile(
    rf"^(?P<year>{_YEAR})(?:\ (?P<month>{MONTH_PATTERN})(?:\ (?P<day>\d{{1,2}}))?)?$"
)
_BOOK_PAGES = re.compile(r"\bp{1,2}\.\s?(?P<pages>[A-Za-z]?\d{1,6}(?:-[A-Za-z]?\d{1,6})?)")
# Repositories a data-set citation names as its publisher.
_REPOSITORIES = re.compile(
    r"\b(?P<repo>Zenodo|figshare|Dryad|Dryad Digital Repository|PhysioNet|Open Science Framework"
    r"|OSF|Mendeley Data|Harvard Dataverse|Dataverse|GitHub|ICPSR|Gene Expression Omnibus"
    r"|UK Data Service|Synapse|Kaggle|OpenNeuro)\b",
    re.IGNORECASE,
)
_ET_AL = re.compile(r"(?:^|\s)et\.? al\.?$", re.IGNORECASE)
# A run of letters this long with no space is words run together, not a word.
_RUN_TOGETHER = re.compile(r"[^\s/:]{45,}")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Well-known DOI prefixes and the suffix shape each publisher registers for the journal.
_DOI_SHAPES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "N Engl J Med",
        "10.1056",
        re.compile(r"NEJM[a-z]{1,3}\d{6,7}|NEJM\d{6,9}|nejm[a-z]{1,3}\d{6,7}"),
    ),
    ("JAMA", "10.1001", re.compile(r"jama[a-z]*\.\d{4}\.\d{1,6}|jama\.\d{3}\.\d{1,2}\.\d{1,5}")),
    ("Lancet", "10.1016", re.compile(r"[Ss]0140-6736\(\d\d\)\d{5}-[\dXx]")),
    (
        "BMJ",
        "10.1136",
        re.compile(
            r"bmj\.[a-z]?\d{1,7}|bmj\.\d{2,3}\.\d{3,5}\.\d{1,5}|bmj\.\d+\.\d+\.[A-Za-z\d.]+"
        ),
    ),
)


def parse_nlm_citation(text: str) -> ParsedCitation:
    """Parse one reference-list line (NLM/PubMed, Vancouver or AMA).

    Raises ``CitationParseError`` (and nothing else) for anything that is not a citation: empty or
    over-long text, or text with neither a "Journal. Year" source nor a publisher and year.
    Anything parsed with low confidence carries `warnings`, one per doubtful field.
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
    warnings: list[ParseWarning] = []
    if _BARE_LEADING_NUMBER.match(line) and not re.match(rf"{_YEAR}\b", line):
        warnings.append(
            ParseWarning(
                "text",
                "numbering",
                "The citation starts with a bare number: list numbering whose punctuation was "
                "lost? Check that authors, title and journal are separated.",
            )
        )
    if _CJK.search(line) or _run_together(line):
        warnings.append(
            ParseWarning(
                "text",
                "run_together",
                "Words run together without spaces: this is not a form the parser reads "
                "reliably; check every field.",
            )
        )

    doi, pmid, pmcid, line, doi_problem = _take_labelled_identifiers(line)
    if doi_problem:
        warnings.append(ParseWarning("doi", "implausible_doi", doi_problem))
    url, line = _take_url(line)
    epub_ahead = bool(_EPUB_AHEAD.search(line))
    line = _LINKED_NOTE.split(line, maxsplit=1)[0].rstrip()
    accessed, line = _take_bracket_dates(line)
    line = _ABOUT_PAGES.sub("", line)

    if re.search(r"\sIn:\s", line):
        parsed = _parse_chapter(line)
    else:
        parsed = (
            _parse_dataset(line)
            or _parse_journal(line)
            or _parse_published(line)
            or _parse_web_dated(line)
        )
    if parsed is None and any(w.code == "run_together" for w in warnings):
        raise CitationParseError(
            "Words run together without spaces: put the spaces back (or type the fields in) — "
            "this parser cannot tell authors, title and journal apart without them."
        )
    if parsed is None:
        raise CitationParseError(
            "No journal and year found: expected something like "
            "“Journal Abbrev. 2019;42(3):100-110.” after the title, or “Place: Publisher; "
            "Year.” for a book or web page."
        )

    tail = parsed.pop("_tail", "")
    if doi is None:
        bare = _DOI_BARE.search(tail)
        if bare:
            doi = _clean_doi(bare.group("doi"))
    if pmcid is None:
        bare_pmc = _PMCID_BARE.search(tail)
        if bare_pmc:
            pmcid = _clean_pmcid(bare_pmc.group("digits"))
    if url and "/doi/" in url and doi is None:
        bare = _DOI_BARE.search(url)
        doi = _clean_doi(bare.group("doi")) if bare else None

    result = ParsedCitation(
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=url,
        accessed=accessed,
        epub_ahead_of_print=epub_ahead or parsed.pop("_ahead", False),
        **parsed,
    )
    warnings += _field_warnings(result, text)
    return _with(result, warnings=tuple(warnings))


def _with(parsed: ParsedCitation, **changes: Any) -> ParsedCitation:
    values = {name: getattr(parsed, name) for name in parsed.__dataclass_fields__}
    values.update(changes)
    return ParsedCitation(**values)


def _run_together(line: str) -> bool:
    for match in _RUN_TOGETHER.finditer(line):
        token = match.group(0)
        if not re.search(r"https?|www\.|10\.\d{4}|\.(?:com|org|gov)", token, re.IGNORECASE):
            return True
    return False


# --- journal articles ----------------------------------------------------------------------


def _parse_journal(line: str) -> dict[str, Any] | None:
    """Authors. Title. Journal. Year Mon;Vol(Issue):Pages. — or None if there is no source."""
    source = _find_source(line)
    if source is None:
        return None
    journal_end, match = source
    boundaries = _boundaries(line)
    journal_start = _journal_start(line, boundaries, journal_end)
    journal = _strip_medium(line[journal_start:journal_end].strip())
    if not re.search(r"[^\W\d_]", journal):
        raise CitationParseError("No journal name found before the publication year.")
    authors_text, title = _split_authors_and_title(line, boundaries, journal_start)
    authors, et_al = _split_authors(authors_text)
    strong = bool(match.group("vi") or match.group("pages"))
    if not (strong or authors or title):
        # "Smith AB. 2020." is a name and a year, not a reference anyone could look up.
        raise CitationParseError(
            "Only a name and a date found: a citation needs authors or a title before the "
            "journal, or a volume and pages after the year."
        )
    parts = _source_parts(match)
    return {
        "authors": authors,
        "et_al": et_al,
        "title": title,
        "journal": journal,
        **parts,
        "kind": "journal",
        "_tail": line[match.end() :],
    }


def _parse_published(line: str) -> dict[str, Any] | None:
    """Sources that are not "Journal. Year;Vol": AMA's "Published online", "Forthcoming 2002",
    and books, web pages, labels and data sets with a publisher clause."""
    for pattern in (_PUBLISHED_ONLINE, _FORTHCOMING):
        match = pattern.search(line)
        if match is None:
            continue
        boundaries = _boundaries(line)
        journal_start = _journal_start(line, boundaries, match.start())
        journal = line[journal_start : match.start()].strip()
        authors_text, title = _split_authors_and_title(line, boundaries, journal_start)
        authors, et_al = _split_authors(authors_text)
        if not journal or not (authors or title):
            continue
        groups = match.groupdict()
        month = month_number(groups.get("month"))
        year = int(groups["year"])
        day = int(groups["day"]) if groups.get("day") else None
        return {
            "authors": authors,
            "et_al": et_al,
            "title": title,
            "journal": journal,
            "year": year,
            "month": month,
            "day": day if month else None,
            "month_printed": groups.get("month"),
            "date": _iso(year, month, day),
            "kind": "journal",
            "_ahead": True,
            "_tail": line[match.end() :],
        }
    return _parse_publication(line)


def _parse_publication(line: str) -> dict[str, Any] | None:
    """Authors. Title [medium]. Edition. Place: Publisher; Year. — books, web, labels, data."""
    boundaries = _boundaries(line)
    starts = [0, *boundaries]
    for start in starts:
        clause = _PUBLISHER_CLAUSE.match(line, _skip_space(line, start))
        if clause is None or start == 0:
            continue
        before = line[:start].strip()
        sentences = _sentences(before)
        kind = "book"
        medium = [m.group("what").lower() for m in _DESIGNATOR.finditer(before)]
        for what in medium:
            kind = _MEDIUM_KINDS.get(what, "web" if what.endswith("internet") else kind)
        sentences = [s for s in sentences if not _EDITION.match(s)]
        authors: list[str] = []
        et_al = False
        if len(sentences) >= 2 and not _DESIGNATOR.search(sentences[0]):
            authors, et_al = _split_authors(_EDITORS.sub("", sentences[0].rstrip(".")))
            title_text = " ".join(sentences[1:])
        else:
            title_text = " ".join(sentences)
        title = _clean_title(_DESIGNATOR.sub("", title_text))
        publisher = clause.group("publisher").strip()
        if _REPOSITORIES.fullmatch(publisher):
            kind = "dataset"
        year = int(clause.group("year"))
        month = month_number(clause.group("month"))
        day = int(clause.group("day")) if clause.group("day") and month else None
        return {
            "authors": authors,
            "et_al": et_al,
            "title": title,
            "journal": publisher,
            "publisher": publisher,
            "place": (clause.group("place") or "").strip() or None,
            "year": year,
            "month": month,
            "day": day,
            # "2024 Jan-": a continuing resource begun that month.
            "month_printed": (clause.group("mtext") or "").rstrip("-\u2013") or None,
            "date": _iso(year, month, day),
            "kind": kind,
            "_tail": line[clause.end() :],
        }
    return None


# DataCite / APA: "Smith, J., & Jones, K. (2021). Title (Version 2) [Data set]. Zenodo."
_APA_HEAD = re.compile(rf"^(?P<authors>[^()]{{2,2000}}?)\s?\((?P<year>{_YEAR})[a-z]?\)\.\s")


def _parse_dataset(line: str) -> dict[str, Any] | None:
    """A data set or software release whose publisher is a repository sentence ("Zenodo.",
    "figshare. Dataset.") rather than "Place: Publisher; Year"."""
    sentences = _sentences(line)
    repo_at = next(
        (i for i, s in enumerate(sentences) if i and _REPOSITORIES.fullmatch(s.rstrip("."))), None
    )
    if repo_at is None:
        return None
    repository = sentences[repo_at].rstrip(".")
    apa = _APA_HEAD.match(line)
    year_match = None
    if apa:
        authors = nlm_names_from_apa(apa.group("authors")) or [
            apa.group("authors").strip().rstrip(".")
        ]
        et_al = False
        title_sentences = _sentences(line[apa.end() :])
        title_sentences = title_sentences[: title_sentences.index(sentences[repo_at])]
        year = int(apa.group("year"))
    else:
        authors, et_al = _split_authors(sentences[0]) if repo_at > 1 else ([], False)
        title_sentences = sentences[1 if repo_at > 1 else 0 : repo_at]
        after = " ".join(sentences[repo_at + 1 :])
        year_match = re.search(rf"\b(?P<year>{_YEAR})\b", after) or re.search(
            rf"\b(?P<year>{_YEAR})\b", " ".join(title_sentences)
        )
        year = int(year_match.group("year")) if year_match else None
    title = _clean_title(" ".join(title_sentences))
    return {
        "authors": authors,
        "et_al": et_al,
        "title": title,
        "journal": repository,
        "publisher": repository,
        "year": year,
        "date": _iso(year, None),
        "kind": "dataset",
        "_tail": "",
    }


# AMA web pages: "Organization. Title. Site. Published March 1, 2020. Updated May 11, 2023."
_WEB_DATE = re.compile(
    rf"\b(?:Published|Updated|Revised|Last updated|Reviewed)\s(?:(?P<month>{MONTH_PATTERN})\s"
    rf"(?:(?P<day>\d{{1,2}}),\s)?)?(?P<year>{_YEAR})\b"
)


def _parse_web_dated(line: str) -> dict[str, Any] | None:
    match = _WEB_DATE.search(line)
    if match is None:
        return None
    sentences = _sentences(line[: match.start()])
    if not sentences:
        return None
    authors: list[str] = []
    et_al = False
    site = None
    if len(sentences) >= 2:
        authors, et_al = _split_authors(sentences[0])
        title = _clean_title(sentences[1])
        if len(sentences) >= 3:
            site = " ".join(sentences[2:]).rstrip(".")
    else:
        title = _clean_title(sentences[0])
    year = int(match.group("year"))
    month = month_number(match.group("month"))
    day = int(match.group("day")) if match.group("day") and month else None
    # AMA leaves the site out when it is the author ("CDC. Flu symptoms. Updated …").
    issuer = site or (authors[0] if len(authors) == 1 and not _is_person_list(authors[0]) else None)
    return {
        "authors": authors,
        "et_al": et_al,
        "title": title,
        "journal": issuer,
        "publisher": issuer,
        "year": year,
        "month": month,
        "day": day,
        "month_printed": match.group("month"),
        "date": _iso(year, month, day),
        "kind": "web",
        "_tail": line[match.end() :],
    }


def _parse_chapter(line: str) -> dict[str, Any] | None:
    """Authors. Chapter title. [Date [Updated …].] In: Editors, editors. Book. Place: Publisher;
    Year. p. pages. — an NCBI Bookshelf chapter (StatPearls, GeneReviews) or a book chapter."""
    head, _, book = re.split(r"\s(In):\s", line, maxsplit=1)
    sentences = _sentences(head)
    chapter_date = None
    if sentences and _CHAPTER_DATE.match(sentences[-1].rstrip(".")):
        chapter_date = _CHAPTER_DATE.match(sentences.pop().rstrip("."))
    authors: list[str] = []
    et_al = False
    if len(sentences) >= 2:
        authors, et_al = _split_authors(sentences[0].rstrip("."))
        title = _clean_title(" ".join(sentences[1:]))
    else:
        title = _clean_title(" ".join(sentences))
    book_sentences = _sentences(book)
    if book_sentences and _EDITORS.search(book_sentences[0].rstrip(".")):
        book_sentences = book_sentences[1:]  # the book's editors are not the chapter's authors
    rest = " ".join(book_sentences)
    publication = _parse_publication(f"Editors. {rest}") if rest else None
    if publication is None:
        source = _parse_journal(f"Editors. {rest}")  # "In: Journal. 2020;…" (a supplement)
        if source is None:
            return None
        publication = source
    book_title = publication["title"] or ""
    # The conference date and place printed after a proceedings title are not its title.
    book_title = re.split(rf";\s{_YEAR}\s{MONTH_PATTERN}", book_title, maxsplit=1)[0].strip()
    pages = _BOOK_PAGES.search(publication.get("_tail", ""))
    year, month, day = publication["year"], publication["month"], publication.get("day")
    month_printed = publication.get("month_printed")
    if chapter_date is not None:
        year = int(chapter_date.group("year"))
        month = month_number(chapter_date.group("month"))
        day = int(chapter_date.group("day")) if chapter_date.group("day") and month else None
        month_printed = chapter_date.group("month")
    return {
        "authors": authors,
        "et_al": et_al,
        "title": title,
        "journal": _strip_medium(book_title) or None,
        "publisher": publication.get("publisher"),
        "place": publication.get("place"),
        "year": year,
        "month": month,
        "day": day,
        "month_printed": month_printed,
        "date": _iso(year, month, day),
        "pages": pages.group("pages") if pages else None,
        "kind": "chapter",
        "_tail": publication.get("_tail", ""),
    }


def _sentences(text: str) -> list[str]:
    """`text` split after each sentence-ending mark that is not an abbreviation."""
    cuts = _boundaries(text)
    parts, last = [], 0
    for cut in cuts:
        parts.append(text[last:cut].strip())
        last = cut
    parts.append(text[last:].strip())
    return [p for p in parts if p]


def _skip_space(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] == " ":
        pos += 1
    return pos


def _strip_medium(text: str) -> str:
    return _DESIGNATOR.sub("", text).strip().rstrip(".").strip()


# --- warnings ------------------------------------------------------------------------------


def _field_warnings(parsed: ParsedCitation, text: str) -> list[ParseWarning]:
    warnings: list[ParseWarning] = []
    stripped = text.strip()
    if parsed.kind == "journal":
        journal = parsed.journal or ""
        if not journal:
            warnings.append(ParseWarning("journal", "no_journal", "No journal name found."))
        elif len(journal) > 120 or len(journal.split()) > 14 or journal[:1].isdigit():
            warnings.append(
                ParseWarning(
                    "journal",
                    "implausible_journal",
                    f"“{journal[:60]}…” does not look like a journal name: authors or a title "
                    "may have run into it.",
                )
            )
        if not parsed.title:
            warnings.append(
                ParseWarning(
                    "title",
                    "no_title",
                    "No title found: the citation may lack the full stops that separate "
                    "authors, title and journal.",
                )
            )
        if not (parsed.volume or parsed.issue or parsed.pages or parsed.doi) and not (
            parsed.epub_ahead_of_print
        ):
            warnings.append(
                ParseWarning(
                    "pages",
                    "no_locator",
                    "No volume, issue, pages or DOI: the citation may be cut off (or the "
                    "article is ahead of print).",
                )
            )
    elif not parsed.journal:
        warnings.append(ParseWarning("journal", "no_journal", "No publisher or book found."))
    if parsed.year is None:
        warnings.append(ParseWarning("year", "no_year", "No publication year found."))
    pages = parsed.pages or ""
    if pages.endswith("-") or re.search(r"[-,;:(]$", stripped) or _unbalanced(stripped):
        warnings.append(
            ParseWarning(
                "text",
                "truncated",
                "The citation looks cut off (it ends mid-way, or a bracket is never closed).",
            )
        )
    if parsed.doi:
        problem = _doi_problem(parsed.doi, parsed.journal or "")
        if problem:
            warnings.append(ParseWarning("doi", "implausible_doi", problem))
    return warnings


def _unbalanced(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")


def _doi_problem(doi: str, journal: str) -> str:
    """Why this DOI cannot be right, or ""."""
    suffix = doi.split("/", 1)[1] if "/" in doi else ""
    if re.search(r"(?<=[.\d])[Oo](?=\d)|\d{3}[Oo](?![a-z])|(?<![A-Za-z])[Oo]\d{3}", suffix):
        return f"The DOI “{doi}” has a letter O among its digits: check it against the source."
    if re.search(r"(?:\.pdf|/full|/abstract|/epdf|\.html?)/?$|//|\.\.", suffix, re.IGNORECASE):
        return f"The DOI “{doi}” carries part of a web address; check where it ends."
    prefix = doi.split("/", 1)[0]
    for name, expected_prefix, shape in _DOI_SHAPES:
        if journal == name and prefix == expected_prefix and not shape.fullmatch(suffix):
            return f"The DOI “{doi}” does not have the shape {name} gives its DOIs."
    return ""


# --- shared pieces -------------------------------------------------------------------------


def _clean(text: str) -> str:
    """One line, single spaces, no list numbering, no "[Article in German]" notes."""
    line = _CONTROL.sub(" ", text)
    line = " ".join(line.split())
    line = _LEADING_NUMBER.sub("", line)
    line = _LANGUAGE_NOTE.sub(" ", line)
    return " ".join(line.split())


def _take_labelled_identifiers(
    line: str,
) -> tuple[str | None, str | None, str | None, str, str]:
    """Pull out "doi:", "PMID:" and "PMCID:" values, wherever and in whatever order they are.

    They are blanked out of the line afterwards so a DOI's own periods and digits cannot be
    mistaken for a source ("doi: 10.1093/jee/39.2.269"). The last value says what is wrong
    with a "doi:" label that is followed by no readable DOI.
    """
    doi = pmid = pmcid = None
    spans: list[tuple[int, int]] = []
    problem = ""
    for m in _DOI_LABELLED.finditer(line):
        if doi is None:
            doi = _clean_doi(m.group("doi"))
        spans.append(m.span())
    for m in _DOI_LABEL_ANY.finditer(line):
        if not any(start <= m.start() < end for start, end in spans):
            rest = m.group("rest").rstrip(".,;")
            if _DOI_BARE.search(rest.strip("<>")):
                continue  # "doi: <https://doi.org/10.1/x>": readable, found below
            if not rest.lower().startswith("http") or "doi.org/" in rest.lower():
                problem = f"“doi: {rest}” is not a readable DOI (a DOI looks like 10.1056/NEJMoa…)."
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
        return doi, pmid, pmcid, line, problem
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
    cleaned = " ".join(" ".join(parts).split()).lstrip(" .,;:")
    return doi, pmid, pmcid, cleaned, problem


def _take_url(line: str) -> tuple[str | None, str]:
    """The first web address (with any "Available from:" before it), and the line without it."""
    match = _URL.search(line)
    if match is None:
        return None, line
    url = match.group("url").rstrip(".,;)")
    return url, " ".join(f"{line[: match.start()]} {line[match.end() :]}".split()).rstrip()


def _take_bracket_dates(line: str) -> tuple[str | None, str]:
    """Remove "[cited …]"/"[updated …]" notes (and AMA's "Accessed …"); return the cited date."""
    accessed = None
    for match in _BRACKET_DATES.finditer(line):
        cited = _CITED.search(match.group("body"))
        if cited:
            accessed = cited.group("date")
    line = re.sub(r"\.\s?\.(?=\s|$)", ".", _BRACKET_DATES.sub("", line))
    ama = _ACCESSED.search(line)
    if ama:
        accessed = accessed or ama.group("date")
        line = f"{line[: ama.start()]}{line[ama.end() :]}"
    return accessed, " ".join(line.split())


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
            return start.start() + 1 if line[start.start()] == "?" else start.start(), match
        if weak is None:
            weak = (start.start() + 1 if line[start.start()] == "?" else start.start(), match)
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
    if (
        title
        and not _is_person_list(authors.rstrip("."))
        and _is_person_list(_first_sentence(title).rstrip("."))
    ):
        # "Guideline Writing Group. Smith AB, Jones CD. Title.": a group, then its people.
        people = _first_sentence(title)
        authors = f"{authors.rstrip('.')}; {people}"
        title = title[len(people) :].strip()
    if _DESIGNATOR.search(authors) and not _is_person_list(authors.rstrip(".")):
        # "Cancer-Pain.org [Internet]. …": a title with a medium, not an author.
        return "", _clean_title(_DESIGNATOR.sub("", f"{authors} {title}"))
    if not title:
        # One sentence before the journal: an author list with no title, or a title alone.
        if _is_person_list(authors.rstrip(".")):
            return authors, None
        return "", _clean_title(authors)
    return authors, _clean_title(title)


def _first_sentence(text: str) -> str:
    cuts = _boundaries(text)
    return text[: cuts[0]] if cuts else text


def _clean_title(title: str) -> str | None:
    title = _DESIGNATOR.sub("", title).strip()
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
        if is_name_suffix(item):
            continue
        name = _ET_AL.sub("", item).strip()
        if person_from_nlm(name, may_be_title=True) is None:
            return False
    return True


def _split_authors(text: str) -> tuple[list[str], bool]:
    """Split "Smith AB, Jones C; Some Study Group, et al." into names and an et al. flag."""
    text = _EDITORS.sub("", text.strip().rstrip(".").strip())
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
        if is_name_suffix(item) and authors:
            # EndNote writes "Mauck WM, 3rd": the suffix belongs to the previous author.
            authors[-1] = f"{authors[-1]} {item}"
            continue
        authors.append(item)
    return authors, et_al


def _source_parts(match: re.Match[str]) -> dict[str, Any]:
    year = int(match.group("year")) if match.group("year") else None
    month_text = match.group("mtext") or match.group("dmonth") or match.group("ymtext")
    month = month_number(match.group("month") or match.group("dmonth") or match.group("ymonth"))
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
    printed = month_text.rstrip(".") if month_text else None
    end_month = month_number(match.group("month2")) if match.group("month2") else None
    return {
        "year": year,
        "month": month,
        "day": day,
        "month_printed": printed,
        "date": _iso(year, month, day, end_month=end_month),
        "volume": volume,
        "issue": issue or None,
        "pages": pages or None,
    }


def _iso(
    year: int | None, month: int | None, day: int | None = None, *, end_month: int | None = None
) -> str | None:
    """ "2017-06-09", "2010-04", a quarter as "2010-04/2010-06", a season as its year."""
    if year is None:
        return None
    if month is None:
        return str(year)
    if end_month and end_month != month:
        end_year = year + 1 if end_month < month else year
        return f"{year}-{month:02d}/{end_year}-{end_month:02d}"
    if day:
        return f"{year}-{month:02d}-{day:02d}"
    return f"{year}-{month:02d}"
