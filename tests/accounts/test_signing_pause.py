"""Wrong signature passwords pause signing for a while, never the account, and say so."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import reauth
from accounts.models import AccountEvent, SigningGuard
from articles.models import Article
from reviews.models import ApprovalSignature
from tests import factories
from tests.accounts.conftest import code_for, enrol, sign_in
from tests.conftest import FULL_CHECKLIST

pytestmark = pytest.mark.django_db


def approve_url(article) -> str:
    return reverse("admin:articles_article_action", args=[article.pk, "approve"])


def sign(client, article, password: str):
    return client.post(
        approve_url(article), {**FULL_CHECKLIST, "password": password, **factories.read(article)}
    )


def test_each_wrong_password_says_how_many_tries_are_left(client, reviewer, in_review):
    client.force_login(reviewer)

    first = sign(client, in_review, "guess").content.decode()
    for _ in range(2):
        sign(client, in_review, "guess")
    fourth = sign(client, in_review, "guess").content.decode()

    assert "That password is not right" in first
    assert "4 tries left before signing is paused for 15 minutes" in first
    assert "1 try left before signing is paused for 15 minutes" in fourth


def test_the_fifth_wrong_password_pauses_signing_and_says_until_when(client, reviewer, in_review):
    client.force_login(reviewer)
    for _ in range(4):
        sign(client, in_review, "guess")

    fifth = sign(client, in_review, "guess")
    right = sign(client, in_review, "pw")

    until = timezone.localtime(SigningGuard.objects.get(user=reviewer).paused_until)
    expected = (
        f"Signing is paused until {until:%H:%M} because the signature password was entered "
        "wrongly 5 times. You can keep reviewing; ask an editor if this wasn't you."
    )
    for response in (fifth, right):
        html = response.content.decode().replace("&#x27;", "'")
        assert response.status_code == 400
        assert expected in html
        assert "That password is not right" not in html
    assert Article.objects.get(pk=in_review.pk).status == "in_review"
    assert not ApprovalSignature.objects.exists()


def test_the_pause_lasts_the_configured_minutes(client, reviewer, in_review, settings):
    settings.VETTED_SIGNING_FAILURE_LIMIT = 2
    settings.VETTED_SIGNING_PAUSE_MINUTES = 40
    client.force_login(reviewer)
    before = timezone.now()

    sign(client, in_review, "guess")
    second = sign(client, in_review, "guess").content.decode()

    paused_until = SigningGuard.objects.get(user=reviewer).paused_until
    assert before + datetime.timedelta(minutes=40) <= paused_until
    assert paused_until <= timezone.now() + datetime.timedelta(minutes=40)
    assert "entered wrongly 2 times" in second


def test_the_account_is_not_locked_and_axes_never_hears_of_it(client, reviewer, in_review):
    client.force_login(reviewer)
    for _ in range(6):
        sign(client, in_review, "guess")

    assert not AccessAttempt.objects.exists()
    review = client.get(reverse("admin:articles_article_review", args=[in_review.pk]))
    assert review.status_code == 200
    assert client.get("/admin/").status_code == 200
    client.logout()
    signed_in = sign_in(client, reviewer.username)
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_reviewing_goes_on_while_signing_is_paused(client, reviewer, in_review):
    client.force_login(reviewer)
    for _ in range(5):
        sign(client, in_review, "guess")

    response = client.post(
        reverse("admin:articles_article_action", args=[in_review.pk, "request_changes"]),
        {"comment": "Cite the 2023 guideline.", **factories.read(in_review)},
    )

    assert response.status_code == 302
    assert Article.objects.get(pk=in_review.pk).status == "changes_requested"


def test_signing_works_again_once_the_pause_is_over(client, reviewer, in_review):
    client.force_login(reviewer)
    for _ in range(5):
        sign(client, in_review, "guess")
    SigningGuard.objects.filter(user=reviewer).update(
        paused_until=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = sign(client, in_review, "pw")

    assert response.status_code == 302
    assert Article.objects.get(pk=in_review.pk).status == "approved"


def test_a_right_signature_starts_the_count_again(reviewer):
    for _ in range(4):
        with pytest.raises(ValidationError):
            reauth.reauthenticate(user=reviewer, password="guess")
    reauth.reauthenticate(user=reviewer, password="pw")

    for _ in range(4):
        with pytest.raises(ValidationError, match=r"tr(y|ies) left"):
            reauth.reauthenticate(user=reviewer, password="guess")

    assert reauth.reauthenticate(user=reviewer, password="pw").method == reauth.PASSWORD


def test_the_pause_is_recorded_in_the_security_record(reviewer):
    for _ in range(5):
        with pytest.raises(ValidationError):
            reauth.reauthenticate(user=reviewer, password="guess")

    event = AccountEvent.objects.get(kind=AccountEvent.Kind.SIGNING_PAUSED)
    assert (event.username, event.actor) == (reviewer.username, reviewer)
    assert "5 wrong signature passwords in a row" in event.detail


def test_wrong_one_time_codes_pause_signing_too(reviewer, settings):
    settings.VETTED_SIGNING_FAILURE_LIMIT = 2
    device = enrol(reviewer)  # (its own back-off after a wrong code counts as wrong, too)

    with pytest.raises(ValidationError, match="1 try left"):
        reauth.reauthenticate(user=reviewer, code="000000")
    with pytest.raises(ValidationError, match="a wrong one-time code was entered 2 times"):
        reauth.reauthenticate(user=reviewer, code="000001")
    with pytest.raises(ValidationError, match="Signing is paused"):
        reauth.reauthenticate(user=reviewer, code=code_for(device))
