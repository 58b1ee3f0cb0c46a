"""Two edits of the working copy made from the same version: one is saved, the other is
refused whole (StaleEdit), whatever order they reach the database in. Never a lost update."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from articles.evidence import SectionText
from articles.models import Article, ArticleSection
from articles.services import StaleEdit
from reviews import services
from tests import factories


def test_an_edit_from_a_copy_older_than_the_last_edit_is_refused(db, writer, editor, draft):
    mine = Article.objects.get(pk=draft.pk)
    theirs = Article.objects.get(pk=draft.pk)
    theirs.title = "Theirs"
    services.article_save(article=theirs, user=editor, changed_fields=["title"])

    mine.summary = "Mine."
    with pytest.raises(StaleEdit) as refused:
        services.article_save(article=mine, user=writer, changed_fields=["summary"])
    assert "since you opened it" in refused.value.messages[0]
    row = Article.objects.get(pk=draft.pk)
    assert (row.title, row.summary) == ("Theirs", draft.summary)
    assert row.version == draft.version + 1


def test_sections_saved_from_an_older_copy_are_refused(db, writer, editor, draft):
    mine = Article.objects.get(pk=draft.pk)
    theirs = Article.objects.get(pk=draft.pk)
    theirs.title = "Theirs"
    services.article_save(article=theirs, user=editor, changed_fields=["title"])
    section = SectionText(kind="research", heading="", audience="both", body="Mine.")
    with pytest.raises(StaleEdit):
        services.article_sections_set(article=mine, user=writer, sections=[section])
    assert not ArticleSection.objects.filter(article=draft).exists()


def test_the_same_copy_saved_twice_in_a_row_is_not_stale(db, writer, draft):
    """The caller's copy takes the version it saved (the admin saves fields, then sections)."""
    draft.title = "First"
    services.article_save(article=draft, user=writer, changed_fields=["title"])
    draft.summary = "Then this."
    services.article_save(article=draft, user=writer, changed_fields=["summary"])
    row = Article.objects.get(pk=draft.pk)
    assert (row.title, row.summary, row.last_edited_by) == ("First", "Then this.", writer)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks and real threads"
)
@pytest.mark.parametrize("attempt", range(5))
def test_two_edits_from_one_version_at_the_same_moment_save_exactly_one(attempt):
    author = factories.writer(username=f"racer{attempt}")
    editor = factories.editor(username=f"chief{attempt}")
    article = factories.ArticleFactory(authors=[author])
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def edit(name: str, user, field: str, value: str) -> None:
        copy = Article.objects.get(pk=article.pk)
        setattr(copy, field, value)
        barrier.wait()
        try:
            services.article_save(article=copy, user=user, changed_fields=[field])
            outcome[name] = "saved"
        except StaleEdit as err:
            outcome[name] = err
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=("editor", editor, "title", "The editor's title")),
        threading.Thread(target=edit, args=("writer", author, "summary", "The writer's.")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(str(type(v).__name__) for v in outcome.values()) == ["StaleEdit", "str"]
    row = Article.objects.get(pk=article.pk)
    assert row.version == article.version + 1
    if outcome["editor"] == "saved":
        assert (row.title, row.summary, row.last_edited_by) == (
            "The editor's title",
            article.summary,
            editor,
        )
    else:
        assert (row.title, row.summary, row.last_edited_by) == (
            article.title,
            "The writer's.",
            author,
        )
