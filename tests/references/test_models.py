"""Reference.clean() normalises identifiers, and the database enforces the same rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from references.models import Reference
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db


def _reference(**fields) -> Reference:
    defaults = {"key": "smith2021", "title": "A trial", "author": []}
    return Reference(**{**defaults, **fields})


def test_clean_strips_doi_prefixes_and_keeps_the_case_given():
    for written, stored in (
        ("https://doi.org/10.1002/14651858.CD007938.pub4", "10.1002/14651858.CD007938.pub4"),
        ("doi: 10.1002/14651858.CD007938.PUB4", "10.1002/14651858.CD007938.PUB4"),
        ("http://dx.doi.org/10.1002/14651858.cd007938.pub4.", "10.1002/14651858.cd007938.pub4"),
    ):
        reference = _reference(doi=written)
        reference.clean()
        assert reference.doi == stored


@pytest.mark.django_db
def test_the_same_doi_in_another_case_is_a_duplicate():
    _reference(key="a", doi="10.1002/14651858.CD007938.pub4").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _reference(key="b", doi="10.1002/14651858.cd007938.PUB4").save()


def test_clean_normalises_pmid_pmcid_and_lowercases_the_key():
    reference = _reference(key="Wiffen2017", pmid="PMID: 28597471", pmcid="pmc6452908")
    reference.clean()
    assert (reference.key, reference.pmid, reference.pmcid) == (
        "wiffen2017",
        "28597471",
        "PMC6452908",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("doi", "11.1002/abc"), ("doi", "10.12/abc"), ("pmid", "28597471x"), ("pmid", "0123")],
)
def test_clean_rejects_malformed_identifiers_on_their_field(field, value):
    with pytest.raises(ValidationError) as info:
        _reference(**{field: value}).clean()
    assert field in info.value.error_dict


def test_clean_rejects_a_pmcid_without_digits():
    with pytest.raises(ValidationError) as info:
        _reference(pmcid="PMCabc").clean()
    assert "PubMed Central" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("doi", "not-a-doi"),
        ("doi", "10.1000/../admin"),
        ("doi", "10.1000/abc?x"),
        ("pmid", "PMID 123"),
        ("pmcid", "6452908"),
        ("key", "Wiffen2017"),
        ("month", 13),
        ("day", 32),
    ],
)
def test_database_refuses_bad_values_saved_without_clean(field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        _reference(**{field: value}).save()


def test_database_refuses_the_same_doi_twice_whatever_its_case():
    ReferenceFactory(doi="10.1002/abc")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Written straight to the table, bypassing clean(): only the database stops it.
        Reference.objects.bulk_create([_reference(key="other", doi="10.1002/abc")])


@pytest.mark.parametrize(("field", "value"), [("pmid", "28597471"), ("pmcid", "PMC6452908")])
def test_database_refuses_duplicate_pubmed_identifiers(field, value):
    ReferenceFactory(**{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        _reference(key="other", **{field: value}).save()


def test_many_references_may_leave_identifiers_blank():
    ReferenceFactory(doi="", pmid="", pmcid="")
    ReferenceFactory(doi="", pmid="", pmcid="")
    assert Reference.objects.filter(doi="", pmid="").count() == 2


def test_str_names_key_and_title():
    assert str(_reference(title="Gabapentin for pain")) == "smith2021: Gabapentin for pain"


def test_links_point_to_doi_pubmed_and_pmc():
    reference = _reference(doi="10.1002/abc", pmid="123", pmcid="PMC9")
    assert reference.doi_url == "https://doi.org/10.1002/abc"
    assert reference.pubmed_url == "https://pubmed.ncbi.nlm.nih.gov/123/"
    assert reference.pmc_url == "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9/"


@pytest.mark.parametrize(
    "author",
    [
        "Wiffen PJ",
        ["Wiffen PJ"],
        [{"family": "Wiffen", "initials": "PJ"}],
        [{"given": "PJ"}],
        [{"family": 7}],
    ],
)
def test_clean_refuses_author_lists_that_are_not_csl_names(author):
    with pytest.raises(ValidationError) as info:
        _reference(author=author).clean()
    assert "author" in info.value.error_dict


def test_clean_accepts_people_and_group_authors():
    reference = _reference(
        author=[
            {"family": "Mauck", "given": "WM", "suffix": "3rd"},
            {"literal": "World Health Organization"},
        ]
    )
    reference.clean()
