"""Issue 20 in Chromium: a writer sees a retracted source before submitting (and what
lets it through); after a retraction, readers see a notice on the live page until the
board's re-review is approved, at desktop and phone widths, with no axe violations."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.models import Article, Topic
from articles.states import Status
from references import services as reference_services
from references.models import Reference
from tests import factories
from tests.e2e.test_accessibility import audit  # noqa: F401 (the axe fixture)
from tests.e2e.test_sign_in_and_sign_off import sign_in_with_password

pytestmark = pytest.mark.e2e

CRAMPS = "/articles/causes-of-muscle-cramps/"
NOTICE = "A source this page relies on was retracted on"


def test_a_writer_sees_a_retracted_source_before_submitting(page, demo_site):
    source = Reference.objects.get(key="garrison2020")
    source.retracted = True
    source.save()
    writer = get_user_model().objects.get(username="writer")
    draft = Article.objects.create(
        title="Night cramps in older adults",
        slug="night-cramps",
        summary="What helps night-time leg cramps.",
        topic=Topic.objects.get(slug="musculoskeletal"),
        body="Magnesium helps most older adults with night-time cramps [@garrison2020].",
    )
    draft.authors.add(writer)

    sign_in_with_password(page, demo_site, "writer", "vetted-writer")
    page.goto(f"{demo_site}/admin/articles/article/{draft.pk}/change/")

    blockers = page.locator("#submit-blockers-list")
    expect(blockers).to_contain_text("[@garrison2020] was retracted by the publisher")
    expect(page.locator("#submit-ready")).to_be_hidden()
    expect(page.get_by_text("every citation resolves")).to_have_count(0)

    # Saying why the retracted review is cited, in the sentence citing it, lets it through:
    # the live check (the preview endpoint) takes the blocker away as the writer types.
    body = page.locator("#id_body")
    body.fill("A review once reported that magnesium helps, but it was retracted [@garrison2020].")
    expect(page.locator("#submit-ready")).to_be_visible()
    expect(blockers).not_to_contain_text("garrison2020")


def test_readers_see_a_retraction_notice_until_the_re_review_is_approved(
    page,
    demo_site,
    screenshot,
    audit,  # noqa: F811
):
    article = Article.objects.get(slug="causes-of-muscle-cramps")
    assert article.status == Status.APPROVED
    page.goto(f"{demo_site}{CRAMPS}")
    expect(page.locator(".badge--reviewed").first).to_contain_text("Medically reviewed")
    expect(page.get_by_text(NOTICE)).to_have_count(0)

    editor = get_user_model().objects.get(username="editor")
    reference_services.set_retraction(
        reference=Reference.objects.get(key="garrison2020"),
        user=editor,
        retracted=True,
        note="Retracted by the journal: data could not be verified.",
    )
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW_DUE

    page.reload()
    notice = page.locator("#source-notice")
    expect(notice).to_contain_text(NOTICE)
    expect(notice).to_contain_text("our medical board is re-reviewing the page")
    expect(page.locator(".reviewed-by .badge").first).to_have_text("Medical review in progress")
    json_ld = page.locator("script[type='application/ld+json']").text_content()
    assert "Under medical re-review" in json_ld
    assert "lastReviewed" not in json_ld
    screenshot(page, "source-retraction-notice")
    assert audit(f"{demo_site}{CRAMPS}") == []

    # The re-review: the board cannot pass a retracted source the text does not explain,
    # so the writer says why it is still cited; the board approves and the notice goes.
    writer = get_user_model().objects.get(username="writer")
    article = Article.objects.get(pk=article.pk)
    article.body = article.body.replace(
        "[@garrison2020].", "(a review since retracted) [@garrison2020].", 1
    )
    article = factories.services.article_save(article=article, user=writer, changed_fields=["body"])
    article = factories.services.article_submit(article=article, user=writer)
    reviewer = get_user_model().objects.get(username="reviewer")
    article = factories.services.review_start(article=article, user=reviewer)
    factories.approve(article, reviewer, signature=factories.signature(reviewer, "vetted-reviewer"))
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED

    page.reload()
    expect(page.get_by_text(NOTICE)).to_have_count(0)
    expect(page.locator(".badge--reviewed").first).to_contain_text("Medically reviewed")
