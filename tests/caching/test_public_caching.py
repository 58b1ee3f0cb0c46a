"""Anonymous public pages are shareable: no cookies, public caching, 304s, and a
server-side page cache that every event which changes a page invalidates."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.urls import reverse

from articles.models import LivePage, SitePage
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(writer, reviewer):
    source = factories.ReferenceFactory(title="A trial of stretching for night cramps")
    return factories.publish(
        writer=writer,
        reviewer=reviewer,
        title="Night cramps: what helps",
        body=f"Stretching helps some people [@{source.key}].",
        professional_body=f"Quinine is no longer advised [@{source.key}].",
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The change commits: what it queued runs (the immediate task backend renders the
    stale pages again)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _public_urls(article) -> list[str]:
    return [
        article.get_absolute_url(),
        reverse("articles:detail_professional", kwargs={"slug": article.slug}),
        reverse("articles:home"),
        reverse("articles:topics"),
        article.live_revision.topic.get_absolute_url(),
        reverse("articles:search") + "?q=cramps",
    ]


def test_anonymous_pages_are_shareable_by_any_cache(client, live):
    for url in _public_urls(live):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, f"{url} sets a cookie"
        cache_control = response["Cache-Control"]
        assert "public" in cache_control, url
        assert "s-maxage=" in cache_control, url
        assert "max-age=" in cache_control.replace("s-maxage", ""), url
        assert "Cookie" not in response.get("Vary", ""), url
        assert response.has_header("ETag"), url
        assert response["Cache-Tag"], url


def test_a_conditional_get_answers_304(client, live):
    for url in _public_urls(live):
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert again.status_code == 304, url
        assert again.content == b"", url


def test_a_stored_article_page_answers_304_on_its_last_modified_date(client, live):
    first = client.get(live.get_absolute_url())
    again = client.get(
        live.get_absolute_url(), headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert again.status_code == 304


def test_article_pages_are_sent_compressed_when_the_client_takes_gzip(client, live):
    plain = client.get(live.get_absolute_url())
    packed = client.get(live.get_absolute_url(), headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 2
    assert "Night cramps: what helps" in plain.text


def test_both_audiences_are_served_correctly_from_a_warm_cache(client, live):
    patient = live.get_absolute_url()
    professional = reverse("articles:detail_professional", kwargs={"slug": live.slug})
    for _ in range(2):  # the second round comes from the page cache
        patient_page = client.get(patient)
        professional_page = client.get(professional)
        assert "Quinine is no longer advised" not in patient_page.text
        assert "Quinine is no longer advised" in professional_page.text
        assert "For patients and caregivers" in patient_page.text
        assert "Professional medical disclaimer" in professional_page.text
    assert patient_page["X-Page-Cache"] == "hit"
    assert professional_page["X-Page-Cache"] == "hit"


def test_an_article_page_is_one_query_whatever_its_number_of_sources(
    client, writer, reviewer, django_assert_num_queries
):
    for n_sources in (2, 50):
        sources = factories.ReferenceFactory.create_batch(n_sources)
        article = factories.publish(
            writer=writer,
            reviewer=reviewer,
            body=" ".join(f"Claim [@{s.key}]." for s in sources),
        )
        with django_assert_num_queries(1):
            page = client.get(article.get_absolute_url())
        assert page.text.count('<li id="ref-') == n_sources


def test_a_cached_page_costs_no_query(client, live, django_assert_num_queries):
    client.get(live.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(live.get_absolute_url())["X-Page-Cache"] == "hit"


# --- every event that changes a page reaches the next reader -----------------------


def _warm(client, url: str) -> str:
    client.get(url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    return response.text


def test_approving_a_new_revision_changes_the_cached_page(client, live, writer, reviewer):
    assert "Night cramps: what helps" in _warm(client, live.get_absolute_url())
    factories.approve_edit(
        live, writer=writer, reviewer=reviewer, title="Night cramps: updated advice"
    )
    page = client.get(live.get_absolute_url()).text
    assert "Night cramps: updated advice" in page
    assert "Night cramps: updated advice" in client.get("/").text


def test_a_new_draft_changes_nothing_a_reader_sees(client, live, writer):
    before = _warm(client, live.get_absolute_url())
    live.title = "A draft nobody approved"
    services.article_save(article=live, user=writer, changed_fields=["title"])
    assert client.get(live.get_absolute_url()).text == before


def test_archiving_answers_410_at_once_even_from_a_warm_cache(client, live, editor):
    _warm(client, live.get_absolute_url())
    _warm(client, "/")
    services.article_archive(article=live, user=editor, reason="Superseded")
    response = client.get(live.get_absolute_url())
    assert response.status_code == 410
    assert "has been withdrawn" in response.text
    assert live.live_revision.title not in client.get("/").text
    professional = reverse("articles:detail_professional", kwargs={"slug": live.slug})
    assert client.get(professional).status_code == 410


def test_restoring_takes_the_page_off_the_site(client, live, editor):
    services.article_archive(article=live, user=editor, reason="Superseded")
    assert client.get(live.get_absolute_url()).status_code == 410
    services.article_restore(article=live, user=editor)
    assert client.get(live.get_absolute_url()).status_code == 404
    assert not LivePage.objects.filter(pk=live.pk).exists()


def test_restored_and_approved_again_it_is_back(client, live, editor, writer, reviewer):
    services.article_archive(article=live, user=editor, reason="Superseded")
    services.article_restore(article=live, user=editor)
    live.refresh_from_db()
    factories.approve_edit(live, writer=writer, reviewer=reviewer, summary="Reviewed again.")
    response = client.get(live.get_absolute_url())
    assert response.status_code == 200
    assert "Reviewed again." in response.text


def test_retracting_a_source_shows_on_the_cached_page(client, live, committed):
    assert "[Retracted]" not in _warm(client, live.get_absolute_url())
    source = live.live_revision.references.get()
    source.retracted = True
    with committed():
        source.save()
    assert "[Retracted]" in client.get(live.get_absolute_url()).text


def test_renaming_a_reviewer_shows_on_the_cached_page(client, live, reviewer, committed):
    profile = reviewer.reviewer_profile
    assert profile.printed_name in _warm(client, live.get_absolute_url())
    profile.display_name = "Dr Renamed Reviewer"
    with committed():
        profile.save()
    page = client.get(live.get_absolute_url()).text
    assert "Renamed Reviewer, MD" in page
    board = client.get(reverse("articles:board")).text
    assert "Renamed Reviewer, MD" in board


def test_renaming_a_topic_shows_on_the_cached_page(client, live, committed):
    topic = live.live_revision.topic
    _warm(client, live.get_absolute_url())
    topic.name = "Sleep and night-time symptoms"
    with committed():
        topic.save()
    assert "Sleep and night-time symptoms" in client.get(live.get_absolute_url()).text
    assert "Sleep and night-time symptoms" in client.get(reverse("articles:topics")).text


def test_editing_a_disclaimer_shows_on_every_cached_article_page(client, live, committed):
    with committed():
        SitePage.objects.update_or_create(
            key="patient-disclaimer",
            defaults={"title": "Before you read", "body": "Ask your GP first."},
        )
    professional = reverse("articles:detail_professional", kwargs={"slug": live.slug})
    assert "Ask your GP first." in _warm(client, live.get_absolute_url())
    _warm(client, professional)
    page = SitePage.objects.get(key="patient-disclaimer")
    page.body = "Talk to your pharmacist before changing a medicine."
    with committed():
        page.save()
    assert "Talk to your pharmacist" in client.get(live.get_absolute_url()).text
    assert "Talk to your pharmacist" not in client.get(professional).text


def test_editing_a_site_page_shows_on_its_cached_page(client, live):
    SitePage.objects.update_or_create(
        key="editorial-policy", defaults={"title": "Editorial policy", "body": "We check sources."}
    )
    url = reverse("articles:page", kwargs={"key": "editorial-policy"})
    assert "We check sources." in _warm(client, url)
    page = SitePage.objects.get(key="editorial-policy")
    page.body = "Two board members check every dosing claim."
    page.save()
    assert "Two board members check every dosing claim." in client.get(url).text


# --- staff and unapproved content ----------------------------------------------------


def test_staff_never_receive_a_cached_anonymous_page(client, live, editor):
    _warm(client, live.get_absolute_url())
    client.force_login(editor)
    response = client.get(live.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_staff_never_put_their_pages_in_the_cache(client, live, editor):
    client.force_login(editor)
    client.get(live.get_absolute_url())
    client.get("/")
    anonymous = client.__class__()
    assert anonymous.get(live.get_absolute_url())["X-Page-Cache"] == "miss"
    assert anonymous.get("/")["X-Page-Cache"] == "miss"


def test_unapproved_content_never_enters_a_cache(client, writer, settings):
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    pending = factories.ArticleFactory(authors=[writer], title="A piece under review")
    services.article_submit(article=pending, user=writer)
    for url in (pending.get_absolute_url(), "/"):
        first = client.get(url)
        second = client.get(url)
        assert "A piece under review" in second.text
        assert "no-store" in second["Cache-Control"], url
        assert second["X-Page-Cache"] == "miss", url
    assert not LivePage.objects.filter(pk=pending.pk).exists()
    assert first.status_code == 200


def test_a_draft_url_is_not_found_and_not_cached(client, draft):
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


def test_an_invalidation_lost_to_a_cache_outage_is_made_up_for(client, live, editor, monkeypatch):
    """Archived while the cache could not be written: once it answers again, the page that
    was cached before the outage is never served."""
    url = live.get_absolute_url()
    _warm(client, url)
    backend = type(caches["default"])
    with monkeypatch.context() as outage:
        # Every write refused, as a cache that is down answers (Django's contract).
        outage.setattr(backend, "set_many", lambda self, data, *a, **kw: list(data))
        services.article_archive(article=live, user=editor, reason="Superseded")
    response = client.get(url)
    assert response.status_code == 410
