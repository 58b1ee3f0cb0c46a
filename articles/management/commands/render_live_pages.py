"""Render stored article pages now rather than on their next read (after a deploy)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from articles import publishing
from articles.models import Article, LivePage


class Command(BaseCommand):
    help = (
        "Store the page of every live article that has none, or whose stored page is stale "
        "or was rendered with other templates (run after a deploy; safe to run again)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="render every page again, outdated or not"
        )

    def handle(self, *args, all: bool = False, **options) -> None:
        missing = Article.objects.live().filter(live_page__isnull=True).values_list("pk", flat=True)
        outdated = LivePage.objects.all()
        if not all:
            outdated = outdated.exclude(is_stale=False, render_version=publishing.render_version())
        rendered = 0
        for pk in [*missing, *outdated.values_list("pk", flat=True)]:
            publishing.refresh_page(pk)
            rendered += 1
        self.stdout.write(f"Rendered {rendered} stored page(s).")
