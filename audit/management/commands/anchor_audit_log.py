"""Append the current head of every hash chain to the anchor log (run it daily)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser

from audit import anchors, chain


class Command(BaseCommand):
    help = (
        "Append the current head of every audit hash chain to the anchor log "
        "(VETTED_AUDIT_ANCHOR_FILE, or --anchor-file). Each commit that appends an entry "
        "already anchors it; run this daily from cron as well, to catch up after a failed "
        "write and to anchor entries written by a data migration. Prints what it appended."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchor-file", type=Path, metavar="PATH", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["anchor_file"] or anchors.default_path()
        for model in apps.get_models():
            if not issubclass(model, chain.HashChained):
                continue
            head = model._base_manager.order_by("-seq").values_list("seq", "entry_hash").first()
            if head is None:
                self.stdout.write(f"{model.chain_name()}: empty, nothing to anchor.")
                continue
            anchor = anchors.Anchor(
                chain=model.chain_name(),
                seq=head[0],
                entry_hash=head[1],
                root=chain.chain_root(model),
            )
            anchors.append(anchor, path=path)
            self.stdout.write(f"{anchor.chain}: anchored #{anchor.seq} in {path}")
