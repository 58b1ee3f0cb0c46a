"""Board members and editors may read review rounds and the record of source notices."""

from django.db import migrations

from people import grants

GRANTS = {
    "Medical reviewers": ["reviews.view_reviewround", "references.view_referenceevent"],
    "Editors": ["reviews.view_reviewround", "references.view_referenceevent"],
}


forwards = grants.migration_step(GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_backfill_review_rounds"),
        ("references", "0006_reference_superseded_by"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
