"""Staff sign-in (password, then a one-time code) and signed approval, in a real Chromium."""

from __future__ import annotations

import base64
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from articles.models import Article
from reviews.models import ApprovalSignature
from reviews.services import REVIEW_CHECKLIST
from tests.accounts.conftest import code_for, enrol

pytestmark = pytest.mark.e2e

IN_REVIEW = "medicines-for-nerve-pain"


def sign_in_with_password(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def code_from_secret(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for a typed-in key."""
    totp = TOTP(base64.b32decode(re.sub(r"\s", "", secret)))
    totp.time = totp.time + steps_ahead * 30
    return f"{totp.token():06d}"


@pytest.fixture
def require_2fa(settings):
    settings.VETTED_REQUIRE_2FA = True


def test_sign_in_takes_a_password_then_a_one_time_code(page, demo_site, require_2fa, screenshot):
    reviewer = get_user_model().objects.get(username="reviewer")
    device = enrol(reviewer)

    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    expect(page).to_have_url(re.compile(r"/admin/two-factor/verify/"))
    expect(page.get_by_text("One more step")).to_be_visible()
    screenshot(page, "sign-in-code")
    page.get_by_label("One-time code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".errorlist")).to_contain_text("That code is not right")

    page.wait_for_timeout(1100)  # a wrong code earns a one-second back-off
    page.get_by_label("One-time code").fill(code_for(device))
    page.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{demo_site}/admin/")
    expect(page.locator("#user-tools").get_by_role("link", name="Review queue")).to_be_visible()


def test_a_reviewer_sets_up_two_factor_at_first_sign_in(page, demo_site, require_2fa, screenshot):
    sign_in_with_password(page, demo_site, "pharmacist", "vetted-pharmacist")

    expect(page).to_have_url(re.compile(r"/admin/two-factor/\?next="))
    # The password alone shows no key: first a code emailed to the member's address.
    expect(page.get_by_role("img", name="QR code")).to_have_count(0)
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_text("We emailed a code to p***@vetted.example")).to_be_visible()
    (message,) = [m for m in mail.outbox if m.to == ["pharmacist@vetted.example"]]
    code = re.search(r"^\s+(\d{8})$", message.body, re.MULTILINE).group(1)
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Confirm the code").click()

    qr = page.get_by_role("img", name="QR code")
    expect(qr).to_be_visible()
    assert qr.evaluate("node => node.tagName.toLowerCase()") == "svg"
    screenshot(page, "two-factor-setup")
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("One-time code").fill(code_from_secret(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page).to_have_url(f"{demo_site}/admin/")
    assert TOTPDevice.objects.get(user__username="pharmacist").confirmed


def test_repeated_wrong_passwords_lock_the_sign_in(page, demo_site, settings, screenshot):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with_password(page, demo_site, "editor", "not-the-password")

    sign_in_with_password(page, demo_site, "editor", "vetted-editor")

    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    expect(page.get_by_text("ask an editor to unlock")).to_be_visible()
    screenshot(page, "sign-in-locked")


def test_approving_signs_with_the_password(page, demo_site):
    """Demo mode (no second factor required): the reviewer signs with their password."""
    article = Article.objects.get(slug=IN_REVIEW)
    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    page.goto(f"{demo_site}/admin/articles/article/{article.pk}/review/")
    approve = page.locator("#approve")
    for label in REVIEW_CHECKLIST.values():
        approve.get_by_label(label).check()
    expect(approve).to_contain_text("Signing as Dr Rafael Okafor, MD")

    approve.get_by_label("Your password").fill("wrong-password")
    approve.get_by_role("button", name="Sign and approve").click()
    expect(page.locator(".messagelist")).to_contain_text("password is not right")
    # Counted apart from sign-ins: signing pauses after five, and the page says how near.
    expect(page.locator(".messagelist")).to_contain_text("4 tries left before signing is paused")
    assert Article.objects.get(pk=article.pk).status == "in_review"

    approve = page.locator("#approve")
    for label in REVIEW_CHECKLIST.values():
        approve.get_by_label(label).check()
    approve.get_by_label("Your password").fill("vetted-reviewer")
    approve.get_by_role("button", name="Sign and approve").click()

    expect(page.locator(".messagelist")).to_contain_text("Approved")
    expect(page.locator("#signatures")).to_contain_text(
        "Signed by Dr Rafael Okafor, MD · Approved for publication"
    )
    # (No full-page screenshot: the review screen's sources table already scrolls
    # sideways at phone width, which the screenshot fixture refuses.)
    signature = ApprovalSignature.objects.get(decision__article=article)
    assert signature.method == ApprovalSignature.Method.PASSWORD
    page.goto(f"{demo_site}/articles/{IN_REVIEW}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Medicines for nerve pain")


def test_sign_in_and_approve_with_one_time_codes(page, demo_site, require_2fa):
    reviewer = get_user_model().objects.get(username="reviewer")
    device = enrol(reviewer)
    article = Article.objects.get(slug=IN_REVIEW)
    sign_in_with_password(page, demo_site, "reviewer", "vetted-reviewer")
    page.get_by_label("One-time code").fill(code_for(device))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{demo_site}/admin/")

    page.goto(f"{demo_site}/admin/articles/article/{article.pk}/review/")
    approve = page.locator("#approve")
    expect(approve.get_by_label("Your password")).to_have_count(0)
    for label in REVIEW_CHECKLIST.values():
        approve.get_by_label(label).check()
    # The code just used to sign in cannot be replayed; the app's next one signs.
    approve.get_by_label("One-time code").fill(code_for(device, steps_ahead=1))
    approve.get_by_role("button", name="Sign and approve").click()

    expect(page.locator("#signatures")).to_contain_text("re-authenticated with authenticator app")
    assert Article.objects.get(pk=article.pk).status == "approved"


def test_the_pharmacist_takes_the_second_drug_dosing_sign_off_from_the_queue(page, demo_site):
    """Drug dosing needs two sign-offs, one from clinical pharmacology: the neurologist's
    approval let go of the article, so the pharmacist takes it from the queue and signs."""
    article = Article.objects.get(slug="gabapentin-kidney-dosing")
    sign_in_with_password(page, demo_site, "pharmacist", "vetted-pharmacist")
    page.goto(f"{demo_site}/admin/articles/article/queue/")
    row = page.locator("#review-queue tbody tr", has_text=article.title)
    row.get_by_role("button", name="Start review").click()
    expect(page.locator(".messagelist")).to_contain_text("You are now the reviewer")

    approve = page.locator("#approve")
    for label in REVIEW_CHECKLIST.values():
        approve.get_by_label(label).check()
    approve.get_by_label("Your password").fill("vetted-pharmacist")
    approve.get_by_role("button", name="Sign and approve").click()

    expect(page.locator(".messagelist")).to_contain_text("Approved")
    assert Article.objects.get(pk=article.pk).status == "approved"
