"""The rendered public pages are valid HTML: the Nu Html Checker (vnu-jar from the npm
registry, installed by `npm ci`) finds no errors; warnings are allowed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import tools

# Java starting the checker takes seconds: left out of `make test-fast`.
pytestmark = [pytest.mark.validator, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
GABAPENTIN = "/articles/gabapentin-muscle-spasms/"
PAGES = {
    "home": "/",
    "article-patient": GABAPENTIN,
    "article-professional": GABAPENTIN + "professional/",
    "search": "/search/?q=cramps",
    "search-suggestion": "/search/?q=gabapentn",
    "topics": "/topics/",
    "topic": "/topics/medicines/",
    "advisory-board": "/advisory-board/",
    "reviewer": "/advisory-board/dr-rafael-okafor/",
    "editorial-policy": "/pages/editorial-policy/",
}


@pytest.fixture
def vnu():
    java = shutil.which("java")
    if not java:
        tools.missing("Java, which runs the Nu Html Checker,")
    if not VNU.exists():
        tools.missing(f"The Nu Html Checker (npm's vnu-jar, at {VNU})")

    def check(files: list[Path]) -> list[dict]:
        result = subprocess.run(
            [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return json.loads(result.stderr)["messages"]

    return check


def test_public_pages_are_valid_html(client, demo_content, vnu, tmp_path):
    files = []
    for name, url in PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)

    errors = [
        f"{Path(m['url']).stem}:{m.get('lastLine')}: {m['message']} · {m.get('extract', '')!r}"
        for m in vnu(files)
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, "Nu Html Checker errors:\n" + "\n".join(errors)
