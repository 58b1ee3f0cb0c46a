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


# --- names on public pages --------------------------------------------------------------

# Titles a printed name may start with. With credentials shown ("MD") the title goes:
# "Dr Rafael Okafor, MD" says the same thing twice.
_HONORIFICS = {"dr": "Dr", "prof": "Prof", "professor": "Prof"}


def split_honorific(name: str) -> tuple[str, str]:
    """("Dr", "Rafael Okafor") from "Dr. Rafael Okafor"; ("", name) when it has no title."""
    name = " ".join((name or "").split())
    first, _, rest = name.partition(" ")
    prefix = _HONORIFICS.get(first.rstrip(".").lower())
    if prefix and rest:
        return prefix, rest
    return "", name


def printed_name(name: str, credentials: str = "") -> str:
    """The one way a person is printed: "Rafael Okafor, MD", or "Dr Rafael Okafor" when no
    credentials are given; never both a title and post-nominals."""
    credentials = (credentials or "").strip().strip(",").strip()
    if credentials:
        return f"{split_honorific(name)[1]}, {credentials}"
    prefix, plain = split_honorific(name)
    return f"{prefix} {plain}" if prefix else plain


class PublicName:
    """For profile models with `display_name` and `credentials`: how pages print them."""

    display_name: str
    credentials: str

    @property
    def printed_name(self) -> str:
        """Name with credentials, as bylines, history, the board and profiles print it."""
        return printed_name(self.display_name, self.credentials)

    @property
    def short_name(self) -> str:
        """Name with its title, without credentials ("Dr Rafael Okafor")."""
        return printed_name(self.display_name)

    @property
    def plain_name(self) -> str:
        """Name alone (JSON-LD `name`, beside `honorificPrefix` and `honorificSuffix`)."""
        return split_honorific(self.display_name)[1]

    @property
    def honorific_prefix(self) -> str:
        return split_honorific(self.display_name)[0]
