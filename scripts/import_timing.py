#!/usr/bin/env python
"""Time reference imports on the inputs that used to tie up a worker (issue 10, defect 6).

    DATABASE_URL=postgres://… .venv/bin/python scripts/import_timing.py

Runs each input through references.services.references_import inside a transaction that is
rolled back, so the database is left as it was, and prints the wall time and the outcome,
slowest first. Accepted inputs must finish well under a second; the rest are refused.
"""

from __future__ import annotations

import json
import os
import sys
import time
from io import BytesIO
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "import-timing-only")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.db import transaction  # noqa: E402

from references import exchange, services  # noqa: E402


def _bib(n: int, *, title: str = "Trial", authors: int = 3) -> str:
    names = " and ".join(f"Surname{i}, Given {i}" for i in range(authors))
    return (
        f"@article{{e{n},\n  author = {{{names}}},\n  title = {{{title} {n}}},\n"
        f"  journal = {{BMJ}},\n  year = {{2021}},\n  doi = {{10.1000/bmj.{n}}}\n}}\n"
    )


def _ris(count: int, authors: int) -> str:
    return "".join(
        "TY  - JOUR\n"
        + "".join(f"AU  - Surname{i}, G\n" for i in range(authors))
        + f"TI  - Trial {n}\nJO  - BMJ\nPY  - 2021\nDO  - 10.1000/ris.{n}\nER  - \n\n"
        for n in range(count)
    )


def _csl(count: int, authors: int) -> str:
    return json.dumps(
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


def _nlm(count: int) -> str:
    authors = ", ".join(f"Surname{i} AB" for i in range(40))
    return "".join(
        f"{authors}. A trial of treatment {n}. BMJ. 2021 Jan;372:n{n}. doi: 10.1000/nlm.{n}.\n"
        for n in range(count)
    )


CAP = exchange.MAX_IMPORT_ENTRIES
CASES = {
    "BibTeX, one 400 kB title": (_bib(1, title="x" * 400_000), "a.bib"),
    "BibTeX, 4 MB file": (_bib(1, title="y" * 4 * 1024 * 1024), "a.bib"),
    f"BibTeX, {CAP} entries x 40 authors, 900-character titles (near every cap)": (
        "".join(_bib(n, authors=40, title="T" * 900) for n in range(CAP)),
        "a.bib",
    ),
    f"RIS, {CAP} entries x 40 authors, 900-character titles": (
        _ris(CAP, 40).replace("TI  - Trial", "TI  - " + "T" * 900),
        "a.ris",
    ),
    f"CSL-JSON, {CAP} entries x 40 authors, 300-character titles": (
        _csl(CAP, 40).replace('"title": "Trial', '"title": "' + "T" * 300),
        "a.json",
    ),
    f"NLM lines, {CAP} citations x 40 authors": (_nlm(CAP), "a.txt"),
    f"BibTeX, {CAP} entries x 60 authors (too many authors in all)": (
        "".join(_bib(n, authors=60) for n in range(CAP)),
        "a.bib",
    ),
    "CSL-JSON, '[' x 100000": ("[" * 100_000, "a.json"),
    f"RIS, {CAP + 1} entries": (_ris(CAP + 1, 1), "a.ris"),
}


class _Undo(Exception):
    pass


def main() -> int:
    rows = []
    for label, (text, name) in CASES.items():
        handle = BytesIO(text.encode())
        handle.name = name
        started = time.perf_counter()
        try:
            with transaction.atomic():
                report = services.references_import(file=handle)
                outcome = report.summary()
                raise _Undo
        except _Undo:
            pass
        except ValidationError as exc:
            outcome = "refused: " + " ".join(exc.messages)[:90]
        rows.append((time.perf_counter() - started, label, len(text), outcome))
    rows.sort(reverse=True)
    print(f"{'seconds':>8}  {'size':>9}  input / outcome")
    for seconds, label, size, outcome in rows:
        print(f"{seconds:8.3f}  {size:9,}  {label}\n{'':21}{outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
