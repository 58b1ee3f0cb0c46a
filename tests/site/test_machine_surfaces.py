"""robots.txt, the icons, and valid Atom and RSS feeds on the site's public address."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
PUBLIC = "https://health.example"


@pytest.fixture
def public_address(settings):
    # Not the host the test client asks on: every address must come from SITE_URL.
    settings.SITE_URL = PUBLIC


def test_robots_txt_allows_public_pages_and_names_the_sitemap(client, public_address):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/markdownx/", "/articles/*/preview/"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert "Disallow: /" not in lines  # nothing public is closed off
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in lines


def test_favicon_ico_is_an_icon_cached_for_long(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert "max-age=2592000" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO"
    assert (32, 32) in icon.info["sizes"]


def test_pages_link_the_svg_icon_and_a_180px_touch_icon(client):
    page = client.get("/").text
    assert 'rel="icon" href="/favicon.ico"' in page
    assert 'href="/static/vetted/favicon.svg" type="image/svg+xml"' in page
    assert '<link rel="apple-touch-icon" href="/static/vetted/apple-touch-icon.png">' in page
    touch = Image.open(finders.find("vetted/apple-touch-icon.png"))
    assert (touch.format, touch.size) == ("PNG", (180, 180))
    svg = ET.parse(finders.find("vetted/favicon.svg")).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"


def _atom(client) -> ET.Element:
    response = client.get("/feeds/articles.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_atom_feed_has_every_element_rfc_4287_requires(client, public_address, settings):
    settings.VETTED_PUBLISHER_NAME = "Vetted Health Ltd"
    writer = factories.writer(first_name="Maya", last_name="Lindqvist")
    factories.WriterProfileFactory(user=writer, display_name="Maya Lindqvist", credentials="MPH")
    article = factories.publish(writer=writer, reviewer=factories.reviewer())
    feed = _atom(client)
    assert feed.findtext(f"{ATOM}id") == f"{PUBLIC}/feeds/articles.atom"
    assert feed.findtext(f"{ATOM}title")
    assert feed.findtext(f"{ATOM}updated")
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Vetted Health Ltd"
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in self_links] == [f"{PUBLIC}/feeds/articles.atom"]
    for link in feed.iter(f"{ATOM}link"):
        assert link.get("href").startswith(f"{PUBLIC}/"), link.get("href")
    (entry,) = feed.findall(f"{ATOM}entry")
    for element in ("id", "title", "updated"):
        assert entry.findtext(f"{ATOM}{element}"), element
    # As the byline prints the writer (their public profile).
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Maya Lindqvist, MPH"
    assert entry.find(f"{ATOM}link").get("href") == f"{PUBLIC}{article.get_absolute_url()}"


def test_an_entry_whose_writer_has_no_public_name_is_by_the_editorial_team(client, public_address):
    hidden = factories.writer(first_name="Ann", last_name="Private")
    factories.WriterProfileFactory(user=hidden, is_public=False)
    factories.publish(writer=hidden, reviewer=factories.reviewer())
    factories.publish(
        writer=factories.writer(first_name="No", last_name="Profile"), reviewer=factories.reviewer()
    )
    entries = _atom(client).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}author/{ATOM}name") for e in entries] == [
        "The Vetted Health editorial team"
    ] * 2


def test_the_feed_reads_the_same_few_rows_however_many_entries(
    client, public_address, django_assert_max_num_queries
):
    reviewer = factories.reviewer()
    for number in range(6):
        writer = factories.writer()
        factories.WriterProfileFactory(user=writer)
        factories.publish(writer=writer, reviewer=reviewer, slug=f"feed-{number}")
    with django_assert_max_num_queries(3):
        assert client.get("/feeds/articles.atom").status_code == 200


def test_rss_feed_links_itself_on_the_public_address(client, public_address, approved):
    root = ET.fromstring(client.get("/feeds/articles.rss").content)
    channel = root.find("channel")
    assert channel.findtext("link") == f"{PUBLIC}/"
    self_link = channel.find(f"{ATOM}link")
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == f"{PUBLIC}/feeds/articles.rss"
    assert channel.find("item").findtext("link").startswith(f"{PUBLIC}/articles/")
