"""The public article page and site pages: what a reader sees and can do."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleFeedback, SitePage
from reviews import services
from tests import factories
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db

JSON_LD_RE = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def disclaimers(db, django_capture_on_commit_callbacks):
    # Committed: the stored pages of articles published before render them again.
    with django_capture_on_commit_callbacks(execute=True):
        _disclaimers()


def _disclaimers() -> None:
    SitePage.objects.update_or_create(
        key="patient-disclaimer",
        defaults={"title": "For patients and caregivers", "body": "Ask your GP."},
    )
    SitePage.objects.update_or_create(
        key="professional-disclaimer",
        defaults={
            "title": "Professional medical disclaimer",
            "body": "Use clinical judgement.",
        },
    )
    SitePage.objects.update_or_create(
        key="editorial-policy", defaults={"title": "Editorial policy", "body": "We check sources."}
    )
    SitePage.objects.update_or_create(
        key="medical-disclaimer", defaults={"title": "Medical disclaimer", "body": "General info."}
    )


@pytest.fixture
def pro_article(writer, reviewer):
    ref = factories.ReferenceFactory()
    return factories.publish(
        writer=writer,
        reviewer=reviewer,
        title="Statins and muscle pain",
        summary="Muscle aches on statins are common and usually mild.",
        body=f"Most aches are not caused by the statin [@{ref.key}].",
        professional_body=f"Check CK if symptoms are severe [@{ref.key}].",
    )


def test_article_page_shows_the_trust_furniture(client, approved, reviewer, disclaimers):
    """Title, reviewer with credentials linking to the profile, dates, tracker, sources."""
    page = client.get(approved.get_absolute_url()).text
    profile = reviewer.reviewer_profile
    revision = approved.live_revision
    assert f'<h1 id="article-title">{revision.title}</h1>' in page
    assert (
        f'Medically reviewed by <a href="{profile.get_absolute_url()}">'
        f"{profile.plain_name}, {profile.credentials}</a>"
    ) in page
    assert f"{profile.display_name}, {profile.credentials}" not in page  # "Dr …, MD"
    assert "Last updated" in page
    policy = reverse("articles:page", kwargs={"key": "editorial-policy"})
    assert re.search(rf'<a href="{policy}">Last reviewed <time', page)
    for step in ("Submitted", "Under review", "Approved"):
        assert f'<span class="tracker-label">{step}</span>' in page
    assert revision.summary in page
    assert 'id="references-heading"' in page
    assert 'id="ref-1"' in page
    assert "Was this helpful?" in page
    assert "Review history" in page
    assert "Version 1" in page


def test_page_prints_the_stored_html_of_the_live_revision(client, approved, writer):
    """Editing the working copy starts a draft; the public page keeps the live snapshot."""
    live_title = approved.live_revision.title
    approved.title = "A new draft title nobody approved"
    services.article_save(article=approved, user=writer, changed_fields=["title"])
    page = client.get(approved.get_absolute_url()).text
    assert live_title in page
    assert "A new draft title nobody approved" not in page


def test_patient_disclaimer_by_default(client, pro_article, disclaimers):
    page = client.get(pro_article.get_absolute_url()).text
    assert "For patients and caregivers" in page
    assert "Professional medical disclaimer" not in page
    assert "Check CK if symptoms are severe" not in page


def test_professional_url_shows_professional_disclaimer_and_section(
    client, pro_article, disclaimers
):
    url = reverse("articles:detail_professional", kwargs={"slug": pro_article.slug})
    page = client.get(url).text
    assert "Professional medical disclaimer" in page
    assert "Use clinical judgement." in page
    assert "For healthcare professionals" in page
    assert "Check CK if symptoms are severe" in page
    assert f'<link rel="canonical" href="{settings.SITE_URL}{url}">' in page


def test_patient_page_links_to_the_professional_version(client, pro_article, disclaimers):
    page = client.get(pro_article.get_absolute_url()).text
    professional = reverse("articles:detail_professional", kwargs={"slug": pro_article.slug})
    assert f'<a href="{professional}">Read the version for healthcare professionals</a>' in page


def test_pages_ignore_the_audience_cookie(client, pro_article, disclaimers):
    """The same URL is the same page for everyone, whatever cookies a reader sends."""
    client.cookies["audience"] = "professional"
    page = client.get(pro_article.get_absolute_url()).text
    assert "For patients and caregivers" in page
    assert "Check CK if symptoms are severe" not in page


def _post(client, url, data, **headers):
    """A form post from a page of this site, as a browser sends it."""
    return client.post(url, data, headers={"Origin": "http://testserver", **headers})


def test_anonymous_forms_refuse_posts_from_other_sites(client, approved):
    feedback = reverse("articles:feedback", kwargs={"slug": approved.slug})
    for headers in (
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
        {"Referer": "https://evil.example/page"},
        {},
    ):
        assert client.post(feedback, {"helpful": "yes"}, headers=headers).status_code == 403
    assert not ArticleFeedback.objects.exists()
    ok = client.post(feedback, {"helpful": "yes"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 200


def test_public_pages_set_no_cookie_and_carry_no_csrf_token(client, approved, disclaimers):
    for url in (approved.get_absolute_url(), "/", "/topics/", "/search/?q=article"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "csrfmiddlewaretoken" not in response.text, url
        assert "Cookie" not in response.get("Vary", ""), url


def test_feedback_vote_is_counted_and_thanked_without_javascript(client, approved):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    response = _post(client, url, {"helpful": "yes"})
    assert response.status_code == 200
    vote = ArticleFeedback.objects.get()
    assert vote.helpful is True
    assert vote.revision == approved.live_revision
    assert "Thank you for your feedback." in response.text
    assert "You told us this article was helpful" in response.text
    assert 'class="feedback-form"' not in response.text
    assert f'href="{approved.get_absolute_url()}">Back to the article' in response.text
    assert "no-store" in response["Cache-Control"]


def test_second_vote_changes_nothing_and_says_so(client, approved):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    _post(client, url, {"helpful": "yes"})
    response = _post(client, url, {"helpful": "no"})
    assert ArticleFeedback.objects.count() == 1
    assert ArticleFeedback.objects.get().helpful is True
    assert "already told us" in response.text


def test_reader_cookie_is_signed_and_a_forged_one_is_ignored(client, approved):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    response = _post(client, url, {"helpful": "yes"})
    raw = response.cookies["vetted_reader"].value
    key = ArticleFeedback.objects.get().reader_key
    assert raw.startswith(f"{key}:")  # value:timestamp:signature
    assert raw != key
    other = client.__class__()
    other.cookies["vetted_reader"] = key  # unsigned: not accepted as that reader
    _post(other, url, {"helpful": "no"})
    assert ArticleFeedback.objects.count() == 2


def test_feedback_requires_post_and_a_valid_answer(client, approved):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    assert client.get(url).status_code == 405
    response = _post(client, url, {"helpful": "maybe"})
    assert response.status_code == 400
    assert "Choose Yes or No" in response.text
    assert not ArticleFeedback.objects.exists()


def test_feedback_on_unapproved_article_is_not_found(client, submitted):
    url = reverse("articles:feedback", kwargs={"slug": submitted.slug})
    assert _post(client, url, {"helpful": "yes"}).status_code == 404


def test_feedback_fetch_returns_the_thank_you_fragment(client, approved):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    response = _post(client, url, {"helpful": "no"}, **{"X-Requested-With": "fetch"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="feedback" id="feedback"')
    assert "not helpful" in response.text
    assert 'data-vote="no"' in response.text


def test_json_ld_is_valid_and_carries_reviewer_and_dates(client, pro_article, reviewer):
    page = client.get(pro_article.get_absolute_url()).text
    data = json.loads(JSON_LD_RE.search(page).group(1))
    revision = pro_article.live_revision
    profile = reviewer.reviewer_profile
    assert data["@type"] == "MedicalWebPage"
    assert data["lastReviewed"] == timezone.localtime(revision.last_reviewed_at).date().isoformat()
    assert data["dateModified"] == revision.content_updated_at.isoformat()
    assert data["reviewedBy"][0]["name"] == profile.plain_name
    assert data["reviewedBy"][0]["url"].endswith(profile.get_absolute_url())
    assert len(data["citation"]) == 1
    assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Patient"}


def test_each_audience_page_describes_its_own_readers_address_and_sources(client):
    """The professional page is for clinicians, at its own address, citing what it cites."""
    shared = factories.ReferenceFactory(key="shared2022", title="A trial everyone reads")
    clinical = factories.ReferenceFactory(key="clinical2021", title="A pharmacokinetic study")
    article = factories.publish(
        writer=factories.writer(),
        reviewer=factories.reviewer(),
        body=f"Most people feel better within a week [@{shared.key}].",
        professional_body=f"Clearance falls with renal function [@{clinical.key}].",
    )
    patient = json.loads(JSON_LD_RE.search(client.get(article.get_absolute_url()).text).group(1))
    url = reverse("articles:detail_professional", kwargs={"slug": article.slug})
    professional = json.loads(JSON_LD_RE.search(client.get(url).text).group(1))
    assert patient["audience"]["audienceType"] == "Patient"
    assert professional["audience"]["audienceType"] == "Clinician"
    assert professional["url"].endswith(url) and not patient["url"].endswith(url)
    assert [c["name"] for c in patient["citation"]] == ["A trial everyone reads"]
    assert [c["name"] for c in professional["citation"]] == [
        "A trial everyone reads",
        "A pharmacokinetic study",
    ]


def test_json_ld_cannot_be_broken_out_of(client, writer, reviewer):
    article = factories.publish(
        writer=writer,
        reviewer=reviewer,
        summary="</script><script>alert(1)</script>",
        body=f"Text [@{factories.ReferenceFactory().key}].",
    )
    page = client.get(article.get_absolute_url()).text
    script = JSON_LD_RE.search(page).group(1)
    assert "</script>" not in script
    assert json.loads(script)["description"] == "</script><script>alert(1)</script>"


def test_canonical_and_opengraph_tags(client, approved, settings):
    settings.SITE_URL = "https://health.example"
    call_command("render_live_pages", stdout=io.StringIO())  # as the deploy that moved it
    page = client.get(approved.get_absolute_url()).text
    canonical = f"https://health.example{approved.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:title" content="{approved.live_revision.title}">' in page


def test_review_history_lists_each_published_version(client, approved, writer, reviewer):
    approved.summary = "A clearer summary."
    services.article_save(article=approved, user=writer, changed_fields=["summary"])
    services.article_submit(article=approved, user=writer)
    services.review_start(article=approved, user=reviewer)
    services.review_approve(
        article=approved,
        user=reviewer,
        checklist=FULL_CHECKLIST,
        signature=factories.signature(reviewer),
    )
    page = client.get(approved.get_absolute_url()).text
    history = page[page.index('id="history-heading"') :]
    history = history[: history.index("</section>")]
    assert "Version 2" in history
    assert "Version 1" in history
    assert history.count(reviewer.reviewer_profile.printed_name) == 2


# --- pending-review publishing -------------------------------------------------


def test_pending_content_is_hidden_by_default(client, in_review):
    assert client.get(in_review.get_absolute_url()).status_code == 404


def test_pending_setting_shows_in_review_article_under_caution_banner(client, in_review, settings):
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    response = client.get(in_review.get_absolute_url())
    page = response.text
    assert response.status_code == 200
    assert "Educational purpose only — content is pending medical review" in page
    assert 'aria-current="step"' in page
    current = page[page.index('aria-current="step"') :]
    assert 'tracker-label">Under review' in current[:300]
    assert '<meta name="robots" content="noindex">' in page
    assert "application/ld+json" not in page
    assert "Medically reviewed by" not in page
    assert 'class="feedback-form"' not in page


def test_pending_setting_shows_submitted_step(client, submitted, settings):
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    page = client.get(submitted.get_absolute_url()).text
    current = page[page.index('aria-current="step"') :]
    assert 'tracker-label">Submitted' in current[:300]


def test_pending_setting_never_shows_drafts(client, draft, settings):
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_pending_setting_keeps_the_approved_version_of_a_live_article(
    client, approved, writer, settings
):
    """A live article under re-review keeps showing what the board approved."""
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    approved.title = "Unreviewed rewrite"
    services.article_save(article=approved, user=writer, changed_fields=["title"])
    services.article_submit(article=approved, user=writer)
    page = client.get(approved.get_absolute_url()).text
    assert "Unreviewed rewrite" not in page
    assert "pending medical review" not in page


# --- site pages -------------------------------------------------------------------


def test_home_lists_latest_reviewed_and_topics(client, approved):
    page = client.get("/").text
    assert approved.live_revision.title in page
    assert "Recently reviewed" in page
    assert approved.topic.name in page


def test_topic_page_lists_live_articles(client, approved, writer):
    pending = factories.ArticleFactory(topic=approved.topic, authors=[writer], title="Not yet")
    services.article_submit(article=pending, user=writer)
    page = client.get(approved.topic.get_absolute_url()).text
    assert approved.live_revision.title in page
    assert "Not yet" not in page


def test_advisory_board_lists_active_members_only(client, reviewer):
    retired = factories.reviewer(username="retired")
    retired.reviewer_profile.is_active = False
    retired.reviewer_profile.save()
    page = client.get(reverse("articles:board")).text
    assert reviewer.reviewer_profile.printed_name in page
    assert reviewer.reviewer_profile.specialty in page
    assert retired.reviewer_profile.printed_name not in page


def test_reviewer_with_expired_credentials_leaves_the_board_page(client, reviewer):
    lapsed = factories.reviewer(username="lapsed", expires_in_days=-1)
    page = client.get(reverse("articles:board")).text
    assert reviewer.reviewer_profile.printed_name in page
    assert lapsed.reviewer_profile.printed_name not in page


@pytest.mark.parametrize("lapse", ["expired", "inactive"])
def test_profile_of_a_lapsed_reviewer_says_they_are_not_active(client, lapse):
    member = factories.reviewer(
        username=f"m-{lapse}", expires_in_days=-1 if lapse == "expired" else 90
    )
    if lapse == "inactive":
        member.reviewer_profile.is_active = False
        member.reviewer_profile.save()
    page = client.get(member.reviewer_profile.get_absolute_url()).text
    assert "not currently an active board member" in page


def test_profile_of_an_active_reviewer_has_no_lapse_notice(client, reviewer):
    page = client.get(reviewer.reviewer_profile.get_absolute_url()).text
    assert "not currently an active board member" not in page


def test_reviewer_profile_shows_disclosure_and_reviewed_articles(client, approved, reviewer):
    profile = reviewer.reviewer_profile
    profile.conflict_of_interest = "Speaker fees from a charity."
    profile.save()
    page = client.get(profile.get_absolute_url()).text
    assert "Conflict-of-interest disclosure" in page
    assert "Speaker fees from a charity." in page
    assert approved.live_revision.title in page


def test_editorial_policy_and_disclaimer_pages_show_editor_text(client, disclaimers):
    page = client.get(reverse("articles:page", kwargs={"key": "editorial-policy"})).text
    assert "We check sources." in page
    page = client.get(reverse("articles:page", kwargs={"key": "medical-disclaimer"})).text
    assert "General info." in page


def test_base_template_has_landmarks_and_skip_link(client):
    page = client.get("/").text
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert "<header" in page
    assert "<footer" in page
    assert 'role="search"' in page
    assert '<label for="site-search-q"' in page


def test_static_assets_are_local(client, approved):
    page = client.get(approved.get_absolute_url()).text
    for url in re.findall(r'(?:src|href)="([^"]+\.(?:css|js))"', page):
        assert url.startswith("/static/"), url


def test_feedback_votes_are_counted_in_the_admin(client, approved, editor):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    _post(client, url, {"helpful": "yes"})
    _post(client.__class__(), url, {"helpful": "no"})  # another reader
    client.force_login(editor)
    changelist = client.get(reverse("admin:articles_articlefeedback_changelist"))
    assert changelist.status_code == 200
    assert "2 reader feedback" in changelist.text
    helpful = client.get(
        reverse("admin:articles_articlefeedback_changelist"), {"helpful__exact": 1}
    )
    assert "1 reader feedback" in helpful.text


def test_article_list_in_the_admin_totals_each_articles_votes(client, approved, editor, writer):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    for vote in ("yes", "yes", "no"):
        _post(client.__class__(), url, {"helpful": vote})  # three different readers
    for user in (editor, writer):  # the author sees their own article's feedback too
        client.force_login(user)
        changelist = client.get(reverse("admin:articles_article_changelist"))
        row = next(r for r in changelist.context["cl"].result_list if r.pk == approved.pk)
        assert (row.helpful_yes, row.helpful_no) == (2, 1)
        assert "2 / 1" in changelist.text


def test_topics_page_lists_topics_with_their_live_article_counts(client, approved, writer):
    pending_only = factories.TopicFactory(name="Only pending articles", slug="pending-only")
    factories.ArticleFactory(authors=[writer], topic=pending_only)
    page = client.get(reverse("articles:topics")).text
    assert approved.live_revision.topic.name in page
    assert "1 reviewed article<" in page
    assert "Only pending articles" not in page


def test_every_time_element_carries_a_valid_html_datetime(client):
    """HTML rejects fractional seconds in <time datetime>; the page must print whole seconds."""
    reviewer = factories.reviewer()
    article = factories.publish(writer=factories.writer(), reviewer=reviewer)
    html = client.get(article.get_absolute_url()).content.decode()
    values = re.findall(r'<time datetime="([^"]+)"', html)
    assert values, "the article page shows its dates as <time> elements"
    for value in values:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d[+-]\d\d:\d\d)?", value), value


def test_sources_cited_counts_the_sources_listed_on_that_audience_page(client):
    shared = factories.ReferenceFactory(key="shared2024")
    clinical = factories.ReferenceFactory(key="clinical2023")
    article = factories.publish(
        writer=factories.writer(),
        reviewer=factories.reviewer(),
        body=f"Most people feel better within a week [@{shared.key}].",
        professional_body=f"Trough levels guide the dose [@{clinical.key}].",
    )
    patient = client.get(article.get_absolute_url()).text
    professional = client.get(
        reverse("articles:detail_professional", kwargs={"slug": article.slug})
    ).text
    count = re.compile(r"<dt>Sources cited</dt><dd><a href=\"#references-heading\">(\d+)</a>")
    assert count.search(patient).group(1) == "1"
    assert count.search(professional).group(1) == "2"
