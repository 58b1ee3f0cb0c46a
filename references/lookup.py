"""Fetch a source's authoritative record by PMID, PMCID or DOI, and its retraction notices.

PubMed through NCBI E-utilities (ESearch to turn a PMCID into a PMID, ESummary for the record,
EFetch for linked retractions and errata), sent with `tool`, `email` and an optional API key and
kept under NCBI's rate (3 requests a second without a key, 10 with one). DOIs through doi.org
content negotiation (CSL-JSON, which covers Crossref and DataCite DOIs alike) and Crossref's
REST API for notices that update a DOI (retractions, corrections).

httpx with timeouts and a retry on 429/5xx (honouring Retry-After, briefly); successful answers
are cached. Requests go over HTTPS to the known API hosts only, and a redirect is followed only
to one of them (a few at most): an answer can never send a look-up to another address. Every
failure is a `LookupError` whose message a writer can act on: no network, unknown identifier,
the service busy. Callers never see httpx exceptions.
"""

from __future__ import annotations

import re
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.cache import cache

from references import identifiers
from references.vocabulary import NAME_PARTS, author_from_nlm, read_date

__all__ = [
    "EUTILS",
    "LookupError",
    "LookupResult",
    "Notice",
    "crossref_notices",
    "lookup",
    "pubmed_notices",
]

EUTILS = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DOI_RESOLVER = "https://doi.org"
CROSSREF = "https://api.crossref.org"
# doi.org answers a DOI by redirecting to its registration agency's metadata service
# (Crossref's, DataCite's or mEDRA's), so a doi.org look-up may follow a redirect to these;
# every other look-up stays on the host it asked.
DOI_AGENCY_HOSTS = frozenset(
    {
        "api.crossref.org",
        "data.crossref.org",
        "api.datacite.org",
        "data.datacite.org",
        "data.crosscite.org",
        "data.medra.org",
    }
)
API_HOSTS = frozenset({"eutils.ncbi.nlm.nih.gov", "doi.org"}) | DOI_AGENCY_HOSTS
_MAX_REDIRECTS = 3
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_MAX_ATTEMPTS = 3
_MAX_RETRY_WAIT = 2.0  # seconds: a writer is waiting on the page
_CACHE_PREFIX = "references:lookup:v1:"


class LookupError(Exception):
    """A look-up that could not give a record. `code` is unavailable, not_found,
    rate_limited, bad_identifier or disabled; the message is for a person."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Notice:
    """A retraction, correction or expression of concern published about a source."""

    kind: str  # "retracted", "correction", "concern" (references.models.ReferenceEvent.Kind)
    origin: str  # "pubmed" or "crossref"
    notice: str  # what identifies the notice: "pmid:123", "doi:10.1/x", "pubtype:retracted"
    note: str  # a line for people: the notice's citation or DOI


@dataclass(frozen=True)
class LookupResult:
    """A fetched record as Reference field values, and where it came from."""

    source: str  # "PubMed" or "doi.org"
    data: dict[str, Any]
    retracted: bool = False
    notices: tuple[Notice, ...] = field(default_factory=tuple)


# --- HTTP ----------------------------------------------------------------------------------


class _RateLimiter:
    """At most `rate` requests a second from this process (NCBI's rule is per IP and tool)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self, rate: float) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + 1.0 / rate
        if start > now:
            time.sleep(start - now)


_ncbi_limiter = _RateLimiter()


def _client() -> httpx.Client:
    timeout = httpx.Timeout(settings.LOOKUP_TIMEOUT, connect=min(3.0, settings.LOOKUP_TIMEOUT))
    contact = settings.NCBI_EMAIL or "no contact set"
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,  # _send follows them, to the allowed hosts only
        headers={"User-Agent": f"{settings.NCBI_TOOL}/1.0 (mailto:{contact})"},
        transport=httpx.HTTPTransport(retries=1),  # one more try on a refused connection
    )


def _get(
    url: str,
    *,
    service: str,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    ncbi: bool = False,
    redirect_hosts: frozenset[str] = frozenset(),
) -> httpx.Response:
    """GET with the retry and rate rules; a 404 comes back as a response, others raise.
    Redirects are followed on the URL's own host, or to `redirect_hosts`."""
    if not settings.LOOKUP_ENABLED:
        raise LookupError(
            "Looking sources up is switched off on this site (LOOKUP_ENABLED=0); the fields "
            "parsed from your citation are shown instead.",
            code="disabled",
        )
    if ncbi:
        params = {**(params or {}), "tool": settings.NCBI_TOOL}
        if settings.NCBI_EMAIL:
            params["email"] = settings.NCBI_EMAIL
        if settings.NCBI_API_KEY:
            params["api_key"] = settings.NCBI_API_KEY
    hosts = (frozenset({httpx.URL(url).host}) & API_HOSTS) | redirect_hosts
    for attempt in range(1, _MAX_ATTEMPTS + 1):
        if ncbi:
            _ncbi_limiter.wait(10.0 if settings.NCBI_API_KEY else 3.0)
        try:
            with _client() as client:
                request = client.build_request("GET", url, params=params, headers=headers)
                response = _send(client, request, service=service, hosts=hosts)
        except httpx.TimeoutException as exc:
            raise LookupError(
                f"{service} did not answer within {settings.LOOKUP_TIMEOUT:g} seconds. Nothing "
                "was fetched; the parsed fields are still usable, or try again later.",
                code="unavailable",
            ) from exc
        except httpx.HTTPError as exc:
            raise LookupError(
                f"Could not reach {service} (no network connection from this server?). Nothing "
                "was fetched; the parsed fields are still usable.",
                code="unavailable",
            ) from exc
        if response.status_code not in _RETRY_STATUSES:
            return response
        if attempt < _MAX_ATTEMPTS:
            time.sleep(_retry_wait(response, attempt))
    if response.status_code == 429:
        raise LookupError(
            f"{service} is limiting requests right now (HTTP 429). Try again in a minute.",
            code="rate_limited",
        )
    raise LookupError(
        f"{service} answered with an error (HTTP {response.status_code}). Try again later.",
        code="unavailable",
    )


def _send(
    client: httpx.Client, request: httpx.Request, *, service: str, hosts: frozenset[str]
) -> httpx.Response:
    """The answer to `request`, after at most _MAX_REDIRECTS redirects, each to HTTPS on one
    of `hosts`; LookupError for a redirect anywhere else, which is not requested."""
    for _ in range(_MAX_REDIRECTS + 1):
        url = request.url
        if url.scheme != "https" or url.host not in hosts or url.port not in (None, 443):
            address = f"{url.scheme}://{url.netloc.decode('ascii')}"
            raise LookupError(
                f"{service} sent the look-up to another address ({address}), which Vetted does "
                "not follow. Nothing was fetched; the parsed fields are still usable.",
                code="unavailable",
            )
        response = client.send(request)
        if response.next_request is None:
            return response
        response.close()
        request = response.next_request
    raise LookupError(
        f"{service} redirected the look-up more than {_MAX_REDIRECTS} times. Nothing was "
        "fetched; try again later.",
        code="unavailable",
    )


def _retry_wait(response: httpx.Response, attempt: int) -> float:
    try:
        wait = float(response.headers.get("Retry-After", ""))
    except ValueError:
        wait = 0.5 * attempt
    return max(0.0, min(wait, _MAX_RETRY_WAIT))


def _json(response: httpx.Response, service: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise LookupError(
            f"{service} sent an answer that is not JSON.", code="unavailable"
        ) from exc


# --- look-ups -------------------------------------------------------------------------------


def lookup(*, pmid: str = "", pmcid: str = "", doi: str = "") -> LookupResult:
    """The record for the first identifier given (PMID, then PMCID, then DOI). Cached."""
    key, fetch = _plan(pmid=pmid, pmcid=pmcid, doi=doi)
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = fetch()
    cache.set(key, result, settings.LOOKUP_CACHE_SECONDS)
    return result


def _plan(*, pmid: str, pmcid: str, doi: str):
    if pmid:
        value = identifiers.normalize_pmid(pmid)
        if not re.fullmatch(identifiers.PMID_RE, value):
            raise LookupError(f"“{pmid}” is not a PubMed ID.", code="bad_identifier")
        return f"{_CACHE_PREFIX}pmid:{value}", lambda: _pubmed_record(value)
    if pmcid:
        value = identifiers.normalize_pmcid(pmcid)
        if not re.fullmatch(identifiers.PMCID_RE, value):
            raise LookupError(f"“{pmcid}” is not a PubMed Central ID.", code="bad_identifier")
        return f"{_CACHE_PREFIX}pmcid:{value}", lambda: _pubmed_record(_pmid_for_pmcid(value))
    if doi:
        value = identifiers.normalize_doi(doi)
        if not re.fullmatch(identifiers.DOI_RE, value):
            raise LookupError(f"“{doi}” is not a DOI.", code="bad_identifier")
        return f"{_CACHE_PREFIX}doi:{value.lower()}", lambda: _doi_record(value)
    raise LookupError("Give a PMID, PMCID or DOI to look up.", code="bad_identifier")


def _pmid_for_pmcid(pmcid: str) -> str:
    response = _get(
        f"{EUTILS}/esearch.fcgi",
        params={"db": "pubmed", "term": f"{pmcid}[pmc]", "retmode": "json"},
        ncbi=True,
        service="PubMed",
    )
    ids = (_json(response, "PubMed").get("esearchresult") or {}).get("idlist") or []
    if not ids:
        raise LookupError(f"PubMed has no record for {pmcid}.", code="not_found")
    return str(ids[0])


def _pubmed_record(pmid: str) -> LookupResult:
    response = _get(
        f"{EUTILS}/esummary.fcgi",
        params={"db": "pubmed", "id": pmid, "retmode": "json"},
        ncbi=True,
        service="PubMed",
    )
    result = _json(response, "PubMed").get("result") or {}
    record = result.get(pmid)
    if response.status_code == 404 or not isinstance(record, dict) or record.get("error"):
        raise LookupError(f"PubMed has no record for PMID {pmid}.", code="not_found")
    ids = {a.get("idtype"): a.get("value", "") for a in record.get("articleids") or []}
    year, month, day = read_date(record.get("pubdate") or record.get("epubdate") or "")
    pubtypes = [str(p) for p in record.get("pubtype") or []]
    data = {
        "author": [
            author_from_nlm(a.get("name", ""))
            for a in record.get("authors") or []
            if a.get("name") and a.get("authtype", "Author") in ("Author", "CollectiveName")
        ],
        "title": _strip_period(record.get("title", "")),
        "container_title": record.get("source", ""),
        "year": year,
        "month": month,
        "day": day,
        "volume": record.get("volume", ""),
        "issue": record.get("issue", ""),
        "page": record.get("pages", ""),
        "doi": ids.get("doi", ""),
        "pmid": pmid,
        "pmcid": ids.get("pmc", "") if str(ids.get("pmc", "")).startswith("PMC") else "",
        "kind": "systematic_review"
        if any(p in ("Systematic Review", "Meta-Analysis") for p in pubtypes)
        else ("guideline" if any("Guideline" in p for p in pubtypes) else "research"),
    }
    retracted = "Retracted Publication" in pubtypes
    notices = (
        (
            Notice(
                "retracted",
                "pubmed",
                f"pmid:{pmid}:retracted",
                "PubMed lists it as a Retracted Publication.",
            ),
        )
        if retracted
        else ()
    )
    return LookupResult(source="PubMed", data=data, retracted=retracted, notices=notices)


def doi_url(doi: str) -> str:
    """doi.org's address for a (valid) DOI: each part percent-encoded, the slashes between
    them kept (doi.org and Crossref read "10.1000/x" literally; "%2F" is not what they
    document). LookupError if the address would not be exactly the DOI's own path."""
    path = "/".join(quote(part, safe="();:._-") for part in doi.split("/"))
    url = httpx.URL(f"{DOI_RESOLVER}/{path}")
    if url.path != f"/{doi}" or url.query or url.fragment:
        raise LookupError(f"“{doi}” is not a DOI that can be looked up.", code="bad_identifier")
    return str(url)


def _doi_record(doi: str) -> LookupResult:
    response = _get(
        doi_url(doi),
        headers={"Accept": "application/vnd.citationstyles.csl+json"},
        service="doi.org",
        redirect_hosts=DOI_AGENCY_HOSTS,
    )
    if response.status_code == 404:
        raise LookupError(f"doi.org does not know the DOI {doi}.", code="not_found")
    if response.status_code >= 400:
        raise LookupError(
            f"doi.org answered with an error (HTTP {response.status_code}).", code="unavailable"
        )
    item = _json(response, "doi.org")
    if not isinstance(item, dict):
        raise LookupError("doi.org sent an unexpected answer.", code="unavailable")
    issued = ((item.get("issued") or {}).get("date-parts") or [[None]])[0] + [None, None]
    container = item.get("container-title-short") or item.get("container-title") or ""
    if isinstance(container, list):
        container = container[0] if container else ""
    data = {
        "author": [
            {k: str(v) for k, v in a.items() if k in NAME_PARTS}
            for a in item.get("author") or []
            if isinstance(a, dict)
        ],
        "title": _strip_period(_text(item.get("title"))),
        "container_title": container or _text(item.get("publisher")),
        "publisher": _text(item.get("publisher")),
        "year": _int(issued[0]),
        "month": _int(issued[1]),
        "day": _int(issued[2]),
        "volume": _text(item.get("volume")),
        "issue": _text(item.get("issue")),
        "page": _text(item.get("page")) or _text(item.get("article-number")),
        "doi": _text(item.get("DOI")) or doi,
        "pmid": "",
        "pmcid": "",
        "kind": {"dataset": "dataset", "book": "book", "chapter": "book", "webpage": "webpage"}.get(
            str(item.get("type", "")), "research"
        ),
    }
    return LookupResult(source="doi.org", data=data)


# --- retraction and correction notices ------------------------------------------------------

_NOTICE_KINDS = {
    "RetractionIn": "retracted",
    "ErratumIn": "correction",
    "CorrectedandRepublishedIn": "correction",
    "ExpressionOfConcernIn": "concern",
}


def pubmed_notices(pmid: str) -> tuple[Notice, ...]:
    """Retractions, errata and expressions of concern PubMed links to this PMID (EFetch)."""
    response = _get(
        f"{EUTILS}/efetch.fcgi",
        params={"db": "pubmed", "id": pmid, "retmode": "xml"},
        ncbi=True,
        service="PubMed",
    )
    if response.status_code >= 400:
        raise LookupError(f"PubMed has no record for PMID {pmid}.", code="not_found")
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError as exc:
        raise LookupError("PubMed sent XML that cannot be read.", code="unavailable") from exc
    article = root.find(".//PubmedArticle")
    if article is None:
        raise LookupError(f"PubMed has no record for PMID {pmid}.", code="not_found")
    notices = []
    types = {(p.text or "").strip() for p in article.iter("PublicationType")}
    if "Retracted Publication" in types:
        notices.append(
            Notice(
                "retracted", "pubmed", f"pmid:{pmid}:retracted", "PubMed: Retracted Publication."
            )
        )
    for item in article.iter("CommentsCorrections"):
        kind = _NOTICE_KINDS.get(item.get("RefType", ""))
        if kind is None:
            continue
        source = (item.findtext("RefSource") or "").strip()
        notice_pmid = (item.findtext("PMID") or "").strip()
        label = {"retracted": "Retraction in", "correction": "Erratum in",
                 "concern": "Expression of concern in"}[kind]  # fmt: skip
        notices.append(
            Notice(
                kind,
                "pubmed",
                f"pmid:{notice_pmid}" if notice_pmid else f"pubmed:{kind}:{source}",
                f"{label}: {source}" + (f" (PMID {notice_pmid})" if notice_pmid else ""),
            )
        )
    return tuple(notices)


_CROSSREF_KINDS = {
    "retraction": "retracted",
    "withdrawal": "retracted",
    "removal": "retracted",
    "correction": "correction",
    "erratum": "correction",
    "corrigendum": "correction",
    "expression_of_concern": "concern",
    "expression-of-concern": "concern",
}


def crossref_notices(doi: str) -> tuple[Notice, ...]:
    """Notices registered with Crossref as updating this DOI ("update-to" on the notice)."""
    response = _get(
        f"{CROSSREF}/works",
        params={"filter": f"updates:{doi}", "rows": "20"},
        service="Crossref",
    )
    if response.status_code >= 400:
        raise LookupError(
            f"Crossref answered with an error (HTTP {response.status_code}).", code="unavailable"
        )
    items = ((_json(response, "Crossref").get("message") or {}).get("items")) or []
    notices = []
    for item in items:
        for update in item.get("update-to") or []:
            if str(update.get("DOI", "")).lower() != doi.lower():
                continue
            kind = _CROSSREF_KINDS.get(str(update.get("type", "")).lower())
            if kind is None:
                continue
            notice_doi = str(item.get("DOI", ""))
            title = _text(item.get("title"))
            notices.append(
                Notice(
                    kind,
                    "crossref",
                    f"doi:{notice_doi.lower()}",
                    f"{update.get('type', kind).capitalize()} notice: {title} (doi: {notice_doi})",
                )
            )
    return tuple(notices)


# --- small helpers ---------------------------------------------------------------------------


def _strip_period(text: str) -> str:
    text = (text or "").strip()
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("...") else text


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return re.sub(r"<[^>]{1,40}>", "", str(value or "")).strip()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
