"""Giving the editorial groups their permissions, for data migrations and the test suite.

Each migration that adds permissions declares them once, as {"Group name": ["app.codename",
...]}, and runs `migration_step(GRANTS)`. The test suite calls `grant(Group, Permission,
GRANTS)` again after a flush empties the tables (tests/conftest.py). Works with the
historical models of a migration and with the real ones alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib.auth.management import create_permissions

Grants = Mapping[str, Sequence[str]]


def grant(Group: Any, Permission: Any, grants: Grants) -> None:
    """Create each group if needed and add its permissions."""
    for name, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def migration_step(grants: Grants) -> Callable[[Any, Any], None]:
    """A RunPython function: make sure the permissions exist, then grant them."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        # Permissions are normally created after all migrations; make sure they exist now.
        for app_config in apps.get_app_configs():
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
        grant(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), grants)

    return forwards
