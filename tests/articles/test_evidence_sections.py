"""Evidence sections ("From the guidelines", "From the drug label", "Research"): written in
the admin, frozen at submit, numbered with the page, listed in its references, sanitised;
and citations a screen reader can name, with links back from each source."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from articles import evidence, markdown, revisions
from articles.evidence import SectionText
from articles.models import Article, ArticleSection
from articles.states import Status
from articles.submission import check_submission
from reviews import diff, services
from tests import factories
from tests.reviews.test_admin_workflow import change_form_data, change_url

pytestmark = pytest.mark.django_db
PREVIEW = reverse("markdownx_markdownify")


@pytest.fixture
def sources(db):
    kinds = {
        "trial": "research",
        "nice": "guideline",
        "label": "drug_label",
        "cochrane": "systematic_review",
        "leaflet": "webpage",
    }
    return {
        key: factories.ReferenceFactory(key=key, kind=kind, title=f"Title of {key}")
        for key, kind in kinds.items()
    }


def section(kind: str, body: str, audience: str = "professional", heading: str = ""):
    return SectionText(kind=kind, heading=heading, audience=audience, body=body)


def with_sections(article: Article, writer, *sections: SectionText) -> Article:
    return services.article_sections_set(article=article, user=writer, sections=list(sections))


def publish_with_sections(writer, reviewer, sections, **fields) -> Article:
    article = factories.ArticleFactory(authors=[writer], **fields)
    with_sections(article, writer, *sections)
    article = services.article_submit(article=article, user=writer)
    return factories.claim_and_approve(article, reviewer)


def professional_url(article: Article) -> str:
    return reverse("articles:detail_professional", kwargs={"slug": article.slug})


def sups(html: str) -> list[str]:
    found = re.findall(r'<sup class="citation" id="cite-\d+">(.*?)</sup>', html)
    return [re.sub(r"<[^>]+>", "", s) for s in found]


def reference_list(html: str) -> str:
    found = re.search(r'<section class="references.*?</section>', html, re.S)
    return found.group(0) if found else ""


def reference_ids(html: str) -> list[str]:
    return re.findall(r'<li id="(ref-\d+)"', html)


def evidence_headings(html: str) -> list[str]:
    return re.findall(
        r'<section class="evidence-section[^"]*" aria-labelledby="[^"]+">\s*<h2 id="[^"]+">'
        r"([^<]+)</h2>",
        html,
    )


@pytest.fixture
def evidence_article(writer, reviewer, sources):
    return publish_with_sections(
        writer,
        reviewer,
        [
            section("guidelines", "Offer it first [@nice]; the label agrees [@label]."),
            section("drug_label", "Reduce the dose in renal impairment [@label]."),
            section("research", "Relief in a third [@cochrane; @trial].", heading="The trials"),
        ],
        slug="evidence",
        body="Most people tolerate it [@trial].",
        professional_body="Titrate slowly [@nice].",
        group_references=False,
    )


# --- on the page --------------------------------------------------------------------------


def test_sections_show_on_the_professional_page_in_order_numbered_with_the_page(
    client, evidence_article
):
    page = client.get(professional_url(evidence_article)).text
    assert evidence_headings(page) == ["From the guidelines", "From the drug label", "The trials"]
    # Body [trial]=1, professional [nice]=2, then the sections: label=3, cochrane=4.
    assert sups(page) == ["1", "2", "2", "3", "3", "1,4"]
    assert reference_ids(page) == ["ref-1", "ref-2", "ref-3", "ref-4"]
    # Each inline number's entry is the source cited there.
    assert re.search(r'<li id="ref-3">.*?Title of label', page)
    assert re.search(r'<li id="ref-4">.*?Title of cochrane', page)
    # The sections read after the professional section, before the references.
    order = [page.index(s) for s in ("Titrate slowly", "Offer it first", 'id="references-heading"')]
    assert order == sorted(order)


def test_professional_sections_and_their_sources_stay_off_the_patient_page(
    client, evidence_article
):
    page = client.get(evidence_article.get_absolute_url()).text
    assert evidence_headings(page) == []
    assert "Reduce the dose in renal impairment" not in page
    # The patient page cites only the body's source: its list holds that one, as 1.
    assert reference_ids(page) == ["ref-1"]
    listed = reference_list(page)
    assert "Title of trial" in listed and "Title of label" not in listed


def test_a_section_for_both_pages_is_numbered_as_each_page_reads(client, writer, reviewer, sources):
    article = publish_with_sections(
        writer,
        reviewer,
        [section("research", "Patients asked about it [@leaflet].", audience="both")],
        body="Common [@trial].",
        professional_body="Dose by kidney function [@label].",
    )
    professional = client.get(professional_url(article)).text
    patient = client.get(article.get_absolute_url()).text
    assert sups(professional) == ["1", "2", "3"]  # trial, label, leaflet
    assert sups(patient) == ["1", "2"]  # trial, leaflet: no professional section here
    assert re.search(r'<li id="ref-2">.*?Title of leaflet', patient)
    assert "Title of label" not in reference_list(patient)
    assert re.search(r'<li id="ref-3">.*?Title of leaflet', professional)


def test_a_source_cited_only_in_a_section_is_in_the_reference_list(evidence_article, client):
    page = client.get(professional_url(evidence_article)).text
    assert "Title of cochrane" in page
    cited = [link.reference.key for link in evidence_article.live_revision.reference_links.all()]
    assert "cochrane" in cited and "label" in cited


# --- frozen with the revision ----------------------------------------------------------------


def test_sections_are_frozen_at_submit_and_the_live_page_keeps_them_until_approved(
    client, writer, reviewer, evidence_article
):
    revision = evidence_article.live_revision
    assert [s["title"] for s in revision.sections] == [
        "From the guidelines",
        "From the drug label",
        "The trials",
    ]
    with_sections(evidence_article, writer, section("research", "A new trial [@trial]."))
    evidence_article.refresh_from_db()
    # Editing a live article's sections starts a draft; the public page is unchanged.
    assert evidence_article.status == Status.DRAFT
    page = client.get(professional_url(evidence_article)).text
    assert "Reduce the dose in renal impairment" in page
    assert "A new trial" not in page
    revision.refresh_from_db()
    assert len(revision.sections) == 3

    article = services.article_submit(article=evidence_article, user=writer)
    factories.claim_and_approve(article, reviewer)
    page = client.get(professional_url(evidence_article)).text
    assert "A new trial" in page
    assert "Reduce the dose in renal impairment" not in page
    assert evidence_headings(page) == ["Research"]


def test_a_revision_with_sections_cannot_be_changed(evidence_article):
    revision = evidence_article.live_revision
    revision.sections = []
    with pytest.raises(TypeError, match="immutable"):
        revision.save()


def test_sections_cannot_be_edited_while_the_board_has_the_article(writer, sources):
    article = factories.ArticleFactory(authors=[writer], body="Text [@trial].")
    services.article_submit(article=article, user=writer)
    with pytest.raises(ValidationError, match="medical reviewers"):
        with_sections(article, writer, section("research", "Sneaked in [@trial]."))
    assert not ArticleSection.objects.filter(article=article).exists()


def test_the_signed_content_hash_covers_the_sections(evidence_article):
    revision = evidence_article.live_revision
    assert revisions.revision_content_hash(revision) == revision.content_hash
    revision.sections = []  # in memory only: the same revision without its sections
    assert revisions.revision_content_hash(revision) != revision.content_hash


def test_the_review_diff_shows_changed_sections(writer, reviewer, evidence_article):
    live = evidence_article.live_revision
    with_sections(
        evidence_article, writer, section("drug_label", "Halve the dose in renal impairment.")
    )
    evidence_article.refresh_from_db()
    article = services.article_submit(
        article=Article.objects.get(pk=evidence_article.pk), user=writer
    )
    changes = diff.diff_revisions(live, article.current_revision)
    sections = next(r for r in changes.rendered if r.label == "Evidence sections")
    assert sections.changed
    text = " ".join(row.inline for row in sections.rows)
    assert "<ins>Halve</ins>" in text or "Halve" in text
    assert any(row.change == "removed" for row in sections.rows)


# --- the submission check and the editor ----------------------------------------------------


def test_a_bad_key_in_a_section_blocks_submission_like_one_in_the_body(writer, sources):
    article = factories.ArticleFactory(authors=[writer], body="Fine [@trial].")
    with_sections(article, writer, section("guidelines", "Says so [@nosuch2031]."))
    problems = check_submission(article).problems
    assert any("[@nosuch2031]" in p for p in problems), problems
    with pytest.raises(ValidationError, match="nosuch2031"):
        services.article_submit(article=article, user=writer)


def test_too_many_or_too_long_sections_are_refused(writer, sources):
    article = factories.ArticleFactory(authors=[writer], body="Fine [@trial].")
    many = [section("research", "x [@trial].")] * (evidence.MAX_SECTIONS + 1)
    rendered = markdown.render_pages(article.body, "", many)
    assert any("evidence sections; the limit is 12" in r for r in rendered.refusals)
    long = section("research", "word " * (evidence.SECTION_CHARACTERS // 4))
    rendered = markdown.render_pages(article.body, "", [long])
    assert any("too long" in r for r in rendered.refusals)
    assert "Not rendered." in rendered.sections[0]["html"]["professional"]


def test_the_editor_preview_shows_unsaved_sections_and_their_problems(client, writer, sources):
    article = factories.ArticleFactory(authors=[writer], body="Body [@trial].")
    client.force_login(writer)
    answer = client.post(
        PREVIEW,
        {
            "title": article.title,
            "summary": article.summary,
            "topic": str(article.topic_id),
            "body": article.body,
            "professional_body": "",
            "group_references": "on",
            "sections-TOTAL_FORMS": "3",
            "sections-0-position": "2",
            "sections-0-kind": "research",
            "sections-0-audience": "professional",
            "sections-0-body": "Second [@cochrane] and [@nosuch2040].",
            "sections-1-position": "1",
            "sections-1-kind": "guidelines",
            "sections-1-audience": "both",
            "sections-1-body": "First [@nice].",
            "sections-2-position": "3",
            "sections-2-kind": "other",
            "sections-2-audience": "professional",
            "sections-2-body": "Removed [@label].",
            "sections-2-DELETE": "on",
        },
    ).json()
    html = answer["html"]
    assert evidence_headings(html) == ["From the guidelines", "Research"]
    assert "Removed" not in html
    assert sups(html) == ["1", "2", "3"]
    assert '<h3 class="reference-group">Guidelines</h3>' in html  # grouped, as ticked
    assert any("[@nosuch2040]" in p for p in answer["problems"])


def test_sections_are_added_in_the_admin_and_editing_live_ones_starts_a_draft(
    client, writer, reviewer, sources
):
    article = factories.publish(writer=writer, reviewer=reviewer, body="Body [@trial].")
    client.force_login(writer)
    data = change_form_data(client, article)
    data.update(
        {
            "sections-TOTAL_FORMS": "1",
            "sections-0-position": "1",
            "sections-0-kind": "drug_label",
            "sections-0-heading": "",
            "sections-0-audience": "professional",
            "sections-0-body": "From the label [@label].",
        }
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert [s.title for s in article.sections.all()] == ["From the drug label"]
    assert article.status == Status.DRAFT
    assert article.live_revision.sections == []  # the public page waits for approval


def test_the_section_inline_is_read_only_while_with_the_board(client, writer, sources):
    article = factories.ArticleFactory(authors=[writer], body="Body [@trial].")
    with_sections(article, writer, section("research", "Kept [@trial]."))
    services.article_submit(article=article, user=writer)
    client.force_login(writer)
    page = client.get(change_url(article)).content.decode()
    assert "Kept [@trial]." in page
    assert 'name="sections-0-body"' not in page


# --- sanitising, accessible names, back-links ---------------------------------------------------


def test_section_html_is_sanitised(sources):
    text = (
        "Fine [@trial].\n\n<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a>'
        '<p onclick="alert(4)">p</p>'
    )
    rendered = markdown.render_pages("Body [@trial].", "", [section("research", text, "both")])
    html_by_page = rendered.sections[0]["html"]
    assert set(html_by_page) == {"patient", "professional"}
    for html in html_by_page.values():
        lowered = html.lower()
        for bad in ("<script", "onerror", "javascript:", "onclick", "<img"):
            assert bad not in lowered, html
        assert "Fine" in html
    # The raw image is reported, as in the body: the article cannot be submitted with it.
    assert rendered.external_images


def test_citation_links_have_accessible_names(sources):
    rendered = markdown.render_article(
        "One [@trial]. Three [@nice; @label; @cochrane]. Pair [@trial; @nice]."
    )
    html = rendered.body_html
    assert '<a href="#ref-1" aria-label="Source 1">1</a>' in html
    assert '<a href="#ref-2" aria-label="Sources 2 to 4">2–4</a>' in html
    assert (
        '<a href="#ref-1" aria-label="Source 1">1</a>,<a href="#ref-2" aria-label="Source 2">2</a>'
        in html
    )
    # No citation link is empty: each shows its number.
    assert not re.search(r"<a [^>]*></a>", html)


def _ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_back_links_resolve_and_every_id_on_the_page_is_unique(client, writer, reviewer, sources):
    article = publish_with_sections(
        writer,
        reviewer,
        [
            section("guidelines", "Offer it [@nice]. Again [@trial; @nice; @label]."),
            section("research", "Trials [@trial].", audience="both"),
        ],
        body="Common [@trial]. See also [@trial].\n\n## Dosing {#dosing}\n\nText.",
        professional_body="Titrate [@nice].",
        group_references=True,
    )
    for url in (article.get_absolute_url(), professional_url(article)):
        page = client.get(url).text
        ids = _ids(page)
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        assert duplicates == [], (url, duplicates)
        assert "dosing" in ids  # the writer's own heading id is kept
        backlinks = re.findall(
            r'<a class="ref-backlink" href="#([^"]+)" aria-label="([^"]+)"', page
        )
        assert backlinks, url
        for target, label in backlinks:
            assert target in ids and target.startswith("cite-"), (url, target)
            assert label.startswith("Back to the text")
        # Every citation is linked back to from each source it cites.
        cited = set(re.findall(r'<sup class="citation" id="(cite-\d+)">', page))
        assert cited == {t for t, _l in backlinks}, url
    page = client.get(professional_url(article)).text
    # trial is 1, cited in the body twice, in the range 1–3 and in "Research": four links.
    entry = re.search(r'<li id="ref-1"[^>]*>(.*?)</li>', page, re.S).group(1)
    assert re.findall(r'class="ref-backlink"[^>]*>([^<]+)</a>', entry) == ["a", "b", "c", "d"]
    assert "citation 1 of 4 (source 1)" in entry


def test_a_writer_cannot_forge_citation_ids_labels_or_reference_anchors(sources):
    forged = (
        '<a id="cite-1" class="ref-backlink" aria-label="Source 9" href="#ref-1">x</a>\n\n'
        '<sup class="citation" id="cite-2"><a href="#ref-2" aria-label="Source 2">2</a></sup>\n\n'
        '<ol><li id="ref-1">fake</li></ol>\n\n'
        '<h2 id="cite-3">H</h2>\n\n<h2 id="references-heading">R</h2>\n\n'
        '<span class="visually-hidden" aria-hidden="true">hidden</span>\n\n'
        "## Also forged {#ref-2}\n\n## Dosing {#dosing}\n\nReal [@trial]."
    )
    rendered = markdown.render_article(forged)
    html = rendered.body_html
    assert _ids(html) == ["dosing", "cite-1"]  # the writer's heading, then our citation
    assert html.count("aria-label=") == 1  # only our "Source 1"
    assert 'aria-label="Source 9"' not in html and "ref-backlink" not in html
    assert 'class="visually-hidden"' not in html and "aria-hidden" not in html
    assert markdown.citation_anchors([html]) == {1: ["cite-1"]}
    # The same holds in a section.
    rendered = markdown.render_pages("Body [@trial].", "", [section("research", forged)])
    section_html = rendered.sections[0]["html"]["professional"]
    assert _ids(section_html) == ["dosing", "cite-2"]


def test_the_demo_drug_article_has_three_evidence_sections_and_grouped_references(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    article = Article.objects.get(slug="gabapentin-muscle-spasms")
    page = client.get(professional_url(article)).text
    assert evidence_headings(page) == ["From the guidelines", "From the drug label", "Research"]
    groups = re.findall(r'<h3 class="reference-group">([^<]+)</h3>', page)
    assert groups == ["Guidelines", "Drug labels and prescribing information", "Research"]
    assert len(set(_ids(page))) == len(_ids(page))
