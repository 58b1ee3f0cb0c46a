"""Fixtures for the reviewer's workbench tests."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import FULL_CHECKLIST


@pytest.fixture
def checklist():
    return dict(FULL_CHECKLIST)


@pytest.fixture
def board_editor(db):
    """An editor who also sits on the board (may approve and schedule go-live)."""
    user = factories.reviewer(username="bea")
    user.groups.add(*factories.Group.objects.filter(name=factories.roles.EDITORS))
    return factories.get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def two_approval_topic(db):
    return factories.TopicFactory(name="Drug dosing", slug="drug-dosing", required_approvals=2)
