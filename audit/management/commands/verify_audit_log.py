"""Walk the hash-chained records and name the first broken link (exit status 1 if any)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import anchors, chain, registry


class Command(BaseCommand):
    help = (
        "Verify the review audit log and the account security record: every entry still "
        "matches its keyed hash, follows the one before it, every approval signature still "
        "matches the content it signed, and each chain still holds the latest head the "
        "anchor log (VETTED_AUDIT_ANCHOR_FILE) recorded. Exits 1 naming the first broken "
        "link, or when there is no anchor to check against."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="CHAIN:SEQ:HASH",
            help="A head printed by an earlier run (e.g. reviews:1200:ab12…); fail unless the "
            "chain still holds that entry with that hash. Given alone, these heads are checked "
            "instead of the anchor log (a restored copy of a dump: its heads at dump time).",
        )
        parser.add_argument(
            "--anchor-file",
            action="append",
            default=[],
            type=Path,
            metavar="PATH",
            help="An anchor log to check against (repeat for one per app server, as shipped "
            "off the hosts); the latest head of each chain over all of them counts. "
            "Default: the VETTED_AUDIT_ANCHOR_FILE setting.",
        )
        parser.add_argument(
            "--allow-missing-anchor",
            action="store_true",
            help="Warn instead of failing when a chain has no anchor to check against (e.g. "
            "a copy restored away from its anchor log). A deleted tail then goes unnoticed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        heads = [_parse_anchor(text) for text in options["anchor"]]
        files = options["anchor_file"] or ([] if heads else [anchors.default_path()])
        log = anchors.read(files) if files else None
        failures: list[str] = []
        missing: list[str] = []
        for name, registered in registry.chains().items():
            model, label = registered.model, registered.label
            report = chain.verify(registered.rows(), extra_check=registered.extra_check)
            if report.broken is not None:
                failures.append(f"{name}: BROKEN at {report.broken.describe(label)}")
                continue
            self.stdout.write(
                f"{name}: intact, {report.count} entries; head {name}:{report.head_seq}:"
                f"{report.head_hash}"
            )
            failures += _against_heads(name, label, model, heads)
            if log is not None:
                found, text = _against_log(name, label, model, report, log, files)
                if found == OK:
                    self.stdout.write(text)
                else:
                    (failures if found == BROKEN else missing).append(text)
        if log is not None and log.unreadable_lines:
            self.stderr.write(
                f"WARNING: {log.unreadable_lines} line(s) of the anchor log could not be read "
                "and were ignored."
            )
        if missing and options["allow_missing_anchor"]:
            for text in missing:
                self.stderr.write(f"WARNING: {text} Verified without it (--allow-missing-anchor).")
            missing = []
        failures += [
            f"{text} Ship the anchor log with the database, pass it with --anchor-file, or "
            "pass --allow-missing-anchor to verify without it."
            for text in missing
        ]
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError("The audit record does not verify.", returncode=1)


def _stored_hash(model: Any, seq: int) -> str | None:
    return model._base_manager.filter(seq=seq).values_list("entry_hash", flat=True).first()


def _against_heads(name: str, label: str, model: Any, heads: list) -> list[str]:
    """The chain still holds every head given on the command line."""
    failures = []
    for anchor_chain, seq, expected in heads:
        if anchor_chain != name or (seq == 0 and expected == chain.GENESIS):
            continue  # another chain's anchor, or "it was empty then"
        stored = _stored_hash(model, seq)
        if stored != expected:
            failures.append(
                f"{name}: BROKEN: the anchored {label} #{seq} "
                + ("is missing" if stored is None else "has a different hash")
                + " (the log was truncated or rewritten)."
            )
    return failures


# What comparing a chain with the anchor log found.
OK, BROKEN, MISSING = "ok", "broken", "missing"


def _against_log(
    name: str,
    label: str,
    model: Any,
    report: chain.ChainReport,
    log: anchors.AnchorLog,
    files: list[Path],
) -> tuple[str, str]:
    """Compare an intact chain with the latest head the anchor log recorded of it: OK with
    a line to print, BROKEN with what broke, or MISSING with what is missing."""
    where = ", ".join(str(path) for path in files)
    if report.count == 0:
        if name in log.chains_seen:
            return BROKEN, (
                f"{name}: BROKEN: the anchor log ({where}) recorded entries of this chain, "
                "but the database holds none: they were deleted, or the log belongs to "
                "another database."
            )
        return OK, f"{name}: empty, nothing to anchor."
    anchor = log.head(name, chain.chain_root(model))
    if anchor is None:
        what = (
            f"the anchor log {where} does not exist"
            if len(log.files_missing) == len(files)
            else f"the anchor log ({where}) holds no head of this chain"
        )
        return MISSING, (
            f"{name}: NO ANCHOR: {what}, so entries deleted from its end would go unnoticed."
        )
    if anchor.seq > report.head_seq:
        return BROKEN, (
            f"{name}: BROKEN: the anchor log recorded {label} #{anchor.seq} (at {anchor.at}), "
            f"but the chain ends at #{report.head_seq}: entries were deleted from its end."
        )
    if _stored_hash(model, anchor.seq) != anchor.entry_hash:
        return BROKEN, (
            f"{name}: BROKEN: {label} #{anchor.seq} no longer has the hash the anchor log "
            f"recorded at {anchor.at}: the chain was rewritten from there."
        )
    since = report.head_seq - anchor.seq
    return OK, (
        f"{name}: anchored at #{anchor.seq} ({anchor.at})"
        + (f"; {since} later entries not yet anchored." if since else ".")
    )


def _parse_anchor(text: str) -> tuple[str, int, str]:
    try:
        name, seq, expected = text.split(":")
        if name not in registry.chains():
            raise ValueError
        return name, int(seq), expected
    except ValueError:
        names = ", ".join(registry.chains())
        raise CommandError(
            f"--anchor takes CHAIN:SEQ:HASH with CHAIN one of {names}; got {text!r}."
        ) from None
