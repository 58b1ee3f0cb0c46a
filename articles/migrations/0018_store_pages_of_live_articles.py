"""Stored the pages of articles that went live before pages were stored (0004).

Moved to 0020, which runs after the profiles' move to people (a page reads them): run
here, the current code would read tables that do not exist yet. Databases that ran it
here lost nothing; on them 0020 finds no page missing.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_signing_guard_and_enrolment_codes"),
        ("articles", "0017_text_length_limits"),
        ("images", "0003_version_processing_status"),
        ("references", "0009_text_length_limits"),
        ("reviews", "0012_release_review"),
    ]

    operations = []
