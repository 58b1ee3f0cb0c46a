"""The review screen's diff: what it compares with, and citations compared by source."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Article
from references.models import Reference
from reviews import selectors, services
from reviews.diff import diff_revisions, keyed_citations
from tests import factories

pytestmark = pytest.mark.django_db

BODY = "Rest helps most people [@rest2024].\n\nIce eases the swelling [@ice2024]."


def review_url(article: Article, **query: str) -> str:
    url = reverse("admin:articles_article_review", args=[article.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def edit_and_submit(article: Article, writer, **changes: str) -> Article:
    for name, value in changes.items():
        setattr(article, name, value)
    article = services.article_save(article=article, user=writer, changed_fields=list(changes))
    return services.article_submit(article=article, user=writer)


@pytest.fixture
def sources(db):
    return [
        factories.ReferenceFactory(key=key, year=2024) for key in ("rest2024", "ice2024", "new2024")
    ]


@pytest.fixture
def corrected(sources, writer, reviewer):
    """A live article whose history has a round sent back and an approved update, now with
    a one-word correction submitted: revisions 1 (live once), 2 (sent back), 3 (live),
    4 (under review)."""
    article = factories.publish(writer=writer, reviewer=reviewer, body=BODY)
    article = edit_and_submit(article, writer, body=BODY + "\n\nSee a doctor if it is worse.")
    article = services.review_start(article=article, user=reviewer)
    article = services.review_request_changes(article=article, user=reviewer, comment="When?")
    # Resubmitted, it goes straight back to the reviewer who sent it back.
    article = edit_and_submit(
        article, writer, body=BODY + "\n\nSee a doctor if it is worse after a week."
    )
    article = factories.approve(article, reviewer)
    assert article.live_revision.number == 3
    return edit_and_submit(
        article, writer, body=BODY + "\n\nSee a doctor if it is worse after one week."
    )


# --- which revision the diff compares with ---------------------------------------------


def test_a_correction_of_a_live_article_is_compared_with_the_live_revision(corrected):
    baselines = selectors.diff_baselines(article=corrected)

    assert baselines.default == corrected.live_revision
    # The round before this one was approved: nothing was sent back in the last round.
    assert baselines.sent_back is None
    assert [number for number, _ in baselines.earlier] == [3, 2, 1]


def test_the_review_screen_shows_only_the_corrected_word(client, corrected, reviewer):
    client.force_login(reviewer)

    page = client.get(review_url(corrected))

    assert page.context["baseline"].number == 3
    (body,) = page.context["diff"].rendered
    assert body.summary == "1 changed"
    (changed,) = [row for row in body.rows if row.change != "same"]
    assert str(changed.inline) == (
        "See a doctor if it is worse after <del>a</del><ins>one</ins> week."
    )
    assert "since revision 3, the live revision readers see now" in page.text
    assert "1 changed" in page.text and "0 added" not in page.text


def test_without_a_live_revision_the_last_sent_back_revision_is_the_baseline(
    in_review, reviewer, writer
):
    article = services.review_request_changes(article=in_review, user=reviewer, comment="More.")
    article = edit_and_submit(article, writer, body=article.body + "\n\nMore.")

    assert selectors.diff_baselines(article=article).default.number == 1


def test_a_first_review_shows_the_whole_text_as_new(client, submitted, reviewer):
    client.force_login(reviewer)

    page = client.get(review_url(submitted))

    assert page.context["baseline"] is None
    (body,) = page.context["diff"].rendered
    assert [row.change for row in body.rows] == ["added"]
    assert "the whole text shows as new" in page.text


def test_one_click_compares_with_any_earlier_revision(client, corrected, reviewer):
    client.force_login(reviewer)

    page = client.get(review_url(corrected, against="2", view="side"))

    assert page.context["baseline"].number == 2
    assert page.context["side_by_side"] is True
    # The links keep the other choices of the page (side by side).
    assert "?view=side&amp;against=3#changes" in page.text
    assert '<option value="1">' in page.text and '<option value="2" selected>' in page.text


@pytest.mark.parametrize("wanted", ["abc", "99", "4", "-1", "1e3", "²", "9" * 40])
def test_a_bad_revision_number_gets_a_message_and_the_default(client, corrected, reviewer, wanted):
    client.force_login(reviewer)

    page = client.get(review_url(corrected, against=wanted))

    assert page.status_code == 200
    assert page.context["baseline"].number == 3
    assert "is not an earlier revision of this article" in page.context["against_error"]
    assert 'id="against-error"' in page.text


# --- citations by source, not by number ------------------------------------------------


def test_keyed_citations_name_each_source_of_a_range():
    html = (
        '<p>A<sup class="citation" id="cite-1"><a href="#ref-1" aria-label="Sources 1 to 3">'
        '1–3</a>,<a href="#ref-5" aria-label="Source 5">5</a></sup>.</p>'
    )

    assert keyed_citations(html, ["c", "a", "b", "x", "d"]) == "<p>A<sup>a, b, c, d</sup>.</p>"


def test_a_citation_added_near_the_top_does_not_renumber_the_rest(
    sources, approved, writer, reviewer
):
    approved = edit_and_submit(approved, writer, body=BODY)
    approved = services.review_start(article=approved, user=reviewer)
    live = factories.approve(approved, reviewer)
    article = edit_and_submit(
        live,
        writer,
        body="Rest helps most people [@new2024; @rest2024].\n\nIce eases the swelling [@ice2024].",
    )
    # The second paragraph's citation is now number 3 on the page, not 2.
    assert ">3</a></sup>" in article.current_revision.body_html

    (body,) = diff_revisions(article.live_revision, article.current_revision).rendered

    assert [row.change for row in body.rows] == ["changed", "same"]
    assert "<ins><sup>new2024, rest2024</sup></ins>" in str(body.rows[0].inline)
    assert body.summary == "1 changed"


# --- "the sources are current" while a source is flagged --------------------------------


@pytest.fixture
def citing_a_retracted_source(sources, writer, reviewer):
    article = factories.ArticleFactory(authors=[writer], body=BODY)
    article = services.article_submit(article=article, user=writer)
    article = services.review_start(article=article, user=reviewer)
    Reference.objects.filter(key="ice2024").update(retracted=True)
    return article


def test_the_sources_box_is_disabled_with_the_reason(client, citing_a_retracted_source, reviewer):
    client.force_login(reviewer)

    page = client.get(review_url(citing_a_retracted_source))

    form = page.context["action_forms"]["approve"]
    assert form.fields["sources_current"].disabled
    assert "Source 2 (ice2024): Retracted by the publisher." in page.text
    assert 'name="sources_current" disabled' in page.text or (
        'disabled aria-describedby="id_sources_current_helptext"' in page.text
    )


def test_ticking_the_sources_box_while_a_source_is_retracted_is_refused(
    client, citing_a_retracted_source, reviewer
):
    client.force_login(reviewer)
    data = {
        **factories.FULL_CHECKLIST,
        "password": "pw",
        **factories.read(citing_a_retracted_source),
    }

    response = client.post(
        reverse("admin:articles_article_action", args=[citing_a_retracted_source.pk, "approve"]),
        data,
    )

    assert response.status_code == 400
    assert "You cannot confirm the sources are current while a source is flagged." in (
        response.text
    )
    assert Article.objects.get(pk=citing_a_retracted_source.pk).status == "in_review"


def test_the_service_refuses_too(citing_a_retracted_source, reviewer):
    with pytest.raises(ValidationError, match="Retracted by the publisher"):
        factories.approve(citing_a_retracted_source, reviewer)


def test_an_old_source_is_shown_but_does_not_stop_the_box(client, writer, reviewer):
    old = factories.ReferenceFactory(key="old2001", year=2001)
    article = factories.submitted(writer, body=f"Still the best trial [@{old.key}].")
    article = services.review_start(article=article, user=reviewer)
    client.force_login(reviewer)

    page = client.get(review_url(article))

    assert not page.context["action_forms"]["approve"].fields["sources_current"].disabled
    assert "Published 2001: older than the 5-year limit" in page.text
