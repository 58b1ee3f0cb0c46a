from __future__ import annotations

from django import template

from references import formatting

register = template.Library()


@register.filter
def vancouver(reference) -> str:
    """The reference in NLM/Vancouver style, as plain text (autoescaped by the template)."""
    return formatting.vancouver(reference)


@register.filter
def ama(reference) -> str:
    """The reference in AMA style, as plain text (autoescaped by the template)."""
    return formatting.ama(reference)
