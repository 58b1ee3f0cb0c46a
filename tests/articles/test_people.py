"""Bylines, writer profiles, disclosures, corrections and the page's machine-readable trust."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from articles.models import LivePage, SubjectType
from people.names import printed_name, split_honorific
from reviews import services
from tests import factories

pytestmark = pytest.mark.django_db

JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
SITE_URL = "https://health.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


@pytest.fixture
def author(writer):
    factories.WriterProfileFactory(
        user=writer,
        display_name="Dr. Amara Nwosu",
        credentials="MPH",
        slug="amara-nwosu",
        job_title="Senior health writer",
        expertise="pain medicine, older adults",
        bio="Amara writes about pain and the medicines used for it.",
        conflict_of_interest="Was paid for a talk by a patients' charity in 2023.",
    )
    return writer


def _page(client, article, audience="") -> str:
    url = article.get_absolute_url() + (f"{audience}/" if audience else "")
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def _article_header(page: str) -> str:
    start = page.index('<header class="article-header">')
    return page[start : page.index("</header>", start)]


def _json_ld(page: str) -> dict:
    return json.loads(JSON_LD_RE.search(page).group(1))


@pytest.mark.parametrize(
    ("name", "credentials", "printed"),
    [
        ("Dr Rafael Okafor", "MD", "Rafael Okafor, MD"),
        ("Dr. Rafael Okafor", "MD", "Rafael Okafor, MD"),
        ("dr rafael okafor", "MD", "rafael okafor, MD"),
        ("Prof Ines Duarte", "PhD, FRCP", "Ines Duarte, PhD, FRCP"),
        ("Professor Ines Duarte", "", "Prof Ines Duarte"),
        ("Dr Rafael Okafor", "", "Dr Rafael Okafor"),
        ("Dr. Rafael Okafor", "  ", "Dr Rafael Okafor"),
        ("Priya Raman", "PharmD", "Priya Raman, PharmD"),
        ("Drew Barrow", "RN", "Drew Barrow, RN"),  # a name that starts with "Dr"
        ("Dr", "MD", "Dr, MD"),  # a title alone is left as written
    ],
)
def test_a_person_is_printed_with_a_title_or_credentials_never_both(name, credentials, printed):
    assert printed_name(name, credentials) == printed


def test_split_honorific_gives_the_title_apart():
    assert split_honorific("Dr.  Rafael   Okafor") == ("Dr", "Rafael Okafor")
    assert split_honorific("Drew Barrow") == ("", "Drew Barrow")


def test_byline_names_the_writer_and_the_reviewer_linking_to_their_profiles(
    client, author, reviewer
):
    article = factories.publish(writer=author, reviewer=reviewer)
    page = _page(client, article)
    assert 'Written by <a href="/writers/amara-nwosu/">Amara Nwosu, MPH</a>' in page
    profile = reviewer.reviewer_profile
    assert (
        f'Medically reviewed by <a href="{profile.get_absolute_url()}">{profile.plain_name}, MD</a>'
    ) in page
    assert "Dr Amara Nwosu, MPH" not in page and "Dr. Amara Nwosu" not in page
    assert f"{profile.display_name}, MD" not in page
    # The profile the byline links to is there, with the bio and the disclosure.
    profile_page = client.get("/writers/amara-nwosu/").text
    assert "Amara writes about pain" in profile_page
    assert "Was paid for a talk by a patients&#x27; charity in 2023." in profile_page


def test_each_credited_persons_disclosure_is_one_click_from_the_article(client, author, reviewer):
    profile = reviewer.reviewer_profile
    profile.conflict_of_interest = "Advises a hospital formulary committee."
    profile.save()
    article = factories.publish(writer=author, reviewer=reviewer)
    page = _page(client, article)
    # The byline and the "About this article" panel link to the disclosures...
    assert page.count('href="#disclosures"') == 2
    # ...which list each writer's and reviewer's own words, linked to their profiles.
    section = page[page.index('id="disclosures"') :]
    section = section[: section.index("</section>")]
    assert "Was paid for a talk by a patients&#x27; charity in 2023." in section
    assert "Advises a hospital formulary committee." in section
    assert 'href="/writers/amara-nwosu/"' in section
    assert f'href="{profile.get_absolute_url()}"' in section


def test_a_disclosure_left_empty_says_no_conflicts_declared(client, writer, reviewer):
    factories.WriterProfileFactory(user=writer, conflict_of_interest="")
    page = _page(client, factories.publish(writer=writer, reviewer=reviewer))
    section = page[page.index('id="disclosures"') :]
    assert "No conflicts declared." in section[: section.index("</section>")]


def test_writers_without_a_public_profile_are_credited_to_the_editorial_team(
    client, writer, reviewer, settings
):
    hidden = factories.writer(username="hidden")
    factories.WriterProfileFactory(user=hidden, display_name="Hidden Person", is_public=False)
    article = factories.publish(writer=writer, reviewer=reviewer)
    article.authors.add(hidden)
    article = factories.approve_edit(article, writer=writer, reviewer=reviewer, title="Edited")
    page = _page(client, article)
    assert f"Written by the {settings.SITE_NAME} editorial team" in page
    assert writer.get_full_name() not in page
    assert "Hidden Person" not in page
    data = _json_ld(page)
    assert data["author"]["@type"] == "Organization"
    assert client.get(f"/writers/{hidden.writer_profile.slug}/").status_code == 404


def test_the_revision_keeps_who_wrote_it(client, author, reviewer):
    article = factories.publish(writer=author, reviewer=reviewer)
    # A writer added to the working copy is credited only with the next approved revision.
    other = factories.writer(username="other")
    factories.WriterProfileFactory(user=other, display_name="Oscar Lind", slug="oscar-lind")
    article.authors.add(other)
    assert "Oscar Lind" not in _page(client, article)
    article = factories.approve_edit(article, writer=author, reviewer=reviewer, title="New title")
    page = _page(client, article)
    assert 'Written by <a href="/writers/amara-nwosu/">Amara Nwosu, MPH</a> and ' in page
    assert '<a href="/writers/oscar-lind/">Oscar Lind</a>' in page


def test_renaming_a_writer_updates_exactly_the_pages_that_credit_them(
    client, author, reviewer, django_capture_on_commit_callbacks
):
    credited = factories.publish(writer=author, reviewer=reviewer)
    other_writer = factories.writer(username="other")
    untouched = factories.publish(writer=other_writer, reviewer=reviewer)
    assert "Amara Nwosu" in _page(client, credited)
    _page(client, untouched)

    profile = author.writer_profile
    profile.display_name = "Amara Nwosu-Bell"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        profile.save()
    assert LivePage.objects.get(pk=credited.pk).is_stale
    assert not LivePage.objects.get(pk=untouched.pk).is_stale
    etag = LivePage.objects.get(pk=untouched.pk).etag

    for callback in queued:  # the commit: the task renders the stale page again
        callback()
    assert not LivePage.objects.get(pk=credited.pk).is_stale
    assert LivePage.objects.get(pk=untouched.pk).etag == etag
    page = _page(client, credited)
    assert "Amara Nwosu-Bell, MPH</a>" in page
    assert _json_ld(page)["author"][0]["name"] == "Amara Nwosu-Bell"


def test_a_new_profile_names_the_writer_on_their_live_pages(
    client, writer, reviewer, settings, django_capture_on_commit_callbacks
):
    article = factories.publish(writer=writer, reviewer=reviewer)
    assert f"the {settings.SITE_NAME} editorial team" in _page(client, article)
    with django_capture_on_commit_callbacks(execute=True):
        factories.WriterProfileFactory(user=writer, display_name="Lena Park", slug="lena-park")
    assert 'Written by <a href="/writers/lena-park/">Lena Park</a>' in _page(client, article)


def test_writer_profile_lists_live_articles_only(client, author, reviewer):
    live = factories.publish(writer=author, reviewer=reviewer, title="A live article")
    factories.ArticleFactory(authors=[author], title="A draft nobody approved")
    page = client.get("/writers/amara-nwosu/").text
    assert "Amara Nwosu, MPH" in page
    assert "Senior health writer" in page
    assert "pain medicine" in page and "older adults" in page
    assert live.get_absolute_url() in page
    assert "A draft nobody approved" not in page
    assert client.get("/writers/amara-nwosu/?page=2").status_code == 404
    assert client.get("/writers/amara-nwosu/?page=x").status_code == 404
    assert client.get("/writers/nobody/").status_code == 404


def test_writer_profile_pages_its_articles_in_bounded_queries(
    client, author, reviewer, django_assert_max_num_queries
):
    for n in range(12):
        factories.publish(writer=author, reviewer=reviewer, title=f"Article number {n}")
    with django_assert_max_num_queries(8):
        first = client.get("/writers/amara-nwosu/").text
    assert first.count('class="card"') == 10
    second = client.get("/writers/amara-nwosu/?page=2").text
    assert second.count('class="card"') == 2
    assert client.get("/writers/amara-nwosu/?page=3").status_code == 404


# --- corrections --------------------------------------------------------------------


def _correct(article, *, writer, reviewer, note, **changes):
    article.refresh_from_db()
    article.is_correction = True
    article.correction_note = note
    return factories.approve_edit(
        article, writer=writer, reviewer=reviewer, **changes, is_correction=True,
        correction_note=note,
    )  # fmt: skip


def test_a_correction_shows_under_the_byline_and_in_the_history(client, author, reviewer):
    article = factories.publish(writer=author, reviewer=reviewer, summary="Take 300 mg.")
    note = "We gave the wrong starting dose <b>300 mg</b>; it is 100 mg."
    article = _correct(article, writer=author, reviewer=reviewer, note=note, summary="Take 100 mg.")
    revision = article.live_revision
    assert revision.is_correction and revision.correction_note == note
    page = _page(client, article)
    escaped = "We gave the wrong starting dose &lt;b&gt;300 mg&lt;/b&gt;; it is 100 mg."
    header = _article_header(page)
    assert re.search(
        r'Corrected on <time datetime="[^"]+">[A-Z][a-z]+ \d+, \d{4}</time>:</strong> '
        + re.escape(escaped),
        header,
    )
    assert "<b>300 mg</b>" not in page
    history = page[page.index('id="history-heading"') :]
    assert f"<strong>Correction:</strong> {escaped}" in history
    assert _json_ld(page)["correction"]["text"] == note
    # The working copy starts the next edit without the old note.
    article.refresh_from_db()
    assert not article.is_correction and article.correction_note == ""


def test_a_later_edit_that_is_not_a_correction_does_not_repeat_the_note(client, author, reviewer):
    article = factories.publish(writer=author, reviewer=reviewer)
    note = "The table gave the adult dose for children."
    article = _correct(article, writer=author, reviewer=reviewer, note=note, title="Fixed")
    article = factories.approve_edit(article, writer=author, reviewer=reviewer, title="Later")
    page = _page(client, article)
    header = _article_header(page)
    assert "Corrected on" not in header
    assert "correction" not in _json_ld(page)
    # The history keeps it, with the version that made it (version 2), not the current one.
    history = page[page.index('id="history-heading"') :]
    assert history.count(note) == 1
    version_2 = history[
        history.index("Version 2") : history.index("</li>", history.index("Version 2"))
    ]
    assert note in version_2


def test_a_correction_needs_a_note_and_reviewers_see_it(client, author, reviewer):
    article = factories.publish(writer=author, reviewer=reviewer)
    article.refresh_from_db()
    article.is_correction = True
    with pytest.raises(ValidationError, match="Say what was corrected"):
        article.clean()
    article.correction_note = "The dose was wrong."
    article.body += " Corrected."
    article = services.article_save(
        article=article, user=author, changed_fields=["is_correction", "correction_note", "body"]
    )
    article = services.article_submit(article=article, user=author)
    client.force_login(reviewer)
    review = client.get(reverse("admin:articles_article_review", args=[article.pk])).text
    assert "This revision corrects the live article." in review
    assert "The dose was wrong." in review


# --- machine-readable trust ---------------------------------------------------------


def test_json_ld_carries_people_subject_audience_image_and_dates(client, author, reviewer):
    article = factories.publish(
        writer=author,
        reviewer=reviewer,
        subject_name="gabapentin",
        subject_type=SubjectType.DRUG,
        professional_body="For clinicians.",
    )
    revision = article.live_revision
    data = _json_ld(_page(client, article))
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Amara Nwosu",
            "honorificPrefix": "Dr",
            "honorificSuffix": "MPH",
            "jobTitle": "Senior health writer",
            "knowsAbout": ["pain medicine", "older adults"],
            "url": f"{SITE_URL}/writers/amara-nwosu/",
        }
    ]
    profile = reviewer.reviewer_profile
    [reviewed_by] = data["reviewedBy"]
    assert reviewed_by["name"] == profile.plain_name
    assert reviewed_by["honorificPrefix"] == "Dr"
    assert reviewed_by["honorificSuffix"] == "MD"
    assert reviewed_by["knowsAbout"] == profile.specialty
    assert reviewed_by["jobTitle"] != profile.specialty
    assert reviewed_by["url"] == f"{SITE_URL}{profile.get_absolute_url()}"
    assert data["about"] == {"@type": "Drug", "name": "gabapentin"}
    assert data["mainEntity"] == data["about"]
    assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}
    assert data["image"]["url"] == f"{SITE_URL}/static/vetted/card.png"
    assert (data["image"]["width"], data["image"]["height"]) == (1200, 630)
    assert data["lastReviewed"] and data["dateModified"] == revision.content_updated_at.isoformat()
    assert data["datePublished"] == revision.published_at.isoformat()
    assert len(data["citation"]) == 1
    assert data["publisher"]["logo"]["url"] == f"{SITE_URL}/static/vetted/logo.png"


def test_json_ld_about_a_condition_and_audience_for_patients_only(client, author, reviewer):
    article = factories.publish(
        writer=author,
        reviewer=reviewer,
        subject_name="muscle cramps",
        subject_type=SubjectType.CONDITION,
    )
    data = _json_ld(_page(client, article))
    assert data["about"] == {"@type": "MedicalCondition", "name": "muscle cramps"}
    assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}


def test_the_subject_is_frozen_in_the_revision(client, author, reviewer):
    article = factories.publish(
        writer=author, reviewer=reviewer, subject_name="gabapentin", subject_type="drug"
    )
    article.refresh_from_db()
    article.subject_name = "pregabalin"
    services.article_save(article=article, user=author, changed_fields=["subject_name"])
    # Changing the subject is an edit of the content: a new draft, the live page unchanged.
    article.refresh_from_db()
    assert article.status == "draft"
    assert _json_ld(_page(client, article))["about"]["name"] == "gabapentin"


def test_share_meta_tags_carry_absolute_urls(client, author, reviewer):
    article = factories.publish(writer=author, reviewer=reviewer)
    page = _page(client, article)

    def meta(attribute: str, name: str) -> list[str]:
        return re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)

    card = f"{SITE_URL}/static/vetted/card.png"
    assert meta("property", "og:image") == [card]
    assert meta("property", "og:image:alt")[0]
    assert meta("property", "article:published_time")[0].startswith(
        article.live_revision.published_at.date().isoformat()
    )
    assert meta("property", "article:modified_time")
    assert meta("property", "article:author") == [f"{SITE_URL}/writers/amara-nwosu/"]
    assert meta("name", "twitter:card") == ["summary_large_image"]
    assert meta("name", "twitter:title") == [article.live_revision.title]
    assert meta("name", "twitter:description") == [article.live_revision.summary]
    assert meta("name", "twitter:image") == [card]
    assert meta("name", "twitter:image:alt")[0]


def test_the_lead_image_is_the_share_image(client, author, reviewer):
    image = factories.library_image(author)
    article = factories.publish(
        writer=author,
        reviewer=reviewer,
        body=f"![A knee joint](image:{image.pk})\n\nText [@{factories.ReferenceFactory().key}].",
    )
    page = _page(client, article)
    [og_image] = re.findall(r'<meta property="og:image" content="([^"]*)">', page)
    assert og_image.startswith(f"{SITE_URL}/media/images/")
    assert _json_ld(page)["image"]["url"] == og_image
    alt = f'content="{image.alt_text}">'
    assert f'<meta name="twitter:image:alt" {alt}' in page
    assert f'<meta property="og:image:alt" {alt}' in page


def test_the_site_card_is_a_1200_by_630_png(settings):
    with Image.open(Path(settings.BASE_DIR) / "static/vetted/card.png") as card:
        assert (card.format, card.size) == ("PNG", (1200, 630))


def test_board_and_reviewer_profile_print_each_name_once(client, reviewer):
    profile = reviewer.reviewer_profile
    board = client.get(reverse("articles:board")).text
    assert f"{profile.plain_name}, MD</a>" in board
    assert f"{profile.display_name}, MD" not in board
    page = client.get(profile.get_absolute_url()).text
    assert f"<h1>{profile.plain_name}, MD</h1>" in page


def test_a_writer_edits_their_own_profile_and_no_one_elses(client, author, editor):
    other = factories.WriterProfileFactory(user=factories.writer(username="other"))
    client.force_login(author)
    own = author.writer_profile
    url = reverse("admin:people_writerprofile_change", args=[own.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "display_name": "Amara Nwosu",
            "credentials": "MPH",
            "job_title": "Health writer",
            "bio": "New bio.",
            "expertise": "",
            "conflict_of_interest": "",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.bio == "New bio." and own.is_public  # may not hide themselves
    assert (
        client.get(reverse("admin:people_writerprofile_change", args=[other.pk])).status_code
        == 302  # not in their list: the admin says it does not exist
    )
    client.force_login(editor)
    assert client.get(reverse("admin:people_writerprofile_add")).status_code == 200


def test_seed_demo_writer_is_named_with_a_profile(client, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    page = client.get("/articles/gabapentin-muscle-spasms/").text
    assert 'Written by <a href="/writers/wendy-writer/">Wendy Writer, MPH</a>' in page
    assert "Medically reviewed by <a" in page and "Rafael Okafor, MD</a>" in page
    assert "Dr Rafael Okafor, MD" not in page
    assert _json_ld(page)["about"] == {"@type": "Drug", "name": "gabapentin"}
