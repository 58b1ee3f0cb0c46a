from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def reading(page, audience: str):
    """{% with reading=page|reading:audience %}: the page's evidence sections and reference
    list for that audience (articles.reading)."""
    return page.reading(audience)
