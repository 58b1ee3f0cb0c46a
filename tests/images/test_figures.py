"""Library images in articles: inserted by reference, rendered as figures, refused from
elsewhere, frozen by each approved revision, served same-origin, the lead image shared."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from articles import markdown, revisions, stored_pages
from articles.models import RevisionImage
from articles.submission import check_submission
from images import services as image_services
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db


_approve = factories.take_live


@pytest.fixture
def figure(writer):
    return factories.library_image(writer)


@pytest.fixture
def illustrated(writer, figure):
    source = factories.ReferenceFactory()
    return factories.ArticleFactory(
        authors=[writer],
        body=f"Numbness at night [@{source.key}].\n\n{figure.markdown}\n\nMore text.",
    )


def _srcs(html: str) -> list[str]:
    return re.findall(r'(?:src|srcset)="([^"]+)"', html)


def test_a_library_image_renders_as_a_figure_with_alt_caption_credit_and_renditions(figure):
    html = markdown.render_article(f"Intro.\n\n{figure.markdown}\n").body_html
    assert '<figure class="figure"' in html
    assert 'alt="Diagram of the median nerve in the wrist"' in html
    assert "The carpal tunnel, seen from the palm." in html
    assert "Illustration: Jane Doe · CC BY 4.0" in html
    version = figure.current_version
    for rendition in version.renditions:
        assert f"/media/{rendition['name']} {rendition['width']}w" in html
    assert f'width="{version.fallback["width"]}" height="{version.fallback["height"]}"' in html
    assert all(src.startswith("/media/images/") for src in _srcs(html))


def test_the_writers_alt_text_and_title_override_the_librarys(figure):
    text = f'![Median nerve, marked in yellow](image:{figure.pk} "Where the nerve is pinched")'
    html = markdown.render_article(text).body_html
    assert 'alt="Median nerve, marked in yellow"' in html
    assert "Where the nerve is pinched" in html


def test_an_external_image_is_refused_at_the_submission_check(writer):
    source = factories.ReferenceFactory()
    article = factories.ArticleFactory(
        authors=[writer],
        body=f"Text [@{source.key}].\n\n![diagram](https://example.org/x.png)\n",
    )
    submission = check_submission(article)
    assert submission.problems == [
        "Images must come from the image library (https://example.org/x.png): the site shows "
        "no image from elsewhere. Upload it with “Image” in the editor and insert it from there."
    ]
    html = submission.rendered.body_html
    assert "<img" not in html
    assert "External image not shown (https://example.org/x.png)" in html


def test_an_image_written_as_html_is_refused_too(writer):
    source = factories.ReferenceFactory()
    article = factories.ArticleFactory(
        authors=[writer], body=f'Text [@{source.key}].\n\n<img src="https://evil.example/x.png">\n'
    )
    submission = check_submission(article)
    assert "<img> written as HTML" in submission.problems[0]
    assert "<img" not in submission.rendered.body_html


def test_an_image_not_in_the_library_is_named(writer):
    source = factories.ReferenceFactory()
    article = factories.ArticleFactory(
        authors=[writer], body=f"Text [@{source.key}].\n\n![x](image:999)"
    )
    assert check_submission(article).problems == [
        "These images are not in the image library: image:999."
    ]


def test_the_submitted_revision_records_the_version_it_shows(illustrated, writer, figure):
    article = services.article_submit(article=illustrated, user=writer)
    link = RevisionImage.objects.get(revision=article.current_revision)
    assert (link.image, link.version, link.position) == (figure, figure.current_version, 1)
    assert link.snapshot["alt_text"] == figure.alt_text
    assert link.snapshot["sha256"] == figure.current_version.sha256


def test_an_image_replaced_after_approval_does_not_change_the_live_page(
    client, illustrated, writer, reviewer, figure
):
    article = _approve(illustrated, writer=writer, reviewer=reviewer)
    first = figure.current_version
    before = client.get(article.get_absolute_url()).content.decode()
    assert f"/media/{first.fallback['name']}" in before

    second = image_services.image_replace(
        image=figure, file=factories.upload(factories.image_bytes(900, 900, "PNG")), user=writer
    )
    image_services.image_describe(
        image=figure, user=writer, alt_text="A new description", caption="A new caption",
        credit="Someone else", licence="CC0",
    )  # fmt: skip
    stored_pages.refresh_page(article.pk)  # even rendered again, the page keeps what was approved
    after = client.get(article.get_absolute_url()).content.decode()
    assert f"/media/{first.fallback['name']}" in after
    assert f"/media/{second.fallback['name']}" not in after
    assert "A new caption" not in after and "Diagram of the median nerve" in after

    article.body += "\n\nA new paragraph."
    article = services.article_save(article=article, user=writer, changed_fields=["body"])
    article = _approve(article, writer=writer, reviewer=reviewer)
    updated = client.get(article.get_absolute_url()).content.decode()
    assert f"/media/{second.fallback['name']}" in updated
    assert f"/media/{first.fallback['name']}" not in updated
    assert "A new caption" in updated


def test_a_draft_figure_is_for_staff_only_until_approved(
    client, illustrated, writer, reviewer, figure
):
    url = reverse("images:file", kwargs={"name": figure.current_version.fallback["name"]})
    refused = client.get(url)
    assert refused.status_code == 404
    assert "no-store" in refused["Cache-Control"]
    client.force_login(writer)
    staff = client.get(url)
    assert staff.status_code == 200 and staff["Content-Type"] == "image/jpeg"
    assert staff["Cache-Control"].startswith("private")
    client.logout()

    _approve(illustrated, writer=writer, reviewer=reviewer)
    public = client.get(url)
    assert public.status_code == 200
    assert public["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(public.streaming_content)[:3] == b"\xff\xd8\xff"  # a JPEG
    assert "Cookie" not in public.get("Vary", "")


def test_a_draft_figure_is_refused_to_staff_who_may_not_see_the_library(client, figure):
    """A staff account outside the editorial groups (say, a support login) sees no drafts."""
    url = reverse("images:file", kwargs={"name": figure.current_version.fallback["name"]})
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get(url).status_code == 404


def test_the_media_path_serves_nothing_but_library_files(client, writer):
    client.force_login(writer)
    for name in ("../config/settings.py", "images/abc/w480.webp", "images/" + "a" * 64 + "/x.exe"):
        assert client.get(f"/media/{name}").status_code == 404


def test_the_lead_image_is_the_og_image_and_the_json_ld_image(
    client, illustrated, writer, reviewer, figure, settings
):
    article = _approve(illustrated, writer=writer, reviewer=reviewer)
    html = client.get(article.get_absolute_url()).content.decode()
    fallback = figure.current_version.fallback
    image_url = f"{settings.SITE_URL}/media/{fallback['name']}"
    assert f'<meta property="og:image" content="{image_url}">' in html
    assert (
        '<meta property="og:image:alt" content="Diagram of the median nerve in the wrist">' in html
    )
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["image"]["url"] == image_url
    assert data["image"]["width"] == fallback["width"]


def test_a_page_without_figures_shares_the_site_card(client, approved, settings):
    html = client.get(approved.get_absolute_url()).content.decode()
    card = f"{settings.SITE_URL}/static/vetted/card.png"
    assert f'<meta property="og:image" content="{card}">' in html
    assert "/media/images/" not in html
    assert f'"image": {{"@type": "ImageObject", "url": "{card}"' in html


def test_content_hash_covers_the_images_shown(illustrated, writer, figure):
    article = services.article_submit(article=illustrated, user=writer)
    revision = article.current_revision
    assert revisions.revision_content_hash(revision) == revision.content_hash
    RevisionImage.objects.filter(revision=revision).update(snapshot={"tampered": True})
    assert revisions.revision_content_hash(revision) != revision.content_hash


def test_alt_text_and_title_cannot_break_out_of_the_figure(writer):
    image = factories.library_image(writer, caption="<script>alert(1)</script>")
    text = f'![x" onerror="alert(1)](image:{image.pk} "<img src=x onerror=alert(2)>")'
    html = markdown.render_article(text).body_html
    assert "<script" not in html and 'onerror="' not in html
    assert 'alt="x&quot; onerror=&quot;alert(1)"' in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
