"""Workflow labels for templates that show an action's button outside the action table's
loops (the change form's Submit button): the label its declaration gives."""

from __future__ import annotations

from django import template

from reviews import actions

register = template.Library()


@register.simple_tag
def action_label(name: str) -> str:
    return actions.get(name).label
