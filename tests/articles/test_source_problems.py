"""Issue 20: the writer sees, before submitting, the sources the reviewer will see flagged;
a retracted source blocks submitting unless the text says why it is cited (the editors'
source policy); readers see a notice while a retraction or correction is re-reviewed."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import selectors, stored_pages, structured_data
from articles.audiences import Audience
from articles.models import Article
from articles.states import Status
from articles.submission import check_submission
from references import services as reference_services
from references.models import Reference, ReferenceEvent, SourcePolicy
from reviews import selectors as review_selectors
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db


def _retracted(**fields) -> Reference:
    return factories.ReferenceFactory(retracted=True, **fields)


def _article(writer, body: str) -> Article:
    return factories.ArticleFactory(authors=[writer], body=body)


# --- the submission check -------------------------------------------------------------


def test_a_retracted_source_blocks_submitting_and_is_named(writer):
    _retracted(key="fraud2019")
    article = _article(writer, "Drug X halves the risk [@fraud2019].")

    submission = check_submission(article)

    assert not submission.ready
    assert any("[@fraud2019] was retracted" in p for p in submission.problems)
    with pytest.raises(ValidationError, match="fraud2019"):
        services.article_submit(article=article, user=writer)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert not article.revisions.exists()


def test_a_sentence_saying_why_the_retracted_source_is_cited_lets_it_through(writer):
    _retracted(key="fraud2019")
    article = _article(
        writer,
        "An early trial claimed a benefit. That trial was retracted for fabricated data "
        "[@fraud2019]. Later trials found none.",
    )

    submission = check_submission(article)

    assert submission.ready
    assert submission.warnings == ["[@fraud2019] was retracted by the publisher."]
    services.article_submit(article=article, user=writer)


def test_the_explanation_must_be_in_the_sentence_that_cites_it(writer):
    _retracted(key="fraud2019")
    article = _article(
        writer, "Several trials were retracted last year. Drug X halves the risk [@fraud2019]."
    )

    assert not check_submission(article).ready


def test_editors_can_turn_the_rule_off_and_change_the_phrases(writer):
    _retracted(key="fraud2019")
    plain = _article(writer, "Drug X halves the risk [@fraud2019].")
    withdrawn = _article(writer, "A withdrawn paper claimed a benefit [@fraud2019].")

    SourcePolicy.objects.create(explanation_phrases="withdrawn, discredited")
    assert check_submission(withdrawn).ready
    assert not check_submission(plain).ready

    SourcePolicy.objects.update(block_unexplained_retractions=False)
    submission = check_submission(plain)
    assert submission.ready
    assert submission.warnings == ["[@fraud2019] was retracted by the publisher."]


def test_the_policy_defaults_to_blocking_without_a_saved_row():
    policy = SourcePolicy.current()

    assert policy.block_unexplained_retractions
    assert policy.explains("This study was RETRACTED in 2020 [@x].")
    assert not SourcePolicy.objects.exists()  # reading the defaults writes nothing


def test_a_retracted_source_cited_by_identifier_is_found_too(writer):
    _retracted(key="fraud2019", pmid="12345678")
    explained = _article(writer, "A retracted trial claimed a benefit [@pmid:12345678].")
    unexplained = _article(writer, "Drug X halves the risk [@pmid:12345678].")

    assert check_submission(explained).ready
    assert not check_submission(unexplained).ready


def test_corrected_superseded_and_old_sources_are_warnings_not_blockers(writer, editor):
    corrected = factories.ReferenceFactory(key="fixed2022", year=2022)
    ReferenceEvent.objects.create(
        reference=corrected, kind=ReferenceEvent.Kind.CORRECTION, note="Erratum"
    )
    newer = factories.ReferenceFactory(key="guide2024", kind=Reference.Kind.GUIDELINE, year=2024)
    factories.ReferenceFactory(
        key="guide2019", kind=Reference.Kind.GUIDELINE, year=2019, superseded_by=newer
    )
    factories.ReferenceFactory(key="old1999", year=1999)
    article = _article(writer, "A [@fixed2022]. B [@guide2019]. C [@old1999].")

    submission = check_submission(article)

    assert submission.ready
    text = "\n".join(submission.warnings)
    assert "[@fixed2022]: Correction published" in text
    assert "[@guide2019]: Superseded by a newer version in the library: guide2024" in text
    assert "[@old1999]: Published 1999: older than the 5-year limit" in text
    services.article_submit(article=article, user=writer)


def test_the_writer_and_the_reviewer_see_the_same_age_rule(writer, reviewer, settings):
    settings.VETTED_SOURCE_MAX_AGE_YEARS = {Reference.Kind.RESEARCH: 2}
    factories.ReferenceFactory(key="recent", year=2021)
    article = _article(writer, "A claim [@recent].")

    (warning,) = check_submission(article).warnings
    article = services.article_submit(article=article, user=writer)
    (row,) = review_selectors.review_references(revision=article.current_revision)

    assert [f.text for f in row.findings if f.flagged] == [warning.removeprefix("[@recent]: ")]


def test_the_live_preview_lists_blockers_and_warnings(client, writer):
    _retracted(key="fraud2019")
    factories.ReferenceFactory(key="old1999", year=1999)
    client.force_login(writer)

    answer = client.post(
        reverse("markdownx_markdownify"),
        {
            "title": "T",
            "summary": "S",
            "body": "Claim [@fraud2019]. Old [@old1999].",
            "topic": str(factories.TopicFactory().pk),
        },
    ).json()

    assert any("[@fraud2019] was retracted" in p for p in answer["problems"])
    assert any("[@old1999]" in w for w in answer["warnings"])


def test_the_form_never_says_every_citation_resolves_of_a_retracted_source(admin_client, writer):
    _retracted(key="fraud2019")
    article = _article(writer, "A trial, since retracted, claimed a benefit [@fraud2019].")

    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    text = page.content.decode()
    assert "every citation resolves" not in text
    assert "[@fraud2019] was retracted by the publisher." in text


def test_only_editors_change_the_policy(client, writer, editor):
    url = reverse("admin:references_sourcepolicy_add")
    client.force_login(writer)
    assert client.post(url, {"explanation_phrases": "x"}).status_code == 403
    assert not SourcePolicy.objects.exists()

    client.force_login(editor)
    response = client.post(url, {"explanation_phrases": "withdrawn"})
    assert response.status_code == 302
    policy = SourcePolicy.current()
    assert policy.phrases == ["withdrawn"]
    assert not policy.block_unexplained_retractions  # the unticked box, as submitted


# --- what readers see ---------------------------------------------------------------


def _source_of(article: Article) -> Reference:
    return article.live_revision.reference_links.get().reference


def _page(article: Article) -> selectors.PublicArticle:
    return selectors.public_article(article=Article.objects.get(pk=article.pk))


def test_the_board_may_confirm_the_sources_when_the_text_says_why_a_retraction_is_cited(
    writer,
):
    """The same rule as submitting: an explained retraction is the board's to judge; an
    unexplained one stops the "sources are current" box."""
    _retracted(key="fraud2019")
    explained = _article(
        writer, "An early trial claimed a benefit; it was later retracted [@fraud2019]."
    )
    explained = services.article_submit(article=explained, user=writer)
    assert explained.current_revision is not None
    assert review_selectors.sources_not_current(revision=explained.current_revision) == ""

    silent = _article(writer, "Drug X halves the risk [@fraud2019].")
    SourcePolicy.objects.create(block_unexplained_retractions=False)  # so it can be submitted
    silent = services.article_submit(article=silent, user=writer)
    problem = review_selectors.sources_not_current(revision=silent.current_revision)
    assert "fraud2019" in problem and "Retracted" in problem


def test_a_retraction_puts_a_notice_on_the_live_page_until_the_re_review_is_approved(
    approved, writer, editor, reviewer, django_capture_on_commit_callbacks
):
    assert _page(approved).source_notice is None
    with django_capture_on_commit_callbacks(execute=True):
        reference_services.set_retraction(
            reference=_source_of(approved), user=editor, retracted=True, note="Fraud"
        )
    article = Article.objects.get(pk=approved.pk)
    assert article.status == Status.REVIEW_DUE

    page = _page(article)
    assert page.source_notice is not None and page.source_notice.retracted
    html = stored_pages.stored_page(article.slug, Audience.PATIENT).html().decode()
    assert "A source this page relies on was retracted on" in html
    assert "our medical board is re-reviewing the page" in html
    assert "Medical review in progress" in html
    data = structured_data.article_json_ld(page)
    assert "lastReviewed" not in data
    assert data["creativeWorkStatus"].startswith("Under medical re-review")

    # The re-review: the board cannot pass a retracted source the text does not explain,
    # so the writer replaces it, and the board approves the new revision.
    fresh = factories.ReferenceFactory(key="fresh2025", year=2025)
    article.body = f"Stretching before bed helps [@{fresh.key}]."
    article = services.article_save(article=article, user=writer, changed_fields=["body"])
    article = services.article_submit(article=article, user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        factories.claim_and_approve(article, reviewer)
    article = Article.objects.get(pk=approved.pk)
    assert article.status == Status.APPROVED
    assert _page(article).source_notice is None
    html = stored_pages.stored_page(article.slug, Audience.PATIENT).html().decode()
    assert "relies on was retracted" not in html
    assert "Medically reviewed" in html
    assert "lastReviewed" in structured_data.article_json_ld(_page(article))


def test_a_correction_gives_its_own_notice_and_refreshes_the_page(
    approved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reference_services.record_source_notice(
            reference=_source_of(approved),
            kind=ReferenceEvent.Kind.CORRECTION,
            origin=ReferenceEvent.Origin.PUBMED,
            notice="pmid:999",
            note="Erratum in dosing table",
        )

    html = stored_pages.stored_page(approved.slug, Audience.PATIENT).html().decode()
    assert "A source this page relies on was corrected on" in html


def test_a_retraction_mark_removed_ends_the_notice(
    approved, editor, django_capture_on_commit_callbacks
):
    source = _source_of(approved)
    with django_capture_on_commit_callbacks(execute=True):
        reference_services.set_retraction(
            reference=source, user=editor, retracted=True, note="Fraud"
        )
        reference_services.set_retraction(
            reference=source, user=editor, retracted=False, note="Wrong paper"
        )

    assert _page(approved).source_notice is None


def test_the_feed_says_the_page_is_being_re_reviewed(
    client, approved, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reference_services.set_retraction(
            reference=_source_of(approved), user=editor, retracted=True, note="Fraud"
        )

    feed = client.get(reverse("feed-rss")).content.decode()

    assert "our medical board is re-reviewing the page" in feed


def test_json_ld_of_a_page_without_problems_claims_its_review(approved):
    data = json.loads(structured_data.script_json(structured_data.article_json_ld(_page(approved))))
    assert "creativeWorkStatus" not in data
    assert data["lastReviewed"]
