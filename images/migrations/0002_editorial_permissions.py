"""Writers and editors keep the image library; board members may look at it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Writers": ["images.add_image", "images.change_image", "images.view_image"],
    "Editors": [
        "images.add_image", "images.change_image", "images.view_image", "images.delete_image",
    ],
    "Medical reviewers": ["images.view_image"],
}  # fmt: skip


def grant(Group, Permission):  # noqa: N803  (historical or real models)
    """Add the grants; the test suite reuses this after flushes (tests/conftest.py)."""
    for name, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def forwards(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_image_library"),
        ("reviews", "0010_editors_view_people"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
