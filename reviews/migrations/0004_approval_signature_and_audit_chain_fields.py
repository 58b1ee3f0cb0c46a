# Electronic signatures on approvals, and the audit log's hash-chain columns
# (filled for existing entries by 0005, constrained by 0006).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0003_decision_go_live_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApprovalSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('printed_name', models.CharField(editable=False, max_length=120)),
                ('credentials', models.CharField(blank=True, editable=False, max_length=80)),
                ('meaning', models.CharField(editable=False, max_length=200)),
                ('signed_at', models.DateTimeField(editable=False)),
                ('content_hash', models.CharField(editable=False, help_text="The signed revision's content hash: the signature is bound to that text.", max_length=64, verbose_name='content signed (SHA-256)')),
                ('method', models.CharField(choices=[('password', 'password'), ('totp', 'authenticator app code'), ('recovery_code', 'recovery code')], editable=False, max_length=20, verbose_name='re-authenticated with')),
                ('reauth_nonce', models.CharField(editable=False, max_length=64, unique=True)),
                ('manifest_hash', models.CharField(editable=False, max_length=64)),
                ('decision', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='signature', to='reviews.reviewdecision')),
                ('signer', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'approval signature',
                'verbose_name_plural': 'approval signatures',
                'ordering': ['signed_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='auditentry',
            name='signature',
            field=models.OneToOneField(blank=True, help_text="The approver's electronic signature (approvals only).", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entry', to='reviews.approvalsignature'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='seq',
            field=models.PositiveBigIntegerField(editable=False, null=True, help_text='Position in the hash chain.', verbose_name='position'),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='auditentry',
            name='entry_hash',
            field=models.CharField(default='', editable=False, max_length=64),
            preserve_default=False,
        ),
    ]
