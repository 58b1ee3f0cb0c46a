from __future__ import annotations

from django import template

from references import formatting

register = template.Library()


@register.filter
def vancouver(reference) -> str:
    return formatting.vancouver(reference)
