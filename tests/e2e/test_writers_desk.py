"""The writer's desk in Chromium: cite from the editor (two sources at once, and a new one
pasted in), upload a figure with its alt text, see both in the live preview, submit; once
approved, the public page shows the figure from storage with its alt text and caption, and
numbers its sources exactly as the preview did, in the patient and professional sections."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts import reauth
from articles.states import Status
from references.models import Reference
from reviews import services
from tests import factories
from tests.e2e.conftest import writers_draft

pytestmark = pytest.mark.e2e

SACKETT = (
    "Sackett DL, Rosenberg WM, Gray JA, Haynes RB, Richardson WS. Evidence based medicine: what "
    "it is and what it isn't. BMJ. 1996 Jan 13;312(7023):71-2. doi: 10.1136/bmj.312.7023.71. "
    "PMID: 8555924."
)
ALT = "Diagram of the median nerve squeezed in the carpal tunnel"
CAPTION = "The median nerve runs through the carpal tunnel at the wrist."


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill("vetted-writer")
    page.get_by_role("button", name="Log in").click()


def _numbers(locator) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def _type_at_end(page, selector: str, text: str) -> None:
    area = page.locator(selector)
    area.click()
    page.keyboard.press("Control+End")
    area.press_sequentially(text)


@pytest.fixture
def draft(demo_site):
    """A writer's draft with nothing written yet."""
    return writers_draft(body="")


def test_a_writer_cites_adds_a_source_inserts_a_figure_and_submits(
    page, demo_site, draft, tmp_path, screenshot
):
    figure_file = tmp_path / "median-nerve.png"
    figure_file.write_bytes(factories.image_bytes(1400, 900, "PNG"))
    _sign_in(page, demo_site)
    page.goto(f"{demo_site}/admin/articles/article/{draft.pk}/change/")

    # An empty body blocks submission, and the button says so right there.
    blockers = page.locator("#submit-blockers-list")
    expect(blockers).to_contain_text("The body is empty.")
    expect(page.locator("#submit-for-review")).to_be_visible()

    # 1. Search the library from the editor and insert two citations at once.
    _type_at_end(page, "#id_body", "Wrist splints worn at night ease the tingling. ")
    page.locator("button.editor-cite[data-target=id_body]").click()
    search = page.locator("#cite-search")
    expect(search).to_be_focused()
    search.fill("wiffen")
    expect(page.locator("#cite-results [role=option]")).to_have_count(1)
    search.press("ArrowDown")
    search.press(" ")
    search.fill("finnerup")
    expect(page.locator("#cite-results [role=option]").first).to_contain_text("Finnerup")
    search.press("ArrowDown")
    search.press(" ")
    expect(page.locator("#cite-insert")).to_have_text("Insert 2 citations")
    search.press("Enter")
    expect(page.locator("#cite-dialog")).not_to_be_visible()
    expect(page.locator("#id_body")).to_have_value(re.compile(r"\[@wiffen2017; @finnerup2015\]$"))

    # An unknown key is unmistakable in the preview, and blocks Submit with the reason.
    _type_at_end(page, "#id_body", " Also [@nosuch2099].")
    preview = page.frame_locator("#preview-frame")
    expect(preview.locator("mark.citation-missing")).to_contain_text(
        "[@nosuch2099] no source in the library has this key"
    )
    expect(blockers).to_contain_text(
        "These citations match no reference in the library: [@nosuch2099]."
    )
    area = page.locator("#id_body")
    area.fill(area.input_value().replace(" Also [@nosuch2099].", ""))

    # 2. Paste a citation to add a new source without leaving the article.
    _type_at_end(page, "#id_body", "\n\nDoctors weigh the evidence as a whole. ")
    page.locator("button.editor-cite[data-target=id_body]").click()
    page.locator("#cite-new summary").click()
    page.locator("#cite-paste").fill(SACKETT)
    page.get_by_role("button", name="Read it").click()
    confirm = page.locator("#cite-confirm")
    expect(confirm.locator("#source-title")).to_have_value(
        "Evidence based medicine: what it is and what it isn't"
    )
    expect(confirm.locator("[name=author-0-family]")).to_have_value("Sackett")
    expect(confirm.locator("#source-key")).to_have_value("sackett1996")
    screenshot(page, "writers-desk-add-source")
    confirm.get_by_role("button", name="Add to the library and cite it").click()
    expect(page.locator("#cite-dialog")).not_to_be_visible()
    expect(page.locator("#id_body")).to_have_value(re.compile(r"\[@sackett1996\]$"))

    # 3. Upload an image with its alt text and insert it.
    page.locator("#id_body").press("Control+End")
    page.locator("button.editor-image[data-target=id_body]").click()
    page.locator("#image-new summary").click()
    page.locator("#image-upload-file").set_input_files(str(figure_file))
    page.get_by_label("Alt text (required)").fill(ALT)
    page.get_by_label("Caption (required)").fill(CAPTION)
    page.get_by_label("Credit (required)").fill("Illustration: Jane Doe")
    page.get_by_label("Licence (required)").fill("CC BY 4.0")
    page.get_by_role("button", name="Upload and insert").click()
    expect(page.locator("#image-dialog")).not_to_be_visible()
    expect(page.locator("#id_body")).to_have_value(re.compile(r"!\[" + ALT + r"\]\(image:\d+\)\n"))

    # The professional section cites a new source and one already cited.
    _type_at_end(
        page,
        "#id_professional_body",
        "Dose by the label [@neurontin-label]; the evidence is reviewed in [@wiffen2017].",
    )

    # 4. The preview shows the figure (from the library's storage) and numbers the sources
    # across both sections, as the page will.
    figure = preview.locator("figure.figure img")
    expect(figure).to_have_attribute("alt", ALT)
    expect(preview.locator("figure.figure figcaption")).to_contain_text(CAPTION)
    expect(preview.locator(".professional-section sup.citation")).to_have_count(2)
    page.wait_for_function(
        "() => { const img = document.querySelector('#preview-frame').contentDocument"
        ".querySelector('figure img'); return img && img.complete && img.naturalWidth > 0; }"
    )
    preview_body = _numbers(preview.locator(".article-body sup.citation"))
    preview_pro = _numbers(preview.locator(".professional-section sup.citation"))
    assert preview_body == ["1,2", "3"]
    assert preview_pro == ["4", "1"]
    expect(blockers.locator("li")).to_have_count(0)
    screenshot(page, "writers-desk-editor")

    # 5. Submit: the form is saved, the action page explains, the writer confirms.
    page.locator("#submit-for-review").click()
    page.get_by_role("button", name="Submit for medical review").click()
    expect(page.locator(".messagelist")).to_contain_text("Submitted for medical review")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED

    # The board approves it (through the real services, signed).
    reviewer = get_user_model().objects.get(username="reviewer")
    article = services.review_start(article=draft, user=reviewer)
    services.review_approve(
        article=article,
        user=reviewer,
        checklist=dict.fromkeys(services.REVIEW_CHECKLIST, True),
        signature=reauth.reauthenticate(user=reviewer, password="vetted-reviewer"),
    )

    # 6. The public page, read anonymously: the figure from storage, with its alt text and
    # caption, and the same numbers as the preview, patient and professional.
    reader = page.context.browser.new_context()
    public = reader.new_page()
    public.goto(f"{demo_site}/articles/carpal-tunnel/")
    image = public.locator("article figure.figure img")
    expect(image).to_have_attribute("alt", ALT)
    expect(public.locator("article figure.figure figcaption")).to_contain_text(CAPTION)
    public.wait_for_function(
        "() => { const img = document.querySelector('article figure img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    assert _numbers(public.locator(".article-body sup.citation")) == preview_body
    assert public.locator("meta[property='og:image']").get_attribute("content").endswith(".jpg")
    screenshot(public, "writers-desk-public-page")
    public.goto(f"{demo_site}/articles/carpal-tunnel/professional/")
    assert _numbers(public.locator(".professional-section sup.citation")) == preview_pro
    assert _numbers(public.locator(".article-body sup.citation")) == preview_body
    reader.close()


def test_a_writer_enters_authors_as_people_and_organisations_and_reorders_them(page, demo_site):
    _sign_in(page, demo_site)
    page.goto(f"{demo_site}/admin/references/reference/add/")
    page.locator("#id_key").fill("who-cramps2024")
    page.locator("#id_title").fill("Leg cramps at night: a guideline")
    page.get_by_label("Author 1: family name").fill("Wiffen")
    page.get_by_label("Author 1: given names or initials").fill("PJ")
    page.get_by_label("Author 2: person or organisation").select_option("organisation")
    expect(page.get_by_label("Author 2: family name")).to_be_hidden()
    page.get_by_label("Author 2: organisation name").fill("World Health Organization")
    page.get_by_role("button", name="Move author 2 up").click()
    expect(page.locator(".authors-status")).to_have_text("Moved up to position 1.")
    expect(page.get_by_label("Author 1: organisation name")).to_have_value(
        "World Health Organization"
    )
    page.get_by_role("button", name="Add an author").click()
    expect(page.get_by_label("Author 3: family name")).to_be_focused()
    page.keyboard.type("Derry")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Reference.objects.get(key="who-cramps2024").author == [
        {"literal": "World Health Organization"},
        {"family": "Wiffen", "given": "PJ"},
        {"family": "Derry"},
    ]
