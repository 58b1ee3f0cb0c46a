"""States that explain themselves, in Chromium, as the writer meets them.

A submitted article's form says it is locked, by whom and what is next, and offers no
Save buttons (screenshots of the banner at 1280 and 390 px, and axe-core over the page);
on a live article the writer edits and presses Submit once: the edit is saved as a new
draft and the submission opens, ready to confirm.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Article
from articles.states import Status
from tests.e2e.test_accessibility import AXE, AXE_TAGS, _describe
from tests.e2e.test_accessibility import audit as _audit
from tests.e2e.test_sign_in_and_sign_off import sign_in_with_password

pytestmark = pytest.mark.e2e

SUBMITTED = "low-back-pain-first-weeks"
LIVE = "causes-of-muscle-cramps"
SAVE_BUTTONS = ["Save", "Save and add another", "Save and continue editing"]
# axe-core in a page that bypasses the CSP (the accessibility suite's fixture).
audit = _audit


def change_url(base: str, slug: str) -> str:
    return f"{base}/admin/articles/article/{Article.objects.get(slug=slug).pk}/change/"


def test_a_submitted_articles_form_says_why_it_is_locked_and_offers_no_save(
    page, demo_site, screenshot, audit
):
    url = change_url(demo_site, SUBMITTED)
    sign_in_with_password(page, demo_site, "writer", "vetted-writer")
    page.goto(url)

    banner = page.get_by_role("region", name="Submitted: waiting for a reviewer")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("the form is locked until they finish")
    expect(banner).to_contain_text("you are emailed when the reviewer approves it")
    for name in SAVE_BUTTONS:
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    # The disabled Submit says why, once, in plain words.
    expect(page.get_by_text("The medical board has this article now")).to_have_count(1)
    screenshot(page, "state-banner-locked")

    # axe-core over the banner and the form's buttons (the admin's own inline tables and
    # breadcrumbs carry Django's markup, outside this change).
    sign_in_with_password(audit.page, demo_site, "writer", "vetted-writer")
    audit.page.goto(url)
    audit.page.add_script_tag(path=str(AXE))
    found = audit.page.evaluate(
        """tags => axe.run({include: [["#state-banner"], ["#submit-panel"], [".submit-row"]]},
                             {runOnly: {type: "tag", values: tags},
                              resultTypes: ["violations"]}).then(r => r.violations)""",
        AXE_TAGS,
    )
    violations = [_describe(audit.page.url, v) for v in found]
    assert not violations, "axe-core violations:\n" + "\n".join(violations)


def test_a_writer_submits_a_live_articles_edit_in_one_step(page, demo_site):
    url = change_url(demo_site, LIVE)
    sign_in_with_password(page, demo_site, "writer", "vetted-writer")
    page.goto(url)
    expect(page.get_by_role("region", name="Live: approved and public")).to_be_visible()

    summary = page.locator("#id_summary")
    summary.fill(summary.input_value() + " Stretching before bed may help.")
    submit = page.locator("#submit-for-review")
    expect(submit).to_be_enabled()
    submit.click()

    # One click saved the edit as a new draft and opened the submission.
    expect(page.locator(".consequences")).to_contain_text("frozen as revision 2")
    expect(page.locator(".consequences")).to_contain_text("keeps showing revision 1")
    page.locator("#submit").get_by_role("button", name="Submit for medical review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for medical review")
    expect(page.get_by_role("region", name="Submitted: waiting for a reviewer")).to_be_visible()
    article = Article.objects.get(slug=LIVE)
    assert article.status == Status.SUBMITTED
    assert article.summary.endswith("Stretching before bed may help.")
    assert article.live_revision.number == 1
