"""Importing survives bad bytes, database errors, big files, other encodings; search finds Müller.

These run on SQLite and PostgreSQL alike (set DATABASE_URL for the latter).
"""

from __future__ import annotations

import json
import re
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.urls import reverse

from references import exchange, services
from references.models import Reference, ReferenceQuerySet
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:references_reference_import")
CHANGELIST = reverse("admin:references_reference_changelist")


def _ris(count: int, *, start: int = 0) -> str:
    return "".join(
        f"TY  - JOUR\nAU  - Smith, J\nTI  - A study of treatment number {n}\n"
        f"JO  - BMJ\nPY  - 2021\nER  - \n\n"
        for n in range(start, start + count)
    )


def _bibtex(*titles: str) -> str:
    return "\n".join(
        f"@article{{entry{n},\n  author = {{Smith, John}},\n  title = {{{title}}},\n"
        f"  journal = {{BMJ}},\n  year = {{2021}}\n}}\n"
        for n, title in enumerate(titles, start=1)
    )


def _post(client, name: str, content: bytes):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def _run_command(tmp_path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    out = StringIO()
    call_command("import_references", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def fail_on_second_save(monkeypatch):
    """Call it to make the import's insert fail, and Reference.save fail on its second call."""

    def arm() -> None:
        original = Reference.save
        calls = {"n": 0}

        def bulk_create(self, objs, *args, **kwargs):
            # The one-statement insert is refused; the row-by-row diagnosis below names the entry.
            raise DatabaseError("value too long for type character varying(40)")

        monkeypatch.setattr(ReferenceQuerySet, "bulk_create", bulk_create)

        def save(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise DatabaseError("value too long for type character varying(40)")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Reference, "save", save)

    return arm


# --- control characters ------------------------------------------------------------------


def test_a_nul_character_in_a_bibtex_entry_is_removed_and_the_entry_imports(client, editor):
    client.force_login(editor)
    content = _bibtex("Gabapentin\x00 for pain", "Pregabalin for pain").encode()
    response = _post(client, "library.bib", content)
    assert response.status_code == 200
    assert "2 created, 0 reused (already in the library), 0 skipped." in response.content.decode()
    assert Reference.objects.get(key="entry1").title == "Gabapentin for pain"


def test_a_nul_escape_in_a_csl_json_author_is_removed_and_the_entry_imports(client, editor):
    client.force_login(editor)
    items = [{"id": "nul1", "type": "article-journal", "title": "A title\u0000 with a NUL",
              "author": [{"family": "M\u0000uller", "given": "H"}]}]  # fmt: skip
    response = _post(client, "library.json", json.dumps(items).encode())
    assert response.status_code == 200
    reference = Reference.objects.get(key="nul1")
    assert (reference.title, reference.author) == (
        "A title with a NUL",
        [{"family": "Muller", "given": "H"}],
    )


def test_clean_text_keeps_tabs_and_newlines_and_cleans_nested_values():
    value = {"title": "a\x00b\x1bc\td\ne", "author": [{"family": "x\x07y"}], "year": 2020}
    assert exchange.clean_text(value) == {
        "title": "abc\td\ne",
        "author": [{"family": "xy"}],
        "year": 2020,
    }


# --- all or nothing ----------------------------------------------------------------------


def test_a_database_error_mid_import_keeps_nothing_and_the_admin_page_says_so(
    client, editor, fail_on_second_save
):
    ReferenceFactory(key="kept")
    client.force_login(editor)
    fail_on_second_save()
    response = _post(client, "library.bib", _bibtex("First", "Second", "Third").encode())
    html = response.content.decode()
    assert response.status_code == 200
    assert "The import stopped at entry “entry2”" in html
    assert "Nothing from this file was imported" in html
    assert list(Reference.objects.values_list("key", flat=True)) == ["kept"]


def test_a_database_error_mid_import_makes_the_command_fail_and_keep_nothing(
    tmp_path, fail_on_second_save
):
    fail_on_second_save()
    with pytest.raises(CommandError, match="Nothing from this file was imported"):
        _run_command(tmp_path, "library.bib", _bibtex("First", "Second", "Third").encode())
    assert not Reference.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite stores NUL in text"
)
def test_a_real_database_refusal_rolls_back_the_whole_file_on_postgresql(monkeypatch):
    monkeypatch.setattr(exchange, "clean_text", lambda value: value)  # let the NUL through
    content = _bibtex("First", "Second\x00", "Third").encode()
    with pytest.raises(ValidationError, match="stopped at entry “entry2”"):
        services.references_import(file=BytesIO(content))
    assert not Reference.objects.exists()


# --- entry cap ---------------------------------------------------------------------------


def test_an_import_over_the_entry_cap_is_refused_and_writes_nothing(client, editor):
    client.force_login(editor)
    count = exchange.MAX_IMPORT_ENTRIES + 1
    response = _post(client, "big.ris", _ris(count).encode())
    html = response.content.decode()
    assert (
        f"This file has {count} entries; an import takes at most "
        f"{exchange.MAX_IMPORT_ENTRIES} at a time"
    ) in html
    assert not Reference.objects.exists()


def test_the_cap_also_applies_to_the_parsed_count(client, editor, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_IMPORT_ENTRIES", 2)
    # A quick count that misses every entry: the parsed count still catches the file.
    monkeypatch.setattr(exchange, "_BIBTEX_ENTRY_START", re.compile("(?!)"))
    content = _bibtex("First", "Second", "Third").encode()
    client.force_login(editor)
    response = _post(client, "library.bib", content)
    assert "This file has 3 entries" in response.content.decode()
    assert not Reference.objects.exists()


def test_the_command_applies_the_same_entry_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(exchange, "MAX_IMPORT_ENTRIES", 2)
    with pytest.raises(CommandError, match="an import takes at most 2"):
        _run_command(tmp_path, "library.ris", _ris(5).encode())
    assert not Reference.objects.exists()


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_a_ris_file_with_a_byte_order_mark_imports(client, editor, encoding):
    text = "TY  - JOUR\nAU  - Müller, H\nTI  - Schmerztherapie für Ältere\nPY  - 2020\nER  - \n"
    content = text.encode(encoding)
    if encoding == "utf-16-be":
        content = b"\xfe\xff" + content  # Python's utf-16-be writes no BOM of its own
    client.force_login(editor)
    response = _post(client, "export.ris", content)
    assert "1 created" in response.content.decode()
    reference = Reference.objects.get()
    assert reference.title == "Schmerztherapie für Ältere"
    assert reference.author == [{"family": "Müller", "given": "H"}]


def test_a_utf16_bibtex_file_imports(tmp_path):
    out = _run_command(tmp_path, "library.bib", _bibtex("Für Ältere").encode("utf-16"))
    assert "1 created" in out
    assert Reference.objects.get().title == "Für Ältere"


def test_a_latin1_file_without_a_bom_still_imports(tmp_path):
    out = _run_command(tmp_path, "library.bib", _bibtex("Für Ältere").encode("latin-1"))
    assert "1 created" in out
    assert Reference.objects.get().title == "Für Ältere"


# --- author search -----------------------------------------------------------------------


@pytest.mark.parametrize("term", ["Müller", "müller", "Müller gabapentin"])
def test_the_changelist_search_finds_a_non_ascii_author(client, editor, term):
    ReferenceFactory(
        key="muller2020",
        author=[{"family": "Müller", "given": "H"}],
        title="Gabapentin in older adults",
    )
    ReferenceFactory(key="smith2020", author=[{"family": "Smith", "given": "J"}])
    client.force_login(editor)
    response = client.get(CHANGELIST, {"q": term})
    keys = [r.key for r in response.context["cl"].result_list]
    assert keys == ["muller2020"]


def test_the_changelist_search_still_finds_a_non_ascii_title(client, editor):
    ReferenceFactory(key="aeltere", title="Schmerztherapie für Ältere")
    ReferenceFactory(key="other")
    client.force_login(editor)
    response = client.get(CHANGELIST, {"q": "für"})
    assert [r.key for r in response.context["cl"].result_list] == ["aeltere"]
