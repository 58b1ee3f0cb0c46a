# Link the audit entries written before the hash chain existed into it, oldest first.

from django.db import migrations

from audit.chain import GENESIS, digest
from reviews.models import audit_entry_content


def hash_existing(apps, schema_editor):
    AuditEntry = apps.get_model("reviews", "AuditEntry")
    prev_hash = GENESIS
    for seq, entry in enumerate(AuditEntry.objects.order_by("pk").iterator(), start=1):
        entry_hash = digest(seq=seq, prev_hash=prev_hash, content=audit_entry_content(entry))
        # .update() on the historical manager: the model's own refuses updates, rightly.
        AuditEntry._base_manager.filter(pk=entry.pk).update(
            seq=seq, prev_hash=prev_hash, entry_hash=entry_hash
        )
        prev_hash = entry_hash


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0004_approval_signature_and_audit_chain_fields'),
    ]

    operations = [
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
