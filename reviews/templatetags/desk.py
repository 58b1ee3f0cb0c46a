"""The writer's home on the admin index: their articles by what each needs next."""

from __future__ import annotations

from django import template

from reviews import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def writer_desk(context) -> list[selectors.DeskGroup]:
    user = context["request"].user
    if not user.has_perm("articles.add_article"):
        return []
    return selectors.writer_desk(user=user)
