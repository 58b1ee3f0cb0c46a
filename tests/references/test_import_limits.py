"""Issue 10, defect 6: any import does work in proportion to its file, or is refused with a
reason.

Each case runs end to end through the real service (parsing, checks, database writes), its
work counted rather than timed (tests/work.py): function calls bounded by a constant times
the file's size, and a few queries whatever the number of entries. A parser that went
quadratic or backtracking on a long field, or rows written one query each, fails those
bounds; scripts/import_timing.py prints the figures in seconds.
"""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from references import exchange, services
from references.models import Reference
from tests.work import calls

pytestmark = pytest.mark.django_db

# Linear work: the costliest accepted file (500 BibTeX or RIS entries, 40 authors each)
# makes some 6 calls a byte of it; work quadratic in a 400 KB field would make thousands.
CALLS_PER_BYTE = 20
# However many entries: the look-up of the ones already in the library and the inserts.
QUERIES = 12


class _Upload(BytesIO):
    """An uploaded file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def _import(content: bytes, name: str, queries) -> tuple[object, int, _Upload]:
    """The import's result (or its refusal), the function calls it made, and the file,
    with at most QUERIES queries (the `django_assert_max_num_queries` fixture)."""
    handle = _Upload(content)
    handle.name = name
    with queries(QUERIES), calls() as count:
        try:
            result = services.references_import(file=handle)
        except ValidationError as exc:
            result = exc
    return result, count.calls, handle


def _linear(work: int, content: bytes) -> bool:
    return work <= CALLS_PER_BYTE * len(content) + 20_000


def _bibtex_entry(n: int, *, title: str, authors: int = 3) -> str:
    names = " and ".join(f"Surname{i}, Given {i}" for i in range(authors))
    return (
        f"@article{{e{n},\n  author = {{{names}}},\n  title = {{{title}}},\n"
        f"  journal = {{BMJ}},\n  year = {{2021}},\n  doi = {{10.1000/bmj.{n}}}\n}}\n"
    )


def test_a_400_kb_bibtex_title_is_skipped_quickly_with_the_reason(
    django_assert_max_num_queries,
):
    content = (_bibtex_entry(1, title="x" * 400_000) + _bibtex_entry(2, title="Fine")).encode()
    report, work, _ = _import(content, "big.bib", django_assert_max_num_queries)
    assert _linear(work, content), f"{work:,} calls for {len(content):,} bytes"
    assert [r.key for r in report.created] == ["e2"]
    label, reason = report.skipped[0]
    assert label == "e1"
    assert "title is 400,000 characters long" in reason


def test_a_4_mb_file_is_refused_before_it_is_read_and_nothing_changes(
    django_assert_max_num_queries,
):
    content = _bibtex_entry(1, title="y" * (4 * 1024 * 1024)).encode()
    error, work, upload = _import(content, "huge.bib", django_assert_max_num_queries)
    # One byte past the limit is read, to know the limit is passed; nothing is parsed.
    assert upload.bytes_read == exchange.MAX_IMPORT_BYTES + 1
    assert work <= 1_000, f"{work:,} calls"
    assert isinstance(error, ValidationError)
    assert "larger than 1 MB" in " ".join(error.messages)
    assert not Reference.objects.exists()


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_500_entries_with_40_authors_each_import_with_bounded_work(
    fmt, django_assert_max_num_queries
):
    count, authors = exchange.MAX_IMPORT_ENTRIES, 40
    if fmt == "bib":
        text = "".join(_bibtex_entry(n, title=f"Trial {n}", authors=authors) for n in range(count))
    elif fmt == "ris":
        text = "".join(
            "TY  - JOUR\n"
            + "".join(f"AU  - Surname{i}, G\n" for i in range(authors))
            + f"TI  - Trial {n}\nJO  - BMJ\nPY  - 2021\nDO  - 10.1000/ris.{n}\nER  - \n\n"
            for n in range(count)
        )
    else:
        text = json.dumps(
            [
                {
                    "id": f"c{n}",
                    "type": "article-journal",
                    "title": f"Trial {n}",
                    "DOI": f"10.1000/csl.{n}",
                    "author": [{"family": f"Surname{i}", "given": "G"} for i in range(authors)],
                }
                for n in range(count)
            ]
        )
    content = text.encode()
    report, work, _ = _import(content, f"library.{fmt}", django_assert_max_num_queries)
    assert len(report.created) == count
    assert _linear(work, content), f"{work:,} calls for {len(content):,} bytes"
    assert Reference.objects.count() == count


def test_importing_the_same_500_again_reuses_them_all_quickly(django_assert_max_num_queries):
    content = "".join(_bibtex_entry(n, title=f"Trial {n}", authors=20) for n in range(500)).encode()
    _import(content, "library.bib", django_assert_max_num_queries)
    report, work, _ = _import(content, "library.bib", django_assert_max_num_queries)
    assert (len(report.created), len(report.reused)) == (0, 500)
    assert _linear(work, content), f"{work:,} calls for {len(content):,} bytes"


def test_an_entry_with_too_many_authors_is_skipped_with_the_reason(
    django_assert_max_num_queries,
):
    item = {
        "id": "many",
        "type": "article-journal",
        "title": "A trial",
        "author": [{"family": f"S{i}"} for i in range(exchange.MAX_AUTHORS + 1)],
    }
    report, _, _ = _import(json.dumps([item]).encode(), "x.json", django_assert_max_num_queries)
    assert report.skipped == [
        ("many", f"it lists {exchange.MAX_AUTHORS + 1} authors; an entry may list at most 300.")
    ]


def test_a_deeply_nested_json_file_is_a_clear_error_not_a_crash(client, editor):
    """Issue 10, defect 9: "[" * 100000 used to raise RecursionError (a 500)."""
    client.force_login(editor)
    response = client.post(
        reverse("admin:references_reference_import"),
        {"file": SimpleUploadedFile("deep.json", b"[" * 100_000)},
    )
    assert response.status_code == 200
    assert "nests lists or objects too deeply" in response.content.decode()
    assert not Reference.objects.exists()


def test_a_file_naming_more_authors_than_the_cap_is_refused(django_assert_max_num_queries):
    content = "".join(_bibtex_entry(n, title=f"T {n}", authors=60) for n in range(400)).encode()
    error, work, _ = _import(content, "library.bib", django_assert_max_num_queries)
    assert isinstance(error, ValidationError)
    assert "names 24,000 authors in all; an import takes at most 20,000" in error.messages[0]
    assert _linear(work, content), f"{work:,} calls for {len(content):,} bytes"
