"""Editing one article from two desks, and a writer's first save, in Chromium.

A writer's new article keeps the evidence section added before its first save; and
when a writer saves a form opened before the editor's save, the save is refused on the
form (who, when, what changed), the writer's text stays in it, and nothing of either
person's work is lost.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.models import Article

pytestmark = pytest.mark.e2e

REFUSED = "since you opened it; your changes were not saved"


def _sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


def _save(page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()


def test_a_writers_new_article_keeps_the_evidence_section_added_before_its_first_save(
    page, demo_site
):
    _sign_in(page, demo_site, "writer", "vetted-writer")
    page.goto(f"{demo_site}/admin/articles/article/add/")
    page.locator("#id_title").fill("Night cramps in older adults")
    page.locator("#id_summary").fill("Why calves cramp at night, and what helps.")
    page.locator(".field-topic .select2-selection").click()
    page.locator(".select2-search__field").fill("Muscles")
    page.locator(".select2-results__option", has_text="Muscles, bones and joints").click()
    page.locator("#id_body").fill("Stretching the calf before bed may help [@garrison2020].")

    # An evidence section, before the article was ever saved.
    page.get_by_role("button", name="Add another evidence section").click()
    page.locator("#id_sections-0-kind").select_option("research")
    page.locator("#id_sections-0-heading").fill("What the trials found")
    page.locator("#id_sections-0-body").fill("Magnesium rarely helps [@garrison2020].")
    _save(page)

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(title="Night cramps in older adults")
    assert [a.username for a in article.authors.all()] == ["writer"]
    assert [(s.heading, s.body) for s in article.sections.all()] == [
        ("What the trials found", "Magnesium rarely helps [@garrison2020].")
    ]


def test_a_save_from_a_form_opened_before_the_editors_save_is_refused_and_loses_nothing(
    browser, demo_site, draft
):
    url = f"{demo_site}/admin/articles/article/{draft.pk}/change/"
    desks = []
    for username in ("writer", "editor"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        desk = context.new_page()
        _sign_in(desk, demo_site, username, f"vetted-{username}")
        desk.goto(url)
        desks.append(desk)
    writer, editor = desks

    editor.locator("#id_title").fill("Carpal tunnel syndrome: splints, injections, surgery")
    _save(editor)
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    new_summary = "Tingling fingers at night: what splints, injections and surgery can do."
    writer.locator("#id_summary").fill(new_summary)
    _save(writer)

    refusal = writer.locator(".errorlist.nonfield")
    expect(refusal).to_contain_text(REFUSED)
    expect(refusal).to_contain_text("Elena Editor")
    expect(refusal).to_contain_text("Title: now “Carpal tunnel syndrome: splints, injections")
    expect(writer.locator("#id_summary")).to_have_value(new_summary)  # nothing typed is lost
    row = Article.objects.get(pk=draft.pk)
    assert row.title == "Carpal tunnel syndrome: splints, injections, surgery"
    assert row.summary == draft.summary

    # Reopened as it is now, the writer's change saves beside the editor's.
    refusal.get_by_role("link", name="open the article as it is now").click()
    expect(writer.locator("#id_title")).to_have_value(
        "Carpal tunnel syndrome: splints, injections, surgery"
    )
    writer.locator("#id_summary").fill(new_summary)
    _save(writer)
    expect(writer.locator(".messagelist")).to_contain_text("was changed successfully")
    row = Article.objects.get(pk=draft.pk)
    assert (row.title, row.summary) == (
        "Carpal tunnel syndrome: splints, injections, surgery",
        new_summary,
    )
    for desk in desks:
        desk.context.close()
