"""The contact form: stored for editors, throttled, same-origin only, a honeypot, clear
errors, nothing of a reader's message in a shared cache, and no cookie or CSRF token."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from articles.models import ContactMessage
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/contact/"
SAME_ORIGIN = {"Origin": "http://testserver"}
VALID = {
    "name": "Ada Reader",
    "email": "ada@example.org",
    "kind": "error",
    "article_url": "https://vetted.example/articles/gabapentin/",
    "message": "The dose in the second paragraph looks wrong to me.",
    "website": "",
}


def _send(client, data=None, **headers):
    return client.post(URL, data or VALID, headers=headers or SAME_ORIGIN)


def test_the_form_page_is_public_and_cacheable_with_no_cookie_or_token(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.text
    assert '<form class="contact-form" method="post" action="/contact/"' in response.text
    assert "In an emergency call your local emergency number" in response.text
    for label in ("Report an error in an article", "General question", "Press"):
        assert label in response.text
    assert "mailto:" not in response.text  # no address configured


def test_a_configured_address_is_shown(client, settings):
    settings.VETTED_CONTACT_EMAIL = "editors@vetted.example"
    assert 'href="mailto:editors@vetted.example"' in client.get(URL).text


def test_a_message_is_stored_and_confirmed_in_place(client):
    response = _send(client)
    assert response.status_code == 302
    assert response["Location"] == "/contact/?sent=1"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    stored = ContactMessage.objects.get()
    assert (stored.name, stored.email, stored.kind) == ("Ada Reader", "ada@example.org", "error")
    assert stored.article_url == VALID["article_url"]
    assert not stored.handled
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "your message has been sent" in thanks.text
    # The confirmation holds nothing of what was sent: it may be cached for everyone.
    assert "Ada Reader" not in thanks.text and "ada@example.org" not in thanks.text
    assert "public" in thanks["Cache-Control"]


def test_a_message_is_emailed_after_commit_when_an_address_is_set(
    client, settings, django_capture_on_commit_callbacks
):
    settings.VETTED_CONTACT_EMAIL = "editors@vetted.example"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _send(client)
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["editors@vetted.example"]
    assert email.reply_to == ["ada@example.org"]
    assert "Report an error in an article" in email.subject
    assert VALID["message"] in email.body


def test_no_email_without_an_address(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _send(client)
    assert ContactMessage.objects.count() == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name": ""}, "Tell us your name"),
        ({"email": "not-an-address"}, "Enter an email address like name@example.com."),
        ({"kind": ""}, "Choose what your message is about."),
        ({"kind": "lottery"}, "Choose what your message is about from the list."),
        ({"message": "Hi"}, "Tell us a little more"),
        ({"message": "x" * 5001}, "Keep your message under 5000 characters"),
        ({"name": "n" * 101}, "Keep your name under 100 characters."),
        ({"article_url": "javascript:alert(1)"}, "Paste the article"),
    ],
)
def test_invalid_input_gives_clear_messages_and_stores_nothing(client, change, error):
    response = _send(client, {**VALID, **change})
    assert response.status_code == 400
    assert "Your message was not sent." in response.text
    assert error in response.text
    assert "no-store" in response["Cache-Control"]
    assert ContactMessage.objects.count() == 0


def test_what_a_reader_typed_is_escaped_and_never_cached_for_others(client):
    hostile = {**VALID, "email": "bad", "name": '<script>alert("x")</script>'}
    response = _send(client, hostile)
    assert '<script>alert("x")</script>' not in response.text
    assert "&lt;script&gt;" in response.text
    # The form page others get shows none of it.
    assert "alert" not in client.__class__().get(URL).text


def test_the_honeypot_takes_nothing(client, settings, django_capture_on_commit_callbacks):
    settings.VETTED_CONTACT_EMAIL = "editors@vetted.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, {**VALID, "website": "https://spam.example"})
    assert response.status_code == 302  # the same answer a person gets
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Referer": "https://elsewhere.example/page"},
        {},
    ],
)
def test_a_post_from_another_site_is_refused(client, headers):
    response = client.post(URL, VALID, headers=headers)
    assert response.status_code == 403
    assert ContactMessage.objects.count() == 0


def test_messages_from_one_address_are_throttled(client, settings):
    settings.RATELIMIT_ENABLE = True
    settings.VETTED_CONTACT_RATE = "2/m"
    cache.clear()
    statuses = [_send(client.__class__()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert ContactMessage.objects.count() == 2
    # Reading the page is not throttled.
    assert client.get(URL).status_code == 200


def test_editors_read_and_handle_messages_in_the_admin(client, editor):
    _send(client)
    message = ContactMessage.objects.get()
    client.force_login(editor)
    changelist = reverse("admin:articles_contactmessage_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "Ada Reader" in page.text
    assert client.get(changelist, {"handled__exact": "0"}).status_code == 200
    response = client.post(
        changelist, {"action": "mark_handled", "_selected_action": [message.pk]}, follow=True
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.handled
    assert client.get(reverse("admin:articles_contactmessage_add")).status_code == 403


def test_writers_cannot_see_messages(client):
    ContactMessage.objects.create(name="A", email="a@example.org", kind="press", message="Hello")
    client.force_login(factories.writer())
    changelist = reverse("admin:articles_contactmessage_changelist")
    assert client.get(changelist).status_code == 403
