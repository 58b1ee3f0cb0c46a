"""The review screen's diff between the live revision and the one under review."""

from __future__ import annotations

import re

import pytest

from reviews import services
from reviews.diff import diff_references, diff_rendered, diff_revisions, diff_text
from tests import factories

pytestmark = pytest.mark.django_db


def test_added_words_are_marked_ins():
    result = diff_text("Take one tablet.", "Take one tablet daily.")

    assert str(result.new) == "Take one tablet<ins> daily</ins>."
    assert str(result.old) == "Take one tablet."


def test_removed_words_are_marked_del():
    result = diff_text("Take two tablets now.", "Take tablets now.")

    assert re.search(r"<del>\s*two\s*</del>", result.old)
    assert "<ins>" not in result.new


def test_unchanged_text_has_no_marks():
    result = diff_text("Same.", "Same.")

    assert not result.changed
    assert "<ins>" not in result.inline and "<del>" not in result.inline


def test_inline_diff_shows_both_removal_and_addition():
    result = diff_text("500 mg", "250 mg")

    assert str(result.inline) == "<del>500</del><ins>250</ins> mg"


def test_diff_escapes_html_in_the_text():
    result = diff_text("safe", "<script>alert(1)</script> & safe")

    assert "<script>" not in result.new
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.new
    assert "&amp;" in result.new


def test_everything_is_new_when_nothing_is_live():
    result = diff_text("", "First version.")

    assert result.new == "<ins>First version.</ins>"


def test_reference_diff_lists_added_and_removed_sources():
    kept, gone, new = factories.ReferenceFactory.create_batch(3)

    result = diff_references([kept, gone], [kept, new])

    assert result.added == [new]
    assert result.removed == [gone]
    assert result.kept == [kept]


def test_revision_diff_covers_text_and_references(approved, writer, reviewer):
    old_ref = approved.live_revision.references.get()
    new_ref = factories.ReferenceFactory(key="nice2024")
    approved.title = "Updated title"
    approved.body = "Rewritten [@nice2024]."
    services.article_save(article=approved, user=writer, changed_fields=["title", "body"])
    article = services.article_submit(article=approved, user=writer)

    result = diff_revisions(article.live_revision, article.current_revision)

    labels = {f.label: f for f in result.fields}
    assert labels["Title"].changed
    assert not labels["Summary"].changed
    (body,) = result.rendered
    assert body.label == "Body" and body.changed
    # The citation now names another source: the whole sentence is new.
    assert "<ins>Rewritten <sup>nice2024</sup>.</ins>" in "".join(row.inline for row in body.rows)
    assert result.references.added == [new_ref]
    assert result.references.removed == [old_ref]


# --- the rendered text, as a reader notices changes -------------------------------------


def test_rendered_diff_compares_text_not_markup():
    old = "<h2>Dose</h2><p>Take 500 mg every 6 hours.</p><ul><li>With food</li></ul>"
    new = "<h2>Dose</h2><p>Take 1 g every 6 hours.</p><ul><li>With food</li></ul>"

    result = diff_rendered(old, new)

    assert [(r.kind, r.change) for r in result.rows] == [
        ("h2", "same"),
        ("p", "changed"),
        ("li", "same"),
    ]
    assert str(result.rows[1].inline) == "Take <del>500 mg</del><ins>1 g</ins> every 6 hours."
    assert result.counts() == {"changed": 1, "added": 0, "removed": 0}


def test_rendered_diff_shows_added_and_removed_paragraphs_whole():
    old = "<p>Keep this.</p><p>Drop this old advice entirely.</p>"
    new = "<p>Keep this.</p><p>A completely different new warning.</p>"

    rows = diff_rendered(old, new).rows

    assert [r.change for r in rows] == ["same", "removed", "added"]
    assert str(rows[1].old) == "<del>Drop this old advice entirely.</del>"
    assert str(rows[2].new) == "<ins>A completely different new warning.</ins>"


def test_citation_numbers_are_kept_as_superscripts():
    old = '<p>Works<sup class="citation"><a href="#ref-1">1</a></sup>.</p>'
    new = '<p>Works<sup class="citation"><a href="#ref-1">1,2</a></sup>.</p>'

    (row,) = diff_rendered(old, new).rows

    assert str(row.inline) == "Works<del><sup>1</sup></del><ins><sup>1,2</sup></ins>."


def test_rendered_diff_escapes_text():
    (row,) = diff_rendered("", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>").rows

    assert "<script>" not in row.inline
    assert "&lt;script&gt;" in row.inline
