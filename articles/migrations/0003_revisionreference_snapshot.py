"""Freeze each revision's cited sources: RevisionReference.snapshot.

Existing revisions are back-filled from their library rows as they read today (the best
record there is). The field list mirrors references.models.SNAPSHOT_FIELDS; it is copied,
not imported, so this migration keeps working whatever the app code becomes.
"""

import datetime

from django.db import migrations, models

SNAPSHOT_FIELDS = (
    "key", "kind", "author", "title", "container_title", "publisher", "year", "month", "day",
    "volume", "issue", "page", "doi", "pmid", "pmcid", "url", "accessed",
)  # fmt: skip
BATCH = 500


def _snapshot(reference) -> dict:
    data = {name: getattr(reference, name) for name in SNAPSHOT_FIELDS}
    data["author"] = list(reference.author or [])
    accessed = reference.accessed
    if isinstance(accessed, datetime.date):
        accessed = accessed.isoformat()
    data["accessed"] = accessed or None
    return data


def fill_snapshots(apps, schema_editor):
    RevisionReference = apps.get_model("articles", "RevisionReference")
    links = RevisionReference.objects.select_related("reference").order_by("pk")
    batch = []
    for link in links.iterator(chunk_size=BATCH):
        link.snapshot = _snapshot(link.reference)
        batch.append(link)
        if len(batch) >= BATCH:
            RevisionReference.objects.bulk_update(batch, ["snapshot"])
            batch = []
    if batch:
        RevisionReference.objects.bulk_update(batch, ["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_revision_search_index"),
        ("references", "0002_identifier_and_key_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="revisionreference",
            name="snapshot",
            field=models.JSONField(default=dict, editable=False),
        ),
        # Reversing drops the column, so there is nothing to undo.
        # One-way: unapplying would drop the frozen sources, and re-applying would rebuild
        # them from today's (possibly edited) library rows instead of what was reviewed.
        migrations.RunPython(fill_snapshots),
    ]
