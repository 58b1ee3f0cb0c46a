"""A revision freezes its cited sources at submit: later library edits never reach the public.

Writers may edit library references (change_reference), so the public page, its JSON-LD,
the reference exports and the review screen print each source as it was submitted. Only a
retraction follows the library, so readers are always warned.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from articles.models import RevisionReference
from references.models import Reference
from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db

OLD_TITLE = "Gabapentin for chronic neuropathic pain in adults"
OLD_URL = "https://example.org/gabapentin"
OLD_DOI = "10.1002/14651858.cd007938.pub4"
NEW_TITLE = "Buy cheap pills online"
NEW_URL = "https://evil.example/"
NEW_DOI = "10.9999/evil.1"


@pytest.fixture
def source(db):
    return factories.ReferenceFactory(
        key="wiffen2017",
        kind=Reference.Kind.SYSTEMATIC_REVIEW,
        title=OLD_TITLE,
        url=OLD_URL,
        doi=OLD_DOI,
        pmid="28597471",
    )


@pytest.fixture
def live(writer, reviewer, source):
    article = factories.publish(
        writer=writer, reviewer=reviewer, slug="gabapentin", body=f"Helps some [@{source.key}]."
    )
    article.refresh_from_db()
    assert article.live_revision_id is not None
    return article


def _tamper(reference: Reference) -> None:
    """What a writer can do in the library admin after the article went live."""
    reference.title = NEW_TITLE
    reference.url = NEW_URL
    reference.doi = NEW_DOI
    reference.full_clean()
    reference.save()


def _page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _json_ld(html: str) -> dict:
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    return json.loads(raw)


def _reference_list(html: str) -> str:
    return re.search(r'<ol class="reference-list">(.*?)</ol>', html, re.S).group(1)


# --- what is frozen ---------------------------------------------------------------------


def test_submit_freezes_each_cited_source(live, source):
    link = RevisionReference.objects.get(revision=live.live_revision)
    assert link.snapshot["title"] == OLD_TITLE
    assert link.snapshot["url"] == OLD_URL
    assert link.snapshot["doi"] == OLD_DOI
    assert link.snapshot["key"] == "wiffen2017"
    assert link.snapshot["accessed"] is None


def test_cited_reference_is_an_unsaveable_copy_with_the_library_pk(live, source):
    _tamper(source)
    link = RevisionReference.objects.select_related("reference").get(revision=live.live_revision)
    cited = link.cited_reference
    assert cited.pk == source.pk and cited == source
    assert cited.title == OLD_TITLE and cited.doi == OLD_DOI
    with pytest.raises(TypeError):
        cited.save()
    source.refresh_from_db()
    assert source.title == NEW_TITLE


def test_snapshot_round_trips_every_printed_field(db):
    ref = factories.ReferenceFactory(
        kind=Reference.Kind.WEBPAGE,
        author=[{"literal": "World Health Organization"}],
        month=6,
        day=9,
        volume="6",
        issue="6",
        page="CD007938",
        publisher="WHO",
        pmcid="PMC6452908",
        url="https://example.org/who",
        accessed=datetime.date(2024, 3, 1),
    )
    snapshot = json.loads(json.dumps(ref.bibliographic_snapshot()))
    copy = Reference.from_snapshot(snapshot, pk=ref.pk)
    for name in snapshot:
        assert getattr(copy, name) == getattr(ref, name), name


# --- the public page, its JSON-LD and the exports ----------------------------------------


def test_library_edit_after_approval_leaves_the_live_page_unchanged(client, live, source):
    _tamper(source)

    html = _page(client, live)

    listed = _reference_list(html)
    assert OLD_TITLE in listed and OLD_URL not in listed  # a DOI wins over a plain link
    assert f'href="https://doi.org/{OLD_DOI}"' in listed
    assert NEW_TITLE not in html and NEW_URL not in html and NEW_DOI not in html
    assert 'id="ref-1"' in listed


def test_library_edit_after_approval_leaves_the_json_ld_unchanged(client, live, source):
    _tamper(source)

    citations = _json_ld(_page(client, live))["citation"]

    assert citations == [
        {
            "@type": "CreativeWork",
            "name": OLD_TITLE,
            "isPartOf": "BMJ",
            "datePublished": "2021",
            "url": f"https://doi.org/{OLD_DOI}",
        }
    ]


def test_library_edit_after_approval_leaves_the_csl_json_export_unchanged(client, live, source):
    _tamper(source)

    response = client.get(reverse("articles:references_json", args=[live.slug]))

    text = response.content.decode()
    items = json.loads(text)
    assert items[0]["title"] == OLD_TITLE
    assert items[0]["DOI"] == OLD_DOI
    assert NEW_TITLE not in text and NEW_URL not in text and NEW_DOI not in text


def test_library_edit_after_approval_leaves_the_ris_export_unchanged(client, live, source):
    _tamper(source)

    text = client.get(reverse("articles:references_ris", args=[live.slug])).content.decode()

    assert OLD_TITLE in text and f"DO  - {OLD_DOI}" in text
    assert NEW_TITLE not in text and NEW_URL not in text and NEW_DOI not in text


def test_library_edit_reaches_the_public_only_through_a_new_approved_revision(
    client, live, source, writer, reviewer
):
    _tamper(source)
    live.body += "\n\nReviewed again."
    live = services.article_save(article=live, user=writer, changed_fields=["body"])
    live = services.article_submit(article=live, user=writer)

    # Submitted, then in review: the public still sees the approved sources.
    html = _page(client, live)
    assert OLD_TITLE in html and NEW_TITLE not in html
    live = services.review_start(article=live, user=reviewer)
    assert NEW_TITLE not in _page(client, live)

    services.review_approve(
        article=live,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    live.refresh_from_db()

    html = _page(client, live)
    assert NEW_TITLE in _reference_list(html) and OLD_TITLE not in html
    assert _json_ld(html)["citation"][0]["name"] == NEW_TITLE
    items = client.get(reverse("articles:references_json", args=[live.slug])).json()
    assert items[0]["title"] == NEW_TITLE and items[0]["DOI"] == NEW_DOI


def test_a_retraction_reaches_the_live_page_at_once(
    client, live, source, django_capture_on_commit_callbacks
):
    assert "[Retracted]" not in _page(client, live)
    source.retracted = True
    with django_capture_on_commit_callbacks(execute=True):  # the page renders on commit
        source.save()

    html = _page(client, live)

    assert "[Retracted]" in _reference_list(html)
    assert OLD_TITLE in html
    items = client.get(reverse("articles:references_json", args=[live.slug])).json()
    assert items[0]["title"] == OLD_TITLE


def test_page_queries_stay_constant_with_snapshots(client, live, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        _page(client, live)


# --- the review screen -------------------------------------------------------------------


def _review_url(article) -> str:
    return reverse("admin:articles_article_review", args=[article.pk])


def test_review_screen_shows_the_submitted_sources_not_later_library_edits(
    client, writer, reviewer, source
):
    article = factories.ArticleFactory(authors=[writer], body=f"Helps [@{source.key}].")
    article = services.article_submit(article=article, user=writer)
    _tamper(source)  # after submit, while the board is looking at it
    client.force_login(reviewer)

    page = client.get(_review_url(article)).content.decode()

    assert OLD_TITLE in page and OLD_DOI in page
    assert NEW_TITLE not in page and NEW_URL not in page and NEW_DOI not in page


def test_review_screen_still_flags_a_source_retracted_after_submit(
    client, writer, reviewer, source
):
    article = factories.ArticleFactory(authors=[writer], body=f"Helps [@{source.key}].")
    article = services.article_submit(article=article, user=writer)
    source.retracted = True
    source.save()
    client.force_login(reviewer)

    page = client.get(_review_url(article)).content.decode()

    assert '<li class="finding finding-alert">Retracted by the publisher.</li>' in page
    assert OLD_TITLE in page


def test_review_diff_shows_a_source_edited_since_the_live_revision(
    client, live, source, writer, reviewer
):
    _tamper(source)
    live.body += "\n\nReviewed again."
    live = services.article_save(article=live, user=writer, changed_fields=["body"])
    live = services.article_submit(article=live, user=writer)
    client.force_login(reviewer)

    page = client.get(_review_url(live)).content.decode()

    updated = re.search(r"<li>Updated: (.*?)</li>", page, re.S).group(1)
    assert re.search(rf"<del>[^<]*{OLD_TITLE}[^<]*</del>", updated)
    assert re.search(rf"<ins>[^<]*{re.escape(NEW_TITLE)}[^<]*</ins>", updated)


# --- the migration -----------------------------------------------------------------------


def test_migration_back_fills_snapshots_from_the_library(live, source):
    link = RevisionReference.objects.get(revision=live.live_revision)
    RevisionReference.objects.filter(pk=link.pk).update(snapshot={})
    migration = importlib.import_module("articles.migrations.0003_revisionreference_snapshot")

    migration.fill_snapshots(django_apps, None)

    link.refresh_from_db()
    # The migration froze the fields of its day; fields added since default when printed.
    current = source.bibliographic_snapshot()
    assert link.snapshot == {name: current[name] for name in migration.SNAPSHOT_FIELDS}


def test_a_corrected_source_counts_as_an_update(approved, writer, reviewer):
    """Only a cited source's details changed: the page changed, so "Last updated" moves."""
    first = approved.live_revision
    source = first.references.get()
    source.title = "Corrected title of the cited study"
    source.save()
    # Reopen the article without touching its text, then send it back to the board.
    services.article_save(article=approved, user=writer, changed_fields=["title"])
    services.article_submit(article=approved, user=writer)
    services.review_start(article=approved, user=reviewer)
    services.review_approve(
        article=approved,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    approved.refresh_from_db()
    assert approved.live_revision.content_updated_at > first.content_updated_at
