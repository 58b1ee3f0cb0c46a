"""External text over a field's limit: refused with a reason, or cut on purpose; never a
database error. Imports (BibTeX, RIS, CSL-JSON, NLM lines), the paste box and its
look-ups, the citation picker, retraction notes and check_sources."""

from __future__ import annotations

import json
from io import BytesIO

import httpx
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import text_limits
from references import lookup, services
from references.models import MAX_AUTHOR_CHARS, MAX_AUTHORS, Reference, ReferenceEvent
from tests import factories
from tests.references.test_lookup import RECORDED

pytestmark = pytest.mark.django_db

LONG_TITLE = "A trial of " + "very " * 300 + "long titles"  # 1,526 characters


def _import(content: str, name: str) -> services.ImportReport:
    handle = BytesIO(content.encode())
    handle.name = name
    return services.references_import(file=handle)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "library.json",
            json.dumps(
                [
                    {"id": "long", "type": "article-journal", "title": LONG_TITLE},
                    {"id": "fine", "type": "article-journal", "title": "A short title"},
                ]
            ),
        ),
        (
            "library.bib",
            f"@article{{long, title = {{{LONG_TITLE}}}, year = {{2020}}}}\n"
            "@article{fine, title = {A short title}, year = {2020}}\n",
        ),
        (
            "library.ris",
            f"TY  - JOUR\nID  - long\nTI  - {LONG_TITLE}\nER  - \n"
            "TY  - JOUR\nID  - fine\nTI  - A short title\nER  - \n",
        ),
    ],
    ids=["csl-json", "bibtex", "ris"],
)
def test_an_imported_title_over_the_limit_is_skipped_with_the_reason(name, content):
    report = _import(content, name)
    assert [ref.title for ref in report.created] == ["A short title"]
    [(_label, reason)] = report.skipped
    assert f"at most {text_limits.REFERENCE_TITLE} characters (it has {len(LONG_TITLE)})" in (
        reason
    )
    assert list(Reference.objects.values_list("title", flat=True)) == ["A short title"]


def test_an_nlm_line_with_an_over_long_title_is_skipped_with_the_reason():
    line = f"Smith J. {LONG_TITLE}. BMJ. 2020;370:m1.\nDoe J. A short title. BMJ. 2021;1:2.\n"
    report = _import(line, "list.txt")
    assert [ref.title for ref in report.created] == ["A short title"]
    assert "at most 1000 characters" in report.skipped[0][1]


def test_an_imported_author_name_over_the_limit_is_skipped_with_the_reason():
    item = {"id": "x", "type": "book", "title": "T", "author": [{"literal": "W" * 301}]}
    report = _import(json.dumps([item]), "x.json")
    reason = f"an author's name is longer than {MAX_AUTHOR_CHARS} characters."
    assert report.skipped == [("x", reason)]
    assert not Reference.objects.exists()


def test_the_model_holds_the_author_limits_too():
    reference = Reference(key="many", title="T", author=[{"family": "S"}] * (MAX_AUTHORS + 1))
    with pytest.raises(ValidationError) as refused:
        reference.clean()
    assert refused.value.message_dict["author"] == [
        f"At most {MAX_AUTHORS} authors (this lists {MAX_AUTHORS + 1}); list the first ones "
        "and end with “et al.”"
    ]
    reference.author = [{"family": "F" * 200, "given": "G" * 100}]
    with pytest.raises(ValidationError, match=r"at most 300 characters \(this one has 301\)"):
        reference.clean()


def test_get_or_create_refuses_an_over_long_title_by_field():
    with pytest.raises(ValidationError) as refused:
        services.reference_get_or_create(data={"title": LONG_TITLE, "kind": "research"})
    assert "title" in refused.value.message_dict
    assert not Reference.objects.exists()


def test_the_citation_picker_refuses_an_over_long_title_with_the_form_error(client, writer):
    client.force_login(writer)
    response = client.post(
        reverse("admin:references_reference_cite_add"),
        {
            "key": "long2020", "kind": "research", "title": LONG_TITLE, "year": "2020",
            **factories.author_form_data([{"family": "Smith", "given": "J"}]),
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert f"at most 1000 characters (it has {len(LONG_TITLE)})" in response.json()["html"]
    assert not Reference.objects.exists()


def test_an_editors_retraction_note_over_the_limit_is_refused_and_nothing_changes(editor):
    source = factories.ReferenceFactory()
    note = "n" * (text_limits.NOTE + 1)
    with pytest.raises(ValidationError, match="at most 2,000 characters"):
        services.set_retraction(reference=source, user=editor, retracted=True, note=note)
    source.refresh_from_db()
    assert not source.retracted and not source.events.exists()


# --- what PubMed and Crossref send ------------------------------------------------------


@pytest.fixture
def _lookups_on(settings, monkeypatch):
    settings.LOOKUP_ENABLED = True
    cache.clear()
    monkeypatch.setattr(lookup.time, "sleep", lambda seconds: None)
    yield
    cache.clear()


@pytest.mark.usefixtures("_lookups_on")
def test_a_consortium_papers_authors_are_cut_to_the_limit_with_a_warning(respx_mock):
    record = json.loads((RECORDED / "esummary_28597471.json").read_text())
    record["result"]["28597471"]["authors"] = [
        {"name": f"Member{i} A", "authtype": "Author"} for i in range(MAX_AUTHORS + 100)
    ]
    respx_mock.get(f"{lookup.EUTILS}/esummary.fcgi").mock(
        return_value=httpx.Response(200, json=record)
    )
    pasted = services.read_pasted_source(text="PMID: 28597471")
    assert len(pasted.looked_up["author"]) == MAX_AUTHORS
    assert pasted.looked_up["author"][0] == {"family": "Member0", "given": "A"}
    assert pasted.warnings["author"] == [
        f"PubMed lists {MAX_AUTHORS + 100} authors; the first {MAX_AUTHORS} are kept."
    ]
    Reference(**pasted.chosen()).clean()  # what fills the form is within the model's limits


@pytest.mark.usefixtures("_lookups_on")
def test_a_notice_with_a_very_long_title_is_recorded_cut_to_fit_once(respx_mock):
    source = factories.ReferenceFactory(doi="10.1002/14651858.cd007938.pub4")
    notice = json.loads((RECORDED / "crossref_updates_correction.json").read_text())
    notice["message"]["items"][0]["title"] = ["Correction " * 1_000]
    respx_mock.get(f"{lookup.CROSSREF}/works").mock(return_value=httpx.Response(200, json=notice))
    [check] = services.check_sources()
    assert check.outcome == services.CheckOutcome.CORRECTED
    event = ReferenceEvent.objects.get(reference=source)
    assert len(event.note) == text_limits.NOTE and event.note.endswith("…")
    assert event.notice == "doi:10.1002/14651858.cd007938.pub5"
    # The next check finds the same notice on record: nothing new.
    assert services.check_sources()[0].new_events == []
    assert ReferenceEvent.objects.filter(reference=source).count() == 1
