"""The Content-Security-Policy runs no inline style or script, and our pages need none.

(tests/e2e/test_admin_csp.py checks in Chromium that the admin's widgets, the
markdownx preview and the workbench still work and keep their layout under it.)
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>")


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_style_src_allows_only_the_site_itself(client, approved):
    directives = _directives(client.get(approved.get_absolute_url()))
    assert directives["style-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]


def test_the_admin_has_the_same_policy(client, editor):
    client.force_login(editor)
    directives = _directives(client.get(reverse("admin:index")))
    assert "'unsafe-inline'" not in directives["style-src"]


def _public_pages(approved) -> list[str]:
    return [
        "/",
        approved.get_absolute_url(),
        "/search/?q=evidence",
        "/topics/",
        reverse("articles:board"),
    ]


def test_public_pages_carry_no_inline_styles_or_scripts(client, approved):
    for url in _public_pages(approved):
        html = client.get(url).text
        assert not INLINE_STYLE.search(html), url
        assert not INLINE_SCRIPT.search(html), url


def test_our_admin_pages_carry_no_inline_styles(client, editor, reviewer, in_review):
    client.force_login(reviewer)
    pages = [
        reverse("admin:articles_article_review", args=[in_review.pk]),
        reverse("admin:articles_article_queue"),
        reverse("admin:articles_article_due"),
        reverse("admin:articles_article_change", args=[in_review.pk]),
        reverse("admin:index"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not INLINE_STYLE.search(response.text), url
    client.force_login(editor)
    dashboard = client.get(reverse("admin:articles_article_dashboard")).text
    assert not INLINE_STYLE.search(dashboard)
    assert "reviews/workbench" in dashboard
