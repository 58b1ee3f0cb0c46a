"""The `iso8601` filter: a `<time datetime>` value HTML accepts (whole seconds, no fraction).

Django's `date:'c'` prints microseconds when the value has them, which the HTML spec
rejects in `datetime` attributes. Loaded as a template builtin (config.settings).
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso8601(value: datetime.datetime | datetime.date | None) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
