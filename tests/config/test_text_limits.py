"""Every free-text field has a limit, held by the form, the model and the database.

The issue's case first (a 1,000,000-character summary), then the same three checks
for the important text fields of every app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AccountEvent
from articles import evidence
from articles.markdown import LIMITS
from articles.models import (
    Article,
    ArticleRevision,
    ArticleSection,
    ContactMessage,
    LivePage,
    SitePage,
    Topic,
)
from articles.submission import check_submission
from core import text_limits
from images.models import Image
from people.models import ReviewerProfile, WriterProfile
from references.models import Reference, ReferenceEvent
from reviews import services
from reviews.models import AuditEntry, ReviewComment, ReviewDecision
from tests import factories
from tests.reviews.test_admin_workflow import change_form_data

pytestmark = pytest.mark.django_db

A_MILLION = "A" * 1_000_000


# --- the issue: a 1,000,000-character summary ------------------------------------------


def _numbers(message: str) -> str:
    return message.replace(",", "")


def test_the_admin_refuses_a_million_character_summary_and_saves_nothing(client, writer):
    topic = factories.TopicFactory()
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Night cramps", "slug": "night-cramps", "summary": A_MILLION,
            "topic": topic.pk, "body": "Stretching helps.", "professional_body": "",
            "audience_notes": "",
        },
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["summary"]
    assert errors == ["Ensure this value has at most 300 characters (it has 1000000)."]
    assert "at most 300 characters (it has 1000000)" in response.content.decode()
    assert not Article.objects.exists()


def test_the_admin_refuses_it_on_an_existing_draft_and_keeps_the_old_summary(client, writer, draft):
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    response = client.post(url, change_form_data(client, draft, summary=A_MILLION))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["summary"] == [
        "Ensure this value has at most 300 characters (it has 1000000)."
    ]
    draft.refresh_from_db()
    assert draft.summary == "A short, plain summary."


def test_the_database_refuses_it_through_the_service(writer, draft):
    draft.summary = A_MILLION
    with pytest.raises(IntegrityError, match="article_summary_max_length"):
        services.article_save(article=draft, user=writer, changed_fields=["summary"])
    assert Article.objects.get(pk=draft.pk).summary == "A short, plain summary."


def test_the_database_refuses_it_through_a_queryset_update(draft):
    with pytest.raises(IntegrityError, match="article_summary_max_length"), transaction.atomic():
        Article.objects.filter(pk=draft.pk).update(summary=A_MILLION)


def test_a_summary_at_the_limit_is_saved_and_submitted(writer, draft):
    draft.summary = "S" * text_limits.SUMMARY
    article = services.article_save(article=draft, user=writer, changed_fields=["summary"])
    article = services.article_submit(article=article, user=writer)
    assert len(article.current_revision.summary) == text_limits.SUMMARY


def test_the_submission_check_names_an_over_long_summary():
    """The editor's live preview checks the unsaved text with the submission check."""
    article = Article(title="Night cramps", summary="S" * 301, body="Text.", topic_id=None)
    assert "The summary is too long: 301 characters; the limit is 300." in (
        check_submission(article).problems
    )


def test_the_summary_box_says_its_limit_and_the_markdown_box_cuts_nothing(client, writer):
    """maxlength stops typing at the limit; on the Markdown body it would silently cut a
    long paste short, so the renderer's refusal says it instead."""
    client.force_login(writer)
    form = client.get(reverse("admin:articles_article_add")).context["adminform"].form
    assert form["summary"].field.widget.attrs["maxlength"] == str(text_limits.SUMMARY)
    assert "maxlength" not in form["body"].field.widget.attrs


def test_the_body_over_the_renderers_limit_is_refused_with_the_renderers_message(
    client, writer, draft
):
    client.force_login(writer)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    body = "word " * (LIMITS.characters // 5) + "x"
    response = client.post(url, change_form_data(client, draft, body=body))
    assert response.context["adminform"].form.errors["body"] == [
        f"The text is too long: {len(body):,} characters; the limit is "
        f"{LIMITS.characters:,}. Split it into more than one article."
    ]


# --- every app's important text fields ---------------------------------------------------


def _article(**fields: Any) -> Article:
    return factories.ArticleFactory(**fields)


def _revision() -> ArticleRevision:
    writer = factories.writer()
    article = services.article_submit(
        article=factories.ArticleFactory(authors=[writer]), user=writer
    )
    return article.current_revision


def _decision() -> ReviewDecision:
    revision = _revision()
    return ReviewDecision.objects.create(
        article=revision.article,
        revision=revision,
        review_round=1,
        reviewer=factories.reviewer(),
        kind=ReviewDecision.Kind.REQUEST_CHANGES,
        comment="Please cite the guideline.",
    )


def _comment() -> ReviewComment:
    revision = _revision()
    return ReviewComment.objects.create(
        revision=revision, author=factories.reviewer(), body="Please cite the guideline."
    )


def _audit_entry() -> AuditEntry:
    revision = _revision()
    return AuditEntry.objects.get(article=revision.article, transition="submit")


def _site_page() -> SitePage:
    page, _ = SitePage.objects.get_or_create(
        key=SitePage.Key.COPYRIGHT, defaults={"title": "Copyright", "body": "Ours."}
    )
    return page


def _live_page() -> LivePage:
    return factories.publish(writer=factories.writer(), reviewer=factories.reviewer()).live_page


@dataclass(frozen=True)
class Limited:
    model: type[models.Model]
    field: str
    limit: int
    saved: Any  # makes a saved row

    def __str__(self) -> str:
        return f"{self.model.__name__}.{self.field}"


FIELDS = [
    # articles
    Limited(Article, "summary", text_limits.SUMMARY, _article),
    Limited(Article, "body", LIMITS.characters, _article),
    Limited(Article, "professional_body", LIMITS.characters, _article),
    Limited(Article, "audience_notes", text_limits.NOTE, _article),
    Limited(
        ArticleSection,
        "body",
        evidence.SECTION_CHARACTERS,
        lambda: ArticleSection.objects.create(article=_article(), kind="research", body="Text."),
    ),
    Limited(Topic, "description", text_limits.TOPIC_DESCRIPTION, factories.TopicFactory),
    Limited(WriterProfile, "bio", text_limits.BIO, factories.WriterProfileFactory),
    Limited(
        WriterProfile,
        "conflict_of_interest",
        text_limits.DISCLOSURE,
        factories.WriterProfileFactory,
    ),
    Limited(SitePage, "body", LIMITS.characters, _site_page),
    Limited(
        ContactMessage,
        "message",
        text_limits.CONTACT_MESSAGE,
        lambda: ContactMessage.objects.create(
            name="Ann", email="ann@example.org", kind="question", message="Hello there."
        ),
    ),
    # reviews
    Limited(Article, "archive_reason", text_limits.COMMENT, _article),
    Limited(ReviewerProfile, "bio", text_limits.BIO, lambda: factories.reviewer().reviewer_profile),
    Limited(
        ReviewerProfile,
        "conflict_of_interest",
        text_limits.DISCLOSURE,
        lambda: factories.reviewer().reviewer_profile,
    ),
    Limited(ReviewDecision, "comment", text_limits.COMMENT, _decision),
    Limited(ReviewComment, "body", text_limits.COMMENT, _comment),
    Limited(AuditEntry, "comment", text_limits.AUDIT_COMMENT, _audit_entry),
    # references
    Limited(Reference, "title", text_limits.REFERENCE_TITLE, factories.ReferenceFactory),
    Limited(
        ReferenceEvent,
        "note",
        text_limits.NOTE,
        lambda: ReferenceEvent.objects.create(
            reference=factories.ReferenceFactory(), kind="correction", note="Erratum."
        ),
    ),
    # images: short CharFields, held as varchar(n) by PostgreSQL
    Limited(Image, "alt_text", 250, lambda: factories.library_image(factories.writer())),
    Limited(Image, "caption", 500, lambda: factories.library_image(factories.writer())),
    # accounts
    Limited(
        AccountEvent,
        "detail",
        text_limits.NOTE,
        lambda: AccountEvent.objects.create(kind="unlocked", username="wanda", detail="Done."),
    ),
]
# Copies of the limited text (a revision freezes the working copy; the live page and its
# search entry copy the revision): the database holds them to the same limits.
COPIES = [
    Limited(ArticleRevision, "summary", text_limits.SUMMARY, _revision),
    Limited(ArticleRevision, "body", LIMITS.characters, _revision),
    Limited(LivePage, "summary", text_limits.SUMMARY, _live_page),
]


def _over(limited: Limited) -> str:
    # Words, so that a Markdown field is refused for its length, not for one long word.
    return ("word " * (limited.limit // 5 + 1))[: limited.limit + 1]


def _field_errors(limited: Limited, value: str) -> list[str]:
    instance = limited.model(**{limited.field: value})
    others = [f.name for f in limited.model._meta.fields if f.name != limited.field]
    try:
        instance.clean_fields(exclude=others)
    except ValidationError as exc:
        return exc.message_dict[limited.field]
    return []


@pytest.mark.parametrize("limited", FIELDS, ids=str)
def test_the_model_refuses_text_over_the_limit_naming_the_limit_and_the_length(limited):
    errors = _field_errors(limited, _over(limited))
    assert len(errors) == 1
    numbers = re.findall(r"\d+", _numbers(errors[0]))
    assert str(limited.limit) in numbers and str(limited.limit + 1) in numbers


@pytest.mark.parametrize("limited", FIELDS, ids=str)
def test_the_model_accepts_text_at_the_limit(limited):
    assert _field_errors(limited, _over(limited)[: limited.limit]) == []


@pytest.mark.parametrize("limited", FIELDS + COPIES, ids=str)
def test_the_database_refuses_text_over_the_limit_whatever_the_path(limited):
    row = limited.saved()
    rows = limited.model._base_manager.filter(pk=row.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        rows.update(**{limited.field: _over(limited)})
    rows.update(**{limited.field: _over(limited)[: limited.limit]})  # at the limit it fits


EDITED_IN_THE_ADMIN = [
    limited
    for limited in FIELDS
    if limited.model in admin.site._registry
    and limited.field not in ("archive_reason",)  # set by the archive action, not a form
    and limited.model not in (AuditEntry, AccountEvent, ReferenceEvent, ContactMessage)
]


@pytest.mark.parametrize("limited", EDITED_IN_THE_ADMIN, ids=str)
def test_the_admin_form_refuses_text_over_the_limit(limited, editor):
    request = RequestFactory().post("/")
    request.user = editor
    model_admin = admin.site._registry[limited.model]
    form = model_admin.get_form(request)(data={limited.field: _over(limited)})
    assert not form.is_valid()
    numbers = re.findall(r"\d+", _numbers(" ".join(form.errors[limited.field])))
    assert str(limited.limit) in numbers and str(limited.limit + 1) in numbers
