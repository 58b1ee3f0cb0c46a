"""Editors pick an article's writers from an autocomplete over the user list, which needs
auth.view_user (the admin checks it for the autocomplete view)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    auth = apps.get_app_config("auth")
    auth.models_module = True
    create_permissions(auth, apps=apps, verbosity=0)
    auth.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="auth", codename="view_user")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(content_type__app_label="auth", codename="view_user")
    for group in Group.objects.filter(name="Editors"):
        group.permissions.remove(*permission)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reviews", "0009_view_rounds_and_source_events"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
