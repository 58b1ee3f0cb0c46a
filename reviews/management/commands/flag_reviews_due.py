"""Cron: move approved articles past their next review date to review_due (idempotent).

With --enqueue it queues the job (reviews.tasks) for a worker instead of running it here.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from reviews import services, tasks


class Command(BaseCommand):
    help = "Flag approved articles whose live revision is past its next review date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD (for testing).")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the job for a worker (TASKS_BACKEND)."
        )

    def handle(self, *args, **options) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today must be a date like 2026-01-31, not {options['today']!r}."
                ) from None
        if options["enqueue"]:
            result = tasks.flag_reviews_due.enqueue(today=today.isoformat() if today else None)
            self.stdout.write(f"Queued flag_reviews_due (task {result.id}).")
            return
        flagged = services.flag_reviews_due(today=today)
        for article in flagged:
            self.stdout.write(f"Review due: {article.title}")
        self.stdout.write(f"{len(flagged)} article(s) flagged for re-review.")
