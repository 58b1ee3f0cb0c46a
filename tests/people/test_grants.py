"""The editorial groups' permissions, as migrating a database gives them."""

from __future__ import annotations

from django.contrib.auth.models import Group

from people.grants import EDITORIAL_GROUPS


def _held() -> dict[str, set[str]]:
    return {
        group.name: {
            f"{permission.content_type.app_label}.{permission.codename}"
            for permission in group.permissions.select_related("content_type")
        }
        for group in Group.objects.all()
    }


def test_the_migrated_groups_hold_exactly_the_table_in_grants(db):
    """EDITORIAL_GROUPS is the one place to read what each group holds: it must be what
    migrating gives."""
    assert _held() == {name: set(perms) for name, perms in EDITORIAL_GROUPS.items()}


def test_the_profiles_permissions_are_people_s(db):
    held = _held()

    assert "people.change_reviewerprofile" in held["Editors"]
    assert "people.change_writerprofile" in held["Writers"]
    assert not any(
        perm.endswith("profile")
        for perms in held.values()
        for perm in perms
        if not perm.startswith("people.")
    )
