"""The editor's citation picker searches the library by key, title, authors, journal and
year through one trigram index on that text (PostgreSQL only; SQLite scans, as the
embedded default may). The expression is references.selectors.SEARCH_SQL, verbatim."""

from django.db import migrations

SEARCH_SQL = (
    "UPPER(key || ' ' || title || ' ' || author::text || ' ' || container_title || ' ' || "
    "COALESCE(year::text, ''))"
)
CREATE = (
    "CREATE INDEX IF NOT EXISTS reference_search_trgm ON references_reference "
    f"USING gin (({SEARCH_SQL}) gin_trgm_ops)"
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS reference_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("references", "0006_reference_superseded_by"),
        ("articles", "0005_search_entries"),  # which creates the pg_trgm extension
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
