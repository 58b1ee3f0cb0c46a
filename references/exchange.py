"""Reference exchange formats: CSL-JSON and RIS out; BibTeX, RIS and CSL-JSON in.

Parsing is done by bibtexparser 2.x and rispy; this module only maps their records to and
from a reference's fields. Importers return plain dicts of Reference field values (plus the
entry's label for messages); creating rows is references.services' job.
"""

from __future__ import annotations

import codecs
import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import bibtexparser
import rispy
from bibtexparser import middlewares as bib_middlewares

from references.models import MAX_AUTHOR_CHARS, MAX_AUTHORS, Reference
from references.nlm import CitationParseError, ParsedCitation, parse_nlm_citation
from references.vocabulary import (
    NAME_PARTS,
    author_from_bibtex,
    author_from_inverted,
    author_from_nlm,
    inverted_name,
    month_number,
    read_date,
)


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each record, which other tools choke on."""

    def set_header(self, count: int) -> str:
        return ""


class ExchangeFormatError(ValueError):
    """The file is not readable as the format it claims to be; the message is for a person."""


# Caps that keep any import well under a second (scripts/import_timing.py measures the
# slowest accepted input). Real reference files sit far below them.
MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ENTRIES = 500
# Writing author lists is the costly part of an insert: 500 entries of 40 names each at most.
MAX_FILE_AUTHORS = 20_000
MAX_FIELD_CHARS = 2_000  # the longest real titles run to a few hundred characters
# (The model's own limits on authors, MAX_AUTHORS and MAX_AUTHOR_CHARS, also cap an entry.)


def too_many_entries(count: int) -> ExchangeFormatError:
    return ExchangeFormatError(
        f"This file has {count} entries; an import takes at most {MAX_IMPORT_ENTRIES} at a "
        "time. Split the file and import the parts. Nothing was imported."
    )


def entry_problem(data: dict[str, Any]) -> str:
    """Why an entry's values are beyond the caps (a field too long, too many authors), or ""."""
    for name, value in data.items():
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            label = name.replace("_", " ")
            return (
                f"its {label} is {len(value):,} characters long; a field may have at most "
                f"{MAX_FIELD_CHARS:,}."
            )
    authors = data.get("author") or []
    if len(authors) > MAX_AUTHORS:
        return f"it lists {len(authors):,} authors; an entry may list at most {MAX_AUTHORS}."
    for author in authors:
        if isinstance(author, dict) and len(" ".join(map(str, author.values()))) > (
            MAX_AUTHOR_CHARS
        ):
            return f"an author's name is longer than {MAX_AUTHOR_CHARS} characters."
    return ""


# bibtexparser's own LaTeX decoder, applied only to the fields we keep, after their length
# is checked, and only where there is LaTeX to decode: decoding is the slow part of parsing.
_LATEX = bib_middlewares.LatexDecodingMiddleware(keep_braced_groups=True)
_LATEX_MARKS = frozenset("\\{}$~")


def _decode_latex(value: str) -> str:
    if not _LATEX_MARKS.intersection(value):
        return value
    return _LATEX._decoder.latex_to_text(value)


# Control characters a database may refuse (PostgreSQL rejects NUL in text) or that only
# garble a citation; tab and newline stay. Lone surrogates cannot be stored as UTF-8 at all.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def clean_text(value: Any) -> Any:
    """`value` with control characters (NUL etc.) removed from every string in it.

    Strings inside lists and dicts (authors) are cleaned too; other values pass through.
    """
    if isinstance(value, str):
        return _UNSTORABLE.sub("", value)
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    return value


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(raw: bytes) -> str:
    """A file's text: the encoding its byte-order mark names, else UTF-8, else Latin-1."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                label = encoding.replace("-sig", "").upper()
                raise ExchangeFormatError(
                    f"The file starts like {label} text but is not valid {label}; "
                    "save it again as UTF-8 and import that."
                ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


@dataclass
class ImportedEntry:
    """One entry read from a file: a label to name it in messages, and its field values.

    `problem` is set (and `data` empty) for an entry that could not be read at all.
    """

    label: str
    data: dict[str, Any]
    problem: str = ""


# Our kinds, as CSL types (with a genre where CSL has no type of its own), RIS types, and the
# label we write to RIS M3 ("type of work") so a round trip keeps the kind.
KIND_TO_CSL = {
    "guideline": ("report", "Guideline"),
    "research": ("article-journal", ""),
    "systematic_review": ("article-journal", "Systematic review"),
    "drug_label": ("document", "Drug label"),
    "book": ("book", ""),
    "webpage": ("webpage", ""),
    "dataset": ("dataset", ""),
}
KIND_TO_RIS = {
    "guideline": "GOVDOC",
    "research": "JOUR",
    "systematic_review": "JOUR",
    "drug_label": "PAMP",
    "book": "BOOK",
    "webpage": "ELEC",
    "dataset": "DATA",
}
RIS_TO_KIND = {
    "JOUR": "research",
    "JFULL": "research",
    "EJOUR": "research",
    "MGZN": "research",
    "BOOK": "book",
    "EBOOK": "book",
    "CHAP": "book",
    "ECHAP": "book",
    "ELEC": "webpage",
    "WEB": "webpage",
    "BLOG": "webpage",
    "GOVDOC": "guideline",
    "STAND": "guideline",
    "RPRT": "guideline",
    "PAMP": "drug_label",
    "DATA": "dataset",
    "DBASE": "dataset",
}
BIBTEX_TO_KIND = {
    "article": "research",
    "book": "book",
    "inbook": "book",
    "incollection": "book",
    "booklet": "book",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "techreport": "guideline",
    "report": "guideline",
    "manual": "drug_label",
}
CSL_TO_KIND = {
    "article-journal": "research",
    "article": "research",
    "review": "systematic_review",
    "book": "book",
    "chapter": "book",
    "webpage": "webpage",
    "post-weblog": "webpage",
    "report": "guideline",
    "standard": "guideline",
    "document": "drug_label",
    "dataset": "dataset",
}
_KIND_LABELS = {
    "guideline": "guideline",
    "systematic review": "systematic_review",
    "meta-analysis": "systematic_review",
    "drug label": "drug_label",
    "package insert": "drug_label",
    "research": "research",
    "book": "book",
    "web page": "webpage",
    "webpage": "webpage",
}


def _kind_from_label(label: str) -> str | None:
    return _KIND_LABELS.get((label or "").strip().lower())


def _kind_label(kind: str) -> str:
    return Reference.Kind(kind).label


# --- export ------------------------------------------------------------------------------


def _date_parts(year: int | None, month: int | None = None, day: int | None = None) -> list:
    parts = [p for p in (year, month, day) if p]
    # A month without a year (or a day without a month) is not a date.
    if not year:
        return []
    if not month:
        return [year]
    return parts


def to_csl_json(references: Iterable[Reference]) -> list[dict[str, Any]]:
    """CSL-JSON items (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    items = []
    for ref in references:
        csl_type, genre = KIND_TO_CSL[ref.kind]
        item: dict[str, Any] = {
            "id": ref.key,
            "citation-key": ref.key,
            "type": csl_type,
            "title": ref.title,
        }
        if genre:
            item["genre"] = genre
        if ref.author:
            item["author"] = [dict(a) for a in ref.author]
        optional = {
            "container-title": ref.container_title,
            "publisher": ref.publisher,
            "volume": ref.volume,
            "issue": ref.issue,
            "page": ref.page,
            "DOI": ref.doi,
            "PMID": ref.pmid,
            "PMCID": ref.pmcid,
            "URL": ref.url,
        }
        item.update({k: v for k, v in optional.items() if v})
        if ref.year:
            item["issued"] = {"date-parts": [_date_parts(ref.year, ref.month, ref.day)]}
        if ref.accessed:
            a = ref.accessed
            item["accessed"] = {"date-parts": [[a.year, a.month, a.day]]}
        if ref.retracted:
            item["note"] = "Retracted"
        items.append(item)
    return items


def _one_line(value: Any) -> Any:
    """`value` on one line: RIS is line-based, so a newline in a title would start a new tag
    (or a forged record, "\nER  - \nTY  - JOUR"). Every kind of line break becomes a space."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_one_line(v) for v in value]
    return value


def to_ris(references: Iterable[Reference]) -> str:
    """RIS text, one record per reference (rispy writes the tags), each value on one line."""
    records = []
    for ref in references:
        record: dict[str, Any] = {
            "type_of_reference": KIND_TO_RIS[ref.kind],
            "id": ref.key,
            "title": ref.title,
            "type_of_work": _kind_label(ref.kind),
        }
        if ref.author:
            record["authors"] = [inverted_name(a) for a in ref.author]
        if ref.container_title:
            record["secondary_title"] = ref.container_title
        if ref.publisher:
            record["publisher"] = ref.publisher
        if ref.year:
            record["year"] = str(ref.year)
            # RIS dates are YYYY/MM/DD/ with empty parts left blank.
            month = f"{ref.month:02d}" if ref.month else ""
            day = f"{ref.day:02d}" if ref.month and ref.day else ""
            record["date"] = f"{ref.year}/{month}/{day}/"
        for field, tag in (("volume", "volume"), ("issue", "number")):
            if getattr(ref, field):
                record[tag] = getattr(ref, field)
        if ref.page:
            start, sep, end = ref.page.partition("-")
            record["start_page"] = start.strip()
            if sep and end.strip():
                record["end_page"] = end.strip()
        if ref.doi:
            record["doi"] = ref.doi
        if ref.pmid:
            record["accession_number"] = ref.pmid  # AN: PubMed's RIS puts the PMID here
        if ref.pmcid:
            record["custom2"] = ref.pmcid  # C2: where EndNote and PubMed put the PMCID
        if ref.url:
            record["urls"] = [ref.url]
        if ref.accessed:
            record["access_date"] = ref.accessed.strftime("%Y/%m/%d")
        if ref.retracted:
            record["notes"] = ["Retracted"]
        records.append({tag: _one_line(value) for tag, value in record.items()})
    return rispy.dumps(records, implementation=_RisWriter, skip_unknown_tags=True)


# --- import ------------------------------------------------------------------------------


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _to_date(year: int | None, month: int | None, day: int | None) -> datetime.date | None:
    if not (year and month and day):
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _pages(text: str) -> str:
    return re.sub(r"\s*-+\s*", "-", (text or "").strip())


def _slug_key(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "", (text or "").lower())[:80]


def read_bibtex(text: str) -> list[ImportedEntry]:
    """Entries of a BibTeX file as reference field values."""
    count = len(_BIBTEX_ENTRY_START.findall(text))
    if count > MAX_IMPORT_ENTRIES:  # refuse before parsing: a big file is slow to parse too
        raise too_many_entries(count)
    library = bibtexparser.parse_string(
        text, append_middleware=[bib_middlewares.SeparateCoAuthors()]
    )
    if library.failed_blocks and not library.entries:
        raise ExchangeFormatError(
            "This does not look like a BibTeX file: no entry could be read "
            "(entries start like “@article{key, …}”)."
        )
    if not library.entries:
        raise ExchangeFormatError("The BibTeX file has no entries.")
    if len(library.entries) > MAX_IMPORT_ENTRIES:
        raise too_many_entries(len(library.entries))
    entries = []
    for entry in library.entries:
        fields = {k.lower(): v.value for k, v in entry.fields_dict.items()}
        authors = fields.get("author") or []
        if isinstance(authors, str):
            authors = [authors]
        raw = {
            name: str(fields.get(name, ""))
            for name in (
                "title", "journal", "journaltitle", "booktitle", "publisher", "institution",
                "organization", "volume", "number", "issue", "pages", "doi", "pmid", "pmcid",
                "url",
            )
        }  # fmt: skip
        problem = entry_problem({**raw, "key": entry.key, "author": authors})
        if problem:
            entries.append(ImportedEntry(label=entry.key[:60], data={}, problem=problem))
            continue

        def get(name: str, fields: dict = fields) -> str:
            value = _decode_latex(str(fields.get(name, "")))
            return " ".join(value.replace("{", "").replace("}", "").split())

        kind = (
            _kind_from_label(get("kind"))
            or _kind_from_label(get("type"))
            or BIBTEX_TO_KIND.get(entry.entry_type.lower())
        )
        if kind is None:
            kind = "webpage" if get("url") and not get("journal") else "research"
        year = _int(get("year"))
        month = month_number(get("month"))
        accessed = _to_date(*read_date(get("urldate")))
        data = {
            "key": _slug_key(entry.key),
            "kind": kind,
            "author": [author_from_bibtex(_decode_latex(a)) for a in authors if a.strip()],
            "title": get("title"),
            "container_title": get("journal") or get("journaltitle") or get("booktitle"),
            "publisher": get("publisher") or get("institution") or get("organization"),
            "year": year,
            "month": month,
            "day": _int(get("day")) if month else None,
            "volume": get("volume"),
            "issue": get("number") or get("issue"),
            "page": _pages(get("pages")),
            "doi": get("doi"),
            "pmid": get("pmid"),
            "pmcid": get("pmcid"),
            "url": get("url"),
            "accessed": accessed,
        }
        entries.append(ImportedEntry(label=entry.key, data=data))
    return entries


def read_ris(text: str) -> list[ImportedEntry]:
    """Records of an RIS file as reference field values."""
    if not re.search(r"^TY  - ", text, re.MULTILINE):
        raise ExchangeFormatError(
            "This does not look like an RIS file: records start with a “TY  - ” line."
        )
    count = len(_RIS_RECORD_START.findall(text))
    if count > MAX_IMPORT_ENTRIES:
        raise too_many_entries(count)
    try:
        records = rispy.loads(text, skip_unknown_tags=True)
    except Exception as exc:  # rispy raises IOError/ValueError subclasses on malformed input
        raise ExchangeFormatError(f"The RIS file could not be read: {exc}") from exc
    if not records:
        raise ExchangeFormatError("The RIS file has no records.")
    entries = []
    for number, record in enumerate(records, start=1):
        kind = _kind_from_label(record.get("type_of_work", "")) or RIS_TO_KIND.get(
            record.get("type_of_reference", ""), "research"
        )
        authors = record.get("authors") or record.get("first_authors") or []
        year, month, day = read_date(record.get("date", ""))
        year = year or _int(record.get("year") or record.get("publication_year"))
        start, end = record.get("start_page", ""), record.get("end_page", "")
        urls = record.get("urls") or []
        title = record.get("title") or record.get("primary_title") or ""
        accession = str(record.get("accession_number", "")).strip()
        data = {
            "key": _slug_key(record.get("id", "")),
            "kind": kind,
            "author": [author_from_inverted(a) for a in authors if a.strip()],
            "title": " ".join(title.split()),
            "container_title": record.get("secondary_title")
            or record.get("journal_name")
            or record.get("alternate_title3")
            or record.get("alternate_title1")
            or "",
            "publisher": record.get("publisher", ""),
            "year": year,
            "month": month,
            "day": day,
            "volume": record.get("volume", ""),
            "issue": record.get("number", ""),
            "page": f"{start}-{end}" if start and end else (start or end),
            "doi": record.get("doi", ""),
            # AN is a PMID only when it is all digits (other databases use it too).
            "pmid": accession if accession.isdigit() else "",
            "pmcid": record.get("custom2", "")
            if "pmc" in record.get("custom2", "").lower()
            else "",
            "url": urls[0] if urls else "",
            "accessed": _to_date(*read_date(record.get("access_date", ""))),
        }
        label = record.get("id") or title[:60] or f"record {number}"
        entries.append(ImportedEntry(label=label, data=data))
    return entries


def _csl_date(value: Any) -> tuple[int | None, int | None, int | None]:
    try:
        parts = [*value["date-parts"][0], None, None, None]
    except (KeyError, IndexError, TypeError):
        return None, None, None
    return _int(parts[0]), _int(parts[1]), _int(parts[2])


def _load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExchangeFormatError(f"The CSL-JSON file is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        # "[[[[…" nested thousands deep: no CSL-JSON file nests more than a few levels.
        raise ExchangeFormatError(
            "The CSL-JSON file nests lists or objects too deeply to be a reference list."
        ) from exc


def read_csl_json(text: str) -> list[ImportedEntry]:
    """Items of a CSL-JSON file (a list of items, or one item) as reference field values."""
    items = _load_json(text)
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ExchangeFormatError("A CSL-JSON file is a list of items (JSON objects).")
    if len(items) > MAX_IMPORT_ENTRIES:
        raise too_many_entries(len(items))
    entries = []
    for number, item in enumerate(items, start=1):
        kind = _kind_from_label(str(item.get("genre", ""))) or CSL_TO_KIND.get(
            str(item.get("type", "")), "research"
        )
        year, month, day = _csl_date(item.get("issued"))
        authors = [
            {k: str(v) for k, v in a.items() if k in NAME_PARTS}
            for a in item.get("author") or []
            if isinstance(a, dict)
        ]
        key = item.get("citation-key") or item.get("id") or ""
        data = {
            "key": _slug_key(str(key)),
            "kind": kind,
            "author": [a for a in authors if a],
            "title": str(item.get("title", "")),
            "container_title": str(item.get("container-title", "")),
            "publisher": str(item.get("publisher", "")),
            "year": year,
            "month": month,
            "day": day,
            "volume": str(item.get("volume", "")),
            "issue": str(item.get("issue", "")),
            "page": _pages(str(item.get("page", ""))),
            "doi": str(item.get("DOI", "")),
            "pmid": str(item.get("PMID", "")),
            "pmcid": str(item.get("PMCID", "")),
            "url": str(item.get("URL", "")),
            "accessed": _to_date(*_csl_date(item.get("accessed"))),
        }
        entries.append(ImportedEntry(label=str(key or f"item {number}"), data=data))
    return entries


def _guess_kind(title: str, container: str) -> str:
    text = f"{title} {container}".lower()
    if "systematic review" in text or "meta-analys" in text or "cochrane database" in text:
        return "systematic_review"
    if "guideline" in text:
        return "guideline"
    return "research"


_PARSED_KINDS = {
    "chapter": "book",
    "book": "book",
    "web": "webpage",
    "label": "drug_label",
    "dataset": "dataset",
}


def from_parsed_citation(parsed: ParsedCitation) -> dict[str, Any]:
    """Reference field values (without a key) from a parsed NLM citation, kind guessed."""
    kind = _PARSED_KINDS.get(parsed.kind) or _guess_kind(parsed.title or "", parsed.journal or "")
    if kind == "webpage" and "guideline" in (parsed.title or "").lower():
        kind = "guideline"
    accessed = _to_date(*read_date(parsed.accessed or ""))
    return {
        "kind": kind,
        "publisher": parsed.publisher or "",
        "url": parsed.url or "",
        "accessed": accessed.isoformat() if accessed else None,
        "author": [author_from_nlm(a) for a in parsed.authors],
        "title": parsed.title or "",
        "container_title": parsed.journal or "",
        "year": parsed.year,
        "month": parsed.month,
        # A range or a season, as printed ("Apr-Jun", "Winter"); a single month needs no text.
        "month_printed": parsed.month_range_or_season or "",
        "day": parsed.day,
        "volume": parsed.volume or "",
        "issue": parsed.issue or "",
        "page": parsed.pages or "",
        "doi": parsed.doi or "",
        "pmid": parsed.pmid or "",
        "pmcid": parsed.pmcid or "",
    }


def read_nlm_lines(text: str) -> list[ImportedEntry]:
    """A reference list in NLM/PubMed style, one citation per line (blank lines ignored)."""
    count = sum(1 for line in text.splitlines() if line.strip())
    if count > MAX_IMPORT_ENTRIES:
        raise too_many_entries(count)
    entries = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label = line.strip() if len(line.strip()) <= 60 else f"{line.strip()[:59]}…"
        try:
            parsed = parse_nlm_citation(line)
        except CitationParseError as exc:
            entries.append(ImportedEntry(label=label, data={}, problem=str(exc)))
            continue
        entries.append(ImportedEntry(label=label, data=from_parsed_citation(parsed)))
    if not any(entry.data for entry in entries):
        raise ExchangeFormatError(
            "Unrecognised file: import a BibTeX (.bib), RIS (.ris) or CSL-JSON (.json) file, "
            "or a text file of NLM/PubMed-style citations, one per line."
        )
    return entries


def _reader_for(text: str, filename: str = "") -> str:
    """Which format to read: from the file name, or failing that from the content."""
    name = filename.lower()
    stripped = text.lstrip("\ufeff \t\r\n")
    if name.endswith((".bib", ".bibtex")) or (not name and stripped.startswith("@")):
        return "bibtex"
    if name.endswith((".ris", ".txt")) and stripped.startswith("TY"):
        return "ris"
    if name.endswith(".ris"):
        return "ris"
    if name.endswith(".json") or stripped.startswith(("[", "{")):
        return "csl_json"
    if stripped.startswith("TY"):
        return "ris"
    if stripped.startswith("@"):
        return "bibtex"
    return "nlm_lines"


_BIBTEX_ENTRY_START = re.compile(r"@(?!(?:comment|string|preamble)\b)[a-z]+\s*[{(]", re.I)
_RIS_RECORD_START = re.compile(r"^TY  - ", re.M)


def read_any(text: str, filename: str = "") -> list[ImportedEntry]:
    """Pick the reader from the file name, or failing that from the content."""
    readers = {
        "bibtex": read_bibtex,
        "ris": read_ris,
        "csl_json": read_csl_json,
        "nlm_lines": read_nlm_lines,
    }
    entries = readers[_reader_for(text, filename)](text)
    authors = sum(len(entry.data.get("author") or []) for entry in entries)
    if authors > MAX_FILE_AUTHORS:
        raise ExchangeFormatError(
            f"This file names {authors:,} authors in all; an import takes at most "
            f"{MAX_FILE_AUTHORS:,}. Split the file and import the parts. Nothing was imported."
        )
    for entry in entries:
        if len(entry.label) > 60:
            entry.label = f"{entry.label[:59]}…"
        if not entry.problem and entry.data:
            entry.problem = entry_problem(entry.data)
            if entry.problem:
                entry.data = {}
    return entries
