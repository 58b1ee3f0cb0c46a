"""How a person is named on every screen, in every email and in the record."""

from __future__ import annotations

from typing import Any


def display_name(user: Any, *, credentials: bool = False) -> str:
    """A board member by their printed name ("Dr Jane Doe", with ", MD" when asked);
    anyone else by their full name, else their username. None is the scheduler."""
    if user is None:
        return "the scheduler"
    profile = getattr(user, "reviewer_profile", None)
    if profile is not None:
        if credentials and profile.credentials:
            return f"{profile.display_name}, {profile.credentials}"
        return profile.display_name
    return user.get_full_name() or user.get_username()
