"""Out-of-range pages are 404 on every public list; the error pages are the site's own."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from config import views as site_views
from config.urls import urlpatterns as site_urlpatterns
from core import paging
from reviews import services
from tests import factories


def _boom(request):
    raise RuntimeError("a bug")


def _database_gone(request):
    raise OperationalError("could not connect to server")


# The site, plus two views that fail (config.urls' handlers apply).
urlpatterns = [
    path("test-errors/bug/", _boom),
    path("test-errors/database/", _database_gone),
    *site_urlpatterns,
]
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

BAD_PAGES = ["999", "0", "abc", "-1", "", "\u0661"]  # the last: an Arabic-Indic digit one


@pytest.fixture
def lists(db, approved, reviewer):
    return {
        "home": ("/", "page"),
        "topics": ("/topics/", "page"),
        "topic": (approved.topic.get_absolute_url(), "page"),
        "search": ("/search/?q=article", "page"),
        "board": ("/advisory-board/", "page"),
        "profile": (reviewer.reviewer_profile.get_absolute_url(), "page"),
        "sitemap": ("/sitemap-articles.xml", "p"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["home", "topics", "topic", "search", "board", "profile", "sitemap"]
)
def test_every_public_list_answers_404_for_a_page_that_does_not_exist(client, lists, name):
    url, param = lists[name]
    joiner = "&" if "?" in url else "?"
    assert client.get(url).status_code == 200, url
    assert client.get(f"{url}{joiner}{param}=1").status_code == 200, url
    for bad in BAD_PAGES:
        response = client.get(f"{url}{joiner}{param}={bad}")
        assert response.status_code == 404, f"{url} {param}={bad!r}"


@pytest.mark.django_db
def test_the_second_page_of_a_long_list_exists_and_the_one_after_does_not(
    client, writer, reviewer, monkeypatch
):
    monkeypatch.setattr("articles.views.PAGE_SIZE", 1)
    topic = factories.TopicFactory()
    for _ in range(2):
        factories.publish(writer=writer, reviewer=reviewer, topic=topic)
    url = topic.get_absolute_url()
    assert client.get(f"{url}?page=2").status_code == 200
    assert client.get(f"{url}?page=3").status_code == 404


def test_page_number_is_the_one_function_for_lists(rf):
    assert paging.page_number(rf.get("/")) == 1
    assert paging.page_number(rf.get("/", {"p": "3"}), param="p") == 3


def _assert_helpful(response):
    text = response.text
    assert 'role="search"' in text and 'id="error-search-q"' in text
    for link in ('href="/"', 'href="/topics/"', 'href="/advisory-board/"'):
        assert link in text, link
    assert '<footer class="site-footer">' in text
    assert 'name="robots" content="noindex"' in text


@pytest.mark.django_db
def test_a_missing_page_is_the_sites_404_never_kept_by_shared_caches(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    _assert_helpful(response)
    # The address may be an article about to go live: nothing may keep the 404.
    assert "public" not in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_missing_article_is_the_same_404(client):
    response = client.get("/articles/not-written-yet/")
    assert response.status_code == 404
    _assert_helpful(response)


@pytest.mark.django_db
def test_a_withdrawn_article_is_a_branded_410(client, approved, editor):
    services.article_archive(article=approved, user=editor, reason="Superseded.")
    response = client.get(approved.get_absolute_url())
    assert response.status_code == 410
    assert "This article has been withdrawn" in response.text
    _assert_helpful(response)


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


# No database marker: pytest-django refuses any query, so these prove that the 500 and
# 503 pages are rendered without the database.
def test_a_bug_is_the_sites_500_never_cached_and_without_the_database(failing_site):
    response = failing_site.get("/test-errors/bug/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    _assert_helpful(response)
    assert response["Cache-Control"] == "no-store"


def test_an_unreachable_database_is_the_sites_503(failing_site):
    response = failing_site.get("/test-errors/database/")
    assert response.status_code == 503
    assert "We will be back in a moment" in response.text
    _assert_helpful(response)
    assert response["Cache-Control"] == "no-store"
    assert response["Retry-After"] == str(site_views.RETRY_AFTER)


def test_the_500_page_falls_back_to_plain_html_if_it_cannot_render(failing_site, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(site_views, "render_to_string", broken)
    response = failing_site.get("/test-errors/bug/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert 'href="/"' in response.text
