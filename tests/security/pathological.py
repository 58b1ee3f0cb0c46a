"""Inputs that once took a worker seconds or minutes to render, and their cousins.

Shared by the work-bounded tests (tests/security/test_bounded_rendering.py,
tests/references/test_nlm_parser.py) and scripts/pathological_bench.py, which times
them. Each is either rendered with work linear in its size or refused with a message;
the first group is the issue's own corpus.
"""

from __future__ import annotations

from articles.markdown import LIMITS


def _fill(unit: str, size: int = LIMITS.characters) -> str:
    """`unit` repeated to exactly `size` characters: the largest text a form accepts."""
    return (unit * (size // len(unit) + 1))[:size]


def _within_brackets(unit: str) -> str:
    """As many of `unit` as the "[" cap allows, padded with prose to the size cap."""
    head = unit * (LIMITS.brackets // max(unit.count("["), 1))
    return head + _fill("word ", LIMITS.characters - len(head))


ISSUE_CORPUS: dict[str, str] = {
    "[ x 20000": "[" * 20_000,
    "[ x 10000": "[" * 10_000,
    "[@ x 5000": "[@" * 5_000,
    "<b> x 100000": "<b>" * 100_000,
    "40000 distinct [@k]": " ".join(f"[@k{i}]" for i in range(40_000)),
    "5000 abbreviations": "".join(f"*[AB{i}]: term {i}\n" for i in range(5_000))
    + "\n"
    + " ".join(f"AB{i}" for i in range(5_000)),
    "<div> x 40000": "<div>" * 40_000,
    "'- ' x 500 + x": "- " * 500 + "x",
}

OWN_CORPUS: dict[str, str] = {
    # At the caps: the slowest texts a form accepts.
    "[ at the bracket cap": _within_brackets("["),
    "![ at the bracket cap": _within_brackets("!["),
    "[@ at the bracket cap": _within_brackets("[@"),
    "[a]( at the bracket cap": _within_brackets("[a]("),
    "[x][y at the bracket cap": _within_brackets("[x][y"),
    "300 distinct citations": " ".join(f"[@k{i}]" for i in range(LIMITS.cited_sources)),
    "301 distinct citations": " ".join(f"[@k{i}]" for i in range(LIMITS.cited_sources + 1)),
    "one huge citation group": "[" + "; ".join(f"@k{i}" for i in range(120)) + "]",
    "html tags at the cap": "<i><div>" * (LIMITS.html_tags // 2),
    "html tags over the cap": "<i><div>" * (LIMITS.html_tags // 2 + 1),
    "abbreviations at the cap": "".join(f"*[A{i}]: term {i}\n" for i in range(LIMITS.abbreviations))
    + "\n"
    + _fill(" ".join(f"A{i}" for i in range(LIMITS.abbreviations)) + " ", 40_000),
    "list items": _fill("- a\n"),
    "numbered items": _fill("1. a\n"),
    "nested lists to the limit": "".join("  " * i + "- x\n" for i in range(LIMITS.nesting // 2)),
    "nested lists past the limit": "".join(
        "  " * i + "- x\n" for i in range(LIMITS.nesting // 2 + 1)
    ),
    "200 nested lists": "".join("  " * i + "- x\n" for i in range(200)),
    "> x 5000": "> " * 5_000 + "x",
    "blockquotes to the limit": "> " * LIMITS.nesting + "x",
    "blockquotes past the limit": "> " * (LIMITS.nesting + 1) + "x",
    "emphasis": _fill("*a"),
    "strong": _fill("**a"),
    "unmatched underscores": _fill("_a "),
    "asterisks": _fill("*"),
    "backticks": _fill("`"),
    "backtick runs": _fill("`a``"),
    "angle brackets": _fill("<"),
    "autolinks": _fill("<http://a"),
    "entities": _fill("&#"),
    "named entities": _fill("&amp;"),
    "backslashes": _fill("\\"),
    "nested emphasis": "*" * 20_000 + "a" + "*" * 20_000,
    "wide table": "|" + "a|" * 5_000 + "\n|" + "-|" * 5_000 + "\n" + "|" + "x|" * 5_000,
    "long table": "|a|b|\n|-|-|\n" + _fill("|x|y|\n", LIMITS.characters - 12),
    "definition lists": _fill("a\n: b\n\n"),
    "heading ids": _fill("## a {#x}\n"),
    "setext headings": _fill("a\n=\n"),
    "fences": _fill("```\n"),
    "html comments": _fill("<!--"),
    "link reference definitions": "".join(f"[l{i}]: /u{i}\n" for i in range(1_000))
    + " ".join(f"[l{i}]" for i in range(1_000)),
    "one long word": _fill("a"),
    "null characters": _fill("\x00"),
    "combining marks": _fill("a\u0301\u0302\u0303"),
    "crlf lines": _fill("a\r\n"),
    "too long by one": _fill("a", LIMITS.characters + 1),
    "a megabyte": _fill("a", 1_000_000),
}

CORPUS: dict[str, str] = {**ISSUE_CORPUS, **OWN_CORPUS}

# Pasted citations (references.nlm): each unit repeated to the parser's length limit.
NLM_UNITS: list[str] = [
    "Smith AB. ",
    ". 2019",
    ". 2019;",
    "x. 2019 Jan 1:",
    "doi: 10.1000/",
    "PMID: PMCID: ",
    "(((((",
    "[[[[",
    "Smith AB, ",
    "a" * 50 + " ",
    ". Jan-",
]


def nlm_text(unit: str) -> str:
    """`unit` repeated to exactly the longest citation the parser accepts."""
    from references.nlm import MAX_CITATION_LENGTH  # noqa: PLC0415  (Django set up first)

    return _fill(unit, MAX_CITATION_LENGTH)
