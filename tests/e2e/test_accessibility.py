"""axe-core over every public page template, in Chromium, on the demo content.

axe-core comes from the npm registry (package.json, installed by `npm ci` into
node_modules/); it is injected from that file, never loaded from a CDN. Zero violations
of WCAG 2.x A/AA and axe's best-practice rules are allowed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from articles.models import Article, SitePage
from reviews import services
from tests import tools

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
        tools.missing(f"axe-core (npm, at {AXE})")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()

    def check(within: str | None = None) -> list[str]:
        """axe over the page as it is now (or over the element the selector `within` picks)."""
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """([tags, within]) => axe.run(within ? {include: [within]} : document,
                                           {runOnly: {type: "tag", values: tags},
                                            resultTypes: ["violations"]})
                        .then(r => r.violations)""",
            [AXE_TAGS, within],
        )
        return [_describe(page.url, v) for v in violations]

    def run(url: str, expect_status: int = 200) -> list[str]:
        response = page.goto(url)
        assert response.status == expect_status, (url, response.status)
        return check()

    run.page = page
    run.check = check
    yield run
    context.close()


def _describe(url: str, violation: dict) -> str:
    targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    parts = urlsplit(url)
    where = parts.path + (f"?{parts.query}" if parts.query else "")
    return (
        f"{where}: {violation['id']} ({violation['impact']}) "
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
    # The phone layout (folded search, short trust line), with the search opened.
    audit.page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", GABAPENTIN):
        violations += audit(demo_site + path)
    audit.page.locator("button[aria-controls=site-search]").click()
    violations += audit.check()
    audit.page.set_viewport_size({"width": 1280, "height": 900})

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


# The focus ring of the focused element against what is drawn just outside it.
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (el === document.body || el.hasAttribute("data-ring-checked")) return null;
  const element = el.outerHTML.slice(0, 90);
  el.setAttribute("data-ring-checked", "");
  const style = getComputedStyle(el);
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  // The middle of the ring, on the left (or right) edge; an inset ring lies on the element.
  const rect = el.getBoundingClientRect();
  const offset = parseFloat(style.outlineOffset);
  const gap = offset + parseFloat(style.outlineWidth) / 2;
  const x = rect.left - gap >= 0 ? rect.left - gap : rect.right + gap;
  const y = rect.top + rect.height / 2;
  let under = offset < 0 ? el : document.elementsFromPoint(x, y).find(e => !el.contains(e));
  let background = [255, 255, 255];
  for (; under; under = under.parentElement) {
    const c = rgb(getComputedStyle(under).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) { background = c.slice(0, 3); break; }
  }
  const [a, b] = [lum(rgb(style.outlineColor)), lum(background)].sort((p, q) => q - p);
  return {
    element,
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    contrast: (a + 0.05) / (b + 0.05),
  };
}"""


def test_every_focus_ring_is_visible_against_its_background(page, demo_site):
    """Tab through the article (both audiences, and on a phone) and the home page: every
    control shows a focus ring at least 2px wide with 3:1 contrast against its surroundings."""
    weak = []
    for width, path in (
        (1280, "/"),
        (1280, GABAPENTIN),
        (1280, GABAPENTIN + "professional/"),
        (390, GABAPENTIN),
    ):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(demo_site + path)
        checked = 0
        for _ in range(150):
            page.keyboard.press("Tab")
            ring = page.evaluate(FOCUS_RING)
            if ring is None:  # back to the start: every control was visited
                break
            checked += 1
            if ring["style"] == "none" or ring["width"] < 2 or ring["contrast"] < 3:
                weak.append(f"{path} at {width}px: {ring}")
        assert checked > 10, (path, checked)
    assert not weak, "Focus rings too faint:\n" + "\n".join(weak)
