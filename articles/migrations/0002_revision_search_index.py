"""A GIN index for full-text search over revisions, on PostgreSQL only.

The expression matches articles.search.search_vector() column for column, so the
planner can use it. SQLite (the embedded default) has no GIN and uses a plain
word match instead, so there this migration does nothing.
"""

from django.db import migrations

INDEX_NAME = "revision_search_gin"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON articles_articlerevision USING gin ((
    setweight(to_tsvector('english'::regconfig, (COALESCE(title, ''))::text), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'C')
))
"""
DROP = f"DROP INDEX IF EXISTS {INDEX_NAME}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
