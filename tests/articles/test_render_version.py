"""The render version of stored pages follows the code that renders them, found from the
code: a deploy changing any template, tag library, module or library a stored page's
rendering reaches leaves the stored pages outdated; a change elsewhere does not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template import Engine

from articles import render_sources, stored_pages

ARTICLE_TEMPLATES = {
    "articles/article_detail.html",
    "base.html",
    "articles/_evidence_sections.html",
    "references/_reference_list.html",
    "includes/_audience_form.html",
    "includes/_byline.html",
    "includes/_caution_banner.html",
    "includes/_correction.html",
    "includes/_disclaimer.html",
    "includes/_disclosures.html",
    "includes/_feedback.html",
    "includes/_history.html",
    "includes/_review_tracker.html",
}
TAG_MODULES = [
    "articles.templatetags.timefmt",  # a builtin (settings TEMPLATES), never {% load %}ed
    "articles.templatetags.evidence",
    "references.templatetags.references",
]
RENDERING_MODULES = [*TAG_MODULES, "articles.structured_data", "articles.stored_pages"]


@pytest.fixture(autouse=True)
def _fresh_sources():
    stored_pages.forget_render_version()
    yield
    stored_pages.forget_render_version()


def test_the_sources_hold_every_template_tag_library_and_module_the_article_page_uses():
    sources = stored_pages.page_sources()
    assert set(sources.templates) >= ARTICLE_TEMPLATES
    assert {*RENDERING_MODULES, "articles.reading", "references.formatting"} <= set(sources.modules)
    base = Path(django_settings.BASE_DIR)
    assert base / "articles/templatetags/timefmt.py" in sources.files
    assert base / "templates/includes/_byline.html" in sources.files
    # Django's own tags and filters, and the libraries the renderers call, by version.
    assert {"Django", "nh3", "markdown-it-py"} <= set(sources.distributions)
    assert "vetted/site.css" in sources.static


def test_the_sources_leave_out_what_no_stored_page_renders():
    sources = stored_pages.page_sources()
    assert "articles/home.html" not in sources.templates
    assert not any(name.startswith("admin/") for name in sources.templates)
    assert "reviews.services" not in sources.modules
    assert "articles.views" not in sources.modules


def test_the_article_page_names_every_template_it_uses_as_a_constant():
    """A name in a variable cannot be followed: the sources would fall back to every
    template. Keep the article page's includes constant."""
    assert stored_pages.page_sources().dynamic == ()


def test_an_include_by_variable_falls_back_to_every_template(tmp_path):
    (tmp_path / "page.html").write_text("{% include partial %}")
    (tmp_path / "unrelated.html").write_text("{% load humanize %}never included")
    engine = Engine(dirs=[str(tmp_path)])

    sources = render_sources.find(
        templates=["page.html"], modules=[], engine=engine, base_dir=tmp_path
    )

    assert sources.dynamic
    assert set(sources.templates) == {"page.html", "unrelated.html"}


def test_the_sources_are_found_once_per_process(monkeypatch):
    first = stored_pages.render_version()

    def find_again(**kwargs):
        raise AssertionError("the sources were searched again")

    monkeypatch.setattr(render_sources, "find", find_again)
    assert stored_pages.render_version() == first


# --- a change to what the article page uses changes the version -------------------------


def _article_template_names() -> list[str]:
    """The computed set itself, so that a template added to the page is tested too."""
    return sorted(stored_pages.page_sources().templates)


@pytest.fixture
def template_copy(settings, tmp_path) -> Path:
    """The project's templates, and every template the article page uses, copied to a
    directory that the engine searches instead."""
    copy = tmp_path / "templates"
    shutil.copytree(Path(settings.BASE_DIR) / "templates", copy)
    for name, path in stored_pages.page_sources().templates.items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy / name)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [copy]}]
    stored_pages.forget_render_version()
    return copy


def _version_after(change) -> tuple[str, str]:
    before = stored_pages.render_version()
    change()
    stored_pages.forget_render_version()
    return before, stored_pages.render_version()


@pytest.mark.parametrize("name", _article_template_names())
def test_changing_a_template_the_article_page_uses_changes_the_version(template_copy, name):
    assert stored_pages.page_sources().templates[name] == (template_copy / name).resolve()

    def edit():
        with open(template_copy / name, "a") as template:
            template.write("{# changed in a deploy #}")

    before, after = _version_after(edit)
    assert before != after


@pytest.mark.parametrize("name", ["admin/base_site.html", "articles/home.html", "404.html"])
def test_changing_a_template_no_stored_page_uses_keeps_the_version(template_copy, name):
    def edit():
        with open(template_copy / name, "a") as template:
            template.write("{# changed in a deploy #}")

    before, after = _version_after(edit)
    assert before == after


def _edit_module(monkeypatch, module: str):
    path = stored_pages.page_sources().modules.get(module) or Path(
        django_settings.BASE_DIR, *module.split(".")
    ).with_suffix(".py")
    read = stored_pages.read_source

    def changed(candidate: Path) -> bytes:
        return read(candidate) + (b"\n# changed in a deploy\n" if candidate == path else b"")

    return lambda: monkeypatch.setattr(stored_pages, "read_source", changed)


@pytest.mark.parametrize("module", RENDERING_MODULES)
def test_changing_a_module_the_article_page_uses_changes_the_version(monkeypatch, module):
    before, after = _version_after(_edit_module(monkeypatch, module))
    assert before != after


@pytest.mark.parametrize("module", ["reviews.services", "articles.views", "articles.admin"])
def test_changing_a_module_no_stored_page_uses_keeps_the_version(monkeypatch, module):
    before, after = _version_after(_edit_module(monkeypatch, module))
    assert before == after


@pytest.mark.parametrize("distribution", ["Django", "nh3", "markdown-it-py"])
def test_upgrading_a_library_the_renderers_use_changes_the_version(monkeypatch, distribution):
    version = render_sources.importlib.metadata.version

    def upgraded(name: str) -> str:
        return "999.0" if name == distribution else version(name)

    before, after = _version_after(
        lambda: monkeypatch.setattr(render_sources.importlib.metadata, "version", upgraded)
    )
    assert before != after


def test_changing_a_static_file_the_page_links_to_changes_the_version(monkeypatch):
    before, after = _version_after(_edit_static(monkeypatch, "vetted/site.css"))
    assert before != after


def _edit_static(monkeypatch, name: str):
    read = stored_pages.read_source

    def changed(candidate: Path) -> bytes:
        return read(candidate) + (b"/* changed */" if candidate.as_posix().endswith(name) else b"")

    return lambda: monkeypatch.setattr(stored_pages, "read_source", changed)
