"""No reader's request writes to the database: stored pages are rendered again by a task,
queued when something they show changes, and by `render_live_pages` after a deploy. Until
then readers get the page as stored."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import stored_pages
from articles.models import LivePage, SitePage
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db

# Statements that write, or lock rows for writing.
WRITING_SQL = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b|\bFOR\s+(KEY\s+)?SHARE\b", re.I)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
REFRESH_TASK = "articles.stored_pages.refresh_outdated_pages"


@contextmanager
def read_only():
    """Fails on any statement that writes or locks a row, on every database connection."""
    writes: list[str] = []

    def guard(execute, sql, params, many, context):
        if WRITING_SQL.search(sql):
            writes.append(sql)
            raise AssertionError(f"A reader's request wrote to the database: {sql}")
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(guard))
        yield
    assert writes == []


@pytest.fixture
def site(writer, reviewer, editor):
    """A live article (with a professional section) by a writer with a public profile, a
    withdrawn one, and the site pages."""
    factories.WriterProfileFactory(user=writer, display_name="Lena Park", slug="lena-park")
    source = factories.ReferenceFactory()
    live = factories.publish(
        writer=writer,
        reviewer=reviewer,
        title="Night cramps: what helps",
        body=f"Stretching helps some people [@{source.key}].",
        professional_body=f"Quinine is no longer advised [@{source.key}].",
    )
    withdrawn = factories.publish(writer=writer, reviewer=reviewer, title="An old advice")
    services.article_archive(article=withdrawn, user=editor, reason="Superseded.")
    return live, withdrawn


def _public_urls(client, live, withdrawn, reviewer) -> dict[str, int]:
    """Every public page, with the status a reader gets."""
    urls = {
        "/": 200,
        reverse("articles:topics"): 200,
        live.live_revision.topic.get_absolute_url(): 200,
        reverse("articles:search") + "?q=cramps": 200,
        live.get_absolute_url(): 200,
        reverse("articles:detail_professional", kwargs={"slug": live.slug}): 200,
        reverse("articles:references_json", args=[live.slug]): 200,
        reverse("articles:references_ris", args=[live.slug]): 200,
        reverse("articles:board"): 200,
        reviewer.reviewer_profile.get_absolute_url(): 200,
        reverse("articles:writer", kwargs={"slug": "lena-park"}): 200,
        reverse("articles:contact"): 200,
        "/feeds/articles.rss": 200,
        "/feeds/articles.atom": 200,
        "/sitemap.xml": 200,
        "/robots.txt": 200,
        withdrawn.get_absolute_url(): 410,
        "/articles/no-such-article/": 404,
    }
    for key in SitePage.objects.exclude(key=SitePage.Key.CONTACT).values_list("key", flat=True):
        urls[reverse("articles:page", kwargs={"key": key})] = 200
    index = ET.fromstring(client.get("/sitemap.xml").content)
    for loc in index.iter(f"{SITEMAP}loc"):
        urls[urlsplit(loc.text)._replace(scheme="", netloc="").geturl()] = 200
    return urls


@pytest.mark.parametrize("state", ["current", "stale and outdated"])
def test_no_public_page_writes_to_the_database(client, site, reviewer, monkeypatch, state):
    live, withdrawn = site
    if state != "current":
        profile = reviewer.reviewer_profile
        profile.display_name = "Dr Renamed"
        profile.save()  # marks the pages stale; the task would run on commit
        assert LivePage.objects.get(pk=live.pk).is_stale
        monkeypatch.setattr(stored_pages, "render_version", lambda: "after-a-deploy")
    urls = _public_urls(client, live, withdrawn, reviewer)
    assert len(urls) > 20

    for url, status in urls.items():
        with read_only():
            response = client.get(url)
        assert response.status_code == status, url

    if state != "current":
        # Served as stored until the task has rendered it again.
        assert "Renamed" not in client.get(live.get_absolute_url()).text
        assert LivePage.objects.get(pk=live.pk).is_stale


def test_a_published_article_whose_stored_page_was_lost_is_served_not_404(
    client, approved, editor, writer, reviewer
):
    """Pages are stored with the change that makes an article live or withdraws it; should
    a row be lost, readers still get the right answer, and the request writes nothing."""
    withdrawn = factories.publish(writer=writer, reviewer=reviewer, title="Withdrawn")
    services.article_archive(article=withdrawn, user=editor, reason="Superseded.")
    LivePage.objects.all().delete()
    with read_only():
        live = client.get(approved.get_absolute_url())
        professional = client.get(reverse("articles:detail_professional", args=[approved.slug]))
        gone = client.get(withdrawn.get_absolute_url())
    assert live.status_code == professional.status_code == 200
    assert approved.live_revision.title in live.text
    assert 'data-audience="professional" aria-current="page"' in professional.text
    assert gone.status_code == 410
    assert "Withdrawn" in gone.text
    for response in (live, professional, gone):
        assert "no-store" in response["Cache-Control"]
    assert not LivePage.objects.exists()


# --- the task that renders stale pages again ----------------------------------------------


def test_a_change_queues_a_task_that_renders_exactly_the_pages_showing_it(
    client, writer, reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    shown = factories.publish(writer=writer, reviewer=reviewer)
    other = factories.publish(writer=writer, reviewer=second_reviewer)
    untouched = LivePage.objects.get(pk=other.pk)
    profile = reviewer.reviewer_profile
    profile.display_name = "Dr Renamed"

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        profile.save()
    assert LivePage.objects.get(pk=shown.pk).is_stale
    assert "Renamed" not in client.get(shown.get_absolute_url()).text

    for callback in on_commit:  # the commit: the immediate backend runs the task
        callback()

    page = LivePage.objects.get(pk=shown.pk)
    assert not page.is_stale
    assert page.render_version == stored_pages.render_version()
    assert "Renamed, MD" in client.get(shown.get_absolute_url()).text
    again = LivePage.objects.get(pk=other.pk)
    assert (again.rendered_at, again.etag) == (untouched.rendered_at, untouched.etag)


def test_the_task_carries_only_the_page_ids_for_a_worker(
    settings, approved, reviewer, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    profile = reviewer.reviewer_profile
    profile.display_name = "Dr Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()

    (task,) = DBTaskResult.objects.filter(task_path=REFRESH_TASK)
    assert task.args_kwargs == {"args": [], "kwargs": {"article_ids": [approved.pk]}}
    assert LivePage.objects.get(pk=approved.pk).is_stale  # until a worker runs it


def test_editing_a_disclaimer_renders_every_live_page_again(
    client, writer, reviewer, django_capture_on_commit_callbacks
):
    articles = [factories.publish(writer=writer, reviewer=reviewer) for _ in range(2)]
    page = SitePage.objects.get(key=SitePage.Key.PATIENT_DISCLAIMER)
    page.body = "Talk to your pharmacist before changing a medicine."
    with django_capture_on_commit_callbacks(execute=True):
        page.save()
    for article in articles:
        assert not LivePage.objects.get(pk=article.pk).is_stale
        assert "Talk to your pharmacist" in client.get(article.get_absolute_url()).text


def test_the_task_skips_pages_already_current(approved):
    before = LivePage.objects.get(pk=approved.pk)
    assert stored_pages.refresh_outdated_pages.call(article_ids=[approved.pk]) == 0
    assert stored_pages.refresh_outdated_pages.call() == 0
    assert LivePage.objects.get(pk=approved.pk).rendered_at == before.rendered_at


def test_a_page_marked_stale_twice_is_rendered_once(approved, reviewer):
    profile = reviewer.reviewer_profile
    profile.save()
    profile.save()
    assert stored_pages.refresh_outdated_pages.call(article_ids=[approved.pk]) == 1
    assert stored_pages.refresh_outdated_pages.call(article_ids=[approved.pk]) == 0


def test_a_page_that_fails_does_not_hold_up_the_others(writer, reviewer, monkeypatch):
    broken, fine = (factories.publish(writer=writer, reviewer=reviewer) for _ in range(2))
    monkeypatch.setattr(stored_pages, "render_version", lambda: "after-a-deploy")
    store = stored_pages.store_live_page

    def store_or_fail(article):
        if article.pk == broken.pk:
            raise ValueError("a template error")
        return store(article)

    monkeypatch.setattr(stored_pages, "store_live_page", store_or_fail)

    with pytest.raises(CommandError, match=rf"could not be stored again: \[{broken.pk}\]"):
        call_command("render_live_pages", stdout=io.StringIO())

    assert LivePage.objects.get(pk=fine.pk).render_version == "after-a-deploy"
    assert LivePage.objects.get(pk=broken.pk).render_version != "after-a-deploy"


# --- after a deploy --------------------------------------------------------------------


def test_render_live_pages_renders_the_outdated_pages_after_a_deploy(approved, monkeypatch):
    monkeypatch.setattr(stored_pages, "render_version", lambda: "after-a-deploy")
    out = io.StringIO()

    call_command("render_live_pages", stdout=out)
    call_command("render_live_pages", stdout=out)

    assert out.getvalue().splitlines() == [
        "Rendered 1 stored page(s).",
        "Rendered 0 stored page(s).",
    ]
    assert LivePage.objects.get(pk=approved.pk).render_version == "after-a-deploy"


def test_render_live_pages_can_be_queued_for_a_worker(settings, approved, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(stored_pages, "render_version", lambda: "after-a-deploy")
    out = io.StringIO()

    call_command("render_live_pages", "--enqueue", stdout=out)

    assert "Queued refresh_outdated_pages" in out.getvalue()
    (task,) = DBTaskResult.objects.filter(task_path=REFRESH_TASK)
    assert task.args_kwargs["kwargs"] == {"every_page": False}
    assert LivePage.objects.get(pk=approved.pk).render_version != "after-a-deploy"
    assert task.task.call(**task.args_kwargs["kwargs"]) == 1
    assert LivePage.objects.get(pk=approved.pk).render_version == "after-a-deploy"


def test_render_live_pages_stores_the_pages_of_articles_live_without_one(
    client, approved, editor, writer, reviewer
):
    """A database whose pages were lost (or never stored) is mended by the deploy step."""
    withdrawn = factories.publish(writer=writer, reviewer=reviewer, title="Withdrawn")
    services.article_archive(article=withdrawn, user=editor, reason="Superseded.")
    LivePage.objects.all().delete()

    call_command("render_live_pages", stdout=io.StringIO())

    assert set(LivePage.objects.values_list("pk", "state")) == {
        (approved.pk, LivePage.State.LIVE),
        (withdrawn.pk, LivePage.State.GONE),
    }
    with read_only():
        assert client.get(approved.get_absolute_url()).status_code == 200
        assert client.get(withdrawn.get_absolute_url()).status_code == 410
