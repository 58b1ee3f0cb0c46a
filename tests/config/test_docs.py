"""The README and docs/ stay short and point at things that exist.

The README is a front door, not a manual: at most 200 lines. Every relative link in it
and in docs/*.md leads to a file of the repository (and, with a #fragment, to one of that
page's headings), and every file path or dotted Python name the pages quote in backticks
(`articles/markdown.py`, `people.names.printed_name`) still exists: a module moved or
renamed without its documentation fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
README_MAX_LINES = 200

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
# Top-level folders a quoted path may start with.
TOP_LEVEL = {path.name for path in ROOT.iterdir() if path.is_dir() and path.name != ".git"}
# Apps whose dotted names (app.module.name) the pages quote.
APPS = {name for name in TOP_LEVEL if (ROOT / name / "apps.py").exists()}
# Quoted paths that are patterns or examples, not files: placeholders, globs, ellipses.
NOT_A_FILE = re.compile(r"[<>*…{}]|\s")


def _prose(markdown: str) -> str:
    """The text outside fenced code blocks (commands and diagrams are not checked)."""
    return FENCE.sub("", markdown)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    return {
        _slug(line.lstrip("#")) for line in _prose(markdown).splitlines() if line.startswith("#")
    }


def broken_links(page: Path) -> list[str]:
    problems = []
    for target in LINK.findall(_prose(page.read_text())):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        path, _, fragment = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists():
            problems.append(f"{page.name}: link to {target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked.read_text()):
            problems.append(f"{page.name}: link to {target}: no such heading in {linked.name}")
    return problems


def _defines(module: Path, name: str) -> bool:
    source = module.read_text()
    return bool(
        re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b|^{name}\s*[:=]", source, re.M)
    )


def _module_file(dotted: list[str]) -> Path | None:
    base = ROOT.joinpath(*dotted)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def missing_names(page: Path) -> list[str]:
    """Quoted repository paths and dotted names (app.module[.name]) that do not exist."""
    problems = []
    for quoted in CODE_SPAN.findall(_prose(page.read_text())):
        if NOT_A_FILE.search(quoted):
            continue
        first = re.split(r"[/.]", quoted, maxsplit=1)[0]
        if "/" in quoted and first in TOP_LEVEL:
            if not (ROOT / quoted.split("#")[0]).exists():
                problems.append(f"{page.name}: `{quoted}`: no such file or folder")
        elif re.fullmatch(r"[a-z_]+(\.[A-Za-z_]\w*)+", quoted) and first in APPS:
            parts = quoted.split(".")
            if parts[1][:1].isupper():  # a model's label, app.Model
                parts = [parts[0], "models", *parts[1:]]
            # The longest prefix that is a module; what follows is one name defined in it.
            for split in range(len(parts), 1, -1):
                if module := _module_file(parts[:split]):
                    rest = parts[split:]
                    if rest and not _defines(module, rest[0]):
                        where = module.relative_to(ROOT)
                        problems.append(f"{page.name}: `{quoted}`: {rest[0]} is not in {where}")
                    break
            else:
                problems.append(f"{page.name}: `{quoted}`: no such module")
    return problems


def test_the_readme_is_read_in_five_minutes():
    lines = len(README.read_text().splitlines())

    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_leads_somewhere(page):
    assert broken_links(page) == []


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_quoted_path_and_name_exists(page):
    assert missing_names(page) == []


def test_the_readme_links_every_page_of_the_docs():
    linked = set(LINK.findall(README.read_text()))

    assert {f"docs/{page.name}" for page in PAGES[1:]} <= linked


def test_the_checks_see_a_broken_link_a_wrong_anchor_and_a_moved_module(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "other.md").write_text("# Other\n\n## Caching and the CDN\n")
    page.write_text(
        "See [it](other.md#caching-and-the-cdn), [gone](missing.md), "
        "[wrong](other.md#caching), [web](https://example.org/x).\n"
        "`articles/no_such_module.py`, `people.names.no_such_function`, "
        "`people.names.printed_name`, `images/<sha256>/w960.webp`.\n"
        "```\n[in a fence](nowhere.md) `config/nowhere.py`\n```\n"
    )

    assert broken_links(page) == [
        "page.md: link to missing.md: no such file",
        "page.md: link to other.md#caching: no such heading in other.md",
    ]
    assert missing_names(page) == [
        "page.md: `articles/no_such_module.py`: no such file or folder",
        "page.md: `people.names.no_such_function`: no_such_function is not in people/names.py",
    ]
