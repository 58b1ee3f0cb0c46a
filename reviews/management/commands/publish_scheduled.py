"""Cron (every minute): put approved revisions live when their go-live time comes (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reviews import scheduling


class Command(BaseCommand):
    help = "Switch scheduled, approved revisions to live once their go-live time has passed."

    def handle(self, *args, **options) -> None:
        published = scheduling.publish_scheduled()
        for article in published:
            self.stdout.write(f"Published: {article.title}")
        self.stdout.write(f"{len(published)} scheduled article(s) published.")
