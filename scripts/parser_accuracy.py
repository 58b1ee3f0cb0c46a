#!/usr/bin/env python
"""Field-level accuracy of the NLM citation parser on the real-citation corpus.

    .venv/bin/python scripts/parser_accuracy.py

Compares every key of ``as_json_dict()`` (authors, title, journal, year, month, volume, issue,
pages, doi, pmid, pmcid) with the expected value in tests/references/data/nlm_citations.json,
prints the accuracy overall and per field, then every mismatch. A line the parser rejects counts
all of its fields as wrong.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
# Run from anywhere without installing the project: the parser is plain Python.
sys.path.insert(0, str(REPO_ROOT))

from references.nlm import CitationParseError, parse_nlm_citation  # noqa: E402

CORPUS_PATH = REPO_ROOT / "tests" / "references" / "data" / "nlm_citations.json"


def main() -> int:
    corpus: list[dict[str, Any]] = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    mismatches: list[str] = []

    for number, case in enumerate(corpus, start=1):
        expected: dict[str, Any] = case["expected"]
        try:
            got: dict[str, Any] = parse_nlm_citation(case["text"]).as_json_dict()
        except CitationParseError as exc:
            got = {}
            mismatches.append(f"#{number}: rejected ({exc})\n    {case['text']}")
        for key, want in expected.items():
            total[key] += 1
            if key in got and got[key] == want:
                correct[key] += 1
            elif got:
                mismatches.append(
                    f"#{number} {key}: got {got.get(key)!r}, expected {want!r}\n    {case['text']}"
                )

    right, fields = sum(correct.values()), sum(total.values())
    print(f"Citations: {len(corpus)}")
    print(f"Field-level accuracy: {right}/{fields} = {100 * right / fields:.2f}%")
    for key in total:
        share = 100 * correct[key] / total[key]
        print(f"  {key:<8} {correct[key]:>4}/{total[key]:<4} {share:6.2f}%")
    print(f"Mismatches: {len(mismatches)}")
    for line in mismatches:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
