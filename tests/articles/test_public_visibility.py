"""Nothing unapproved reaches a public surface: pages, search, sitemap, feeds, JSON-LD."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "zanzibarquux"  # a word that appears only in unapproved text


@pytest.fixture
def world(writer, reviewer, editor):
    """One live article plus unapproved text in every state the workflow allows."""

    def article(**fields):
        ref = factories.ReferenceFactory()
        fields.setdefault("body", f"Body text [@{ref.key}].")
        return factories.ArticleFactory(authors=[writer], **fields)

    def approve(a):
        return factories.take_live(a, writer=writer, reviewer=reviewer)

    live = approve(article(title="Live article on cramps", slug="live-cramps"))
    # Its working copy has since been rewritten and resubmitted, unapproved.
    live.title = f"Rewritten {SECRET} title"
    live.body = f"{SECRET} new body [@{factories.ReferenceFactory().key}]."
    services.article_save(article=live, user=writer, changed_fields=["title", "body"])
    services.article_submit(article=live, user=writer)

    article(title=f"Draft {SECRET}", slug="draft-one", summary=SECRET)
    submitted = article(title=f"Submitted {SECRET}", slug="submitted-one", summary=SECRET)
    services.article_submit(article=submitted, user=writer)
    in_review = article(title=f"In review {SECRET}", slug="in-review-one", summary=SECRET)
    services.article_submit(article=in_review, user=writer)
    services.review_start(article=in_review, user=reviewer)
    changes = article(title=f"Changes {SECRET}", slug="changes-one", summary=SECRET)
    services.article_submit(article=changes, user=writer)
    services.review_start(article=changes, user=reviewer)
    services.review_request_changes(article=changes, user=reviewer, comment="Fix it.")
    archived = approve(article(title=f"Archived {SECRET}", slug="archived-one"))
    services.article_archive(article=archived, user=editor, reason="Superseded.")
    return live


PUBLIC_URLS = [
    "/",
    "/topics/{topic}/",
    "/advisory-board/",
    "/advisory-board/{reviewer}/",
    "/search/?q=" + SECRET,
    "/search/?q=cramps",
    "/sitemap.xml",
    "/feeds/articles.rss",
    "/feeds/articles.atom",
    "/articles/live-cramps/",
]


@pytest.mark.parametrize("pending_setting", [False, True])
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_unapproved_text_is_absent_from_public_surfaces(
    client, world, reviewer, settings, url, pending_setting
):
    settings.VETTED_PUBLISH_PENDING_REVIEW = pending_setting
    url = url.format(topic=world.topic.slug, reviewer=reviewer.reviewer_profile.slug)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    if pending_setting and url == "/":
        # The opt-in lists pending titles in their own, clearly labelled panel only.
        body = body.split('id="pending-heading"')[0]
    if url == f"/search/?q={SECRET}":
        assert f"0 results for “{SECRET}”" in body
        body = body.split('<ol class="search-results">')[1]
    assert SECRET not in body
    if url.startswith("/search/?q=cramps"):
        assert "Live article on cramps" in body


@pytest.mark.parametrize("slug", ["draft-one", "submitted-one", "in-review-one", "changes-one"])
def test_unapproved_article_urls_are_not_found(client, world, slug):
    assert client.get(f"/articles/{slug}/").status_code == 404


def test_archived_article_is_gone_without_its_text(client, world):
    response = client.get("/articles/archived-one/")
    assert response.status_code == 410


def test_sitemap_and_feed_list_only_the_live_article(client, world):
    sitemap = "".join(
        client.get(f"/sitemap-{section}.xml").content.decode()
        for section in ("articles", "professional")
    )
    assert "/articles/live-cramps/" in sitemap
    for slug in ("draft-one", "submitted-one", "in-review-one", "changes-one", "archived-one"):
        assert f"/articles/{slug}/" not in sitemap
    feed = client.get("/feeds/articles.rss").content.decode()
    assert feed.count("<item>") == 1
    assert "Live article on cramps" in feed


def test_json_ld_describes_the_live_revision_only(client, world):
    page = client.get("/articles/live-cramps/").content.decode()
    script = page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "Live article on cramps" in script
    assert SECRET not in script


def test_pending_panel_lists_only_submitted_and_in_review(client, world, settings):
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    panel = client.get("/").content.decode().split('id="pending-heading"')[1]
    assert "Submitted " + SECRET in panel
    assert "In review " + SECRET in panel
    assert "Draft " + SECRET not in panel
    assert "Changes " + SECRET not in panel
    assert "Rewritten" not in panel  # a live article keeps its approved page


def test_pending_panel_is_absent_by_default(client, world):
    assert "pending-heading" not in client.get(reverse("articles:home")).content.decode()
