"""Anchors: the heads of the hash chains, written to a log outside the database.

The keyed chain (audit.chain) proves that no entry was edited, inserted or reordered by
someone without the key. It cannot prove that the newest entries were not simply
deleted: a shorter chain is still a valid chain. So every commit that appends to a chain
also appends one line to the anchor log (settings.VETTED_AUDIT_ANCHOR_FILE), and
`verify_audit_log` checks that the chain still holds the latest head the log recorded.

A line is written only once the transaction that appended the entry has committed
(`transaction.on_commit`), so the log is never ahead of the database because of a
rollback; a crash between the commit and the write leaves it behind, which is safe (the
daily `anchor_audit_log` catches up). Each line names its chain by the hash of the
chain's first entry (its root), so a log that also recorded another database (a
re-seeded development database, a staging copy) is not mistaken for this one's.

The line format, one per appended entry, oldest first per writer:

    2025-01-31T09:15:02.123456+00:00 reviews 1234 <entry hash> <root hash>

Append-only writes of one short line are atomic on a local file system, so every process
of an app server may share the file; each app server keeps its own, and operators ship
them off the host (docs/audit-log.md).
"""

from __future__ import annotations

import datetime
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

_LINE = re.compile(
    r"^(?P<at>\S+) (?P<chain>[a-z_]+) (?P<seq>[0-9]+)"
    r" (?P<hash>[0-9a-f]{64}) (?P<root>[0-9a-f]{64})$"
)


@dataclass(frozen=True)
class Anchor:
    """One recorded head: chain `chain` (rooted at `root`) held entry `seq` with `entry_hash`."""

    chain: str
    seq: int
    entry_hash: str
    root: str
    at: str = ""

    def line(self) -> str:
        return f"{self.at} {self.chain} {self.seq} {self.entry_hash} {self.root}\n"


@dataclass(frozen=True)
class AnchorLog:
    """What anchor logs say: the latest head per (chain, root), and what could not be read."""

    latest: dict[tuple[str, str], Anchor]
    chains_seen: set[str]
    files_missing: list[Path]
    unreadable_lines: int

    def head(self, chain: str, root: str) -> Anchor | None:
        return self.latest.get((chain, root))


def default_path() -> Path:
    return Path(settings.VETTED_AUDIT_ANCHOR_FILE)


def append(anchor: Anchor, *, path: Path | None = None) -> None:
    """Append one head to the anchor log (creating it and its folder as needed), to disk."""
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not anchor.at:
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds")
        anchor = Anchor(anchor.chain, anchor.seq, anchor.entry_hash, anchor.root, now)
    # One write of one line in append mode: lines from several processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, anchor.line().encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def append_after_commit(anchor: Anchor) -> None:
    """The on-commit hook: the entry is committed whatever happens here, so a failure to
    write the anchor is logged loudly, never raised at the person whose step succeeded."""
    try:
        append(anchor)
    except OSError:
        logger.exception(
            "Could not append the head %s #%s to the audit anchor log %s; run "
            "`manage.py anchor_audit_log` once it is writable.",
            anchor.chain,
            anchor.seq,
            default_path(),
        )


def read(paths: Iterable[Path]) -> AnchorLog:
    """The latest head per chain and root over all these logs (max position, whichever
    file or line order: app servers commit concurrently)."""
    latest: dict[tuple[str, str], Anchor] = {}
    chains_seen: set[str] = set()
    missing: list[Path] = []
    unreadable = 0
    for path in paths:
        try:
            handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 (closed below)
        except FileNotFoundError:
            missing.append(path)
            continue
        with handle:
            for text in handle:
                if not text.strip():
                    continue
                match = _LINE.match(text.strip())
                if match is None:
                    unreadable += 1
                    continue
                anchor = Anchor(
                    chain=match["chain"],
                    seq=int(match["seq"]),
                    entry_hash=match["hash"],
                    root=match["root"],
                    at=match["at"],
                )
                chains_seen.add(anchor.chain)
                key = (anchor.chain, anchor.root)
                if key not in latest or anchor.seq > latest[key].seq:
                    latest[key] = anchor
    return AnchorLog(latest, chains_seen, missing, unreadable)
