"""Never losing typed work in the article editor, in Chromium: a writer's typing is
autosaved a few seconds after they stop, survives the tab being closed, and is offered
back on reopening ("Restore" or "Discard"); leaving a form with unsaved changes asks first.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Article, ArticleAutosave, ArticleRevision
from tests.e2e import test_accessibility

pytestmark = pytest.mark.e2e

# axe-core in a page of its own (tests/e2e/test_accessibility.py).
audit = test_accessibility.audit

TYPED = "Wrist splints worn at night ease the tingling. Most people improve within weeks."


def _sign_in(page, base: str, username: str = "writer") -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"vetted-{username}")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


def _change_url(base: str, article: Article) -> str:
    return f"{base}/admin/articles/article/{article.pk}/change/"


def _type_and_wait_for_the_autosave(page, text: str) -> None:
    page.locator("#id_body").fill(text)
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved at")


def test_typing_survives_a_closed_tab_and_is_restored_then_saved(browser, demo_site, draft):
    revisions = ArticleRevision.objects.count()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, demo_site)
    page.goto(_change_url(demo_site, draft))
    expect(page.locator("#autosave-prompt")).to_be_hidden()
    _type_and_wait_for_the_autosave(page, TYPED)
    # The tab (and the browser window) closed without saving.
    context.close()

    assert Article.objects.get(pk=draft.pk).body == "Wrist splints worn at night ease the tingling."
    assert ArticleRevision.objects.count() == revisions

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, demo_site)
    page.goto(_change_url(demo_site, draft))
    prompt = page.locator("#autosave-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("Restore your unsaved changes from")
    expect(page.locator("#id_body")).to_have_value("Wrist splints worn at night ease the tingling.")

    page.get_by_role("button", name="Restore").click()
    expect(prompt).to_be_hidden()
    expect(page.locator("#id_body")).to_have_value(TYPED)
    expect(page.locator("#autosave-status")).to_contain_text("Restored your unsaved changes")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Article.objects.get(pk=draft.pk).body == TYPED
    assert not ArticleAutosave.objects.filter(article=draft).exists()
    context.close()


def test_discard_forgets_the_unsaved_changes(page, demo_site, draft):
    _sign_in(page, demo_site)
    page.goto(_change_url(demo_site, draft))
    _type_and_wait_for_the_autosave(page, TYPED)
    page.goto(_change_url(demo_site, draft))  # reopened (goto skips the leave warning)

    page.get_by_role("button", name="Discard").click()

    expect(page.locator("#autosave-prompt")).to_be_hidden()
    expect(page.locator("#id_body")).to_have_value("Wrist splints worn at night ease the tingling.")
    expect(page.locator("#autosave-status")).to_contain_text("Discarded")
    page.reload()
    expect(page.locator("#autosave-prompt")).to_be_hidden()
    assert not ArticleAutosave.objects.filter(article=draft).exists()


def test_leaving_a_form_with_unsaved_changes_asks_first(page, demo_site, draft):
    _sign_in(page, demo_site)
    page.goto(_change_url(demo_site, draft))
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.accept()  # leave after all

    page.on("dialog", answer)
    # Leaving an unchanged form asks nothing.
    page.get_by_role("link", name="Articles").first.click()
    expect(page).to_have_url(f"{demo_site}/admin/articles/")
    assert asked == []

    page.goto(_change_url(demo_site, draft))
    # Typed and left at once, before the pause that autosaves.
    page.locator("#id_summary").fill("Tingling fingers at night: what helps.")
    page.get_by_role("link", name="Articles").first.click()

    expect(page).to_have_url(f"{demo_site}/admin/articles/")
    assert asked == ["beforeunload"]
    # What was typed was kept as the page was left.
    page.goto(_change_url(demo_site, draft))
    expect(page.locator("#autosave-prompt")).to_be_visible()


def test_saving_the_form_asks_nothing(page, demo_site, draft):
    _sign_in(page, demo_site)
    page.goto(_change_url(demo_site, draft))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.locator("#id_summary").fill("Tingling fingers at night: what helps.")

    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert asked == []


def test_a_new_articles_typing_is_kept_in_the_browser_and_restored(page, demo_site):
    _sign_in(page, demo_site)
    page.goto(f"{demo_site}/admin/articles/article/add/")
    page.locator("#id_title").fill("Night cramps in older adults")
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved in this browser")

    page.goto(f"{demo_site}/admin/articles/article/add/")  # reopened
    page.get_by_role("button", name="Restore").click()

    expect(page.locator("#id_title")).to_have_value("Night cramps in older adults")


def test_the_restore_prompt_fits_both_widths_and_passes_axe(audit, screenshot, demo_site, draft):
    page = audit.page
    _sign_in(page, demo_site)
    page.goto(_change_url(demo_site, draft))
    _type_and_wait_for_the_autosave(page, TYPED)
    page.goto(_change_url(demo_site, draft))
    expect(page.locator("#autosave-prompt")).to_be_visible()

    screenshot(page, "autosave-restore-prompt")
    # The prompt and its status line. (The admin's own change form, around them, has
    # violations of its own: its inline tables' empty headers, its breadcrumb links.)
    violations = audit.check(within="#autosave")
    page.set_viewport_size({"width": 390, "height": 900})
    violations += audit.check(within="#autosave")

    assert not violations, "axe-core violations:\n" + "\n".join(violations)
