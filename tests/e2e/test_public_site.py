"""The public site as a reader sees it, in a real Chromium, on the demo content."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from articles.models import ArticleFeedback

pytestmark = pytest.mark.e2e

GABAPENTIN = "/articles/gabapentin-muscle-spasms/"
CRAMPS = "/articles/causes-of-muscle-cramps/"
DRAFT = "/articles/magnesium-leg-cramps/"
SUBMITTED = "/articles/low-back-pain-first-weeks/"
IN_REVIEW = "/articles/medicines-for-nerve-pain/"
UNAPPROVED_TITLES = [
    "Does magnesium help night-time leg cramps?",
    "Low back pain: what helps in the first few weeks",
    "Medicines for nerve pain",
]


def test_article_page_shows_what_earns_trust(page, demo_site, screenshot):
    page.goto(demo_site)
    page.get_by_role("link", name="Can gabapentin cause muscle spasms?").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Can gabapentin cause muscle spasms?")
    reviewer = page.get_by_role("link", name="Rafael Okafor, MD", exact=True).first
    expect(page.locator(".reviewed-by")).to_contain_text("Medically reviewed by Rafael Okafor, MD")
    expect(reviewer).to_have_attribute("href", "/advisory-board/dr-rafael-okafor/")
    expect(page.locator(".written-by")).to_have_text("Written by Wendy Writer, MPH")
    # One click from the byline to each credited person's disclosure.
    page.locator(".byline").get_by_role("link", name="Disclosures").click()
    disclosures = page.get_by_role("region", name="Disclosures")
    expect(disclosures).to_contain_text("No conflicts declared.")
    expect(disclosures).to_contain_text("None declared.")
    expect(page.locator(".dates")).to_contain_text(re.compile(r"Last updated \w+ \d+, \d{4}"))
    last_reviewed = page.get_by_role("link", name=re.compile(r"^Last reviewed \w+ \d+, \d{4}$"))
    expect(last_reviewed).to_have_attribute("href", "/pages/editorial-policy/")
    tracker = page.get_by_role("region", name="Article review status")
    for step in ("Submitted", "Under review", "Approved"):
        expect(tracker).to_contain_text(step)
    expect(tracker.locator(".tracker-step--done")).to_have_count(3)
    expect(page.locator(".summary")).to_contain_text("uncommon side effect of gabapentin")
    expect(page.locator("sup.citation").first).to_be_visible()
    references = page.get_by_role("region", name="References")
    expect(references.locator("li")).to_have_count(5)
    expect(references).to_contain_text("Systematic review")
    expect(page.get_by_role("heading", name="For patients and caregivers")).to_be_visible()
    expect(page.get_by_role("heading", name="Was this helpful?")).to_be_visible()
    history = page.get_by_role("region", name="Review history")
    expect(history).to_contain_text("Version 1")
    expect(history).to_contain_text("Rafael Okafor, MD")
    screenshot(page, "article")

    reviewer.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rafael Okafor, MD")
    expect(page.get_by_role("heading", name="Conflict-of-interest disclosure")).to_be_visible()
    expect(page.get_by_role("link", name="Can gabapentin cause muscle spasms?")).to_be_visible()
    screenshot(page, "reviewer-profile")


def test_audience_choice_changes_disclaimer_and_persists_across_pages(page, demo_site, screenshot):
    page.goto(demo_site + GABAPENTIN)
    expect(page.get_by_role("heading", name="For patients and caregivers")).to_be_visible()
    expect(page.get_by_role("heading", name="For healthcare professionals")).to_have_count(0)
    switch = page.get_by_role("navigation", name="Version of this article")
    expect(switch.get_by_role("link", name="Patient")).to_have_attribute("aria-current", "page")

    # Read the summary, then choose: the page changes in place, where the reader is.
    page.mouse.wheel(0, 150)
    page.wait_for_function("window.scrollY > 0")
    scrolled = page.evaluate("window.scrollY")
    choice = switch.get_by_role("link", name="Healthcare professional")
    choice.click()
    expect(switch.get_by_role("status")).to_have_text(
        "Saved: you'll see the healthcare professional version"
    )
    # The professional version has a URL of its own (shareable, cacheable).
    expect(page).to_have_url(demo_site + GABAPENTIN + "professional/")
    expect(choice).to_have_attribute("aria-current", "page")
    expect(choice).to_be_focused()
    assert page.evaluate("window.scrollY") == scrolled
    expect(page.get_by_role("heading", name="Professional medical disclaimer")).to_be_visible()
    expect(page.get_by_role("heading", name="For patients and caregivers")).to_have_count(0)
    expect(page.get_by_role("heading", name="For healthcare professionals")).to_be_visible()
    page.reload()
    expect(switch.get_by_role("link", name="Healthcare professional")).to_have_attribute(
        "aria-current", "page"
    )
    screenshot(page, "article-professional")

    # Another article, opened at its usual URL: the remembered choice opens the
    # professional version (a cookie read in the browser; the pages stay cacheable).
    page.goto(demo_site + CRAMPS)
    expect(page).to_have_url(demo_site + CRAMPS + "professional/")
    expect(page.get_by_role("heading", name="Professional medical disclaimer")).to_be_visible()
    page.goto(demo_site)
    expect(page.locator(".viewing-as")).to_contain_text("Healthcare professional")

    page.goto(demo_site + CRAMPS)
    switch.get_by_role("link", name="Patient").click()
    expect(switch.get_by_role("status")).to_have_text("Saved: you'll see the patient version")
    expect(page).to_have_url(demo_site + CRAMPS)
    expect(page.get_by_role("heading", name="For patients and caregivers")).to_be_visible()
    page.goto(demo_site + GABAPENTIN)
    expect(page).to_have_url(demo_site + GABAPENTIN)


def test_audience_versions_are_plain_links_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(demo_site + GABAPENTIN)
        switch = page.get_by_role("navigation", name="Version of this article")
        switch.get_by_role("link", name="Healthcare professional").click()
        expect(page).to_have_url(demo_site + GABAPENTIN + "professional/")
        expect(page.get_by_role("heading", name="For healthcare professionals")).to_be_visible()
    finally:
        context.close()


def test_feedback_vote_is_thanked_in_place_and_counted(page, demo_site):
    page.goto(demo_site + GABAPENTIN)
    feedback = page.get_by_role("region", name="Was this helpful?")
    feedback.get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    expect(page.get_by_role("button", name="Yes")).to_have_count(0)
    assert "#feedback" not in page.url  # swapped in place by site.js, no page load
    assert ArticleFeedback.objects.filter(helpful=True).count() == 1

    # The same reader again: the vote is remembered on the device, not counted twice.
    page.reload()
    expect(page.get_by_text("You told us this article was helpful.")).to_be_visible()
    expect(page.get_by_role("button", name="No")).to_have_count(0)
    assert ArticleFeedback.objects.count() == 1


def test_feedback_works_without_javascript(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(demo_site + CRAMPS)
        page.get_by_role("region", name="Was this helpful?").get_by_role(
            "button", name="No"
        ).click()
        expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
        expect(page.get_by_text("You told us this article was not helpful.")).to_be_visible()
        assert ArticleFeedback.objects.filter(helpful=False).count() == 1
        page.get_by_role("link", name="Back to the article").click()
        assert page.url.endswith(CRAMPS)
    finally:
        context.close()


def test_search_finds_reviewed_articles_with_highlights(page, demo_site, screenshot):
    page.goto(demo_site)
    page.get_by_role("searchbox", name="Search articles").fill("cramps")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_role("status")).to_contain_text("for “cramps”")
    results = page.locator(".search-results > li")
    expect(results.first).to_be_visible()
    expect(page.get_by_role("link", name="What causes muscle cramps and spasms?")).to_be_visible()
    expect(page.locator(".snippet mark").first).to_be_visible()
    for title in UNAPPROVED_TITLES:
        expect(page.get_by_text(title)).to_have_count(0)
    screenshot(page, "search")


def test_draft_and_pending_articles_answer_404(page, demo_site):
    for path in (DRAFT, SUBMITTED, IN_REVIEW):
        response = page.goto(demo_site + path)
        assert response.status == 404, path
        expect(page.get_by_text("Educational purpose only")).to_have_count(0)


def test_pending_review_banner_when_the_setting_is_on(page, demo_site, settings, screenshot):
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    response = page.goto(demo_site + IN_REVIEW)
    assert response.status == 200
    expect(page.get_by_role("note")).to_contain_text(
        "Educational purpose only — content is pending medical review"
    )
    current = page.locator('[aria-current="step"]')
    expect(current).to_contain_text("Under review")
    expect(page.get_by_text("Medically reviewed by")).to_have_count(0)
    screenshot(page, "article-pending")

    page.goto(demo_site + SUBMITTED)
    expect(page.locator('[aria-current="step"]')).to_contain_text("Submitted")
    # Drafts stay private even with the setting on.
    assert page.goto(demo_site + DRAFT).status == 404


def test_machine_readable_surfaces_carry_only_approved_content(page, demo_site):
    page.goto(demo_site + GABAPENTIN)
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "MedicalWebPage"
    assert data["reviewedBy"][0]["name"] == "Rafael Okafor"
    assert data["reviewedBy"][0]["honorificPrefix"] == "Dr"
    assert data["author"][0]["name"] == "Wendy Writer"
    assert data["about"] == {"@type": "Drug", "name": "gabapentin"}
    assert data["lastReviewed"]
    assert data["dateModified"]
    assert data["citation"]
    expect(page.locator('link[rel="canonical"]')).to_have_attribute(
        "href", re.compile(re.escape(GABAPENTIN) + "$")
    )
    expect(page.locator('meta[property="og:title"]')).to_have_attribute(
        "content", "Can gabapentin cause muscle spasms?"
    )

    surfaces = ("/sitemap-articles.xml", "/feeds/articles.rss", "/feeds/articles.atom", "/")
    assert "/sitemap-articles.xml" in page.request.get(demo_site + "/sitemap.xml").text()
    for path in surfaces:
        body = page.request.get(demo_site + path).text()
        assert "gabapentin-muscle-spasms" in body, path
        for slug in (DRAFT, SUBMITTED, IN_REVIEW):
            assert slug not in body, (path, slug)
        for title in UNAPPROVED_TITLES:
            assert title not in body, (path, title)


def test_site_pages_screenshots(page, demo_site, screenshot):
    page.goto(demo_site)
    expect(page.get_by_role("heading", name="Latest articles")).to_be_visible()
    expect(page.get_by_role("heading", name="Recently reviewed")).to_be_visible()
    expect(page.get_by_role("heading", name="Topics")).to_be_visible()
    screenshot(page, "home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Advisory board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medical Advisory Board")
    expect(page.get_by_text("Clinical pharmacology")).to_be_visible()
    screenshot(page, "advisory-board")
    page.goto(demo_site + "/topics/musculoskeletal/")
    expect(page.get_by_role("link", name="What causes muscle cramps and spasms?")).to_be_visible()
    screenshot(page, "topic")
    page.goto(demo_site + "/pages/editorial-policy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Editorial policy")
    screenshot(page, "editorial-policy")


def test_skip_link_is_first_and_focus_is_visible(page, demo_site):
    page.goto(demo_site + GABAPENTIN)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    skip.press("Enter")
    assert page.url.endswith("#main")


HEADINGS_AND_LABELS = """() => {
  const levels = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => +h.tagName[1]);
  const skips = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  const unlabelled = [...document.querySelectorAll("input:not([type=hidden]),select,textarea")]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
    .map(el => el.outerHTML);
  const landmarks = ["header", "nav", "main", "footer"].filter(t => !document.querySelector(t));
  return {h1: levels.filter(l => l === 1).length, first: levels[0], skips, unlabelled, landmarks};
}"""


A11Y_PATHS = [
    "/",
    GABAPENTIN,
    "/search/?q=cramps",
    "/advisory-board/",
    "/topics/medicines/",
    "/advisory-board/dr-rafael-okafor/",
    "/pages/editorial-policy/",
]


def test_pages_have_one_h1_ordered_headings_labelled_controls_and_landmarks(page, demo_site):
    for path in A11Y_PATHS:
        page.goto(demo_site + path)
        report = page.evaluate(HEADINGS_AND_LABELS)
        assert report["h1"] == 1, (path, report)
        assert report["first"] == 1, (path, report)
        assert report["skips"] == [], (path, report)
        assert report["unlabelled"] == [], (path, report)
        assert report["landmarks"] == [], (path, report)
