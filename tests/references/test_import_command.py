"""manage.py import_references FILE loads a library file and prints what it did."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from references.models import Reference
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def _run(path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_references", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_created_reused_and_skipped_counts():
    out, err = _run(DATA / "library.bib")
    assert "3 created, 1 reused (already in the library), 1 skipped." in out
    assert "created  wiffen2017" in out
    assert "skipped  badidentifier" in err and "DOI" in err
    assert Reference.objects.count() == 3


def test_running_it_again_creates_nothing():
    _run(DATA / "pubmed_export.ris")
    out, _ = _run(DATA / "pubmed_export.ris")
    assert "0 created, 2 reused" in out
    assert Reference.objects.count() == 2


def test_reuses_sources_already_in_the_library():
    ReferenceFactory(key="finnerup", doi="10.1016/s1474-4422(14)70251-0")
    out, _ = _run(DATA / "pubmed_export.ris")
    assert "1 created, 1 reused" in out
    assert "reused   finnerup" in out


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="Cannot read"):
        _run(DATA / "no-such-file.bib")


def test_a_file_in_an_unknown_format_is_a_clear_error_and_changes_nothing(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Some notes, not a bibliography.")
    with pytest.raises(CommandError, match=r"BibTeX .*RIS .*CSL-JSON"):
        _run(path)
    assert not Reference.objects.exists()


def test_imports_a_pasted_nlm_reference_list_one_citation_per_line():
    ReferenceFactory(key="albu", pmid="25599447")
    out, err = _run(DATA / "reference_list.txt")
    assert "1 created, 1 reused (already in the library), 1 skipped." in out
    assert "created  wiffen2017" in out
    assert "skipped  See the attached leaflet" in err
    wiffen = Reference.objects.get(key="wiffen2017")
    assert wiffen.kind == Reference.Kind.SYSTEMATIC_REVIEW
    assert wiffen.author[0] == {"family": "Wiffen", "given": "PJ"}
    assert (wiffen.doi, wiffen.pmcid) == ("10.1002/14651858.CD007938.pub4", "PMC6452908")
