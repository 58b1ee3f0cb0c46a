"""References print in NLM/Vancouver and AMA style from their structured fields."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template

from demo.references import REFERENCES
from references import formatting, vocabulary
from references.models import Reference
from references.nlm import parse_nlm_citation

SEVEN = [
    {"family": "Wiffen", "given": "Philip J"},
    {"family": "Derry", "given": "S"},
    {"family": "Bell", "given": "RF"},
    {"family": "Rice", "given": "A. S. C."},
    {"family": "Tölle", "given": "TR"},
    {"family": "Phillips", "given": "T"},
    {"family": "Moore", "given": "RA"},
]


def _cochrane(**fields) -> Reference:
    data = {
        "key": "wiffen2017",
        "kind": Reference.Kind.SYSTEMATIC_REVIEW,
        "author": SEVEN,
        "title": "Gabapentin for chronic neuropathic pain in adults",
        "container_title": "Cochrane Database Syst Rev",
        "year": 2017,
        "month": 6,
        "day": 9,
        "volume": "6",
        "issue": "6",
        "page": "CD007938",
        "doi": "10.1002/14651858.cd007938.pub4",
    }
    return Reference(**{**data, **fields})


def test_vancouver_journal_article_with_article_number_and_seven_authors():
    assert formatting.vancouver(_cochrane()) == (
        "Wiffen PJ, Derry S, Bell RF, Rice ASC, Tölle TR, Phillips T, et al. Gabapentin for "
        "chronic neuropathic pain in adults. Cochrane Database Syst Rev. 2017 Jun 9;6(6):CD007938. "
        "doi: 10.1002/14651858.cd007938.pub4"
    )


def test_ama_journal_article_lists_three_then_et_al_and_only_the_year():
    assert formatting.ama(_cochrane()) == (
        "Wiffen PJ, Derry S, Bell RF, et al. Gabapentin for chronic neuropathic pain in adults. "
        "Cochrane Database Syst Rev. 2017;6(6):CD007938. doi:10.1002/14651858.cd007938.pub4"
    )


@pytest.mark.parametrize("style", [formatting.vancouver, formatting.ama])
def test_six_authors_are_all_listed_in_both_styles(style):
    text = style(_cochrane(author=SEVEN[:6]))
    assert text.startswith("Wiffen PJ, Derry S, Bell RF, Rice ASC, Tölle TR, Phillips T. ")
    assert "et al" not in text


def test_group_author_prints_as_written_among_people():
    ref = _cochrane(
        kind=Reference.Kind.GUIDELINE,
        author=[
            {"family": "Qaseem", "given": "A"},
            {"literal": "Clinical Guidelines Committee of the American College of Physicians"},
        ],
    )
    assert formatting.vancouver(ref).startswith(
        "Qaseem A, Clinical Guidelines Committee of the American College of Physicians. "
    )


def test_supplement_issue_and_page_range():
    ref = _cochrane(
        kind=Reference.Kind.RESEARCH,
        author=[{"family": "Smith", "given": "J"}],
        title="Pain after surgery",
        container_title="Br J Anaesth",
        year=2019,
        month=None,
        day=None,
        volume="123",
        issue="Suppl 2",
        page="e112-e120",
        doi="",
    )
    assert formatting.vancouver(ref) == (
        "Smith J. Pain after surgery. Br J Anaesth. 2019;123(Suppl 2):e112-e120."
    )
    assert formatting.ama(ref) == (
        "Smith J. Pain after surgery. Br J Anaesth. 2019;123(Suppl 2):e112-e120."
    )


def test_title_ending_in_a_question_mark_keeps_it():
    ref = _cochrane(title="Does gabapentin help?", author=SEVEN[:1], doi="")
    assert "Wiffen PJ. Does gabapentin help? Cochrane" in formatting.vancouver(ref)


def test_web_page_has_internet_label_cited_date_and_url():
    ref = Reference(
        key="cdc2023",
        kind=Reference.Kind.WEBPAGE,
        author=[{"literal": "Centers for Disease Control and Prevention"}],
        title="About muscle cramps",
        container_title="CDC",
        year=2023,
        month=5,
        day=2,
        url="https://www.cdc.gov/cramps",
        accessed=datetime.date(2024, 1, 5),
    )
    assert formatting.vancouver(ref) == (
        "Centers for Disease Control and Prevention. About muscle cramps [Internet]. "
        "CDC; 2023 May 2 [cited 2024 Jan 5]. Available from: https://www.cdc.gov/cramps"
    )
    assert formatting.ama(ref) == (
        "Centers for Disease Control and Prevention. About muscle cramps. CDC. "
        "Published May 2, 2023. Accessed January 5, 2024. https://www.cdc.gov/cramps"
    )


def test_book_gives_publisher_and_year():
    ref = Reference(
        key="harrison",
        kind=Reference.Kind.BOOK,
        author=[{"family": "Jameson", "given": "J Larry"}, {"family": "Fauci", "given": "AS"}],
        title="Harrison's principles of internal medicine",
        publisher="McGraw-Hill Education",
        year=2018,
    )
    expected = (
        "Jameson JL, Fauci AS. Harrison's principles of internal medicine. "
        "McGraw-Hill Education; 2018."
    )
    assert formatting.vancouver(ref) == expected
    assert formatting.ama(ref) == expected


def test_drug_label_is_a_package_insert_from_its_manufacturer():
    ref = Reference(
        key="neurontin",
        kind=Reference.Kind.DRUG_LABEL,
        author=[{"literal": "Pfizer"}],
        title="Neurontin (gabapentin): prescribing information",
        publisher="Pfizer",
        year=2017,
        url="https://example.org/neurontin.pdf",
        accessed=datetime.date(2024, 3, 1),
    )
    assert formatting.vancouver(ref) == (
        "Pfizer. Neurontin (gabapentin): prescribing information [package insert]. "
        "Pfizer; 2017 [cited 2024 Mar 1]. Available from: https://example.org/neurontin.pdf"
    )
    assert formatting.ama(ref) == (
        "Pfizer. Neurontin (gabapentin): prescribing information. Package insert. Pfizer; "
        "2017. Accessed March 1, 2024. https://example.org/neurontin.pdf"
    )


def test_guideline_from_an_issuing_body_prints_like_a_web_document():
    ref = Reference(
        key="nice-cg173",
        kind=Reference.Kind.GUIDELINE,
        author=[{"literal": "National Institute for Health and Care Excellence"}],
        title="Neuropathic pain in adults: pharmacological management",
        publisher="NICE",
        year=2013,
        month=11,
        url="https://www.nice.org.uk/guidance/cg173",
    )
    assert formatting.vancouver(ref) == (
        "National Institute for Health and Care Excellence. Neuropathic pain in adults: "
        "pharmacological management [Internet]. NICE; 2013 Nov. "
        "Available from: https://www.nice.org.uk/guidance/cg173"
    )


def test_retracted_source_says_so():
    assert formatting.vancouver(_cochrane(retracted=True)).endswith("[Retracted]")


def test_format_reference_refuses_an_unknown_style():
    with pytest.raises(ValueError, match="Unknown citation style"):
        formatting.format_reference(_cochrane(), "harvard")


def test_template_filters_escape_the_text():

    ref = _cochrane(title="<b>Bold</b> claims", author=[], doi="")
    html = Template("{% load references %}{{ ref|vancouver }} | {{ ref|ama }}").render(
        Context({"ref": ref})
    )
    assert "<b>" not in html
    assert html.count("&lt;b&gt;Bold&lt;/b&gt; claims") == 2


def _demo_references() -> list[Reference]:

    return [Reference(**data) for data in REFERENCES]


@pytest.mark.parametrize("ref", _demo_references(), ids=lambda r: r.key)
def test_demo_sources_are_valid_and_already_normalised(ref):
    before = {name: getattr(ref, name) for name in ("key", "doi", "pmid", "pmcid")}
    ref.clean()
    assert {name: getattr(ref, name) for name in before} == before


@pytest.mark.parametrize(
    "ref",
    [r for r in _demo_references() if r.container_title and r.volume],
    ids=lambda r: r.key,
)
def test_vancouver_output_reads_back_through_the_nlm_parser(ref):
    """What we print is a citation PubMed tools (and our own paste box) read back unchanged."""

    parsed = parse_nlm_citation(formatting.vancouver(ref))
    assert parsed.title == ref.title
    assert parsed.journal == ref.container_title
    assert (parsed.year, parsed.month, parsed.volume) == (ref.year, ref.month, ref.volume)
    assert (parsed.issue or "", parsed.pages) == (ref.issue, ref.page)
    assert (parsed.doi or "") == ref.doi
    expected_authors = [vocabulary.nlm_name(a) for a in ref.author][:6]
    assert parsed.authors == expected_authors
    assert parsed.et_al == (len(ref.author) > 6)


def test_vancouver_prints_pmid_and_pmcid_as_text_after_the_doi():
    text = formatting.vancouver(
        _cochrane(doi="10.1002/14651858.CD007938.pub4", pmid="28597471", pmcid="PMC6452908")
    )
    assert text.endswith(
        "CD007938. doi: 10.1002/14651858.CD007938.pub4. PMID: 28597471; PMCID: PMC6452908."
    )


def test_vancouver_prints_a_pmid_without_a_doi():
    assert formatting.vancouver(_cochrane(doi="", pmid="28597471")).endswith(
        "6(6):CD007938. PMID: 28597471."
    )


def test_a_quarterly_issue_prints_its_months_as_the_journal_does():
    ref = _cochrane(month=7, day=None, month_printed="Jul-Sep", doi="")
    assert "Cochrane Database Syst Rev. 2017 Jul-Sep;6(6):CD007938." in formatting.vancouver(ref)
