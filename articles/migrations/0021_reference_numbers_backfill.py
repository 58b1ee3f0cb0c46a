"""Every revision keeps each page's reference list (`reference_numbers`), so the column
becomes required.

A revision left without one was frozen before evidence sections, with one numbering over
the body and then the professional section. Its lists are those a revision gets today
(articles.markdown.render_pages): the professional page reads body then professional
section, so it lists every source in the revision's order; the patient page reads the
body alone, whose sources come first and keep their numbers, so it lists sources 1 to
the highest number the body cites. Both are read from the stored HTML and source list:
nothing is rendered again.
"""

import re

from django.db import migrations, models

# The body's citations as articles.markdown writes them: "Source 3", "Sources 1 to 4".
CITED = re.compile(r'aria-label="Sources? (\d+)(?: to (\d+))?"')


def _highest_cited(html):
    return max((int(end or start) for start, end in CITED.findall(html or "")), default=0)


def backfill(apps, schema_editor):
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    RevisionReference = apps.get_model("articles", "RevisionReference")
    missing = ArticleRevision.objects.filter(reference_numbers__isnull=True)
    for revision in missing.only("pk", "body_html").iterator():
        sources = list(
            RevisionReference.objects.filter(revision_id=revision.pk)
            .order_by("position")
            .values_list("reference_id", flat=True)
        )
        numbers = {
            "patient": sources[: _highest_cited(revision.body_html)],
            "professional": sources,
        }
        # An update, not save(): revisions are immutable once written.
        ArticleRevision.objects.filter(pk=revision.pk).update(reference_numbers=numbers)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_backfill_revision_reviewers"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="articlerevision",
            name="reference_numbers",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
