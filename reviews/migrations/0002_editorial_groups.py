"""Create the Writers, Medical reviewers and Editors groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Writers": [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.view_topic", "articles.view_articlerevision",
        "references.add_reference", "references.change_reference", "references.view_reference",
        "reviews.view_reviewcomment", "reviews.view_auditentry",
    ],
    # Reviewers need change_article only to reach the transition buttons: every
    # content field is read-only for them in the admin and refused by the services.
    "Medical reviewers": [
        "articles.change_article", "articles.view_article", "articles.review_article",
        "articles.view_topic", "articles.view_articlerevision",
        "references.view_reference",
        "reviews.view_reviewcomment", "reviews.add_reviewcomment", "reviews.view_auditentry",
        "reviews.view_reviewdecision", "reviews.view_reviewerprofile",
    ],
    "Editors": [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.edit_any_article", "articles.manage_workflow",
        "articles.add_topic", "articles.change_topic", "articles.view_topic",
        "articles.view_articlerevision",
        "articles.add_sitepage", "articles.change_sitepage", "articles.view_sitepage",
        "articles.view_articlefeedback",
        "references.add_reference", "references.change_reference",
        "references.delete_reference", "references.view_reference",
        "reviews.add_reviewerprofile", "reviews.change_reviewerprofile",
        "reviews.view_reviewerprofile", "reviews.view_auditentry", "reviews.view_reviewdecision",
        "reviews.view_reviewcomment", "reviews.add_reviewcomment",
        # Picking an article's writers (the admin's autocomplete reads the user list);
        # granted to existing databases by 0009.
        "auth.view_user",
    ],
}  # fmt: skip


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_group_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_group_permissions(Group, Permission):  # noqa: N803  (historical or real models)
    """Create each group with its permissions."""
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("articles", "0001_initial"),
        ("references", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
