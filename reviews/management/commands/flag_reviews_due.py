"""Cron: move approved articles past their next review date to review_due (idempotent)."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from reviews import services


class Command(BaseCommand):
    help = "Flag approved articles whose live revision is past its next review date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--today", help="Pretend today is YYYY-MM-DD (for testing).")

    def handle(self, *args, **options) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today must be a date like 2026-01-31, not {options['today']!r}."
                ) from None
        flagged = services.flag_reviews_due(today=today)
        for article in flagged:
            self.stdout.write(f"Review due: {article.title}")
        self.stdout.write(f"{len(flagged)} article(s) flagged for re-review.")
