"""`{{ user|person }}` and `{{ user|person:"credentials" }}`: people.names.display_name."""

from __future__ import annotations

from typing import Any

from django import template

from people.names import display_name

register = template.Library()


@register.filter
def person(user: Any, detail: str = "") -> str:
    return display_name(user, credentials=detail == "credentials")
