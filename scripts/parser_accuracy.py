#!/usr/bin/env python
"""Field-level accuracy of the NLM citation parser, on the tuned corpus and the held-out split.

    .venv/bin/python scripts/parser_accuracy.py            # both splits, tuned mismatches listed
    .venv/bin/python scripts/parser_accuracy.py --mismatches held-out   # audit the held-out labels

tests/references/data/nlm_citations.json is the corpus the parser was developed against;
tests/references/data/nlm_heldout.json was written before the parser changes it measures and
is never tuned on. Each entry is a real citation with its 11 expected fields (authors, title,
journal, year, month, volume, issue, pages, doi, pmid, pmcid), or a malformed string that must
be flagged (an error, or at least one warning). A citation the parser rejects counts all its
fields wrong. A month printed as a range or season ("Jul-Sep", "Winter") is expected as
printed; a single month may come back as its number.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# Run from anywhere without installing the project: the parser is plain Python.
sys.path.insert(0, str(REPO_ROOT))

from references.nlm import CitationParseError, parse_nlm_citation  # noqa: E402

DATA = REPO_ROOT / "tests" / "references" / "data"
SPLITS = {"tuned": DATA / "nlm_citations.json", "held-out": DATA / "nlm_heldout.json"}
FIELDS = (
    "authors", "title", "journal", "year", "month", "volume", "issue", "pages", "doi", "pmid",
    "pmcid",
)  # fmt: skip
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def field_matches(name: str, got: Any, want: Any) -> bool:
    if got == want:
        return True
    if name == "month" and isinstance(want, str) and isinstance(got, int):
        return want[:3].lower() in _MONTHS and _MONTHS.index(want[:3].lower()) + 1 == got
    return False


def evaluate(corpus: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-field counts, malformed inputs flagged, real citations flagged, and mismatches."""
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    mismatches: list[str] = []
    malformed = flagged_malformed = real = flagged_real = 0
    for number, case in enumerate(corpus, start=1):
        try:
            parsed = parse_nlm_citation(case["text"])
            got: dict[str, Any] = parsed.as_json_dict()
            flagged = bool(parsed.warnings)
        except CitationParseError as exc:
            got, flagged = {}, True
            if "expected" in case:
                mismatches.append(f"#{number}: rejected ({exc})\n    {case['text']}")
        if "malformed" in case:
            malformed += 1
            flagged_malformed += flagged
            if not flagged:
                mismatches.append(f"#{number}: malformed input not flagged\n    {case['text']}")
            continue
        real += 1
        flagged_real += flagged
        for key in FIELDS:
            want = case["expected"][key]
            total[key] += 1
            if got and field_matches(key, got.get(key), want):
                correct[key] += 1
            elif got:
                mismatches.append(
                    f"#{number} {key}: got {got.get(key)!r}, expected {want!r}\n    {case['text']}"
                )
    return {
        "correct": correct,
        "total": total,
        "mismatches": mismatches,
        "real": real,
        "flagged_real": flagged_real,
        "malformed": malformed,
        "flagged_malformed": flagged_malformed,
    }


def _cell(right: int, total: int) -> str:
    return f"{right:>8}/{total:<4} {100 * right / max(total, 1):6.2f}%"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--mismatches", choices=[*SPLITS, "none"], default="tuned", help="which split to detail"
    )
    args = parser.parse_args()
    results = {
        name: evaluate(json.loads(path.read_text(encoding="utf-8")))
        for name, path in SPLITS.items()
    }
    header = f"{'field':<10}" + "".join(f"{name:>22}" for name in results)
    print(header)
    for key in FIELDS:
        cells = "".join(_cell(r["correct"][key], r["total"][key]) for r in results.values())
        print(f"{key:<10}{cells}")
    cells = "".join(
        _cell(sum(r["correct"].values()), sum(r["total"].values())) for r in results.values()
    )
    print(f"{'ALL':<10}{cells}")
    for name, r in results.items():
        print(
            f"{name}: {r['real']} real citations ({r['flagged_real']} with a warning); "
            f"malformed flagged {r['flagged_malformed']}/{r['malformed']}"
        )
    if args.mismatches != "none":
        mismatches = results[args.mismatches]["mismatches"]
        print(f"\nMismatches on {args.mismatches}: {len(mismatches)}")
        for line in mismatches:
            print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
