"""ReviewerProfile is people's now (people/migrations/0001): only Django's record of the
model leaves reviews; the table and its rows stay, and people 0002 renames the table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0001_profiles_from_reviews_and_articles"),
        ("reviews", "0012_release_review"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReviewerProfile")],
        ),
    ]
