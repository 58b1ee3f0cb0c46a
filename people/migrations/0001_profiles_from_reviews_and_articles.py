"""ReviewerProfile (until now in reviews) and WriterProfile (until now in articles) move
to people.

The rows stay where they are: this migration only tells Django that the models are now
people's (their tables keep the old names until 0002 renames them), after moving their
content types to the people app, so their permissions, the groups' grants of them and
the admin's history of the profiles follow (people.change_reviewerprofile is the same
row as reviews.change_reviewerprofile was).
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import people.names
from django.conf import settings
from django.db import migrations, models

# (app the model leaves, model name)
MOVED = [("reviews", "reviewerprofile"), ("articles", "writerprofile")]


def _relabel(apps, schema_editor, *, forwards: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for old_app, model in MOVED:
        source, target = (old_app, "people") if forwards else ("people", old_app)
        moving = types.filter(app_label=source, model=model).first()
        if moving is None:
            continue  # no content type yet (made after the last migration): nothing to move
        # A content type already made under the new label (create_permissions ran before
        # this did) goes, with its permissions: the groups were granted the moving one's.
        types.filter(app_label=target, model=model).delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])


def content_types_to_people(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=True)


def content_types_back(apps, schema_editor):
    _relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    # Not an initial migration for --fake-initial: the tables exist, but the content
    # types must still move.
    initial = False

    dependencies = [
        ("articles", "0017_text_length_limits"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0012_release_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(content_types_to_people, content_types_back),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReviewerProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(max_length=80, unique=True)),
                        ('display_name', models.CharField(help_text='As printed: Dr Jane Doe.', max_length=120)),
                        ('credentials', models.CharField(help_text='MD, PharmD, RN …', max_length=80)),
                        ('specialty', models.CharField(max_length=120)),
                        ('bio', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)])),
                        ('conflict_of_interest', models.TextField(blank=True, help_text="Shown on the public profile. Write 'None declared' if none.", max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='conflict-of-interest disclosure')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active board member')),
                        ('credentials_verified_on', models.DateField(blank=True, null=True)),
                        ('credentials_expire_on', models.DateField(blank=True, null=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='reviewer_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'reviews_reviewerprofile',
                        'verbose_name': 'reviewer profile',
                        'verbose_name_plural': 'reviewer profiles',
                        'ordering': ['display_name'],
                        'constraints': [models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('bio'), 2000), name='reviewerprofile_bio_max_length', violation_error_message='“bio” may hold at most 2,000 characters.'), models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('conflict_of_interest'), 2000), name='reviewerprofile_conflict_of_interest_max_length', violation_error_message='“conflict_of_interest” may hold at most 2,000 characters.')],
                    },
                    bases=(people.names.PublicName, models.Model),
                ),
                migrations.CreateModel(
                    name='WriterProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(help_text="The profile's public URL.", max_length=80, unique=True)),
                        ('display_name', models.CharField(help_text='As printed, e.g. “Dr Jane Doe” or “Jane Doe”.', max_length=120)),
                        ('credentials', models.CharField(blank=True, help_text='Post-nominals, e.g. “MPH” or “RN”. When given, a leading Dr or Prof is left out of the printed name (“Jane Doe, MD”, never “Dr Jane Doe, MD”).', max_length=80)),
                        ('job_title', models.CharField(blank=True, help_text='Their role, e.g. “Health writer”, “Medical editor”.', max_length=120)),
                        ('expertise', models.CharField(blank=True, help_text="Comma-separated, e.g. “pain medicine, older adults' health”.", max_length=300, verbose_name='areas of expertise')),
                        ('bio', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)])),
                        ('conflict_of_interest', models.TextField(blank=True, help_text='Shown on the profile and with every article they wrote. Leave empty if none: the site says “No conflicts declared”.', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='conflict-of-interest disclosure')),
                        ('is_public', models.BooleanField(default=True, help_text='Off: their articles are credited to the editorial team and the profile page is not found.', verbose_name='named on the site')),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='writer_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'articles_writerprofile',
                        'verbose_name': 'writer profile',
                        'verbose_name_plural': 'writer profiles',
                        'ordering': ['display_name'],
                        'constraints': [models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('bio'), 2000), name='writerprofile_bio_max_length', violation_error_message='“bio” may hold at most 2,000 characters.'), models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('conflict_of_interest'), 2000), name='writerprofile_conflict_of_interest_max_length', violation_error_message='“conflict_of_interest” may hold at most 2,000 characters.')],
                    },
                    bases=(people.names.PublicName, models.Model),
                ),
            ],
        ),
    ]
