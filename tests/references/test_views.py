"""Public pages print numbered citations and the typed, linked list; exports are live-only."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.submission import check_submission
from reviews import services
from tests import factories
from tests.factories import ArticleFactory, ReferenceFactory

pytestmark = pytest.mark.django_db


def _live_article(*, writer, reviewer, references, slug):
    """An article citing `references` in order, taken live through the real workflow."""
    body = "\n\n".join(f"Claim {i} [@{r.key}]." for i, r in enumerate(references, start=1))
    article = factories.publish(writer=writer, reviewer=reviewer, slug=slug, body=body)
    article.refresh_from_db()
    assert article.live_revision_id is not None
    return article


_SERIAL = itertools.count(1)


def _sources(n: int):
    """n references, each with its own DOI, PMID and PMCID (so every link kind is printed)."""
    serials = [next(_SERIAL) for _ in range(n)]
    return [
        ReferenceFactory(doi=f"10.1000/test.{i}", pmid=str(1000 + i), pmcid=f"PMC{2000 + i}")
        for i in serials
    ]


def _queries_for(client, url: str) -> tuple[int, str]:
    cache.clear()  # both pages start cold, so shared cached fragments cannot skew the count
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_article_page_queries_do_not_grow_with_its_references(client, writer, reviewer):
    small = _live_article(writer=writer, reviewer=reviewer, references=_sources(2), slug="small")
    large = _live_article(writer=writer, reviewer=reviewer, references=_sources(50), slug="large")
    small_count, small_html = _queries_for(client, small.get_absolute_url())
    large_count, large_html = _queries_for(client, large.get_absolute_url())
    assert small_html.count('<li id="ref-') == 2
    assert large_html.count('<li id="ref-') == 50
    assert small_count == large_count
    assert large_count <= 10  # and the constant is small


def test_public_page_shows_superscripts_and_typed_linked_reference_list(client, writer, reviewer):
    review = ReferenceFactory(
        key="wiffen2017",
        kind="systematic_review",
        title="Gabapentin for chronic neuropathic pain in adults",
        doi="10.1002/14651858.cd007938.pub4",
        pmid="28597471",
        pmcid="PMC6452908",
    )
    label = ReferenceFactory(
        key="neurontin-label", kind="drug_label", url="https://example.org/label.pdf"
    )
    article = factories.publish(
        writer=writer,
        reviewer=reviewer,
        body="Helps some [@wiffen2017]. Side effects [@neurontin-label; @wiffen2017].",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    sups = [
        re.sub(r"<[^>]+>", "", s)
        for s in re.findall(r'<sup class="citation"[^>]*>(.*?)</sup>', html)
    ]
    assert sups == ["1", "1,2"]
    first = re.search(r'<li id="ref-1">(.*?)</li>', html, re.S).group(1)
    second = re.search(r'<li id="ref-2">(.*?)</li>', html, re.S).group(1)
    assert "Systematic review" in first and review.title in first
    assert 'href="https://doi.org/10.1002/14651858.cd007938.pub4"' in first
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/28597471/"' in first
    assert 'href="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6452908/"' in first
    assert "Drug label" in second and "[package insert]" in second
    assert f'href="{label.url}"' in second


def test_live_article_exports_its_references_as_csl_json_in_citation_order(
    client, writer, reviewer
):
    refs = _sources(3)
    article = _live_article(writer=writer, reviewer=reviewer, references=refs[::-1], slug="g")
    response = client.get("/articles/g/references.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)
    assert [i["id"] for i in items] == [r.key for r in refs[::-1]]
    assert items[0]["DOI"] == refs[2].doi
    assert article.slug == "g"


def test_live_article_exports_its_references_as_ris(client, writer, reviewer):
    refs = _sources(2)
    _live_article(writer=writer, reviewer=reviewer, references=refs, slug="ris-me")
    response = client.get("/articles/ris-me/references.ris")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-research-info-systems"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert text.count("TY  - JOUR") == 2
    assert f"DO  - {refs[0].doi}" in text


@pytest.mark.parametrize("suffix", ["references.json", "references.ris"])
def test_exports_are_404_for_anything_not_live(client, submitted, suffix):
    assert client.get(f"/articles/{submitted.slug}/{suffix}").status_code == 404
    assert client.get(f"/articles/no-such-article/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["references.json", "references.ris"])
def test_exports_are_404_once_archived(client, approved, editor, suffix):
    services.article_archive(article=approved, user=editor, reason="Superseded.")
    assert client.get(f"/articles/{approved.slug}/{suffix}").status_code == 404


def test_a_newline_in_a_title_cannot_forge_a_second_ris_record(client, writer, reviewer):
    """Issue 10, defect 7: every value stays inside its own record and line."""
    forged = ReferenceFactory(
        title="Real title\nER  - \nTY  - JOUR\nUR  - javascript:alert(1)\r\nTI  - Forged",
        container_title="BMJ\u2028ER  - ",
        author=[{"family": "Smith\nER  - ", "given": "J"}],
    )
    _live_article(writer=writer, reviewer=reviewer, references=[forged], slug="ris-forged")
    text = client.get("/articles/ris-forged/references.ris").content.decode()
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("TY  - ")] == ["TY  - JOUR"]
    assert [line for line in lines if line.startswith("ER  -")] == ["ER  - "]
    assert not any(line.startswith("UR  - ") for line in lines)
    assert "TI  - Real title ER - TY - JOUR UR - javascript:alert(1) TI - Forged" in lines


def test_reference_list_prints_identifiers_as_text_and_links_keeping_the_doi_case(
    client, writer, reviewer
):
    source = ReferenceFactory(
        doi="10.1002/14651858.CD007938.pub4", pmid="28597471", pmcid="PMC6452908"
    )
    _live_article(writer=writer, reviewer=reviewer, references=[source], slug="ids-as-text")
    html = client.get("/articles/ids-as-text/").content.decode()
    assert (
        'doi: <a href="https://doi.org/10.1002/14651858.CD007938.pub4">'
        "10.1002/14651858.CD007938.pub4</a>."
    ) in html
    assert 'PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/28597471/">28597471</a>' in html
    assert (
        'PMCID: <a href="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6452908/">PMC6452908</a>.'
    ) in html


def test_a_doi_cited_in_another_case_still_resolves(client, writer, reviewer):
    source = ReferenceFactory(doi="10.1002/14651858.CD007938.pub4")
    article = ArticleFactory(
        authors=[writer], slug="doi-case", body="Claim [@doi:10.1002/14651858.cd007938.PUB4]."
    )
    assert check_submission(article).ready
    services.article_submit(article=article, user=writer)
    assert article.revisions.get().reference_links.get().reference == source
