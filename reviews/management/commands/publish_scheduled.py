"""Cron (every minute): put approved revisions live when their go-live time comes (idempotent).

With --enqueue it queues the job (reviews.tasks) for a worker instead of running it here.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reviews import scheduling, tasks


class Command(BaseCommand):
    help = "Switch scheduled, approved revisions to live once their go-live time has passed."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the job for a worker (TASKS_BACKEND)."
        )

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            result = tasks.publish_scheduled.enqueue()
            self.stdout.write(f"Queued publish_scheduled (task {result.id}).")
            return
        published = scheduling.publish_scheduled()
        for article in published:
            self.stdout.write(f"Published: {article.title}")
        self.stdout.write(f"{len(published)} scheduled article(s) published.")
