"""The first screen is the article: on a phone, the title and the start of the summary
show without scrolling. Screenshots of the first screen (and of the whole page) at phone
and desktop sizes are saved to test-artifacts/screenshots/ for a person to look at
(`make screenshots`)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.e2e

GABAPENTIN = "/articles/gabapentin-muscle-spasms/"
SIZES = {"390x844": {"width": 390, "height": 844}, "1280x800": {"width": 1280, "height": 800}}
PAGES = {
    "article-patient": GABAPENTIN,
    "article-professional": GABAPENTIN + "professional/",
}

# The first line of the summary: its top plus one line height.
SUMMARY_FIRST_LINE = """() => {
  const summary = document.querySelector(".summary");
  const box = summary.getBoundingClientRect();
  return {top: box.top, line: parseFloat(getComputedStyle(summary).lineHeight)};
}"""


def _save(page, name: str, size: str) -> None:
    save_screenshot(page, f"{name}-{size}", full_page=False)
    save_screenshot(page, f"{name}-{size}-full")


@pytest.mark.parametrize("size", SIZES)
def test_title_and_summary_are_on_the_first_screen(browser, demo_site, size):
    viewport = SIZES[size]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        for name, path in PAGES.items():
            page.goto(demo_site + path)
            title = page.get_by_role("heading", level=1)
            expect(title).to_be_in_viewport()
            first_line = page.evaluate(SUMMARY_FIRST_LINE)
            assert first_line["top"] + first_line["line"] <= viewport["height"], (name, first_line)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} scrolls sideways ({width}px)"
            _save(page, name, size)

        response = page.goto(demo_site + "/no-such-page/")
        assert response.status == 404
        _save(page, "not-found", size)
    finally:
        context.close()


def test_search_opens_in_place_on_a_phone(browser, demo_site):
    context = browser.new_context(viewport=SIZES["390x844"])
    page = context.new_page()
    try:
        page.goto(demo_site + GABAPENTIN)
        searchbox = page.get_by_role("searchbox", name="Search articles")
        expect(searchbox).to_be_hidden()
        toggle = page.locator("button[aria-controls=site-search]")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(searchbox).to_be_focused()
        searchbox.fill("cramps")
        searchbox.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    finally:
        context.close()
