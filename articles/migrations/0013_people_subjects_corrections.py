"""Writer profiles, the article's subject, corrections, and who wrote each revision.

Existing revisions are credited to their article's writers (the only record there is);
writers may edit their own profile, editors manage all of them.
"""

import django.db.models.deletion
import people.names
from django.conf import settings
from django.db import migrations, models

from people import grants


GRANTS = {
    "Writers": ["articles.view_writerprofile", "articles.change_writerprofile"],
    "Editors": [
        "articles.add_writerprofile", "articles.change_writerprofile", "articles.view_writerprofile",
    ],
}  # fmt: skip


def credit_revisions(apps, schema_editor):
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    Through = ArticleRevision.authors.through
    Authors = apps.get_model("articles", "Article").authors.through
    writers: dict[int, list[int]] = {}
    for article_id, user_id in Authors.objects.values_list("article_id", "user_id"):
        writers.setdefault(article_id, []).append(user_id)
    rows = [
        Through(articlerevision_id=revision_id, user_id=user_id)
        for revision_id, article_id in ArticleRevision.objects.values_list("pk", "article_id")
        for user_id in writers.get(article_id, [])
    ]
    Through.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


grant = grants.migration_step(GRANTS)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0012_contact_messages_and_transparency_pages'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='correction_note',
            field=models.CharField(blank=True, help_text='Plain words for readers: what was wrong and what it says now.', max_length=500, verbose_name='correction note (public)'),
        ),
        migrations.AddField(
            model_name='article',
            name='is_correction',
            field=models.BooleanField(default=False, help_text='Readers see “Corrected on <date>” with the note below once it is approved. Cleared when the corrected version is approved.', verbose_name='this edit corrects an error'),
        ),
        migrations.AddField(
            model_name='article',
            name='subject_name',
            field=models.CharField(blank=True, help_text='What the article is about, e.g. “gabapentin” or “muscle cramps” (for search engines: schema.org `about`).', max_length=200, verbose_name='subject'),
        ),
        migrations.AddField(
            model_name='article',
            name='subject_type',
            field=models.CharField(blank=True, choices=[('drug', 'Medicine (drug)'), ('condition', 'Condition or symptom'), ('procedure', 'Procedure or treatment'), ('test', 'Test'), ('other', 'Other health subject')], help_text='What kind of subject.', max_length=12),
        ),
        migrations.AddField(
            model_name='articlerevision',
            name='authors',
            field=models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='articlerevision',
            name='correction_note',
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='articlerevision',
            name='is_correction',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='articlerevision',
            name='subject_name',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name='articlerevision',
            name='subject_type',
            field=models.CharField(blank=True, choices=[('drug', 'Medicine (drug)'), ('condition', 'Condition or symptom'), ('procedure', 'Procedure or treatment'), ('test', 'Test'), ('other', 'Other health subject')], max_length=12),
        ),
        migrations.AlterField(
            model_name='livepagedependency',
            name='kind',
            field=models.CharField(choices=[('reviewer', 'Reviewer profile'), ('topic', 'Topic'), ('source', 'Cited source'), ('writer', 'Writer profile')], max_length=12),
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
                ('bio', models.TextField(blank=True)),
                ('conflict_of_interest', models.TextField(blank=True, help_text='Shown on the profile and with every article they wrote. Leave empty if none: the site says “No conflicts declared”.', verbose_name='conflict-of-interest disclosure')),
                ('is_public', models.BooleanField(default=True, help_text='Off: their articles are credited to the editorial team and the profile page is not found.', verbose_name='named on the site')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='writer_profile', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'writer profile',
                'verbose_name_plural': 'writer profiles',
                'ordering': ['display_name'],
            },
            bases=(people.names.PublicName, models.Model),
        ),
        migrations.RunPython(credit_revisions, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
