"""Every article that was ever public has a stored page, so readers' requests only read.

(Was 0018: it moved here to run after the profiles moved to people.)

Since 0004 a page is stored in the transaction that makes its article live (or withdraws
it); this stores the pages of articles that went live before. A no-op on a fresh database
and on any database whose pages were all stored that way.

A page can only be rendered by the app's own code (templates, selectors, the current
models), not from historical models: hence the imports below, and the dependencies on
the latest migration of every app a page reads. If a later migration changes what a page
reads, this step must keep running after it, or be dropped in favour of
`manage.py render_live_pages`, which stores missing pages too.
"""

from django.db import migrations


def store_missing_pages(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    missing = list(
        Article.objects.filter(live_revision__isnull=False, live_page__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if not missing:
        return
    from articles import publishing  # noqa: PLC0415  (the one renderer of stored pages)

    publishing.refresh_pages(missing)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_signing_guard_and_enrolment_codes"),
        ("articles", "0019_writerprofile_moves_to_people"),
        ("images", "0003_version_processing_status"),
        ("references", "0009_text_length_limits"),
        ("people", "0002_profile_tables_renamed"),
        ("reviews", "0013_reviewerprofile_moves_to_people"),
    ]

    operations = [migrations.RunPython(store_missing_pages, migrations.RunPython.noop)]
