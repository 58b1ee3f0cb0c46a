"""The transparency pages: in every footer, each with its heading, and the privacy page
naming every cookie and browser store the site really uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import reverse
from django.utils import timezone

from articles import views
from articles.models import SitePage
from articles.transparency import PAGES

pytestmark = pytest.mark.django_db

FOOTER_RE = re.compile(r'<footer class="site-footer">(.*?)</footer>', re.S)


def _footer(html: str) -> str:
    return FOOTER_RE.search(html).group(1)


def _footer_links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', _footer(html))


def test_every_footer_link_of_the_home_page_answers_200(client):
    # On the database as migrated: no seed, no page made by the test.
    links = _footer_links(client.get("/").text)
    expected = {
        "/pages/about/",
        "/pages/funding-and-advertising/",
        "/pages/privacy/",
        "/pages/corrections-policy/",
        "/pages/copyright/",
        "/contact/",
        "/pages/editorial-policy/",
        "/advisory-board/",
    }
    assert expected <= set(links)
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_footer_of_a_stored_article_page_has_the_same_links(client, approved):
    article_links = _footer_links(client.get(approved.get_absolute_url()).text)
    assert article_links == _footer_links(client.get("/").text)


@pytest.mark.parametrize("key", list(PAGES))
def test_each_transparency_page_has_its_heading_and_text(client, key):
    title, body = PAGES[key]
    url = reverse("articles:contact") if key == "contact" else f"/pages/{key}/"
    response = client.get(url)
    assert response.status_code == 200
    assert f'<h1 id="page-title">{title}</h1>' in response.text
    first_text = next(line for line in body.splitlines() if line and not line.startswith("#"))
    assert first_text.split("**")[0][:25] in response.text


def test_footer_carries_a_copyright_line_with_this_year_and_the_publisher(client, settings):
    settings.VETTED_PUBLISHER_NAME = "Example Health Media Ltd"
    footer = _footer(client.get("/pages/about/").text)
    assert f"&copy; {timezone.now().year} Example Health Media Ltd" in footer


def _cookies_the_site_sets(client, approved) -> set[str]:
    """Every cookie a reader can get, by doing what sets each one."""
    origin = {"Origin": "http://testserver"}
    names = set()
    feedback = reverse("articles:feedback", kwargs={"slug": approved.slug})
    names |= set(client.post(feedback, {"helpful": "yes"}, headers=origin).cookies)
    return names


def test_privacy_page_names_every_cookie_and_store_the_site_uses(client, approved):
    page = client.get("/pages/privacy/").text
    assert _cookies_the_site_sets(client, approved) == {views.READER_COOKIE}
    # site.js keeps the reader's audience choice in a cookie of its own.
    script = (Path(settings.BASE_DIR) / "static/vetted/site.js").read_text()
    assert set(re.findall(r'document\.cookie = "([^"=]+)=', script)) == {"audience"}
    reader_cookies = {views.READER_COOKIE, "audience"}
    staff_cookies = {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        CookieStorage.cookie_name,
    }
    for name in reader_cookies | staff_cookies:
        assert f"<code>{name}</code>" in page, name
    # What site.js keeps in the browser's storage, by the key it uses.
    prefixes = set(re.findall(r'setItem\("([^"]+)"', script))
    assert prefixes == {"vetted:vote:"}
    for prefix in prefixes:
        assert f"<code>{prefix}</code>" in page
    # Addresses: throttling and the staff sign-in lockout.
    assert "IP" in page and "sign-in" in page


def test_staff_sign_in_sets_only_the_cookies_the_privacy_page_names(client, editor):
    login = f"{reverse('admin:login')}?next=/admin/"
    client.get(login)
    response = client.post(
        login, {"username": editor.username, "password": "pw", "next": "/admin/"}, follow=True
    )
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in client.cookies
    page = client.__class__().get("/pages/privacy/").text
    for name in client.cookies:
        assert f"<code>{name}</code>" in page, name


def test_editing_a_transparency_page_shows_on_its_page(client):
    url = "/pages/funding-and-advertising/"
    assert "Paid for by readers" not in client.get(url).text  # now cached
    page = SitePage.objects.get(key="funding-and-advertising")
    page.body = "Paid for by readers."
    page.save()
    assert "Paid for by readers." in client.get(url).text


def test_the_old_contact_address_leads_to_the_contact_page(client):
    response = client.get("/pages/contact/")
    assert response.status_code == 301
    assert response["Location"] == "/contact/"


def test_transparency_pages_are_in_the_sitemap(client):
    body = client.get("/sitemap-pages.xml").text
    # The disclaimers are shown inside articles; they are not pages of their own.
    for key in set(PAGES) - {"patient-disclaimer", "professional-disclaimer"}:
        path = "/contact/" if key == "contact" else f"/pages/{key}/"
        assert f"<loc>{settings.SITE_URL}{path}</loc>" in body
