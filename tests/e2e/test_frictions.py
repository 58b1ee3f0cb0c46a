"""The editor's small frictions, in Chromium: a long title is read whole; after a refused
save the first error is in view and focused, and the errors are listed at the top with
links; the citation picker's first ArrowDown goes to the first result; the body keeps
room to write on a phone; an image the library has is offered instead of uploaded again."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.models import Article
from tests import factories
from tests.e2e.conftest import save_screenshot

pytestmark = pytest.mark.e2e

LONG_TITLE = (
    "Gabapentin for nerve pain after shingles in older adults: how to start, how to raise "
    "the dose, and when it is time to stop"
)[:120]

IN_VIEW = """node => {
    const box = node.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill("vetted-writer")
    page.get_by_role("button", name="Log in").click()


def _open(page, demo_site, article: Article) -> None:
    _sign_in(page, demo_site)
    page.goto(f"{demo_site}/admin/articles/article/{article.pk}/change/")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_long_title_is_shown_whole(page, demo_site, draft, width):
    page.set_viewport_size({"width": width, "height": 900})
    _open(page, demo_site, draft)
    title = page.locator("#id_title")
    title.fill(LONG_TITLE)
    assert len(LONG_TITLE) == 120
    overflow = title.evaluate(
        "node => [node.scrollWidth - node.clientWidth, node.scrollHeight - node.clientHeight]"
    )
    assert overflow[0] <= 1 and overflow[1] <= 1, f"the title is cut off: {overflow}"
    title.press("Enter")
    assert title.input_value() == LONG_TITLE  # still one line


def test_after_a_refused_save_the_first_error_is_focused_in_view_and_listed_at_the_top(
    page, demo_site, draft
):
    page.set_viewport_size({"width": 1280, "height": 800})
    _open(page, demo_site, draft)
    # An evidence section without its kind: refused, and far below the top of the form.
    page.locator("#sections-group .add-row a").click()
    page.locator("#id_sections-0-body").fill("The NICE guideline advises a splint first.")
    page.locator("input[name=_continue]").click()

    expect(page.locator(".errornote")).to_be_visible()
    kind = page.locator("#id_sections-0-kind")
    expect(kind).to_be_focused()
    assert kind.evaluate(IN_VIEW), "the first error is below the fold"
    summary = page.locator(".error-summary a")
    expect(summary).to_have_count(1)
    expect(summary).to_contain_text("Evidence section: #1, Kind: This field is required.")
    save_screenshot(page, "editor-error-summary", full_page=False)

    # The link at the top goes back to the field.
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, "editor-error-summary-top", full_page=False)
    page.locator("#id_title").focus()
    summary.click()
    expect(kind).to_be_focused()
    assert kind.evaluate(IN_VIEW)


def test_the_citation_picker_starts_with_nothing_highlighted(page, demo_site, draft):
    _open(page, demo_site, draft)
    page.locator("button.editor-cite[data-target=id_body]").click()
    search = page.locator("#cite-search")
    search.fill("a")
    options = page.locator("#cite-results [role=option]")
    expect(options.nth(1)).to_be_visible()
    expect(page.locator("#cite-results [aria-selected=true]")).to_have_count(0)
    assert search.get_attribute("aria-activedescendant") is None

    search.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(search).to_have_attribute("aria-activedescendant", "cite-results-0")
    search.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")


def test_the_body_has_room_for_twelve_lines_on_a_phone(page, demo_site, draft):
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, demo_site, draft)
    body = page.locator("#id_body")
    height, line = body.evaluate(
        "node => [node.clientHeight, parseFloat(getComputedStyle(node).lineHeight)]"
    )
    assert height >= 12 * line, f"{height / line:.1f} lines"


def test_uploading_an_image_the_library_has_offers_the_existing_one(
    page, demo_site, draft, tmp_path
):
    writer = get_user_model().objects.get(username="writer")
    data = factories.image_bytes(640, 480, mark=3)
    existing = factories.library_image(writer, data=data, alt_text="Splint on a wrist")
    copy = tmp_path / "same-splint.jpg"
    copy.write_bytes(data)
    _open(page, demo_site, draft)
    page.locator("#id_body").press("Control+End")
    page.locator("button.editor-image[data-target=id_body]").click()
    page.locator("#image-new summary").click()
    page.locator("#image-upload-file").set_input_files(str(copy))
    page.get_by_label("Alt text (required)").fill("The same splint, described again")
    page.get_by_label("Caption (required)").fill("A wrist splint.")
    page.get_by_label("Credit (required)").fill("Photo: someone else")
    page.get_by_label("Licence (required)").fill("Own work")
    page.get_by_role("button", name="Upload and insert").click()

    expect(page.locator("#image-upload-status")).to_contain_text(
        "This image is already in the library"
    )
    use = page.get_by_role("button", name="Use the existing image")
    expect(use).to_be_focused()
    use.click()
    expect(page.locator("#image-dialog")).not_to_be_visible()
    expect(page.locator("#id_body")).to_have_value(
        f"Wrist splints worn at night ease the tingling.\n\n{existing.markdown}\n\n"
    )
    assert existing.__class__.objects.filter(alt_text__startswith="The same").count() == 0
