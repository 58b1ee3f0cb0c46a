"""reference_get_or_create reuses sources by identifier, even when requests race."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from references import services
from references.models import Reference
from references.nlm import parse_nlm_citation
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db

WIFFEN = {
    "kind": "systematic_review",
    "author": [{"family": "Wiffen", "given": "PJ"}],
    "title": "Gabapentin for chronic neuropathic pain in adults",
    "container_title": "Cochrane Database Syst Rev",
    "year": 2017,
    "doi": "10.1002/14651858.CD007938.pub4",
    "pmid": "28597471",
}


def test_creates_with_normalised_identifiers_and_a_suggested_key():
    reference, created = services.reference_get_or_create(data=WIFFEN)
    assert created
    assert reference.key == "wiffen2017"
    assert reference.doi == "10.1002/14651858.CD007938.pub4"


@pytest.mark.parametrize(
    "identifier",
    [
        {"doi": "https://doi.org/10.1002/14651858.CD007938.PUB4"},
        {"doi": "doi:10.1002/14651858.cd007938.pub4"},
        {"pmid": "PMID: 28597471"},
        {"pmcid": "pmc6452908"},
    ],
)
def test_a_known_identifier_reuses_the_existing_reference(identifier):
    existing = ReferenceFactory(
        key="wiffen2017", doi="10.1002/14651858.cd007938.pub4", pmid="28597471", pmcid="PMC6452908"
    )
    data = {"title": "Same source, typed differently", "author": [], **identifier}
    reference, created = services.reference_get_or_create(data=data)
    assert not created
    assert reference == existing
    assert Reference.objects.count() == 1


def test_suggested_keys_do_not_collide():
    ReferenceFactory(key="wiffen2017")
    ReferenceFactory(key="wiffen2017b")
    reference, _ = services.reference_get_or_create(data={**WIFFEN, "doi": "", "pmid": ""})
    assert reference.key == "wiffen2017c"


def test_bad_identifier_is_refused_with_a_field_error_and_nothing_saved():
    with pytest.raises(ValidationError) as info:
        services.reference_get_or_create(data={**WIFFEN, "doi": "10.1002 spaces/x"})
    assert "doi" in info.value.error_dict
    assert not Reference.objects.exists()


def test_a_taken_key_without_matching_identifier_is_refused():
    ReferenceFactory(key="wiffen2017")
    with pytest.raises(ValidationError) as info:
        services.reference_get_or_create(data={**WIFFEN, "key": "wiffen2017"})
    assert "key" in info.value.error_dict


def test_data_from_a_pasted_nlm_citation():
    parsed = parse_nlm_citation(
        "Wiffen PJ, Derry S, Bell RF, Rice AS, Tölle TR, Phillips T, Moore RA. Gabapentin for "
        "chronic neuropathic pain in adults. Cochrane Database Syst Rev. 2017 Jun 9;6(6):CD007938. "
        "doi: 10.1002/14651858.CD007938.pub4. PMID: 28597471; PMCID: PMC6452908."
    )
    data = services.reference_data_from_citation(parsed)
    assert data["author"][:2] == [
        {"family": "Wiffen", "given": "PJ"},
        {"family": "Derry", "given": "S"},
    ]
    assert data["kind"] == Reference.Kind.SYSTEMATIC_REVIEW
    assert (data["key"], data["year"], data["month"], data["page"]) == (
        "wiffen2017",
        2017,
        6,
        "CD007938",
    )
    reference, created = services.reference_get_or_create(data=data)
    assert created
    assert (reference.doi, reference.pmcid) == ("10.1002/14651858.CD007938.pub4", "PMC6452908")


@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_of_one_doi_makes_one_row():
    """Eight requests create the same DOI at the same instant: one row, one pk for all."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    barrier = threading.Barrier(8)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait(timeout=10)
            reference, created = services.reference_get_or_create(
                data={**WIFFEN, "doi": "https://doi.org/10.1002/14651858.CD007938.PUB4"}
            )
            results.append((reference.pk, created))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Reference.objects.count() == 1
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert len(results) == 8


def test_editor_deletes_an_uncited_reference(editor):
    reference = ReferenceFactory()
    services.reference_delete(reference=reference, user=editor)
    assert not Reference.objects.filter(pk=reference.pk).exists()


def test_writer_cannot_delete_a_reference(writer):
    reference = ReferenceFactory()
    with pytest.raises(PermissionDenied):
        services.reference_delete(reference=reference, user=writer)
    assert Reference.objects.filter(pk=reference.pk).exists()


def test_reference_cited_by_an_approved_revision_cannot_be_deleted(approved, editor):
    reference = approved.live_revision.references.get()
    with pytest.raises(ValidationError, match="approved article revision"):
        services.reference_delete(reference=reference, user=editor)
    assert Reference.objects.filter(pk=reference.pk).exists()


def test_reference_cited_by_a_revision_under_review_is_kept_too(submitted, editor):
    reference = submitted.current_revision.references.get()
    with pytest.raises(ValidationError, match="submitted for review"):
        services.reference_delete(reference=reference, user=editor)


def test_a_pasted_quarterly_citation_keeps_its_months_as_printed():
    parsed = parse_nlm_citation(
        "Ranganathan P, Pramesh CS, Aggarwal R. Common pitfalls in statistical analysis: Logistic "
        "regression. Perspect Clin Res. 2017 Jul-Sep;8(3):148-151. doi: 10.4103/picr.PICR_87_17."
    )
    reference, _ = services.reference_get_or_create(
        data=services.reference_data_from_citation(parsed)
    )
    assert (reference.year, reference.month, reference.month_printed) == (2017, 7, "Jul-Sep")
