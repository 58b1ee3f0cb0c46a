"""Reviewer and writer profiles moved to the people app (people 0001, 0002): existing
profiles, the permissions on them and everything granted of them survive the move."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from people.models import ReviewerProfile, WriterProfile

# Unapplying people's first migration takes reviews and articles back to just before.
BEFORE = [("people", None)]
OLD_STATE = [
    ("reviews", "0012_release_review"),
    ("articles", "0017_text_length_limits"),
    ("admin", "0003_logentry_add_action_flag_choices"),
]


def _perm(apps, label: str):
    app_label, codename = label.split(".")
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, codename=codename
    )


@pytest.mark.django_db(transaction=True)
def test_profiles_and_their_permissions_survive_the_move_to_people():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(OLD_STATE).apps
    users = old.get_model("auth", "User")
    reviewer = users.objects.create(username="old-reviewer", is_staff=True)
    writer = users.objects.create(username="old-writer", is_staff=True)
    helper = users.objects.create(username="helper", is_staff=True)
    board = old.get_model("reviews", "ReviewerProfile").objects.create(
        user=reviewer,
        slug="dr-old",
        display_name="Dr Old Hand",
        credentials="MD",
        specialty="Cardiology",
        bio="Long service.",
        credentials_verified_on=datetime.date(2025, 1, 1),
    )
    byline = old.get_model("articles", "WriterProfile").objects.create(
        user=writer, slug="wendy-old", display_name="Wendy Old", credentials="MPH"
    )
    # A permission given to one person, not through a group, and the admin's history.
    helper.user_permissions.add(_perm(old, "reviews.change_reviewerprofile"))
    profile_type = old.get_model("contenttypes", "ContentType").objects.get(
        app_label="articles", model="writerprofile"
    )
    old.get_model("admin", "LogEntry").objects.create(
        user=helper,
        content_type=profile_type,
        object_id=str(byline.pk),
        object_repr="Wendy Old",
        action_flag=CHANGE,
        change_message="Edited the bio.",
    )
    editors = old.get_model("auth", "Group").objects.get(name="Editors")
    assert editors.permissions.filter(codename="change_writerprofile").exists()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    moved = ReviewerProfile.objects.get(pk=board.pk)
    assert (moved.user_id, moved.display_name, moved.bio) == (
        reviewer.pk,
        "Dr Old Hand",
        "Long service.",
    )
    assert moved.can_review()
    assert WriterProfile.objects.get(pk=byline.pk).printed_name == "Wendy Old, MPH"
    assert User.objects.get(pk=helper.pk).has_perm("people.change_reviewerprofile")
    editor_perms = Group.objects.get(name="Editors").permissions
    assert editor_perms.filter(content_type__app_label="people").count() == 6
    assert (
        not editor_perms.filter(codename__endswith="profile")
        .exclude(content_type__app_label="people")
        .exists()
    )
    history = LogEntry.objects.get(object_id=str(byline.pk))
    assert history.get_edited_object() == WriterProfile.objects.get(pk=byline.pk)
    tables = set(connection.introspection.table_names())
    assert {"people_reviewerprofile", "people_writerprofile"} <= tables
    assert not {"reviews_reviewerprofile", "articles_writerprofile"} & tables
