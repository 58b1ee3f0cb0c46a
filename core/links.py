"""Addresses of pages named by a slug, reversed once per view."""

from __future__ import annotations

import functools

from django.urls import reverse

_SLUG_PLACEHOLDER = "--slug--"


@functools.cache
def _slug_url_format(view_name: str) -> str:
    return reverse(view_name, kwargs={"slug": _SLUG_PLACEHOLDER})


def slug_url(view_name: str, slug: str) -> str:
    """reverse(view_name, kwargs={"slug": slug}), reversed once per view: lists link dozens
    of articles a page, and a sitemap thousands."""
    return _slug_url_format(view_name).replace(_SLUG_PLACEHOLDER, slug, 1)
