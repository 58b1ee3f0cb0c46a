from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


@functools.cache
def site_urls() -> dict[str, str]:
    """The links every page carries, reversed once per process rather than per request."""
    return {
        "home": reverse("articles:home"),
        "topics": reverse("articles:topics"),
        "board": reverse("articles:board"),
        "search": reverse("articles:search"),
        "editorial_policy": reverse("articles:page", kwargs={"key": "editorial-policy"}),
        "medical_disclaimer": reverse("articles:page", kwargs={"key": "medical-disclaimer"}),
        # The transparency pages, linked from every footer under fixed labels.
        "about": reverse("articles:page", kwargs={"key": "about"}),
        "funding": reverse("articles:page", kwargs={"key": "funding-and-advertising"}),
        "privacy": reverse("articles:page", kwargs={"key": "privacy"}),
        "corrections_policy": reverse("articles:page", kwargs={"key": "corrections-policy"}),
        "copyright": reverse("articles:page", kwargs={"key": "copyright"}),
        "contact": reverse("articles:contact"),
        "rss": reverse("feed-rss"),
        "atom": reverse("feed-atom"),
        "sitemap": reverse("sitemap"),
    }


def site_context(path: str) -> dict[str, Any]:
    """What every page's layout prints; pages rendered without a request use it directly."""
    return {
        "site_name": settings.SITE_NAME,
        "publisher_name": settings.VETTED_PUBLISHER_NAME,
        "site_url": settings.SITE_URL,
        "canonical_url": f"{settings.SITE_URL}{path}",
        "urls": site_urls(),
    }


def site(request: HttpRequest) -> dict[str, Any]:
    return site_context(request.path)
