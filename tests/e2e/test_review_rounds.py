"""A whole review round trip in a real Chromium, as the people who do it would.

The writer submits; the reviewer starts the review and asks for changes; the writer
answers, marks the point addressed, revises and resubmits; the same reviewer gets it
back in review at once, sees what changed since the revision they sent back and the earlier round's
request and comments, and signs the approval. Screenshots of the review screen at
1280 and 390 px, neither scrolling sideways.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from reviews.services import REVIEW_CHECKLIST
from tests.e2e.conftest import save_screenshot
from tests.e2e.test_sign_in_and_sign_off import sign_in_with_password

pytestmark = pytest.mark.e2e

DRAFT = "magnesium-leg-cramps"
REQUEST = "Say what the trials found for pregnant women, and give the usual dose."
ADDED = "In pregnancy, trials found no clear benefit either."


def sign_out(page, base_url: str) -> None:
    page.context.clear_cookies()


def test_writer_and_reviewer_go_round_and_the_reviewer_keeps_the_context(
    page, demo_site, screenshot
):
    article = Article.objects.get(slug=DRAFT)
    change = f"{demo_site}/admin/articles/article/{article.pk}/change/"
    review = f"{demo_site}/admin/articles/article/{article.pk}/review/"

    # The writer submits the draft from the change form: the button saves, then shows
    # what will happen before they confirm.
    sign_in_with_password(page, demo_site, "writer", "vetted-writer")
    page.goto(change)
    page.get_by_role("button", name="Submit for medical review").click()
    expect(page.locator(".consequences")).to_contain_text("frozen as revision 1")
    expect(page.locator("body")).not_to_contain_text("None")
    page.locator("#submit").get_by_role("button", name="Submit for medical review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for medical review")
    sign_out(page, demo_site)

    # The reviewer starts the review from the queue and asks for changes.
    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    page.goto(f"{demo_site}/admin/articles/article/queue/")
    row = page.locator("#review-queue tr", has_text="Does magnesium help")
    row.get_by_role("button", name="Start review").click()
    expect(page.locator(".messagelist")).to_contain_text("You are now the reviewer")
    expect(page.frame_locator("iframe.reader-frame").locator("h1")).to_have_text(
        "Does magnesium help night-time leg cramps?"
    )
    changes = page.locator("#request-changes")
    changes.get_by_label("What needs to change").fill(REQUEST)
    changes.get_by_role("button", name="Request changes").click()
    expect(page.locator(".messagelist")).to_contain_text("Changes requested")
    sign_out(page, demo_site)

    # The writer answers the point, marks it addressed, revises and resubmits with a note.
    sign_in_with_password(page, demo_site, "writer", "vetted-writer")
    page.goto(review)
    point = page.locator(".review-comment", has_text=REQUEST)
    point.locator("summary", has_text="Reply").click()
    point.get_by_label("Reply").fill("Added the pregnancy trials and the dose.")
    point.get_by_role("button", name="Reply").click()
    expect(page.locator(".messagelist")).to_contain_text("Comment added")
    page.locator(".review-comment", has_text=REQUEST).get_by_role(
        "button", name="Mark addressed"
    ).click()
    expect(page.locator(".messagelist")).to_contain_text("Marked as addressed")
    page.goto(change)
    expect(page.locator("#review-feedback")).to_contain_text(REQUEST)
    body = page.locator("#id_body")
    body.fill(body.input_value() + "\n\n" + ADDED + " [@garrison2020]")
    page.get_by_role("button", name="Submit for medical review").click()
    expect(page.locator(".consequences")).to_contain_text("who sent the last revision back")
    page.get_by_label("Note to the reviewer (optional)").fill("Pregnancy trials added.")
    page.locator("#submit").get_by_role("button", name="Submit for medical review").click()
    expect(page.locator(".messagelist")).to_contain_text("has it again")
    sign_out(page, demo_site)

    # The same reviewer gets it back, already in review (no "Start review" again), and
    # sees what changed since the revision they sent back, the earlier round's request
    # and the answer, and which points were addressed.
    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    page.goto(f"{demo_site}/admin/articles/article/queue/")
    row = page.locator("#review-queue tr", has_text="Does magnesium help")
    expect(row).to_contain_text("Dr Rafael Okafor")
    expect(row.get_by_role("button", name="Start review")).to_have_count(0)
    page.goto(review)
    expect(page.locator(".diff-controls")).to_contain_text(
        "Revision 1, sent back in the last round"
    )
    expect(page.locator(".rendered-diff ins").first).to_contain_text("pregnancy")
    expect(page.locator("#rounds")).to_contain_text(REQUEST)
    expect(page.locator("#rounds")).to_contain_text("Added the pregnancy trials and the dose.")
    expect(page.locator("#rounds .badge-addressed")).to_be_visible()
    expect(page.locator(".this-round")).to_contain_text("Pregnancy trials added.")
    reader = page.frame_locator("iframe.reader-frame")
    expect(reader.locator(".article-body")).to_contain_text(ADDED)
    screenshot(page, "review-screen")

    page.goto(review + "?view=side")
    expect(page.locator(".side-by-side-rows")).to_be_visible()
    screenshot(page, "review-screen-side-by-side")

    approve = page.locator("#approve")
    for label in REVIEW_CHECKLIST.values():
        approve.get_by_label(label).check()
    approve.get_by_label("Your password").fill("vetted-reviewer")
    approve.get_by_role("button", name="Sign and approve").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Approved. The public page now shows this revision."
    )
    assert Article.objects.get(pk=article.pk).status == "approved"
    page.goto(f"{demo_site}/articles/{DRAFT}/")
    expect(page.locator(".article-body")).to_contain_text(ADDED)


def test_the_queue_fits_a_phone(page, demo_site, screenshot):
    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    page.goto(f"{demo_site}/admin/articles/article/queue/")
    expect(page.locator("#review-queue")).to_contain_text("Low back pain")
    screenshot(page, "review-queue")


def test_the_article_list_fits_1280_pixels(page, demo_site, screenshot):
    sign_in_with_password(page, demo_site, "editor", "vetted-editor")
    page.goto(f"{demo_site}/admin/articles/article/")
    table = page.locator("#result_list")
    expect(table).to_be_visible()
    save_screenshot(page, "article-list-desktop")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"the article list scrolls sideways at 1280px ({width}px)"
    # Nor does the table scroll inside its box: every column is in view.
    results = page.locator("#changelist .results")
    inner, box = results.evaluate("node => [node.scrollWidth, node.clientWidth]")
    assert inner <= box, f"the table is {inner}px wide in a {box}px box"
    titles = page.locator("#result_list th.field-title a")
    tallest = max(titles.nth(i).bounding_box()["height"] for i in range(titles.count()))
    assert tallest <= 40, f"titles wrap into more than two lines ({tallest}px)"
    assert re.search(r"/admin/articles/article/$", page.url)
