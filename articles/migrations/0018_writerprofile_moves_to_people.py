"""WriterProfile is people's now (people/migrations/0001): only Django's record of the
model leaves articles; the table and its rows stay, and people 0002 renames the table."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0017_text_length_limits"),
        ("people", "0001_profiles_from_reviews_and_articles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WriterProfile")],
        ),
    ]
