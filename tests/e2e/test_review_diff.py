"""The review screen's diff in a real Chromium: a reviewer sees what really changed.

A live demo article ("What causes muscle cramps and spasms?") had an update sent back
and then approved; now a one-word correction is submitted. The reviewer's diff is against
the live revision, readers' page, so it shows that one word and nothing the board already
approved; one click compares with an earlier revision. Citing one more source near the top,
which renumbers every later citation, changes only the sentence that gained it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts import reauth
from articles.models import Article
from reviews import services
from tests.e2e.test_sign_in_and_sign_off import sign_in_with_password

pytestmark = pytest.mark.e2e

SLUG = "causes-of-muscle-cramps"
STRETCH = "Regular calf stretches before\nbed may reduce night cramps."


def edit_and_submit(article: Article, old: str, new: str) -> Article:
    writer = get_user_model().objects.get(username="writer")
    assert old in article.body
    article.body = article.body.replace(old, new)
    article = services.article_save(article=article, user=writer, changed_fields=["body"])
    return services.article_submit(article=article, user=writer)


def changed_rows(page):
    return page.locator("#changes .rendered-diff .diff-row:not(.diff-same)")


def test_a_one_word_correction_shows_exactly_that_word(page, demo_site):
    reviewer = get_user_model().objects.get(username="reviewer")
    article = Article.objects.get(slug=SLUG)
    # An earlier round: an update sent back, answered, and approved (revision 3 is live).
    article = edit_and_submit(article, "numbness, or", "numbness, or if")
    article = services.review_start(article=article, user=reviewer)
    article = services.review_request_changes(
        article=article, user=reviewer, comment="Say when a new medicine matters."
    )
    # Resubmitted, it goes straight back to the reviewer who sent it back.
    article = edit_and_submit(article, "numbness, or if started", "numbness, or started soon")
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=dict.fromkeys(services.REVIEW_CHECKLIST, True),
        signature=reauth.reauthenticate(user=reviewer, password="vetted-reviewer"),
    )
    article = Article.objects.get(pk=article.pk)
    assert article.live_revision.number == 3
    # The correction: one word.
    article = edit_and_submit(article, STRETCH, STRETCH.replace("reduce", "ease"))

    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    page.goto(f"{demo_site}/admin/articles/article/{article.pk}/review/")

    expect(page.locator("#diff-baseline")).to_contain_text(
        "since revision 3, the live revision readers see now"
    )
    expect(page.locator("#changes .diff-summary")).to_have_text(["1 changed"])
    expect(changed_rows(page)).to_have_count(1)
    row = changed_rows(page).first
    expect(row.locator("del")).to_have_text(["reduce"])
    expect(row.locator("ins")).to_have_text(["ease"])
    expect(page.locator("#changes")).not_to_contain_text("Professional section")
    expect(page.locator("#changes .reference-diff")).to_have_count(0)

    # One click: the changes since the revision first sent back for changes.
    page.locator("#changes").get_by_label("Any earlier revision").select_option("2")
    page.locator("#changes").get_by_role("button", name="Compare").click()
    expect(page.locator("#diff-baseline")).to_contain_text("since revision 2")
    expect(page.locator("#changes ins", has_text="soon")).to_have_count(1)

    # A made-up revision number: a plain notice and the usual comparison, never an error.
    page.goto(f"{demo_site}/admin/articles/article/{article.pk}/review/?against=banana")
    expect(page.locator("#against-error")).to_contain_text("is not an earlier revision")
    expect(page.locator("#diff-baseline")).to_contain_text("since revision 3")


def test_a_citation_added_near_the_top_renumbers_nothing_in_the_diff(page, demo_site):
    article = Article.objects.get(slug=SLUG)
    opening = "harmless and pass within minutes,"
    article = edit_and_submit(article, opening, "harmless and pass within minutes [@garrison2020],")
    # On the page every later citation moved up one number (garrison2020 is now source 1).
    assert 'aria-label="Source 2">2</a></sup>' in article.current_revision.body_html

    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    page.goto(f"{demo_site}/admin/articles/article/{article.pk}/review/")

    expect(page.locator("#changes .diff-summary")).to_have_text(["1 changed"])
    expect(changed_rows(page)).to_have_count(1)
    expect(changed_rows(page).first.locator("ins")).to_have_text(["garrison2020"])
    expect(page.locator("#changes del")).to_have_count(0)
    # The list items citing giuriato2018 and allen2012 read the same as before.
    same = page.locator("#changes .diff-same", has_text="Exercise and fatigue")
    expect(same.locator("sup")).to_have_text(["giuriato2018"])
    expect(page.locator("#changes")).to_contain_text("Unchanged.")
