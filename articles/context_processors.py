from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from articles.selectors import AUDIENCES, PATIENT

AUDIENCE_COOKIE = "audience"


def reader_audience(request: HttpRequest) -> str:
    """The reader's chosen audience from its cookie; patients by default."""
    value = request.COOKIES.get(AUDIENCE_COOKIE, "")
    return value if value in AUDIENCES else PATIENT


def site(request: HttpRequest) -> dict[str, Any]:
    audience = reader_audience(request)
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "canonical_url": f"{settings.SITE_URL}{request.path}",
        "audience": audience,
        "audience_label": AUDIENCES[audience],
        "audience_chosen": AUDIENCE_COOKIE in request.COOKIES,
    }
