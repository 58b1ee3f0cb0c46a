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
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from tests.postgresql.base import copy_tables, put_back_sql


class DemoSnapshot:
    """The demo content as seed_demo left it, kept in a schema of the worker's test
    database (which the flush after each test leaves alone) and a folder of its own for
    the uploaded figures and the audit anchor log."""

    SCHEMA = "demo_snapshot"

    def __init__(self) -> None:
        self.tables: frozenset[str] = frozenset()  # copied, once taken
        self.files: Path | None = None  # made on first use, in the process's own temp folder

    @property
    def taken(self) -> bool:
        return bool(self.tables)

    def take(self, settings) -> None:
        self.tables = copy_tables(connection, self.SCHEMA)
        self.files = Path(tempfile.mkdtemp(prefix="demo-snapshot-"))
        (self.files / "media").mkdir()
        if Path(settings.MEDIA_ROOT).exists():
            shutil.copytree(settings.MEDIA_ROOT, self.files / "media", dirs_exist_ok=True)
        anchors = Path(settings.VETTED_AUDIT_ANCHOR_FILE)
        if anchors.exists():
            shutil.copy(anchors, self.files / "anchors.log")

    def restore(self, settings) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in put_back_sql(connection.ops, self.tables, self.SCHEMA, self.tables):
                cursor.execute(statement)
            # A test that asked for its sequences reset may have set them back.
            for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(statement)
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
        # The copy is PostgreSQL's SQL; on SQLite each test seeds.
        if connection.vendor == "postgresql":
            self.take(settings)


DEMO = DemoSnapshot()
