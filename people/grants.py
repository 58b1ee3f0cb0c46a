"""Giving the editorial groups their permissions, for data migrations and the test suite.

Each migration that adds permissions declares them once, as {"Group name": ["app.codename",
...]}, and runs `migration_step(GRANTS)`. Works with the historical models of a migration
and with the real ones alike.

A migration's list names permissions as they were then (reviews.change_reviewerprofile
before the profiles moved to people); EDITORIAL_GROUPS is what the migrations leave today,
in one table to read (docs/permissions.md), and tests/people/test_grants.py holds it to
what migrating gives: a migration that changes a group's permissions updates this table too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib.auth.management import create_permissions

from people import roles

Grants = Mapping[str, Sequence[str]]

EDITORIAL_GROUPS: Grants = {
    roles.WRITERS: [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.view_articlerevision", "articles.view_topic",
        "images.add_image", "images.change_image", "images.view_image",
        "people.change_writerprofile", "people.view_writerprofile",
        "references.add_reference", "references.change_reference", "references.view_reference",
        "reviews.view_auditentry", "reviews.view_reviewcomment",
    ],
    # change_article only reaches the transition buttons: every content field is read-only
    # for reviewers in the admin and refused by the services.
    roles.REVIEWERS: [
        "articles.change_article", "articles.review_article", "articles.view_article",
        "articles.view_articlerevision", "articles.view_topic",
        "images.view_image",
        "people.view_reviewerprofile",
        "references.view_reference", "references.view_referenceevent",
        "reviews.add_reviewcomment", "reviews.view_auditentry", "reviews.view_reviewcomment",
        "reviews.view_reviewdecision", "reviews.view_reviewround",
    ],
    roles.EDITORS: [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.edit_any_article", "articles.manage_workflow",
        "articles.view_articlerevision", "articles.view_articlefeedback",
        "articles.add_sitepage", "articles.change_sitepage", "articles.view_sitepage",
        "articles.add_topic", "articles.change_topic", "articles.view_topic",
        "articles.change_contactmessage", "articles.view_contactmessage",
        # Picking an article's writers: the admin's autocomplete reads the user list.
        "auth.view_user",
        "images.add_image", "images.change_image", "images.delete_image", "images.view_image",
        "people.add_reviewerprofile", "people.change_reviewerprofile",
        "people.view_reviewerprofile",
        "people.add_writerprofile", "people.change_writerprofile", "people.view_writerprofile",
        "references.add_reference", "references.change_reference",
        "references.delete_reference", "references.view_reference",
        "references.view_referenceevent",
        "reviews.add_reviewcomment", "reviews.view_auditentry", "reviews.view_reviewcomment",
        "reviews.view_reviewdecision", "reviews.view_reviewround",
    ],
}  # fmt: skip


def grant(Group: Any, Permission: Any, grants: Grants) -> None:
    """Create each group if needed and add its permissions (which must exist)."""
    for name, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = {tuple(perm.split(".")) for perm in perms}
        found = {
            (permission.content_type.app_label, permission.codename): permission
            for permission in Permission.objects.filter(
                codename__in={codename for _, codename in wanted}
            ).select_related("content_type")
        }
        if missing := sorted(wanted - found.keys()):
            raise Permission.DoesNotExist(f"No such permission: {'.'.join(missing[0])}")
        group.permissions.add(*(found[key] for key in wanted))


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
