"""The editorial admin works and looks right under a CSP with no inline styles or scripts.

Chromium reports every blocked style or script as a `securitypolicyviolation` event;
a page that loses its inline CSS would also lose its layout, which the computed-style
checks catch.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def _log_in(page, base: str, username: str, password: str) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def _screenshot(page, name: str) -> None:
    # Desktop only: the admin is not laid out for phones (the site's pages are).
    save_screenshot(page, f"{name}-desktop")


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_the_article_form_widgets_work_without_inline_styles(page, demo_site):
    _log_in(page, demo_site, "editor", "vetted-editor")
    draft = Article.objects.get(slug="magnesium-leg-cramps")
    page.goto(f"{demo_site}/admin/articles/article/{draft.pk}/change/")
    # The editor's live preview (a frame in the public stylesheet) renders what is typed,
    # citations numbered.
    body = page.locator("textarea#id_body")
    body.fill("## Preview works\n\nMagnesium **rarely** helps [@garrison2020].")
    preview = page.frame_locator("#preview-frame")
    expect(preview.locator(".article-body h2").first).to_have_text("Preview works")
    expect(preview.locator(".article-body sup.citation")).to_have_text("1")
    # select2 autocompletes (authors, topic) are built by scripts.
    expect(page.locator(".field-authors .select2-selection")).to_be_visible()
    page.locator(".field-topic .select2-selection").click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")
    _screenshot(page, "admin-article-form")
    assert _violations(page) == []


def test_the_workbench_keeps_its_layout(page, demo_site):
    _log_in(page, demo_site, "reviewer", "vetted-reviewer")
    in_review = Article.objects.get(slug="medicines-for-nerve-pain")
    page.goto(f"{demo_site}/admin/articles/article/{in_review.pk}/review/")
    # The stylesheet (no inline styles) lays the decision area out as a grid.
    columns = page.locator(".workbench .decision").first
    expect(columns).to_be_visible()
    assert columns.evaluate("el => getComputedStyle(el).display") == "grid"
    _screenshot(page, "admin-review-screen")
    for path in ("/admin/articles/article/queue/", "/admin/articles/article/due/"):
        page.goto(f"{demo_site}{path}")
        expect(page.locator("#content")).to_be_visible()
    assert _violations(page) == []


def test_a_list_without_actions_keeps_its_first_column(page, demo_site):
    _log_in(page, demo_site, "writer", "vetted-writer")
    page.goto(f"{demo_site}/admin/reviews/auditentry/")
    first = page.locator("#result_list thead th").first
    expect(first).to_be_visible()
    assert first.evaluate("el => el.getBoundingClientRect().width") > 60
    assert _violations(page) == []
