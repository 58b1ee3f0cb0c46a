"""Approvals are electronic signatures: re-authentication at the moment of approving,
and a record of who signed, as printed, with which credentials, when, meaning what,
over which content (21 CFR Part 11 style)."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import reauth
from articles.models import Article
from articles.states import Status
from reviews import services
from reviews.models import ApprovalSignature, AuditEntry, ReviewDecision
from tests import factories
from tests.accounts.conftest import code_for, enrol
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


def approve(article, user, signature):
    return factories.approve(article, user, signature=signature)


def nothing_recorded(article) -> bool:
    return (
        Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
        and not ReviewDecision.objects.exists()
        and not ApprovalSignature.objects.exists()
        and not AuditEntry.objects.filter(transition="approve").exists()
    )


# --- the service refuses an unsigned approval ---------------------------------------


def test_service_refuses_an_approval_without_a_signature(in_review, reviewer):
    with pytest.raises(ValidationError, match="electronic signature"):
        approve(in_review, reviewer, None)

    assert nothing_recorded(in_review)


def test_service_refuses_someone_elses_signature(in_review, reviewer, second_reviewer):
    with pytest.raises(ValidationError, match="Only the signer"):
        approve(in_review, reviewer, factories.signature(second_reviewer))

    assert nothing_recorded(in_review)


def test_service_refuses_a_forged_signature(in_review, reviewer):
    genuine = factories.signature(second := factories.reviewer(username="other"))
    forged = dataclasses.replace(genuine, user_id=reviewer.pk)
    assert second.pk != reviewer.pk

    with pytest.raises(ValidationError):
        approve(in_review, reviewer, forged)

    assert nothing_recorded(in_review)


def test_service_refuses_a_stale_signature(in_review, reviewer, monkeypatch):
    proof = factories.signature(reviewer)
    monkeypatch.setattr(reauth, "MAX_AGE", -1)

    with pytest.raises(ValidationError, match="sign again"):
        approve(in_review, reviewer, proof)

    assert nothing_recorded(in_review)


def test_one_signature_signs_one_approval(submitted, reviewer, writer):
    proof = factories.signature(reviewer)
    article = services.review_start(article=submitted, user=reviewer)
    approve(article, reviewer, proof)
    article = services.article_save(article=article, user=writer, changed_fields=[])
    article.body += " More."
    article = services.article_save(article=article, user=writer, changed_fields=["body"])
    article = services.article_submit(article=article, user=writer)
    article = services.review_start(article=article, user=reviewer)

    with pytest.raises(ValidationError, match="already used"):
        approve(article, reviewer, proof)


def test_a_wrong_password_gives_no_signature(reviewer):
    with pytest.raises(ValidationError, match="password is not right"):
        reauth.reauthenticate(user=reviewer, password="not-it")


def test_a_signer_with_a_second_factor_signs_with_a_code_not_the_password(reviewer):
    device = enrol(reviewer)

    with pytest.raises(ValidationError):
        reauth.reauthenticate(user=reviewer, password="pw")
    proof = reauth.reauthenticate(user=reviewer, code=code_for(device))

    assert proof.method == reauth.TOTP


# --- what the signature records ------------------------------------------------------------


def test_the_signature_records_name_credentials_time_meaning_and_content(in_review, reviewer):
    article = approve(in_review, reviewer, factories.signature(reviewer))

    signature = ApprovalSignature.objects.get()
    decision = ReviewDecision.objects.get()
    profile = reviewer.reviewer_profile
    assert signature.decision == decision
    assert signature.signer == reviewer
    assert (signature.printed_name, signature.credentials) == (
        profile.display_name,
        profile.credentials,
    )
    assert signature.meaning == "Approved for publication"
    assert signature.signed_at == decision.created_at == article.live_revision.approved_at
    assert signature.content_hash == article.live_revision.content_hash
    assert signature.method == ApprovalSignature.Method.PASSWORD
    assert signature.manifest_hash == signature.compute_manifest_hash()
    entry = AuditEntry.objects.get(transition="approve")
    assert entry.signature == signature


def test_a_first_of_two_sign_offs_says_so(submitted, reviewer, second_reviewer):
    submitted.topic.required_approvals = 2
    submitted.topic.save()
    article = services.review_start(article=submitted, user=reviewer)

    article = approve(article, reviewer, factories.signature(reviewer))
    article = services.review_start(article=article, user=second_reviewer)
    approve(article, second_reviewer, factories.signature(second_reviewer))

    meanings = list(ApprovalSignature.objects.values_list("meaning", flat=True))
    assert meanings == ["Approved (sign-off 1 of 2)", "Approved for publication"]


def test_signatures_cannot_be_edited_or_deleted(approved):
    signature = ApprovalSignature.objects.get()
    signature.meaning = "Rejected"

    with pytest.raises(TypeError):
        signature.save()
    with pytest.raises(TypeError):
        signature.delete()
    with pytest.raises(TypeError):
        ApprovalSignature.objects.update(meaning="Rejected")


# --- the admin: sign at the moment of approving ---------------------------------------------


def review_url(article, action=""):
    if action:
        return reverse("admin:articles_article_action", args=[article.pk, action])
    return reverse("admin:articles_article_review", args=[article.pk])


def test_review_screen_asks_for_the_password_and_says_what_it_signs(client, reviewer, in_review):
    client.force_login(reviewer)

    page = client.get(review_url(in_review)).content.decode()

    assert 'type="password"' in page
    assert "Sign and approve" in page
    assert reviewer.reviewer_profile.display_name in page
    assert in_review.current_revision.content_hash[:12] in page


def test_approving_with_the_wrong_password_changes_nothing(client, reviewer, in_review):
    client.force_login(reviewer)

    response = client.post(
        review_url(in_review, "approve"),
        {**FULL_CHECKLIST, "password": "not-mine", **factories.read(in_review)},
    )

    assert response.status_code == 400
    assert "password is not right" in response.content.decode()
    assert nothing_recorded(in_review)


def test_approving_without_signing_changes_nothing(client, reviewer, in_review):
    client.force_login(reviewer)

    response = client.post(
        review_url(in_review, "approve"), {**FULL_CHECKLIST, **factories.read(in_review)}
    )

    assert response.status_code == 400
    assert "Enter your password to sign" in response.content.decode()
    assert nothing_recorded(in_review)


def test_a_reviewer_with_a_second_factor_signs_with_a_one_time_code(client, reviewer, in_review):
    device = enrol(reviewer)
    client.force_login(reviewer)
    client.post(reverse("accounts:verify"), {"code": code_for(device)})
    page = client.get(review_url(in_review)).content.decode()
    assert 'type="password"' not in page and 'autocomplete="one-time-code"' in page

    refused = client.post(
        review_url(in_review, "approve"),
        {**FULL_CHECKLIST, "password": "pw", **factories.read(in_review)},
    )
    assert refused.status_code == 400
    response = client.post(
        review_url(in_review, "approve"),
        {**FULL_CHECKLIST, "code": code_for(device, steps_ahead=1), **factories.read(in_review)},
    )

    assert response.status_code == 302
    assert ApprovalSignature.objects.get().method == ApprovalSignature.Method.TOTP


def test_the_signature_shows_on_the_review_screen_and_in_the_history(client, reviewer, submitted):
    submitted.topic.required_approvals = 2
    submitted.topic.save()
    article = services.review_start(article=submitted, user=reviewer)
    approve(article, reviewer, factories.signature(reviewer))
    client.force_login(reviewer)
    name = reviewer.reviewer_profile.display_name

    review = client.get(review_url(article)).content.decode()
    history = client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert f"Signed by <strong>{name}, MD</strong> · Approved (sign-off 1 of 2)" in review
    assert f"{name}, MD · Approved (sign-off 1 of 2)" in history.content.decode()


def test_change_form_approve_button_also_signs(client, reviewer, in_review):
    client.force_login(reviewer)
    change = client.get(reverse("admin:articles_article_change", args=[in_review.pk]))
    assert 'name="_workflow_action" value="approve"' in change.content.decode()
    url = reverse("admin:articles_article_action", args=[in_review.pk, "approve"])
    assert 'type="password"' in client.get(url).content.decode()

    unsigned = client.post(url, {**FULL_CHECKLIST, **factories.read(in_review)})
    assert "Enter your password to sign" in unsigned.content.decode()
    assert nothing_recorded(in_review)

    client.post(url, {**FULL_CHECKLIST, "password": "pw", **factories.read(in_review)})

    assert Article.objects.get(pk=in_review.pk).status == Status.APPROVED
    assert ApprovalSignature.objects.get().meaning == "Approved for publication"
