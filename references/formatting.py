"""Reference formatters from structured fields: NLM/Vancouver (the site's style) and AMA 11th ed.

Both return plain text (templates escape it). They follow the parts of Citing Medicine (NLM)
and the AMA Manual of Style that our kinds of source need:

- authors: NLM lists up to 6 then "et al."; AMA lists all up to 6, and for more than 6 the
  first 3 then "et al."; group authors print as written;
- journal articles with article numbers (e-locators) and supplements ("Suppl 2");
- books (publisher, edition), web pages (accessed date), drug labels ("package insert") and
  guidelines from an issuing body.
"""

from __future__ import annotations

import datetime

from references.models import Reference
from references.vocabulary import MONTH_ABBREVIATIONS, MONTH_NAMES, nlm_name

STYLES = ("vancouver", "ama")


# --- shared pieces -----------------------------------------------------------------------


def _author_list(ref: Reference, *, limit: int, shown_when_over: int) -> str:
    names = [n for n in (nlm_name(a) for a in ref.author or []) if n]
    if len(names) > limit:
        names = [*names[:shown_when_over], "et al"]
    return ", ".join(names)


def _sentence(text: str) -> str:
    """End a part with a full stop unless it already ends a sentence."""
    text = (text or "").strip()
    if not text:
        return ""
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _locator(ref: Reference) -> str:
    """';6(6):CD007938' -- volume, issue (supplements included) and pages or article number."""
    out = ""
    volume, issue = (ref.volume or "").strip(), (ref.issue or "").strip()
    if volume:
        out += f";{volume}"
        if issue:
            out += f"({issue})"
    elif issue:
        out += f";({issue})"
    if ref.page:
        out += f":{ref.page.strip()}"
    return out


def _nlm_date(year: int | None, month: int | None, day: int | None, printed: str = "") -> str:
    if not year:
        return ""
    if printed:  # "2010 Apr-Jun", "2002 Winter": the issue's date as the journal prints it
        return f"{year} {printed}"
    parts = [str(year)]
    if month:
        parts.append(MONTH_ABBREVIATIONS[month - 1])
        if day:
            parts.append(str(day))
    return " ".join(parts)


def _nlm_cited(accessed: datetime.date | None) -> str:
    if not accessed:
        return ""
    return f"cited {accessed.year} {MONTH_ABBREVIATIONS[accessed.month - 1]} {accessed.day}"


def _ama_date(year: int | None, month: int | None, day: int | None) -> str:
    if not year:
        return ""
    if month and day:
        return f"{MONTH_NAMES[month - 1]} {day}, {year}"
    if month:
        return f"{MONTH_NAMES[month - 1]} {year}"
    return str(year)


def _is_journal_article(ref: Reference) -> bool:
    if ref.kind in (Reference.Kind.RESEARCH, Reference.Kind.SYSTEMATIC_REVIEW):
        return True
    # A guideline published in a journal is cited like an article.
    return ref.kind == Reference.Kind.GUIDELINE and bool(ref.volume or ref.issue or ref.page)


def _publisher(ref: Reference) -> str:
    return (ref.publisher or ref.container_title or "").strip()


# --- NLM / Vancouver -----------------------------------------------------------------------


def vancouver(ref: Reference) -> str:
    """NLM (Citing Medicine) / Vancouver style.

    Wiffen PJ, Derry S, Bell RF, Rice AS, Tölle TR, Phillips T, et al. Gabapentin for chronic
    neuropathic pain in adults. Cochrane Database Syst Rev. 2017 Jun 9;6(6):CD007938.
    doi: 10.1002/14651858.cd007938.pub4
    """
    authors = _author_list(ref, limit=6, shown_when_over=6)
    parts = [_sentence(authors)] if authors else []
    title = (ref.title or "").strip().rstrip(".")
    date = _nlm_date(ref.year, ref.month, ref.day, getattr(ref, "month_printed", "") or "")
    cited = _nlm_cited(ref.accessed)

    if _is_journal_article(ref):
        parts.append(_sentence(title))
        if ref.container_title:
            parts.append(_sentence(ref.container_title.strip().rstrip(".")))
        locator = f"{date}{_locator(ref)}"
        if locator:
            parts.append(_sentence(locator.lstrip(";")))
    elif ref.kind == Reference.Kind.BOOK:
        parts.append(_sentence(title))
        publisher = _publisher(ref)
        tail = "; ".join(p for p in (publisher, str(ref.year or "")) if p)
        if tail:
            parts.append(_sentence(tail))
        if ref.page:
            parts.append(_sentence(f"p. {ref.page.strip()}"))
    else:
        # Drug labels, web pages and guidelines from an issuing body.
        label = {
            Reference.Kind.DRUG_LABEL: "[package insert]",
            Reference.Kind.WEBPAGE: "[Internet]",
            Reference.Kind.DATASET: "[dataset]",
            Reference.Kind.GUIDELINE: "[Internet]" if ref.url else "",
        }.get(ref.kind, "")
        parts.append(_sentence(f"{title} {label}".strip()))
        publisher = _publisher(ref)
        when = date
        if cited:
            when = f"{when} [{cited}]".strip()
        tail = "; ".join(p for p in (publisher, when) if p)
        if tail:
            parts.append(_sentence(tail))
        if ref.url:
            parts.append(f"Available from: {ref.url}")
    identifiers = vancouver_identifiers(ref)
    if identifiers:
        parts.append(identifiers)
    if ref.retracted:
        parts.append("[Retracted]")
    return " ".join(p for p in parts if p)


def vancouver_body(ref: Reference) -> str:
    """The NLM citation without its identifiers and retraction mark (for a linked rendering)."""
    return vancouver(_without_identifiers(ref))


def vancouver_identifiers(ref: Reference) -> str:
    """ "doi: 10.1002/x. PMID: 28597471; PMCID: PMC6452908." as PubMed prints them."""
    parts = []
    if ref.doi:
        parts.append(f"doi: {ref.doi}")
    ids = "; ".join(
        f"{label}: {value}" for label, value in (("PMID", ref.pmid), ("PMCID", ref.pmcid)) if value
    )
    if ids:
        parts.append(f"{ids}.")
    return ". ".join(parts) if len(parts) > 1 else (parts[0] if parts else "")


def _without_identifiers(ref: Reference) -> Reference:
    copy = Reference(
        **{f.attname: getattr(ref, f.attname) for f in Reference._meta.concrete_fields}
    )
    copy.doi = copy.pmid = copy.pmcid = ""
    copy.retracted = False
    return copy


# --- AMA (11th edition) --------------------------------------------------------------------


def ama(ref: Reference) -> str:
    """AMA Manual of Style, 11th edition.

    Wiffen PJ, Derry S, Bell RF, et al. Gabapentin for chronic neuropathic pain in adults.
    Cochrane Database Syst Rev. 2017;6(6):CD007938. doi:10.1002/14651858.cd007938.pub4
    """
    authors = _author_list(ref, limit=6, shown_when_over=3)
    parts = [_sentence(authors)] if authors else []
    title = (ref.title or "").strip().rstrip(".")
    accessed = ""
    if ref.accessed:
        accessed = f"Accessed {_ama_date(ref.accessed.year, ref.accessed.month, ref.accessed.day)}."

    if _is_journal_article(ref):
        parts.append(_sentence(title))
        if ref.container_title:
            parts.append(_sentence(ref.container_title.strip().rstrip(".")))
        # AMA gives only the year for journals paginated by volume.
        locator = f"{ref.year or ''}{_locator(ref)}"
        if locator:
            parts.append(_sentence(locator.lstrip(";")))
        if ref.doi:
            parts.append(f"doi:{ref.doi}")
        elif ref.url:
            parts.extend(p for p in (accessed, ref.url) if p)
    elif ref.kind == Reference.Kind.BOOK:
        parts.append(_sentence(title))
        tail = "; ".join(p for p in (_publisher(ref), str(ref.year or "")) if p)
        if tail:
            parts.append(_sentence(tail))
        if ref.page:
            parts.append(_sentence(f"p{'p' if '-' in ref.page else ''} {ref.page.strip()}"))
        if ref.doi:
            parts.append(f"doi:{ref.doi}")
    elif ref.kind == Reference.Kind.DRUG_LABEL:
        parts.append(_sentence(title))
        parts.append("Package insert.")
        tail = "; ".join(p for p in (_publisher(ref), str(ref.year or "")) if p)
        if tail:
            parts.append(_sentence(tail))
        parts.extend(p for p in (accessed, ref.url) if p)
    else:
        # Web pages and guidelines from an issuing body: title, site, published, accessed, URL.
        parts.append(_sentence(title))
        if ref.container_title:
            parts.append(_sentence(ref.container_title.strip().rstrip(".")))
        published = _ama_date(ref.year, ref.month, ref.day)
        if published:
            parts.append(f"Published {published}.")
        parts.extend(p for p in (accessed, ref.url) if p)
    if ref.retracted:
        parts.append("[Retracted]")
    return " ".join(p for p in parts if p)


def format_reference(ref: Reference, style: str = "vancouver") -> str:
    if style not in STYLES:
        raise ValueError(f"Unknown citation style {style!r}; use one of {', '.join(STYLES)}.")
    return vancouver(ref) if style == "vancouver" else ama(ref)
