"""Who may change a library image: its uploader and editors. Every writer may still use it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from images import services
from images.models import Image, ImageVersion
from reviews import services as review_services
from tests import factories

pytestmark = pytest.mark.django_db

NEW_WORDS = {
    "alt_text": "A photo of a cat",
    "caption": "Not what the article is about.",
    "credit": "Photo: someone else",
    "licence": "All rights reserved",
}


@pytest.fixture
def other_writer(db):
    return factories.writer(username="otto")


@pytest.fixture
def image(writer):
    return factories.library_image(writer)


def unchanged(image: Image) -> bool:
    stored = Image.objects.get(pk=image.pk)
    return (
        (stored.alt_text, stored.caption, stored.credit, stored.licence)
        == (image.alt_text, image.caption, image.credit, image.licence)
        and stored.current_version_id == image.current_version_id
        and ImageVersion.objects.filter(image=image).count() == 1
    )


def test_another_writer_cannot_change_an_images_words(image, other_writer):
    with pytest.raises(PermissionDenied, match="Only the person who uploaded this image"):
        services.image_describe(image=image, user=other_writer, **NEW_WORDS)

    assert unchanged(image)


def test_another_writer_cannot_replace_an_images_file(image, other_writer):
    with pytest.raises(PermissionDenied):
        services.image_replace(image=image, file=factories.upload(), user=other_writer)

    assert unchanged(image)


def test_another_writer_cannot_delete_an_image(image, other_writer):
    with pytest.raises(PermissionDenied):
        services.image_delete(image=image, user=other_writer)

    assert Image.objects.filter(pk=image.pk).exists()


def test_the_uploader_changes_their_own_image(image, writer):
    services.image_describe(image=image, user=writer, **NEW_WORDS)
    services.image_replace(image=image, file=factories.upload(), user=writer)

    stored = Image.objects.get(pk=image.pk)
    assert stored.credit == NEW_WORDS["credit"]
    assert stored.current_version.number == 2


def test_an_editor_changes_and_deletes_anyones_image(image, editor):
    services.image_describe(image=image, user=editor, **NEW_WORDS)
    assert Image.objects.get(pk=image.pk).alt_text == NEW_WORDS["alt_text"]

    services.image_delete(image=image, user=editor)

    assert not Image.objects.filter(pk=image.pk).exists()


def test_another_writers_image_opens_read_only_in_the_admin(client, image, other_writer):
    client.force_login(other_writer)

    page = client.get(reverse("admin:images_image_change", args=[image.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert image.alt_text in html
    assert 'name="alt_text"' not in html and 'type="file"' not in html
    assert 'name="_save"' not in html


def test_a_forged_admin_edit_of_another_writers_image_is_refused(client, image, other_writer):
    client.force_login(other_writer)

    response = client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {**NEW_WORDS, "file": factories.upload()},
    )

    assert response.status_code == 403
    assert unchanged(image)


def test_the_uploader_edits_their_image_in_the_admin(client, image, writer):
    client.force_login(writer)

    response = client.post(reverse("admin:images_image_change", args=[image.pk]), NEW_WORDS)

    assert response.status_code == 302
    assert Image.objects.get(pk=image.pk).caption == NEW_WORDS["caption"]


def test_an_editor_deletes_an_unused_image_in_the_admin_and_writers_cannot(
    client, image, writer, editor
):
    url = reverse("admin:images_image_delete", args=[image.pk])
    client.force_login(writer)
    assert client.post(url, {"post": "yes"}).status_code == 403
    client.force_login(editor)

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


def test_every_writer_may_still_find_and_insert_any_image(client, image, other_writer):
    client.force_login(other_writer)

    listed = client.get(reverse("admin:images_image_picker"), {"q": "median"}).json()

    assert [row["markdown"] for row in listed["results"]] == [image.markdown]
    source = factories.ReferenceFactory()
    article = factories.ArticleFactory(
        authors=[other_writer], body=f"Evidence [@{source.key}].\n\n{image.markdown}"
    )

    submitted = review_services.article_submit(article=article, user=other_writer)
    assert submitted.current_revision.image_links.get().image == image
