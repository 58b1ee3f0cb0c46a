"""Cron: re-check the library's sources against PubMed and Crossref for retractions and errata.

    python manage.py check_sources [--limit N] [--key KEY ...] [--enqueue]

Idempotent (a notice already on record is not recorded again) and rate-limited (NCBI's
3 requests a second, 10 with NCBI_API_KEY). A new retraction or correction of a source cited by
a live article flags that article for re-review and emails editors and board members.
With --enqueue it queues the check (references.tasks) for a worker instead of running it here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from references import services, tasks
from references.models import Reference


class Command(BaseCommand):
    help = "Re-check sources against PubMed and Crossref for retractions and corrections."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--limit", type=int, help="Check at most N sources (least recently checked first)."
        )
        parser.add_argument("--key", action="append", help="Check only this source (repeatable).")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the check for a worker (TASKS_BACKEND)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.check_sources.enqueue(limit=options["limit"], keys=options["key"])
            self.stdout.write(f"Queued check_sources (task {result.id}).")
            return
        references = Reference.objects.all()
        if options["key"]:
            references = references.filter(key__in=[k.lower() for k in options["key"]])
        checks = services.check_sources(references=references, limit=options["limit"])
        failed = 0
        for check in checks:
            for event in check.new_events:
                self.stdout.write(
                    self.style.WARNING(
                        f"{check.reference.key}: {event.get_kind_display()} — {event.note}"
                    )
                )
            if check.error:
                failed += 1
                self.stderr.write(f"{check.reference.key}: not checked — {check.error}")
        new = sum(len(check.new_events) for check in checks)
        self.stdout.write(
            f"{len(checks)} source(s) checked, {new} new notice(s), {failed} could not be checked."
        )
