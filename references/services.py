"""Writes to the reference library. The admin, the import command and tests all go through here."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from references import exchange
from references.models import Reference
from references.nlm import ParsedCitation

PERM_ADD = "references.add_reference"
PERM_DELETE = "references.delete_reference"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
# The most entries one web (admin) import takes. An import costs roughly 10-20 ms an entry, so
# 500 finish in well under gunicorn's 30 s worker timeout; larger files are refused up front
# (split them, or use `manage.py import_references`, which has no such limit).
MAX_WEB_IMPORT_ENTRIES = 500

logger = logging.getLogger(__name__)

_NLM_PERSON = re.compile(
    r"^(?P<family>.+?) (?P<given>[A-Z]{1,4})(?: (?P<suffix>Jr|Sr|2nd|3rd|[4-9]th|II|III|IV))?$"
)


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
    raw = file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationError("The file is larger than 5 MB; split it into smaller files.")
    if isinstance(raw, bytes):
        try:
            raw = exchange.decode_text(raw)
        except exchange.ExchangeFormatError as exc:
            raise ValidationError(str(exc)) from exc
    return raw, getattr(file, "name", "") or ""


def _too_many_entries(count: int, max_entries: int) -> ValidationError:
    return ValidationError(
        f"This file has {count} entries; the web import takes at most {max_entries} at a time "
        "— split the file or use `manage.py import_references`. Nothing was imported.",
        code="too_many_entries",
    )


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(m for e in errs for m in e.messages)}"
            for name, errs in exc.error_dict.items()
        )
    return " ".join(exc.messages)


def _key_for(data: dict[str, Any]) -> tuple[str, Reference | None]:
    """The entry's own key if free; the holder if it is the same source; else a free key."""
    key = data.get("key") or ""
    if not key:
        return suggest_key(data), None
    holder = Reference.objects.filter(key=key).first()
    if holder is None:
        return key, None
    has_identifier = any(data.get(k) for k in ("doi", "pmid", "pmcid"))
    if not has_identifier and holder.title.strip().casefold() == data["title"].strip().casefold():
        return key, holder
    return suggest_key(data), None


def references_import(
    *, file: IO, user: Any = None, max_entries: int | None = MAX_WEB_IMPORT_ENTRIES
) -> ImportReport:
    """Import a BibTeX, RIS or CSL-JSON file (or NLM citations, one a line) into the library.

    A source already in the library (same DOI, PMID or PMCID; or, with no identifier, the same
    key and title) is reused, not duplicated. Entries with bad data are skipped and named with
    the reason. The import is all or nothing: a file that cannot be read, has more than
    `max_entries` entries (None: no limit), or meets a database error part-way raises
    ValidationError and changes nothing.
    `user` None means the command line (an operator); otherwise they need the add permission.
    """
    if user is not None and not user.has_perm(PERM_ADD):
        raise PermissionDenied("You do not have permission to add references.")
    text, name = _read_upload(file)
    if max_entries is not None:
        count = exchange.count_entries(text, name)
        if count > max_entries:  # refuse before parsing: a big file is slow to parse too
            raise _too_many_entries(count, max_entries)
    try:
        entries = exchange.read_any(text, name)
    except exchange.ExchangeFormatError as exc:
        raise ValidationError(str(exc)) from exc
    if max_entries is not None and len(entries) > max_entries:
        raise _too_many_entries(len(entries), max_entries)
    report = ImportReport()
    label = ""
    try:
        with transaction.atomic():
            for entry in entries:
                label = exchange.clean_text(entry.label)
                _import_entry(entry, label, report)
    except DatabaseError as exc:
        logger.exception("Reference import of %r failed at entry %r", name, label)
        raise ValidationError(
            f"The import stopped at entry “{label}”: the database refused it ({_first_line(exc)}). "
            "Nothing from this file was imported; fix or remove that entry and try again.",
            code="database_error",
        ) from exc
    return report


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _import_entry(entry: exchange.ImportedEntry, label: str, report: ImportReport) -> None:
    """Create or reuse one entry's reference, or record why it was skipped."""
    if entry.problem:
        report.skipped.append((label, entry.problem))
        return
    data = {k: v for k, v in exchange.clean_text(entry.data).items() if v not in (None, "")}
    if not (data.get("title") or "").strip():
        report.skipped.append((label, "it has no title."))
        return
    data.setdefault("author", [])
    try:
        key, same = _key_for(data)
        if same is not None:
            report.reused.append(same)
            return
        data["key"] = key
        reference, created = reference_get_or_create(data=data)
    except ValidationError as exc:
        report.skipped.append((label, _messages(exc)))
        return
    (report.created if created else report.reused).append(reference)
