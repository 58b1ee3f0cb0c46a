"""The profiles' tables take people's names (people_reviewerprofile, people_writerprofile),
once reviews and articles no longer claim them; the rows are untouched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0018_writerprofile_moves_to_people"),
        ("people", "0001_profiles_from_reviews_and_articles"),
        ("reviews", "0013_reviewerprofile_moves_to_people"),
    ]

    operations = [
        migrations.AlterModelTable(name="reviewerprofile", table=None),
        migrations.AlterModelTable(name="writerprofile", table=None),
    ]
