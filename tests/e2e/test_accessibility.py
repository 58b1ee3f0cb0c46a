"""axe-core over every public page template, in Chromium, on the demo content.

axe-core comes from the npm registry (package.json, installed by `npm ci` into
node_modules/); it is injected from that file, never loaded from a CDN. Zero violations
of WCAG 2.x A/AA and axe's best-practice rules are allowed.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from articles.models import Article, SitePage
from reviews import services

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
GABAPENTIN = "/articles/gabapentin-muscle-spasms/"
CRAMPS = "/articles/causes-of-muscle-cramps/"


@pytest.fixture
def audit(browser):
    """A page that can run axe: `audit(url)` returns the violations found there.

    The site's CSP refuses injected scripts, so the audit context (only) bypasses it.
    """
    if not AXE.exists():
        reason = f"axe-core not installed at {AXE}; run `npm ci`."
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()

    def run(url: str, expect_status: int = 200) -> list[str]:
        response = page.goto(url)
        assert response.status == expect_status, (url, response.status)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]})
                        .then(r => r.violations)""",
            AXE_TAGS,
        )
        return [_describe(url, v) for v in violations]

    run.page = page
    yield run
    context.close()


def _describe(url: str, violation: dict) -> str:
    targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    return (
        f"{urlsplit(url).path}: {violation['id']} ({violation['impact']}) "
        f"{violation['help']} at {targets}{f' (+{more} more)' if more > 0 else ''} "
        f"· {violation['helpUrl']}"
    )


def _site_pages() -> list[str]:
    """Every site page key, including keys added after this test was written."""
    for key, label in SitePage.Key.choices:
        if not SitePage.objects.filter(key=key).exists():
            SitePage(key=key, title=label, body=f"Starting text for the {label.lower()}.").save()
    return [reverse("articles:page", kwargs={"key": key}) for key in SitePage.Key.values]


def test_every_public_page_template_passes_axe(audit, demo_site, settings):
    paths = [
        "/",
        GABAPENTIN,
        GABAPENTIN + "professional/",
        "/topics/",
        "/topics/medicines/",
        "/search/?q=cramps",
        "/search/?q=zebra+tonsillectomy",
        "/search/?q=gabapentn",  # a did-you-mean suggestion
        "/advisory-board/",
        "/advisory-board/dr-rafael-okafor/",
        *_site_pages(),
    ]
    violations = []
    for path in paths:
        violations += audit(demo_site + path)

    # A page under review, shown with its caution banner when the setting is on.
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    violations += audit(demo_site + "/articles/medicines-for-nerve-pain/")
    settings.VETTED_PUBLISH_PENDING_REVIEW = False

    # An archived article answers 410 with its own page.
    editor = get_user_model().objects.get(username="editor")
    services.article_archive(
        article=Article.objects.get(slug="causes-of-muscle-cramps"), user=editor, reason="Test"
    )
    violations += audit(demo_site + CRAMPS, expect_status=410)

    assert not violations, "axe-core violations:\n" + "\n".join(violations)


def test_writer_profile_passes_axe(audit, demo_site):
    """The writer profile the article's byline links to (once that page exists)."""
    try:
        reverse("articles:writer", args=["x"])
    except NoReverseMatch:
        try:
            reverse("articles:writer", kwargs={"slug": "x"})
        except NoReverseMatch:
            pytest.skip("No writer profile page (URL name articles:writer) on this branch.")
    audit(demo_site + GABAPENTIN)
    hrefs = audit.page.eval_on_selector_all("a[href^='/']", "links => links.map(a => a.pathname)")
    profiles = [h for h in hrefs if _url_name(h) == "articles:writer"]
    assert profiles, "The article page links to no writer profile."
    violations = audit(demo_site + profiles[0])
    assert not violations, "axe-core violations:\n" + "\n".join(violations)


def test_not_found_page_passes_axe(audit, demo_site):
    try:
        get_template("404.html")
    except TemplateDoesNotExist:
        pytest.skip("No branded 404 page (templates/404.html) on this branch.")
    violations = audit(demo_site + "/no-such-page/", expect_status=404)
    assert not violations, "axe-core violations:\n" + "\n".join(violations)


def _url_name(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return ""
    return f"{match.namespace}:{match.url_name}"
