"""Render again the stored article pages that are stale, outdated or missing.

Readers never render a page (articles.stored_pages): after a deploy that changes the code,
templates or static files pages are rendered with, every stored page is outdated and is
served as it is until this renders it again. So the deploy runs, once every app server
and worker runs the new code:

    python manage.py render_live_pages --enqueue    # a worker renders them (TASKS_BACKEND)
    python manage.py render_live_pages              # or: render them here, now

and cron runs `render_live_pages --enqueue` every ten minutes, to catch up with pages a
lost task, or a server still on the old code during a rolling deploy, left behind.
Idempotent: a page found current is skipped.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from articles import stored_pages


class Command(BaseCommand):
    help = (
        "Store again the page of every public article whose stored page is stale, was "
        "rendered with other code, or is missing (run after a deploy; safe to run again)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="render every page again, outdated or not"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the job for a worker (TASKS_BACKEND)."
        )

    def handle(self, *args, all: bool = False, enqueue: bool = False, **options) -> None:
        if enqueue:
            result = stored_pages.refresh_outdated_pages.enqueue(every_page=all)
            self.stdout.write(f"Queued refresh_outdated_pages (task {result.id}).")
            return
        ids = stored_pages.pages_to_refresh(every_page=all)
        try:
            rendered = stored_pages.refresh_pages(ids, only_if_outdated=not all)
        except stored_pages.PagesNotStored as error:
            raise CommandError(f"{error} (the others were stored; see the log)") from error
        self.stdout.write(f"Rendered {len(rendered)} stored page(s).")
