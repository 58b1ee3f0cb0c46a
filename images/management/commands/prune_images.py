"""Remove stored image files that no image version records.

An upload writes its files before its transaction commits (the files must exist before any
page can point at them). If that transaction later rolls back, the files stay behind with
no row naming them. They harm nothing (names are content hashes, and nothing links to
them), but they cost storage; run this weekly from cron:

    manage.py prune_images              # report what would go
    manage.py prune_images --delete     # remove folders older than --min-age-hours
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from images import storage
from images.models import ImageVersion


class Command(BaseCommand):
    help = "Remove stored image files that no image version records (left by rolled-back uploads)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--delete", action="store_true", help="remove them (default: report)")
        parser.add_argument(
            "--min-age-hours",
            type=int,
            default=24,
            help="leave younger folders alone: an upload may still be committing (default 24)",
        )

    def handle(self, *args: Any, delete: bool, min_age_hours: int, **options: Any) -> None:
        if min_age_hours < 1:
            raise CommandError("--min-age-hours must be at least 1: uploads in flight need time.")
        try:
            folders, _ = default_storage.listdir("images")
        except FileNotFoundError:
            folders = []
        hashes = {name for name in folders if storage.HASH_RE.fullmatch(name)}
        known = set(ImageVersion.objects.filter(sha256__in=hashes).values_list("sha256", flat=True))
        cutoff = timezone.now() - datetime.timedelta(hours=min_age_hours)
        orphans = 0
        for sha256 in sorted(hashes - known):
            files = [f"{storage.folder(sha256)}/{name}" for name in self._files(sha256)]
            if any(self._modified(name) > cutoff for name in files):
                continue  # possibly an upload still on its way to commit
            orphans += 1
            if delete:
                storage.remove(files)
            self.stdout.write(f"{'removed' if delete else 'orphan'}: {storage.folder(sha256)}/")
        verb = "Removed" if delete else "Found"
        self.stdout.write(f"{verb} {orphans} orphaned image folder(s) of {len(hashes)}.")

    @staticmethod
    def _files(sha256: str) -> list[str]:
        _, files = default_storage.listdir(storage.folder(sha256))
        return files

    @staticmethod
    def _modified(name: str) -> datetime.datetime:
        try:
            return default_storage.get_modified_time(name)
        except (NotImplementedError, OSError):
            return timezone.now()  # unknown age: treat as new, never delete blindly
