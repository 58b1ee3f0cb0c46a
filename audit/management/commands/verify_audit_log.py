"""Walk the hash-chained records and name the first broken link (exit status 1 if any)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import AccountEvent
from audit import chain
from reviews import signatures
from reviews.models import AuditEntry


def _signature_problem(entry: AuditEntry) -> str | None:
    if entry.signature_id is None:
        return None
    return signatures.problems(entry.signature, entry)


# label, queryset, extra check per entry
CHAINS = {
    "reviews": (
        "audit entry",
        lambda: AuditEntry.objects.select_related("signature__decision__revision"),
        _signature_problem,
    ),
    "accounts": ("account security event", lambda: AccountEvent.objects.all(), None),
}


class Command(BaseCommand):
    help = (
        "Verify the review audit log and the account security record: every entry still "
        "matches its hash, follows the one before it, and every approval signature still "
        "matches the content it signed. Exits 1 naming the first broken link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="CHAIN:SEQ:HASH",
            help="A head printed by an earlier run (e.g. reviews:1200:ab12…); fail unless the "
            "chain still holds that entry with that hash. Catches a truncated log.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = [_parse_anchor(text) for text in options["anchor"]]
        failures = []
        for name, (label, queryset, extra_check) in CHAINS.items():
            report = chain.verify(queryset(), extra_check=extra_check)
            if report.broken is not None:
                failures.append(f"{name}: BROKEN at {report.broken.describe(label)}")
                continue
            self.stdout.write(
                f"{name}: intact, {report.count} entries; head {name}:{report.head_seq}:"
                f"{report.head_hash}"
            )
            for anchor_chain, seq, expected in anchors:
                if anchor_chain != name or (seq == 0 and expected == chain.GENESIS):
                    continue  # another chain's anchor, or "it was empty then"
                model = queryset().model
                stored = model.objects.filter(seq=seq).values_list("entry_hash", flat=True).first()
                if stored != expected:
                    failures.append(
                        f"{name}: BROKEN: the anchored {label} #{seq} "
                        + ("is missing" if stored is None else "has a different hash")
                        + " (the log was truncated or rewritten)."
                    )
        if failures:
            for failure in failures:
                self.stderr.write(failure)
            raise CommandError("The audit record does not verify.", returncode=1)


def _parse_anchor(text: str) -> tuple[str, int, str]:
    try:
        name, seq, expected = text.split(":")
        if name not in CHAINS:
            raise ValueError
        return name, int(seq), expected
    except ValueError:
        raise CommandError(
            f"--anchor takes CHAIN:SEQ:HASH with CHAIN one of {', '.join(CHAINS)}; got {text!r}."
        ) from None
