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


def copy_tables(connection, schema: str) -> frozenset[str]:
    """Copy every Django table, rows as they stand, into `schema` (made afresh)."""
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"CREATE TABLE {schema}.{name} AS TABLE public.{name}")
    return frozenset(tables)


def put_back_sql(ops, tables, schema: str, copied: frozenset[str], style=None) -> list[str]:
    """Empty `tables`, then refill those `copy_tables` copied into `schema`. Run in one
    transaction: the foreign keys are checked at its commit, so no order is needed."""
    delete = style.SQL_KEYWORD("DELETE FROM") if style else "DELETE FROM"
    statements = [f"{delete} {ops.quote_name(table)};" for table in tables]
    for table in tables:
        if table in copied:
            name = ops.quote_name(table)
            statements.append(f"INSERT INTO {name} SELECT * FROM {schema}.{name};")
    return statements


class DatabaseOperations(operations.DatabaseOperations):
    baseline_tables: frozenset[str] = frozenset()

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return put_back_sql(self, tables, BASELINE, self.baseline_tables, style)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations


def keep_baseline(connection) -> None:
    """Copy every table as migrating left it into the BASELINE schema, for sql_flush."""
    if not isinstance(connection.ops, DatabaseOperations):
        return  # another database (SQLite): Django's own flush
    DatabaseOperations.baseline_tables = copy_tables(connection, BASELINE)
