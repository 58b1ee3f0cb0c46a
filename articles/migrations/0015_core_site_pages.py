"""The editorial policy and the disclaimers come with the database, like the transparency
pages (0012): every page links them in its footer, so a fresh install must have them.
A page an editor already wrote is kept."""

import importlib

from django.db import migrations

# The same step as 0012's, now that articles.transparency holds these pages too.
create_site_pages = importlib.import_module(
    "articles.migrations.0012_contact_messages_and_transparency_pages"
).create_transparency_pages


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_evidence_sections")]

    operations = [migrations.RunPython(create_site_pages, migrations.RunPython.noop)]
