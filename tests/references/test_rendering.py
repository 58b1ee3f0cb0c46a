"""Inline citations render as numbered superscripts (Vancouver) with the reference list."""

from __future__ import annotations

import re

import pytest

from articles.markdown import markdownify, render_article
from references.citations import compress_numbers
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db


def _sups(html: str) -> list[str]:
    """The visible text of each citation superscript, e.g. ['1', '1,2', '1–3']."""
    return [
        re.sub(r"<[^>]+>", "", s)
        for s in re.findall(r'<sup class="citation"[^>]*>(.*?)</sup>', html)
    ]


@pytest.fixture
def refs():
    return [ReferenceFactory(key=k) for k in ("alpha", "beta", "gamma", "delta")]


def test_sources_are_numbered_in_order_of_first_citation(refs):
    rendered = render_article("First [@gamma]. Then [@alpha]. Again [@gamma].")
    assert _sups(rendered.body_html) == ["1", "2", "1"]
    assert [r.key for r in rendered.references] == ["gamma", "alpha"]


def test_a_group_of_two_prints_as_a_pair(refs):
    rendered = render_article("Both [@alpha; @beta].")
    assert _sups(rendered.body_html) == ["1,2"]


def test_a_run_of_three_or_more_prints_as_a_range(refs):
    rendered = render_article("Intro [@delta]. All [@alpha; @beta; @gamma; @delta].")
    # delta is 1, alpha 2, beta 3, gamma 4: the group is 1-4 in number order.
    assert _sups(rendered.body_html) == ["1", "1–4"]
    # A range is one link, to its first source, named for the whole range.
    assert re.findall(r'href="#ref-(\d+)"', rendered.body_html) == ["1", "1"]
    assert 'aria-label="Sources 1 to 4">1–4</a>' in rendered.body_html


def test_repeated_source_in_a_group_is_cited_once(refs):
    assert _sups(render_article("[@alpha; @alpha; @beta]").body_html) == ["1,2"]


def test_compress_numbers_mixes_runs_pairs_and_singles():
    assert compress_numbers([5, 1, 2, 3, 7, 8, 10]) == [(1, 3), (5, 5), (7, 7), (8, 8), (10, 10)]


def test_identifier_keys_resolve_to_the_same_reference_as_its_key():
    ReferenceFactory(
        key="wiffen2017", doi="10.1002/14651858.cd007938.pub4", pmid="28597471", pmcid="PMC6452908"
    )
    rendered = render_article(
        "A [@wiffen2017]. B [@pmid:28597471]. C [@doi:10.1002/14651858.CD007938.pub4]. "
        "D [@pmcid:PMC6452908]."
    )
    assert _sups(rendered.body_html) == ["1", "1", "1", "1"]
    assert len(rendered.references) == 1
    assert rendered.unresolved_keys == []


def test_unresolved_keys_are_named_and_flagged_in_the_text(refs):
    rendered = render_article("Known [@alpha]. Unknown [@nosuch; @pmid:99999999].")
    assert rendered.unresolved_keys == ["nosuch", "pmid:99999999"]
    # Unmistakable, with the reason, and never a number.
    assert _sups(rendered.body_html) == ["1"]
    marks = re.findall(r'<mark class="citation-missing">(.*?)</mark>', rendered.body_html)
    assert [re.sub(r"<[^>]+>", "", mark) for mark in marks] == [
        "⚠ [@nosuch] no source in the library has this key",
        "⚠ [@pmid:99999999] no source in the library has this PMID; add it with “Cite”",
    ]


def test_citations_in_code_are_left_as_written(refs):
    body = "Cite like `[@alpha]`.\n\n```\n[@nosuch]\n```\n\nReal one [@beta]."
    rendered = render_article(body)
    assert "[@alpha]" in rendered.body_html
    assert "[@nosuch]" in rendered.body_html
    assert rendered.unresolved_keys == []
    assert [r.key for r in rendered.references] == ["beta"]


def test_html_and_script_in_the_body_and_keys_are_sanitised(refs):
    # Mid-line, so this is one paragraph (CommonMark makes a line that starts with
    # <script> a raw HTML block, sanitised as a whole: see the next test).
    body = (
        'Intro <script>alert(1)</script><img src=x onerror="alert(2)"> '
        "[@<img src=x onerror=alert(3)>] [@alpha] [link](javascript:alert(4))"
    )
    html = render_article(body).body_html
    assert "<script" not in html
    # The bad key survives only as escaped text; no tag carries an event handler.
    assert re.search(r"<[^>]*onerror", html) is None
    assert "&lt;img src=x onerror=alert(3)&gt;" in html
    # The javascript: link is refused: it stays as the text the writer typed.
    assert re.search(r"<a[^>]*javascript:", html) is None
    assert _sups(html)[-1] == "1"


def test_a_raw_html_block_is_sanitised_as_a_whole(refs):
    body = '<script>alert(1)</script><img src=x onerror="alert(2)"> [@alpha]\n\nText [@alpha].'
    html = render_article(body).body_html
    assert "<script" not in html
    assert "alert(1)" not in html
    assert re.search(r"<[^>]*onerror", html) is None
    assert _sups(html) == ["1"]


def test_professional_section_continues_the_numbering(refs):
    rendered = render_article("[@alpha]", "[@beta] and [@alpha]")
    assert _sups(rendered.professional_html) == ["2", "1"]


def test_preview_shows_the_numbered_typed_linked_reference_list():
    ReferenceFactory(key="wiffen2017", kind="systematic_review", doi="10.1002/x", pmid="28597471")
    html = markdownify("Gabapentin helps some people [@wiffen2017].")
    assert '<li id="ref-1">' in html
    assert "Systematic review" in html
    assert 'href="https://doi.org/10.1002/x"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/28597471/"' in html
    assert "<script" not in html


def test_resolving_citations_is_one_query_whatever_their_number(django_assert_num_queries):
    keys = [ReferenceFactory().key for _ in range(30)]
    body = " ".join(f"[@{k}]" for k in keys)
    with django_assert_num_queries(1):
        rendered = render_article(body)
    assert len(rendered.references) == 30
