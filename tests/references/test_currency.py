"""Source checks by kind: a flag on the review screen has to mean something."""

from __future__ import annotations

import datetime

import pytest

from references.currency import assess
from references.models import Reference, ReferenceEvent
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 1)
AGES = {"research": 5, "book": 10, "webpage": 3}


def findings(ref: Reference, **kwargs) -> list[tuple[str, str]]:
    return [(f.level, f.text) for f in assess(ref, ref, today=TODAY, ages=AGES, **kwargs)]


def test_a_current_drug_label_is_not_flagged_for_its_age():
    label = factories.ReferenceFactory(kind=Reference.Kind.DRUG_LABEL, year=2012)

    assert findings(label) == [("note", "Latest version in the library.")]


def test_a_guideline_with_a_newer_version_is_flagged_superseded():
    newer = factories.ReferenceFactory(key="nice2024", kind=Reference.Kind.GUIDELINE, year=2024)
    older = factories.ReferenceFactory(
        key="nice2019", kind=Reference.Kind.GUIDELINE, year=2019, superseded_by=newer
    )

    assert findings(older) == [
        ("warning", "Superseded by a newer version in the library: nice2024, 2024.")
    ]


def test_research_is_flagged_past_the_age_set_for_its_kind():
    old = factories.ReferenceFactory(kind=Reference.Kind.RESEARCH, year=2019)
    recent = factories.ReferenceFactory(kind=Reference.Kind.RESEARCH, year=2021)

    assert findings(old) == [
        ("warning", "Published 2019: older than the 5-year limit set for research sources.")
    ]
    assert findings(recent) == []


def test_a_book_has_a_longer_limit():
    book = factories.ReferenceFactory(kind=Reference.Kind.BOOK, year=2019)

    assert findings(book) == []


def test_a_web_page_is_judged_by_when_it_was_accessed():
    page = factories.ReferenceFactory(
        kind=Reference.Kind.WEBPAGE, year=2010, accessed=datetime.date(2021, 1, 5)
    )

    assert findings(page) == [
        (
            "warning",
            "Last accessed 2021-01-05: older than the 3-year limit set for web page sources.",
        )
    ]


def test_a_retraction_is_always_flagged_whatever_the_kind():
    label = factories.ReferenceFactory(kind=Reference.Kind.DRUG_LABEL, year=2024, retracted=True)

    assert ("alert", "Retracted by the publisher.") in findings(label)


def test_an_expression_of_concern_is_flagged_and_a_correction_noted():
    ref = factories.ReferenceFactory(year=2024)
    concern = ReferenceEvent.objects.create(reference=ref, kind=ReferenceEvent.Kind.CONCERN)
    correction = ReferenceEvent.objects.create(reference=ref, kind=ReferenceEvent.Kind.CORRECTION)

    levels = [level for level, _ in findings(ref, events=[concern, correction])]

    assert levels == ["warning", "note"]


def test_ages_come_from_settings(settings):
    settings.VETTED_SOURCE_MAX_AGE_YEARS = {"research": 1}
    ref = factories.ReferenceFactory(kind=Reference.Kind.RESEARCH, year=TODAY.year - 2)

    (finding,) = assess(ref, ref, today=TODAY)

    assert "1-year limit" in finding.text
