"""Writes to the reference library. The admin, the import command and tests all go through here."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core import text_limits
from references import exchange, identifiers, lookup, selectors, signals
from references.models import MAX_AUTHORS, Reference, ReferenceEvent
from references.nlm import ParsedCitation, parse_nlm_citation

PERM_ADD = "references.add_reference"
PERM_DELETE = "references.delete_reference"

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    """What an import did, entry by entry: the counts a person checks, and why any were skipped."""

    created: list[Reference] = field(default_factory=list)
    reused: list[Reference] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry label, reason)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.reused)} reused (already in the library), "
            f"{len(self.skipped)} skipped."
        )


# --- keys --------------------------------------------------------------------------------


def _ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def suggest_key(data: dict[str, Any]) -> str:
    """A free citation key like 'wiffen2017' (then 'wiffen2017b', 'wiffen2017c', …)."""
    authors = data.get("author") or []
    first = authors[0] if authors else {}
    name = first.get("family") or (first.get("literal") or "").split(" ")[0]
    base = _ascii_slug(name)[:30] or _ascii_slug((data.get("title") or "").split(" ")[0])[:30]
    base = f"{base or 'ref'}{data.get('year') or ''}"
    taken = set(Reference.objects.filter(key__startswith=base).values_list("key", flat=True))
    if base not in taken:
        return base
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if f"{base}{suffix}" not in taken:
            return f"{base}{suffix}"
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# --- creating ----------------------------------------------------------------------------


def _existing(reference: Reference) -> Reference | None:
    return (
        Reference.objects.with_identifier(
            doi=reference.doi, pmid=reference.pmid, pmcid=reference.pmcid
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def reference_get_or_create(*, data: dict[str, Any]) -> tuple[Reference, bool]:
    """Return the library's reference for this source, creating it only if no identifier matches.

    Identifiers are validated and normalised first, so "https://doi.org/10.1002/X" finds the
    reference stored as "10.1002/x". Two requests creating the same source at once end with one
    row: the database's unique constraints decide, and the loser re-reads the winner's row.
    Raises ValidationError (by field) for bad data.
    """
    data = {k: v for k, v in data.items() if k != "retracted"}  # only set_retraction may
    reference = Reference(**data)
    reference.clean()  # normalises identifiers and the key before we look them up
    existing = _existing(reference)
    if existing is not None:
        return existing, False
    if not reference.key:
        reference.key = suggest_key(data)
    try:
        reference.full_clean()
    except ValidationError:
        # Someone may have created this source since we looked.
        existing = _existing(reference)
        if existing is not None:
            return existing, False
        raise
    try:
        with transaction.atomic():
            reference.save(force_insert=True)
    except IntegrityError:
        existing = _existing(reference)
        if existing is not None:
            return existing, False
        if Reference.objects.filter(key=reference.key).exists():
            raise ValidationError(
                {"key": f"The key “{reference.key}” is already used by another reference."}
            ) from None
        raise
    return reference, True


def reference_data_from_citation(parsed: ParsedCitation) -> dict[str, Any]:
    """Reference field values from a parsed NLM citation, with a suggested key and kind."""
    data = exchange.from_parsed_citation(parsed)
    data["key"] = suggest_key(data)
    return data


# --- paste a citation, look it up -------------------------------------------------------

# The fields shown side by side (parsed | looked up) for the writer to choose from.
COMPARED_FIELDS = (
    "kind", "author", "title", "container_title", "publisher", "year", "month", "month_printed",
    "day",
    "volume", "issue", "page", "doi", "pmid", "pmcid", "url",
)  # fmt: skip
_ONLY_PMID = re.compile(r"^(?:PMID\s?:?\s?)?(?P<v>[1-9]\d{0,8})$", re.IGNORECASE)
_ONLY_PMCID = re.compile(r"^(?:PMCID\s?:?\s?)?(?P<v>PMC[1-9]\d{0,8})$", re.IGNORECASE)


@dataclass
class PastedSource:
    """What a pasted citation (or identifier) gave: parsed fields, the fetched record, or why
    there is none, and the parser's per-field warnings. JSON-ready, to keep in the session."""

    text: str
    parsed: dict[str, Any] | None = None
    looked_up: dict[str, Any] | None = None
    lookup_source: str = ""
    lookup_error: str = ""
    warnings: dict[str, list[str]] = field(default_factory=dict)
    et_al: bool = False

    def chosen(self, choices: dict[str, str] | None = None) -> dict[str, Any]:
        """Field values to fill the form with: per field, the writer's pick ("parsed" or
        "lookup"); by default the fetched record where it has a value, else the parsed one."""
        choices = choices or {}
        parsed, fetched = self.parsed or {}, self.looked_up or {}
        data: dict[str, Any] = {}
        for name in COMPARED_FIELDS:
            pick = choices.get(name) or ("lookup" if fetched.get(name) else "parsed")
            value = fetched.get(name) if pick == "lookup" else parsed.get(name)
            if value not in (None, "", []):
                data[name] = value
        accessed = parsed.get("accessed")
        if accessed:
            data["accessed"] = accessed
        data.setdefault("kind", Reference.Kind.RESEARCH)
        data.setdefault("author", [])
        data["key"] = suggest_key(data)
        return data


def _identifier_alone(text: str) -> dict[str, str]:
    """{"pmid": …} / {"pmcid": …} / {"doi": …} when the text is nothing but one identifier."""
    stripped = " ".join(text.split()).rstrip(".")
    if match := _ONLY_PMID.match(stripped):
        return {"pmid": match["v"]}
    if match := _ONLY_PMCID.match(stripped):
        return {"pmcid": match["v"].upper()}
    try:
        identifiers.validate_doi(stripped)
    except ValidationError:
        return {}
    return {"doi": identifiers.normalize_doi(stripped)}


def read_pasted_source(*, text: str) -> PastedSource:
    """Parse a pasted citation and fetch its record by PMID, PMCID or DOI, if it has one.

    A bare identifier ("PMID: 28597471", "10.1002/…", "PMC6452908") is only looked up. Raises
    CitationParseError when the text is neither a citation nor an identifier. Look-up failures
    (no network, unknown identifier) never raise: they are reported in `lookup_error`.
    """
    result = PastedSource(text=text)
    wanted = _identifier_alone(text)
    if not wanted:
        parsed = parse_nlm_citation(text)  # CitationParseError for the caller
        result.parsed = exchange.from_parsed_citation(parsed)
        result.et_al = parsed.et_al
        for warning in parsed.warnings:
            name = _WARNING_FIELDS.get(warning.field, warning.field)
            result.warnings.setdefault(name, []).append(warning.message)
        wanted = {
            name: value
            for name, value in (("pmid", parsed.pmid), ("pmcid", parsed.pmcid), ("doi", parsed.doi))
            if value
        }
    if not wanted:
        result.lookup_error = (
            "The citation has no PMID, PMCID or DOI, so there is nothing to look up."
        )
        return result
    try:
        record = lookup.lookup(**wanted)
    except lookup.LookupError as exc:
        result.lookup_error = str(exc)
        if result.parsed is None:
            result.parsed = {name: value for name, value in wanted.items()}
        return result
    result.looked_up = {k: v for k, v in record.data.items() if v not in (None, "", [])}
    result.lookup_source = record.source
    authors = result.looked_up.get("author") or []
    if len(authors) > MAX_AUTHORS:
        # A consortium paper: keep the first ones (a citation prints six, then "et al.").
        result.looked_up["author"] = authors[:MAX_AUTHORS]
        result.warnings.setdefault("author", []).append(
            f"{record.source} lists {len(authors):,} authors; the first {MAX_AUTHORS} are kept."
        )
    if record.retracted:
        result.warnings.setdefault("title", []).append(
            f"{record.source} lists this source as retracted."
        )
    return result


# Parser warning fields, as the reference form names them.
_WARNING_FIELDS = {
    "authors": "author",
    "journal": "container_title",
    "pages": "page",
}


def reference_find_by_identifiers(
    *, doi: str = "", pmid: str = "", pmcid: str = ""
) -> Reference | None:
    """The library's reference for any of these identifiers (normalised first), if there is one."""
    probe = Reference(doi=doi or "", pmid=pmid or "", pmcid=pmcid or "")
    try:
        probe.clean()
    except ValidationError:
        return None
    return _existing(probe)


# --- retractions and notices ------------------------------------------------------------


def _announce(event: ReferenceEvent) -> None:
    """Tell the apps citing sources (references.signals), in this transaction."""
    signals.source_status_changed.send(sender=Reference, reference=event.reference, event=event)


@transaction.atomic
def set_retraction(
    *,
    reference: Reference,
    user: Any,
    retracted: bool,
    note: str,
    origin: str = ReferenceEvent.Origin.EDITOR,
    notice: str = "",
) -> ReferenceEvent | None:
    """Mark a source retracted (or remove the mark): the one way its retraction state changes.

    `user` None is the system (check_sources); otherwise only editors may, because the mark
    shows on every live page citing the source at once. Writes a source event and announces
    it (references.signals): reviews flags each live article citing a newly retracted source
    for re-review, and emails editors and board members after commit. Returns the event, or
    None when nothing changed (already in that state, or this notice was already recorded).
    """
    if user is not None and not selectors.can_change_retraction(user):
        raise PermissionDenied(
            "Only editors can mark a source retracted or remove the mark: it changes every live "
            "page that cites the source. Ask an editor."
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError("Say why (e.g. the retraction notice): the note is kept on record.")
    if len(note) > text_limits.NOTE:
        raise ValidationError(
            f"The note may have at most {text_limits.NOTE:,} characters (it has {len(note):,})."
        )
    reference = Reference.objects.select_for_update().get(pk=reference.pk)
    if reference.retracted == retracted:
        return None
    if notice and reference.events.filter(notice=notice).exists():
        return None  # an editor already overruled this notice; a re-check must not undo that
    reference.retracted = retracted
    reference.save(update_fields=["retracted", "updated_at"])
    event = ReferenceEvent.objects.create(
        reference=reference,
        kind=ReferenceEvent.Kind.RETRACTED if retracted else ReferenceEvent.Kind.UNRETRACTED,
        origin=origin,
        notice=notice,
        actor=user,
        note=note,
    )
    _announce(event)
    return event


@transaction.atomic
def record_source_notice(
    *, reference: Reference, kind: str, origin: str, notice: str, note: str
) -> ReferenceEvent | None:
    """Record a correction or expression of concern found for a source (the system's call).

    Idempotent by notice: a notice already on record does nothing. Live pages do not change;
    the event is announced (references.signals), so each live article citing the source is
    flagged for re-review and people are emailed.
    """
    if kind in (ReferenceEvent.Kind.RETRACTED, ReferenceEvent.Kind.UNRETRACTED):
        raise ValueError("Retraction state changes go through set_retraction.")
    reference = Reference.objects.select_for_update().get(pk=reference.pk)
    if reference.events.filter(kind=kind, notice=notice).exists():
        return None
    event = ReferenceEvent.objects.create(
        reference=reference, kind=kind, origin=origin, notice=notice, note=note
    )
    _announce(event)
    return event


# --- checking sources against PubMed and Crossref ---------------------------------------


class CheckOutcome(models.TextChoices):
    OK = "no notices", "No notices"
    RETRACTED = "retracted", "Retracted"
    CORRECTED = "corrected", "Correction published"
    CONCERN = "concern", "Expression of concern"
    FAILED = "check failed", "Check failed"


@dataclass
class SourceCheck:
    reference: Reference
    outcome: str
    new_events: list[ReferenceEvent] = field(default_factory=list)
    error: str = ""


def check_source(*, reference: Reference) -> SourceCheck:
    """Ask PubMed (by PMID) and Crossref (by DOI) whether this source was retracted or
    corrected, and record what is new: a retraction through set_retraction (by the system),
    a correction or expression of concern as a source event. Both are announced, so live
    articles citing the source are flagged for re-review and people notified; live pages
    change only by the retraction mark. Idempotent:
    a notice already on record is not recorded again. Stamps the source's last check."""
    notices: list[lookup.Notice] = []
    errors: list[str] = []
    if reference.pmid:
        try:
            notices += lookup.pubmed_notices(reference.pmid)
        except lookup.LookupError as exc:
            errors.append(str(exc))
    if reference.doi:
        try:
            notices += lookup.crossref_notices(reference.doi)
        except lookup.LookupError as exc:
            errors.append(str(exc))
    notices = [_fitted(notice) for notice in notices]
    check = SourceCheck(reference=reference, outcome=CheckOutcome.OK)
    # A PubMed "Retracted Publication" type and its "Retraction in" link are one retraction.
    last_mark = (
        reference.events.filter(
            kind__in=[ReferenceEvent.Kind.RETRACTED, ReferenceEvent.Kind.UNRETRACTED]
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    # An editor who removed the mark has the last word until a new kind of notice appears.
    overruled = last_mark is not None and last_mark.kind == ReferenceEvent.Kind.UNRETRACTED
    for notice in sorted(notices, key=lambda n: n.kind != "retracted"):
        event = None
        if reference.events.filter(notice=notice.notice).exists():
            continue
        if notice.kind == ReferenceEvent.Kind.RETRACTED:
            if not overruled:
                # None when already marked: PubMed's type, its link and Crossref's notice
                # are one retraction, recorded once.
                event = set_retraction(
                    reference=reference,
                    user=None,
                    retracted=True,
                    note=notice.note,
                    origin=notice.origin,
                    notice=notice.notice,
                )
        else:
            event = record_source_notice(
                reference=reference,
                kind=notice.kind,
                origin=notice.origin,
                notice=notice.notice,
                note=notice.note,
            )
        if event is not None:
            check.new_events.append(event)
    kinds = {n.kind for n in notices}
    if ReferenceEvent.Kind.RETRACTED in kinds:
        check.outcome = CheckOutcome.RETRACTED
    elif ReferenceEvent.Kind.CONCERN in kinds:
        check.outcome = CheckOutcome.CONCERN
    elif ReferenceEvent.Kind.CORRECTION in kinds:
        check.outcome = CheckOutcome.CORRECTED
    elif errors:
        check.outcome = CheckOutcome.FAILED
        check.error = " ".join(errors)
    Reference.objects.filter(pk=reference.pk).update(
        last_checked_at=timezone.now(), last_check_outcome=check.outcome
    )
    return check


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _fitted(notice: lookup.Notice) -> lookup.Notice:
    """A notice as a source event can hold it: PubMed and Crossref name a notice by its
    title, which can run long; the key and the note are cut where they must be (the same
    notice is cut the same way every time, so a re-check still finds it on record)."""
    notice_max = ReferenceEvent._meta.get_field("notice").max_length
    return replace(
        notice, notice=_cut(notice.notice, notice_max), note=_cut(notice.note, text_limits.NOTE)
    )


def check_sources(*, references: Any = None, limit: int | None = None) -> list[SourceCheck]:
    """Check every source with a PMID or DOI (least recently checked first); see check_source.

    Requests to NCBI are spaced by references.lookup's rate limiter, so a run stays within
    E-utilities' limits however many sources there are.
    """
    queryset = references if references is not None else Reference.objects.all()
    queryset = queryset.exclude(pmid="", doi="").order_by(
        F("last_checked_at").asc(nulls_first=True), "pk"
    )
    if limit:
        queryset = queryset[:limit]
    return [check_source(reference=reference) for reference in queryset]


# --- deleting ----------------------------------------------------------------------------


def reference_delete_problem(reference: Reference) -> str | None:
    """Why this reference may not be deleted, or None.

    A source on an approved revision's list is part of the published record. Revisions under
    review keep their lists too (they are immutable), so any citing revision protects it.
    """
    if reference.pk is None:
        return None
    if reference.is_cited_by_approved_revision():
        return "It is cited by an approved article revision, which is part of the public record."
    if reference.revision_links.exists():
        return "It is cited by an article revision submitted for review; revisions are kept."
    return None


@transaction.atomic
def reference_delete(*, reference: Reference, user: Any) -> None:
    """Delete a reference: editors only, and only while no revision cites it."""
    if not (user.is_authenticated and user.is_active and user.has_perm(PERM_DELETE)):
        raise PermissionDenied("Only editors can delete references.")
    reference = Reference.objects.select_for_update().get(pk=reference.pk)
    problem = reference_delete_problem(reference)
    if problem:
        raise ValidationError(f"“{reference.key}” cannot be deleted. {problem}")
    reference.delete()


# --- importing ---------------------------------------------------------------------------


def _read_upload(file: IO) -> tuple[str, str]:
    raw = file.read(exchange.MAX_IMPORT_BYTES + 1)
    if len(raw) > exchange.MAX_IMPORT_BYTES:
        limit = exchange.MAX_IMPORT_BYTES // (1024 * 1024)
        raise ValidationError(
            f"The file is larger than {limit} MB; split it into smaller files. "
            "Nothing was imported.",
            code="too_large",
        )
    if isinstance(raw, bytes):
        try:
            raw = exchange.decode_text(raw)
        except exchange.ExchangeFormatError as exc:
            raise ValidationError(str(exc)) from exc
    return raw, getattr(file, "name", "") or ""


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(m for e in errs for m in e.messages)}"
            for name, errs in exc.error_dict.items()
        )
    return " ".join(exc.messages)


def _identifier_keys(reference: Reference) -> list[tuple[str, str]]:
    keys = [("doi", reference.doi.lower())] if reference.doi else []
    keys += [
        (name, getattr(reference, name)) for name in ("pmid", "pmcid") if getattr(reference, name)
    ]
    return keys


def _key_base(data: dict[str, Any]) -> str:
    authors = data.get("author") or []
    first = authors[0] if authors else {}
    name = first.get("family") or (first.get("literal") or "").split(" ")[0]
    base = _ascii_slug(name)[:30] or _ascii_slug((data.get("title") or "").split(" ")[0])[:30]
    return f"{base or 'ref'}{data.get('year') or ''}"


def _free_key(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if f"{base}{suffix}" not in taken:
            return f"{base}{suffix}"
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@dataclass
class _Pending:
    label: str
    data: dict[str, Any]
    reference: Reference


def references_import(*, file: IO, user: Any = None) -> ImportReport:
    """Import a BibTeX, RIS or CSL-JSON file (or NLM citations, one a line) into the library.

    A source already in the library (same DOI, PMID or PMCID; or, with no identifier, the same
    key and title) is reused, not duplicated. Entries with bad data are skipped and named with
    the reason. The import is all or nothing, and bounded: a file over the size or entry caps
    (references.exchange) is refused before it is parsed, and the rows are checked in Python
    and written with a few queries, so any accepted file imports in well under a second.
    `user` None means the command line (an operator); otherwise they need the add permission.
    """
    if user is not None and not user.has_perm(PERM_ADD):
        raise PermissionDenied("You do not have permission to add references.")
    text, name = _read_upload(file)
    try:
        entries = exchange.read_any(text, name)
    except exchange.ExchangeFormatError as exc:
        raise ValidationError(str(exc)) from exc
    report = ImportReport()
    pending = _validated(entries, report)
    with transaction.atomic():
        new = _match_existing(pending, report)
        _insert(new, name)
    return report


def _validated(entries: list[exchange.ImportedEntry], report: ImportReport) -> list[_Pending]:
    """Each readable entry as an unsaved, validated Reference; the rest go to `skipped`."""
    pending = []
    for entry in entries:
        label = exchange.clean_text(entry.label)
        if entry.problem:
            report.skipped.append((label, entry.problem))
            continue
        data = {k: v for k, v in exchange.clean_text(entry.data).items() if v not in (None, "")}
        data.pop("retracted", None)  # only set_retraction changes that
        if not (data.get("title") or "").strip():
            report.skipped.append((label, "it has no title."))
            continue
        data.setdefault("author", [])
        reference = Reference(**data)
        try:
            reference.clean()
            # Unique checks are left to one query below and the database's constraints.
            reference.clean_fields(exclude=["key"])
        except ValidationError as exc:
            report.skipped.append((label, _messages(exc)))
            continue
        pending.append(_Pending(label, data, reference))
    return pending


def _match_existing(pending: list[_Pending], report: ImportReport) -> list[_Pending]:
    """Reuse library rows (and earlier entries of this file) with the same identifier or key;
    give the rest free keys. Three queries whatever the number of entries."""
    dois = {p.reference.doi.lower() for p in pending if p.reference.doi}
    pmids = {p.reference.pmid for p in pending if p.reference.pmid}
    pmcids = {p.reference.pmcid for p in pending if p.reference.pmcid}
    known: dict[tuple[str, str], Reference] = {}
    if dois or pmids or pmcids:
        query = (Q(doi_lower__in=dois) & ~Q(doi="")) | Q(pmid__in=pmids) | Q(pmcid__in=pmcids)
        for ref in Reference.objects.alias(doi_lower=Lower("doi")).filter(query).order_by("-pk"):
            for key in _identifier_keys(ref):
                known[key] = ref
    given_keys = {p.reference.key for p in pending if p.reference.key}
    holders = {r.key: r for r in Reference.objects.filter(key__in=given_keys)}
    bases = {_key_base(p.data) for p in pending}
    taken_query = Q()
    for base in bases:
        taken_query |= Q(key__startswith=base)
    taken = set(Reference.objects.filter(taken_query).values_list("key", flat=True))
    taken |= set(holders)

    new: list[_Pending] = []
    for item in pending:
        ref = item.reference
        same = next((known[k] for k in _identifier_keys(ref) if k in known), None)
        if same is None and ref.key in holders:
            holder = holders[ref.key]
            if not _identifier_keys(ref) and holder.title.strip().casefold() == (
                ref.title.strip().casefold()
            ):
                same = holder
            else:
                ref.key = ""  # held by another source: suggest a new one
        if same is not None:
            report.reused.append(same)
            continue
        if not ref.key or ref.key in taken:
            ref.key = _free_key(_key_base(item.data), taken)
        try:
            ref.clean_fields(exclude=[f.name for f in Reference._meta.fields if f.name != "key"])
        except ValidationError as exc:
            report.skipped.append((item.label, _messages(exc)))
            continue
        taken.add(ref.key)
        holders[ref.key] = ref
        for key in _identifier_keys(ref):
            known[key] = ref
        new.append(item)
        report.created.append(ref)
    return new


def _insert(new: list[_Pending], name: str) -> None:
    """Insert the new rows in one statement; on a refusal, find and name the entry."""
    if not new:
        return
    try:
        with transaction.atomic():
            Reference.objects.bulk_create([item.reference for item in new])
            return
    except DatabaseError as bulk_error:
        failure: Exception = bulk_error
    label = "?"
    # Row by row, inside a savepoint that is rolled back: which entry does the database refuse?
    try:
        with transaction.atomic():
            for item in new:
                item.reference.pk = None
                try:
                    with transaction.atomic():
                        item.reference.save(force_insert=True)
                except DatabaseError as exc:
                    failure, label = exc, item.label
                    break
            raise _RollBack
    except _RollBack:
        pass
    logger.warning("Reference import of %r refused at entry %r: %s", name, label, failure)
    if isinstance(failure, IntegrityError) and "unique" in str(failure).lower():
        raise ValidationError(
            f"The import stopped at entry “{label}”: the same source was added to the library "
            "while this file was being imported. Nothing from this file was imported; "
            "import it again to reuse that source.",
            code="race",
        ) from failure
    raise ValidationError(
        f"The import stopped at entry “{label}”: the database refused it "
        f"({_first_line(failure)}). Nothing from this file was imported; fix or remove that "
        "entry and try again.",
        code="database_error",
    ) from failure


class _RollBack(Exception):
    """Undo the diagnostic row-by-row insert."""


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
