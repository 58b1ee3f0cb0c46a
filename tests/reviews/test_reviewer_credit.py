"""Reviewer credit is frozen on the revision when its review completes, as writers are at
submission: the public page reads it there, never the review record."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from articles import selectors
from articles.models import Article, RevisionReviewer
from reviews import services
from reviews.models import ApprovalSignature, AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _approve(article, user):
    return services.review_approve(
        article=article,
        user=user,
        checklist=dict.fromkeys(services.REVIEW_CHECKLIST, True),
        signature=factories.signature(user),
    )


def test_the_approval_credits_its_reviewer_as_signed(approved, reviewer):
    revision = approved.live_revision
    signed = ApprovalSignature.objects.get(decision__revision=revision)
    (credit,) = RevisionReviewer.objects.filter(revision=revision)
    assert credit.reviewer == reviewer.reviewer_profile
    assert (credit.printed_name, credit.credentials) == (signed.printed_name, signed.credentials)
    assert credit.specialty == reviewer.reviewer_profile.specialty
    assert credit.signed_at == signed.signed_at
    assert selectors.public_article(article=approved).reviewers == [reviewer.reviewer_profile]


def test_every_sign_off_of_the_completing_round_is_credited_in_order(
    submitted, reviewer, second_reviewer
):
    topic = submitted.topic
    topic.required_approvals = 2
    topic.save()
    first = _approve(services.review_start(article=submitted, user=reviewer), reviewer)
    # Half-way through the review nothing is credited yet.
    assert not RevisionReviewer.objects.filter(revision=first.current_revision).exists()
    article = _approve(services.review_start(article=first, user=second_reviewer), second_reviewer)

    credited = RevisionReviewer.objects.filter(revision=article.live_revision)
    assert [c.reviewer.user for c in credited.order_by("position")] == [reviewer, second_reviewer]


def test_a_re_review_replaces_the_credit_only_once_it_completes(
    approved, reviewer, second_reviewer
):
    services.flag_for_rereview(article=approved, reason="A cited trial was corrected.")
    article = services.review_start(article=approved, user=second_reviewer)
    revision = article.live_revision
    assert [c.reviewer.user for c in revision.reviewer_credits.all()] == [reviewer]

    _approve(article, second_reviewer)

    assert [c.reviewer.user for c in revision.reviewer_credits.all()] == [second_reviewer]


def test_the_migration_credits_the_reviewers_of_revisions_reviewed_before(approved, reviewer):
    RevisionReviewer.objects.all().delete()
    migration = importlib.import_module("articles.migrations.0020_backfill_revision_reviewers")

    migration.credit_reviewers(django_apps, None)

    (credit,) = RevisionReviewer.objects.filter(revision=approved.live_revision)
    signed = ApprovalSignature.objects.get(decision__revision=approved.live_revision)
    assert credit.reviewer == reviewer.reviewer_profile
    assert (credit.printed_name, credit.signed_at) == (signed.printed_name, signed.signed_at)


def test_a_pending_page_dates_the_review_from_when_it_was_taken(in_review, settings):
    """The tracker's "Under review" date is when the review started, read from the
    article itself (status_changed_at), not from the audit log."""
    settings.VETTED_PUBLISH_PENDING_REVIEW = True
    taken = AuditEntry.objects.get(article=in_review, transition=AuditEntry.Action.START_REVIEW)
    page = selectors.pending_article(article=Article.objects.get(pk=in_review.pk))
    assert [(step.label, step.state) for step in page.tracker][1] == ("Under review", "current")
    assert page.tracker[1].date == taken.created_at
