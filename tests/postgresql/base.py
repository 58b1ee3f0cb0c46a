"""The suite's PostgreSQL backend: Django's own, except how a transactional test's
database is emptied afterwards (tests/settings.py selects it).

Django's flush TRUNCATEs every table, which gives each of them new files on disk (about
a quarter of a second for Vetted's ninety tables, after every test that commits), and
leaves them empty, without the groups, permissions and site pages the migrations made:
a test that ran after it on the same worker saw a different database than one that ran
before. Here the flush DELETEs the few rows a test left and puts back what migrating
left (`keep_baseline`, once per test database), so every test starts from the migrated
database, in whatever order the workers take them. Django's foreign keys on PostgreSQL
are checked at commit, and the flush runs in one transaction, so the order of the
tables does not matter.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, operations

BASELINE = "migrated_baseline"


class DatabaseOperations(operations.DatabaseOperations):
    baseline_tables: frozenset[str] = frozenset()

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = style.SQL_KEYWORD("DELETE FROM")
        statements = [f"{delete} {self.quote_name(table)};" for table in tables]
        for table in tables:
            if table in self.baseline_tables:
                name = self.quote_name(table)
                statements.append(f"INSERT INTO {name} SELECT * FROM {BASELINE}.{name};")
        return statements


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations


def keep_baseline(connection) -> None:
    """Copy every table as migrating left it into the BASELINE schema, for sql_flush."""
    if not isinstance(connection.ops, DatabaseOperations):
        return  # another database (SQLite): Django's own flush
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {BASELINE} CASCADE")
        cursor.execute(f"CREATE SCHEMA {BASELINE}")
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"CREATE TABLE {BASELINE}.{name} AS TABLE public.{name}")
    DatabaseOperations.baseline_tables = frozenset(tables)
