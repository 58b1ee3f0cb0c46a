"""CSL-JSON and RIS export; BibTeX, RIS and CSL-JSON import, duplicates found by identifier."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from references import exchange, services
from references.models import Reference
from references.nlm import parse_nlm_citation
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
COMPARED = [
    "key", "kind", "author", "title", "container_title", "year", "month", "day", "volume",
    "issue", "page", "doi", "pmid", "pmcid", "url", "accessed",
]  # fmt: skip


def _library() -> list[Reference]:
    return [
        ReferenceFactory(
            key="wiffen2017",
            kind=Reference.Kind.SYSTEMATIC_REVIEW,
            author=[{"family": "Wiffen", "given": "PJ"}, {"family": "Tölle", "given": "TR"}],
            title="Gabapentin for chronic neuropathic pain in adults",
            container_title="Cochrane Database Syst Rev",
            year=2017,
            month=6,
            day=9,
            volume="6",
            issue="6",
            page="CD007938",
            doi="10.1002/14651858.cd007938.pub4",
            pmid="28597471",
            pmcid="PMC6452908",
        ),
        ReferenceFactory(
            key="albu2015",
            kind=Reference.Kind.RESEARCH,
            author=[{"family": "Albu", "given": "S"}, {"family": "Gómez-Soriano", "given": "J"}],
            title="Deficient conditioned pain modulation after spinal cord injury",
            container_title="Pain",
            year=2015,
            month=2,
            volume="156",
            issue="2",
            page="260-272",
            doi="10.1097/01.j.pain.0000460306.48701.f9",
            pmid="25599447",
        ),
        ReferenceFactory(
            key="nice-cg173",
            kind=Reference.Kind.GUIDELINE,
            author=[{"literal": "National Institute for Health and Care Excellence"}],
            title="Neuropathic pain in adults: pharmacological management",
            container_title="NICE",
            year=2013,
            url="https://www.nice.org.uk/guidance/cg173",
            accessed=datetime.date(2024, 1, 5),
        ),
        ReferenceFactory(
            key="neurontin-label",
            kind=Reference.Kind.DRUG_LABEL,
            author=[{"literal": "Pfizer"}],
            title="Neurontin (gabapentin): prescribing information",
            container_title="U.S. Food and Drug Administration",
            year=2017,
            url="https://www.accessdata.fda.gov/neurontin.pdf",
        ),
        ReferenceFactory(
            key="harrison2018",
            kind=Reference.Kind.BOOK,
            author=[{"family": "Jameson", "given": "JL"}],
            title="Harrison's principles of internal medicine",
            container_title="",
            year=2018,
        ),
    ]


def _fields(reference: Reference) -> dict:
    return {name: getattr(reference, name) for name in COMPARED}


def _round_trip(export, name: str) -> tuple[list[dict], services.ImportReport]:
    """Export the library, empty it, import the file: returns (fields before, import report)."""
    originals = _library()
    expected = [_fields(r) for r in originals]
    upload = io.BytesIO(export(originals).encode())
    upload.name = name
    Reference.objects.all().delete()
    report = services.references_import(file=upload)
    return expected, report


def test_csl_json_export_uses_csl_names():
    item = exchange.to_csl_json(_library()[:1])[0]
    assert item["id"] == item["citation-key"] == "wiffen2017"
    assert item["type"] == "article-journal"
    assert item["genre"] == "Systematic review"
    assert item["container-title"] == "Cochrane Database Syst Rev"
    assert item["issued"] == {"date-parts": [[2017, 6, 9]]}
    assert (item["DOI"], item["PMID"], item["PMCID"]) == (
        "10.1002/14651858.cd007938.pub4",
        "28597471",
        "PMC6452908",
    )


def test_csl_json_round_trip_keeps_every_field():
    expected, report = _round_trip(lambda refs: json.dumps(exchange.to_csl_json(refs)), "r.json")
    assert report.skipped == [] and report.reused == []
    assert [_fields(r) for r in report.created] == expected


def test_csl_json_round_trip_keeps_a_name_suffix():
    reference = ReferenceFactory(
        key="smith2019", author=[{"family": "Smith", "given": "SC", "suffix": "Jr"}]
    )
    [entry] = exchange.read_csl_json(json.dumps(exchange.to_csl_json([reference])))
    assert entry.data["author"] == [{"family": "Smith", "given": "SC", "suffix": "Jr"}]


def test_a_quarter_printed_with_a_minus_sign_keeps_its_printed_months():
    parsed = parse_nlm_citation(
        "Smith AB. Sleep in shift workers. Occup Med. 2010 Apr\u2212Jun;60(3):200-205."
    )
    data = exchange.from_parsed_citation(parsed)
    assert (data["month"], data["month_printed"]) == (4, "Apr\u2212Jun")


def test_ris_export_is_tagged_and_has_no_record_numbers():
    text = exchange.to_ris(_library()[:2])
    lines = text.splitlines()
    assert lines[0] == "TY  - JOUR"
    assert "AU  - Wiffen, PJ" in lines
    assert "SP  - 260" in lines and "EP  - 272" in lines
    assert "AN  - 28597471" in lines and "C2  - PMC6452908" in lines
    assert not any(line.rstrip(".").isdigit() for line in lines)


def test_ris_round_trip_keeps_every_field():
    expected, report = _round_trip(exchange.to_ris, "refs.ris")
    assert report.skipped == [] and report.reused == []
    assert [_fields(r) for r in report.created] == expected


def test_importing_an_export_into_the_same_library_creates_nothing():
    references = _library()
    for text, name in (
        (exchange.to_ris(references), "a.ris"),
        (json.dumps(exchange.to_csl_json(references)), "a.json"),
    ):
        upload = io.BytesIO(text.encode())
        upload.name = name
        report = services.references_import(file=upload)
        assert report.created == []
        assert sorted(r.key for r in report.reused) == sorted(r.key for r in references)
    assert Reference.objects.count() == len(references)


def test_bibtex_import_detects_duplicates_by_identifier_and_skips_bad_entries():
    existing = ReferenceFactory(key="harrison-old", title="Harrison's Principles", doi="")
    with open(DATA / "library.bib", "rb") as handle:
        report = services.references_import(file=handle)
    created = {r.key: r for r in report.created}
    assert set(created) == {"wiffen2017", "harrison2018", "cdc-cramps"}
    wiffen = created["wiffen2017"]
    assert wiffen.doi == "10.1002/14651858.CD007938.pub4"
    assert wiffen.author[4] == {"family": "Tölle", "given": "Thomas Rudolf"}
    assert (wiffen.month, wiffen.pmid, wiffen.pmcid) == (6, "28597471", "PMC6452908")
    # The third entry repeats the first entry's DOI (in another case): reused, not duplicated.
    assert [r.pk for r in report.reused] == [wiffen.pk]
    assert report.skipped[0][0] == "badidentifier"
    assert "DOI" in report.skipped[0][1]
    assert created["harrison2018"].kind == Reference.Kind.BOOK
    assert created["harrison2018"].author[2] == {"literal": "Harrison's Editorial Board"}
    assert created["cdc-cramps"].kind == Reference.Kind.WEBPAGE
    assert created["cdc-cramps"].accessed == datetime.date(2024, 1, 5)
    assert Reference.objects.count() == 4
    assert existing.pk in Reference.objects.values_list("pk", flat=True)


def test_ris_import_reuses_a_reference_already_in_the_library_by_pmid():
    existing = ReferenceFactory(key="allen2012", pmid="22963024")
    with open(DATA / "pubmed_export.ris", "rb") as handle:
        report = services.references_import(file=handle)
    assert report.reused == [existing]
    [finnerup] = report.created
    assert finnerup.key == "finnerup2015"
    assert finnerup.kind == Reference.Kind.SYSTEMATIC_REVIEW
    assert finnerup.doi == "10.1016/S1474-4422(14)70251-0"
    assert finnerup.page == "162-173"


def test_an_imported_key_held_by_another_source_gets_a_new_key():
    ReferenceFactory(key="finnerup2015", title="A different paper", doi="10.1000/other")
    with open(DATA / "pubmed_export.ris", "rb") as handle:
        report = services.references_import(file=handle)
    assert sorted(r.key for r in report.created) == ["allen2012", "finnerup2015b"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"this is not a bibliography", "notes.txt", "Unrecognised file"),
        (b"@article{broken, title = {unclosed", "x.bib", "BibTeX"),
        (b"[1, 2", "x.json", "not valid JSON"),
        (b"AU  - Smith, J\nER  - \n", "x.ris", "TY  - "),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message_and_change_nothing(
    content, name, message
):
    upload = io.BytesIO(content)
    upload.name = name
    with pytest.raises(ValidationError, match=message):
        services.references_import(file=upload)
    assert not Reference.objects.exists()


def test_import_requires_permission_to_add_references(reviewer):
    upload = io.BytesIO(b"TY  - JOUR\nTI  - X\nER  - \n")
    upload.name = "x.ris"
    with pytest.raises(PermissionDenied):
        services.references_import(file=upload, user=reviewer)
