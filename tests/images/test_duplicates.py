"""Uploading a file the library already has makes no second image: the uploader is told
"This image is already in the library" and given the existing image to use (the editor
inserts it; the admin links to it). Files are compared by their bytes (SHA-256)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from images import selectors, services
from images.models import Image, ImageVersion
from tests import factories
from tests.images.test_uploads import WORDS, stored_files

pytestmark = pytest.mark.django_db

ALREADY = "This image is already in the library"
OTHER_WORDS = {
    "alt_text": "The same picture, described again",
    "caption": "Another caption.",
    "credit": "Photo: someone else",
    "licence": "Own work",
}


@pytest.fixture
def photo() -> bytes:
    return factories.image_bytes(900, 600, mark=7)


@pytest.fixture
def first(writer, photo) -> Image:
    return factories.library_image(writer, data=photo)


def library_state(settings) -> tuple[int, int, int]:
    return Image.objects.count(), ImageVersion.objects.count(), len(stored_files(settings))


def test_the_same_file_uploaded_twice_names_the_first_image_and_creates_nothing(
    writer, editor, first, photo, settings
):
    before = library_state(settings)
    with pytest.raises(services.DuplicateImage) as caught:
        services.image_upload(file=factories.upload(photo), user=editor, **OTHER_WORDS)
    assert caught.value.existing == first
    assert caught.value.message_dict == {"file": [services.DUPLICATE]}
    assert ALREADY in services.DUPLICATE
    assert library_state(settings) == before
    first.refresh_from_db()
    assert first.alt_text == WORDS["alt_text"]  # the library's words are left alone


def test_a_duplicate_is_said_before_the_missing_words(writer, first, photo):
    """The words are not needed for a file the library has: say the useful thing first."""
    with pytest.raises(services.DuplicateImage):
        services.image_upload(file=factories.upload(photo), user=writer, alt_text="")


def test_a_different_file_is_a_new_image(writer, first):
    other = factories.library_image(writer, data=factories.image_bytes(900, 600, mark=8))
    assert other != first and Image.objects.count() == 2


def test_a_file_an_image_no_longer_shows_may_be_uploaded_as_a_new_image(writer, first, photo):
    """Replaced by a newer file, the first image shows something else now."""
    services.image_replace(
        image=first, file=factories.upload(factories.image_bytes(900, 600, mark=9)), user=writer
    )
    again = services.image_upload(file=factories.upload(photo), user=writer, **OTHER_WORDS)
    assert again != first and again.current_version.sha256 == first.versions.get(number=1).sha256


def test_a_file_still_being_processed_counts_as_in_the_library(writer, photo, settings):
    """With a worker, the first upload has no current version yet: a second is refused."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first = services.image_upload(file=factories.upload(photo), user=writer, **WORDS)
    assert first.current_version is None
    with pytest.raises(services.DuplicateImage) as caught:
        services.image_upload(file=factories.upload(photo), user=writer, **OTHER_WORDS)
    assert caught.value.existing == first


# --- the editor's image picker ---------------------------------------------------------------


def test_the_editor_is_answered_with_the_existing_image_to_insert(client, writer, first, photo):
    client.force_login(writer)
    response = client.post(
        reverse("admin:images_image_picker_upload"),
        {**OTHER_WORDS, "file": factories.upload(photo)},
    )
    assert response.status_code == 409
    answer = response.json()
    assert answer["message"].startswith(ALREADY)
    assert answer["errors"]["file"] == [services.DUPLICATE]
    assert answer["existing"]["id"] == first.pk
    assert answer["existing"]["markdown"] == first.markdown
    assert Image.objects.count() == 1


# --- the library's add form ------------------------------------------------------------------


def test_the_add_form_says_the_image_is_there_and_links_to_it(client, editor, first, photo):
    client.force_login(editor)
    response = client.post(
        reverse("admin:images_image_add"), {**OTHER_WORDS, "file": factories.upload(photo)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert ALREADY in page
    link = reverse("admin:images_image_change", args=[first.pk])
    assert f'<a href="{link}">Use the existing image</a>' in page
    assert response.context["adminform"].form["alt_text"].value() == OTHER_WORDS["alt_text"]
    assert Image.objects.count() == 1


def test_a_duplicate_the_form_missed_is_refused_by_the_service_with_the_link(
    client, editor, first, photo, monkeypatch
):
    """Uploaded by someone else between the form's check and the save."""
    real = selectors.image_with_file
    calls = []

    def not_there_yet(sha256: str) -> Image | None:
        calls.append(sha256)
        return None if len(calls) == 1 else real(sha256)  # the form's look, then the save's

    monkeypatch.setattr(selectors, "image_with_file", not_there_yet)
    client.force_login(editor)
    response = client.post(
        reverse("admin:images_image_add"),
        {**OTHER_WORDS, "file": factories.upload(photo)},
        follow=True,
    )
    page = response.content.decode()
    assert ALREADY in page
    assert reverse("admin:images_image_change", args=[first.pk]) in page
    assert Image.objects.count() == 1
    assert len(calls) == 2
