"""The demo content for tests that need the whole site as `make run` shows it.

seed_demo walks every demo article through the real workflow, which takes seconds. A
test process seeds once and keeps a copy of the tables and files that made; its later
tests start from that copy, which takes a fraction of a second.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction


class DemoSnapshot:
    """The demo content as seed_demo left it, kept in a schema of the worker's test
    database (which the flush after each test leaves alone) and a folder of its own for
    the uploaded figures and the audit anchor log."""

    SCHEMA = "demo_snapshot"

    def __init__(self) -> None:
        self.taken = False
        self.files: Path | None = None  # made on first use, in the process's own temp folder

    @staticmethod
    def _tables() -> list[str]:
        return sorted(connection.introspection.django_table_names(only_existing=True))

    def take(self, settings) -> None:
        tables = self._tables()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE")
            cursor.execute(f"CREATE SCHEMA {self.SCHEMA}")
            for table in tables:
                cursor.execute(f'CREATE TABLE {self.SCHEMA}."{table}" AS TABLE public."{table}"')
        self.files = Path(tempfile.mkdtemp(prefix="demo-snapshot-"))
        (self.files / "media").mkdir()
        if Path(settings.MEDIA_ROOT).exists():
            shutil.copytree(settings.MEDIA_ROOT, self.files / "media", dirs_exist_ok=True)
        anchors = Path(settings.VETTED_AUDIT_ANCHOR_FILE)
        if anchors.exists():
            shutil.copy(anchors, self.files / "anchors.log")
        self.taken = True

    def restore(self, settings) -> None:
        tables = self._tables()
        with transaction.atomic(), connection.cursor() as cursor:
            # Rows go in any order: foreign keys are checked by triggers, off here. DELETE,
            # not TRUNCATE: after a test the tables hold a few rows at most.
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table in tables:
                cursor.execute(f'DELETE FROM public."{table}"')
            for table in tables:
                cursor.execute(
                    f'INSERT INTO public."{table}" SELECT * FROM {self.SCHEMA}."{table}"'
                )
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(statement)
        # The flush remade the content types under new ids; the snapshot has the old ones.
        ContentType.objects.clear_cache()
        shutil.copytree(self.files / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
        if (self.files / "anchors.log").exists():
            shutil.copy(self.files / "anchors.log", settings.VETTED_AUDIT_ANCHOR_FILE)

    def load(self, settings) -> None:
        """The demo content in this (transactional) test's database and folders."""
        if self.taken:
            self.restore(settings)
            return
        settings.DEBUG = True  # seed_demo refuses to run otherwise (its accounts are dev-only)
        call_command("seed_demo", stdout=io.StringIO())
        settings.DEBUG = False
        if (
            connection.vendor == "postgresql"
        ):  # the copy is PostgreSQL's SQL; SQLite seeds each time
            self.take(settings)


DEMO = DemoSnapshot()
