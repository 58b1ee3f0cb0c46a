"""docs/configuration.md and config/settings.py agree: every environment variable the
settings read is documented there, each once, and every variable documented there is read.
The other pages (README.md, docs/*.md) name a variable only as the reference does.

The settings are parsed, not imported, so that a variable read only on some branch
(MEDIA_STORAGE=s3, DEBUG off, PostgreSQL) counts too.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings.py"
REFERENCE = ROOT / "docs" / "configuration.md"

# django-environ's methods that read the variable named by their first argument.
READING = {
    "bool", "bytes", "cache", "cache_url", "db", "db_url", "decimal", "dict", "email",
    "email_url", "float", "get_value", "int", "json", "list", "path", "search_url", "str",
    "tuple", "url",
}  # fmt: skip
# Its methods that parse a value handed to them, and read no variable.
NOT_READING = {
    "cache_url_config", "db_url_config", "email_url_config", "parse_value", "read_env",
    "search_url_config",
}  # fmt: skip
# The reference's tables of variables: a header row whose first cell is "Variable".
TABLE_HEADER = re.compile(r"^\|\s*Variable\s*\|")
VARIABLE = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


def _read_variable(call: ast.Call) -> str | None:
    """The variable `call` reads from the environment, or None if it reads none."""
    function = call.func
    if isinstance(function, ast.Name) and function.id == "env":
        method = "__call__"
    elif isinstance(function, ast.Attribute) and _is_name(function.value, "env"):
        method = function.attr
        if method in NOT_READING:
            return None
        assert method in READING, f"line {call.lineno}: env.{method}() is unknown to this test"
    elif _is_os_environ_read(function):
        method = f"os.{ast.unparse(function)}"
    else:
        return None
    first = call.args[0] if call.args else None
    assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
        f"line {call.lineno}: {method}() must name its variable with a string literal"
    )
    return first.value


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_os_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and _is_name(node.value, "os")


def _is_os_environ_read(function: ast.AST) -> bool:
    """os.getenv(…), os.environ.get(…) and the like."""
    return isinstance(function, ast.Attribute) and (
        (function.attr == "getenv" and _is_name(function.value, "os"))
        or (function.attr in {"get", "setdefault", "pop"} and _is_os_environ(function.value))
    )


def environment_reads(source: str) -> list[str]:
    """The variables a settings module reads, once per place that reads one."""
    return _reads_in(ast.parse(source))


def _reads_in(tree: ast.AST) -> list[str]:
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := _read_variable(node)):
            reads.append(name)
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            assert isinstance(node.slice, ast.Constant), f"line {node.lineno}: os.environ[?]"
            reads.append(node.slice.value)
    return reads


def settings_read_from(source: str) -> dict[str, set[str]]:
    """Each setting whose value is read from the environment: the variables it reads."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            variables = set(_reads_in(node.value))
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper() and variables:
                    found.setdefault(target.id, set()).update(variables)
    return found


def documented(markdown: str) -> list[str]:
    """The variables in the reference's tables: the backticked name in each row's first
    cell, in tables whose header's first cell is "Variable"."""
    names = []
    in_table = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if TABLE_HEADER.match(line):
            in_table = True
        elif not line.startswith("|"):
            in_table = False
        elif in_table and not re.match(r"^\|\s*:?-", line):
            first_cell = line.split("|")[1]
            in_cell = VARIABLE.findall(first_cell)
            assert len(in_cell) == 1, f"line {number}: one variable per row, in backticks"
            names.extend(in_cell)
    return names


def drift(settings_source: str, reference: str) -> list[str]:
    """What the reference and the settings disagree on, one sentence each."""
    reads = environment_reads(settings_source)
    docs = documented(reference)
    read_from = settings_read_from(settings_source)
    problems = [
        f"{name} is read {count} times by the settings: read it once, into one setting"
        for name, count in sorted(Counter(reads).items())
        if count > 1
    ]
    problems += [
        f"{name} is documented {count} times in the reference"
        for name, count in sorted(Counter(docs).items())
        if count > 1
    ]
    # A setting documented under its own name instead of its variable's (the README's
    # VETTED_TRUSTED_PROXY_COUNT, read from TRUSTED_PROXY_COUNT): one problem, not two.
    misnamed = {
        name: sorted(read_from[name])
        for name in set(docs) - set(reads)
        if name in read_from and not read_from[name] & set(docs)
    }
    explained = {variable for variables in misnamed.values() for variable in variables}
    problems += [
        f"{name} is read by the settings but not documented in the reference"
        for name in sorted(set(reads) - set(docs) - explained)
    ]
    for name in sorted(set(docs) - set(reads)):
        if name in misnamed:
            problems.append(
                f"{name} is documented as an environment variable, but it is the setting's "
                f"name: the settings read it from {', '.join(misnamed[name])}"
            )
        else:
            problems.append(f"{name} is documented in the reference but the settings never read it")
    return problems


def test_the_reference_documents_exactly_the_variables_the_settings_read():
    problems = drift(SETTINGS.read_text(), REFERENCE.read_text())

    assert problems == [], "\n".join(problems)


def test_the_reference_lists_what_production_must_set():
    """Not an empty agreement: the variables an operator cannot do without are there."""
    docs = documented(REFERENCE.read_text())

    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL"} <= set(docs)
    assert len(docs) == len(environment_reads(SETTINGS.read_text()))


SETTINGS_SOURCE = """
import os
DEBUG = env.bool("DEBUG", default=False)
VETTED_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if not DEBUG:
    CACHES = {"default": {"LOCATION": env("REDIS_URL")}}
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
"""


def _reference(*names: str) -> str:
    rows = "".join(f"| `{name}` | `0` | what it does | when to change it |\n" for name in names)
    return (
        "# Configuration\n\n## Core\n\n"
        "| Variable | Default | What it does | When to change it |\n"
        "|---|---|---|---|\n" + rows + "\nSome prose about `NOT_A_VARIABLE`.\n"
    )


def test_the_check_agrees_with_a_matching_reference():
    reference = _reference("DEBUG", "TRUSTED_PROXY_COUNT", "REDIS_URL", "LOG_LEVEL")

    assert drift(SETTINGS_SOURCE, reference) == []


@pytest.mark.parametrize(
    ("source", "names", "problem"),
    [
        pytest.param(
            SETTINGS_SOURCE,
            ["DEBUG", "TRUSTED_PROXY_COUNT", "LOG_LEVEL"],
            "REDIS_URL is read by the settings but not documented in the reference",
            id="read-but-undocumented",
        ),
        pytest.param(
            SETTINGS_SOURCE,
            ["DEBUG", "TRUSTED_PROXY_COUNT", "REDIS_URL", "LOG_LEVEL", "VETTED_URLCONF"],
            "VETTED_URLCONF is documented in the reference but the settings never read it",
            id="documented-but-not-read",
        ),
        pytest.param(
            SETTINGS_SOURCE,
            ["DEBUG", "VETTED_TRUSTED_PROXY_COUNT", "REDIS_URL", "LOG_LEVEL"],
            "VETTED_TRUSTED_PROXY_COUNT is documented as an environment variable, but it is "
            "the setting's name: the settings read it from TRUSTED_PROXY_COUNT",
            id="setting-name-documented",
        ),
        pytest.param(
            SETTINGS_SOURCE + 'VETTED_PAGE_CACHE = env.bool("REDIS_URL")\n',
            ["DEBUG", "TRUSTED_PROXY_COUNT", "REDIS_URL", "LOG_LEVEL"],
            "REDIS_URL is read 2 times by the settings: read it once, into one setting",
            id="read-twice",
        ),
        pytest.param(
            SETTINGS_SOURCE,
            ["DEBUG", "TRUSTED_PROXY_COUNT", "REDIS_URL", "LOG_LEVEL", "DEBUG"],
            "DEBUG is documented 2 times in the reference",
            id="documented-twice",
        ),
    ],
)
def test_the_check_names_each_disagreement(source, names, problem):
    assert drift(source, _reference(*names)) == [problem]


def test_the_check_refuses_a_variable_it_cannot_name():
    with pytest.raises(AssertionError, match="string literal"):
        environment_reads('NAME = "DEBUG"\nDEBUG = env.bool(NAME)\n')


# --- Other pages: an environment variable is named as the reference names it ----------

OTHER_PAGES = [ROOT / "README.md", *sorted(set((ROOT / "docs").glob("*.md")) - {REFERENCE})]
# What else reads environment variables of its own: the Makefile, CI, scripts, pytest.
CHECKS = {"test_settings_documented.py", "test_docs.py"}
TOOLS = [
    ROOT / "Makefile",
    ROOT / ".ci" / "run",
    ROOT / "pyproject.toml",
    *(ROOT / "scripts").iterdir(),
    # The test suite reads a few (CI, ...); not these checks, which quote names to refuse.
    *(path for path in (ROOT / "tests").rglob("*.py") if path.name not in CHECKS),
]
# An upper-case name quoted in a page: `NAME`, or `NAME=value` (an assignment).
QUOTED_NAME = re.compile(r"`([A-Z][A-Z0-9_]{2,})(=[^`]*)?`")
ASSIGNED = re.compile(r"(?<![\w-])([A-Z][A-Z0-9_]{2,})=")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def named_in_page(markdown: str) -> list[tuple[str, bool]]:
    """Each upper-case name a page quotes, and whether it is given a value there (`NAME=…`,
    or NAME=… in a fenced command), which presents it as an environment variable."""
    names = [(name, bool(value)) for name, value in QUOTED_NAME.findall(markdown)]
    for fence in FENCE.findall(markdown):
        names += [(name, True) for name in ASSIGNED.findall(fence)]
    return names


@functools.cache
def _text_of(paths: tuple[Path, ...]) -> str:
    return "\n".join(path.read_text(errors="ignore") for path in paths if path.is_file())


@functools.cache
def _first_party() -> tuple[Path, ...]:
    """The project's own code and configuration, where a name that is no variable lives."""
    skipped = {".venv", "node_modules", ".git", "migrations"}
    return tuple(
        path
        for path in ROOT.rglob("*")
        if path.suffix in {".py", ".vcl", ".sh"}
        and not skipped & set(path.relative_to(ROOT).parts)
        and path.name not in CHECKS
    )


def _word_in(name: str, paths: tuple[Path, ...]) -> bool:
    return re.search(rf"\b{name}\b", _text_of(paths)) is not None


def misnamed_elsewhere(page: str, markdown: str, settings_source: str, reference: str) -> list[str]:
    """Names a page presents as environment variables that the reference does not list
    under that name: a setting's name where its variable has another, or a variable
    nothing reads."""
    read_from = settings_read_from(settings_source)
    problems = []
    for name, assigned in dict.fromkeys(named_in_page(markdown)):
        if re.search(rf"`{name}`", reference):
            continue
        if name in read_from and name not in read_from[name]:
            variables = ", ".join(sorted(read_from[name]))
            problems.append(
                f"{page}: {name} is the setting's name; the environment variable is {variables}"
            )
        elif assigned and not _word_in(name, tuple(TOOLS)):
            problems.append(
                f"{page}: {name}= is set like an environment variable, but "
                "neither the settings (docs/configuration.md) nor a tool reads it"
            )
        elif not assigned and not _word_in(name, _first_party() + tuple(TOOLS)):
            problems.append(
                f"{page}: {name} is neither a documented variable nor a name in the code"
            )
    return problems


@pytest.mark.parametrize("page", OTHER_PAGES, ids=lambda page: page.name)
def test_other_pages_name_variables_as_the_reference_does(page):
    problems = misnamed_elsewhere(
        page.name, page.read_text(), SETTINGS.read_text(), REFERENCE.read_text()
    )

    assert problems == [], "\n".join(problems)


def test_the_old_proxy_count_name_would_be_caught():
    page = "Set `VETTED_TRUSTED_PROXY_COUNT` behind a load balancer; `NO_SUCH_VARIABLE=1`.\n"

    assert misnamed_elsewhere("README.md", page, SETTINGS_SOURCE, _reference("DEBUG")) == [
        "README.md: VETTED_TRUSTED_PROXY_COUNT is the setting's name; the environment "
        "variable is TRUSTED_PROXY_COUNT",
        "README.md: NO_SUCH_VARIABLE= is set like an environment variable, but neither the "
        "settings (docs/configuration.md) nor a tool reads it",
    ]
