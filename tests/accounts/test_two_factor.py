"""Two-factor sign-in (django-otp TOTP): set-up, the second step, recovery codes, resets."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccountEvent
from tests import factories
from tests.accounts.conftest import code_for, enrol, prove_enrolment, sign_in

pytestmark = pytest.mark.django_db

SETUP = "/admin/two-factor/"
VERIFY = "/admin/two-factor/verify/"


# --- who must use a second factor ------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_reviewers_and_editors_must_set_up_a_second_factor(client, role, require_2fa, request):
    member = request.getfixturevalue(role)
    client.force_login(member)

    response = client.get("/admin/articles/article/")

    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_a_password_alone_opens_no_staff_page(client, reviewer, approved, require_2fa):
    client.force_login(reviewer)

    for url in (
        "/admin/",
        f"/articles/{approved.slug}/preview/",
        reverse("admin:articles_article_review", args=[approved.pk]),
    ):
        assert client.get(url).status_code == 302, url
    preview = client.post("/markdownx/markdownify/", {"content": "**x**"})
    assert preview.status_code == 302


def test_writers_may_work_without_a_second_factor(client, writer, require_2fa):
    client.force_login(writer)

    assert client.get("/admin/").status_code == 200


def test_not_required_when_the_setting_is_off(client, reviewer, settings):
    settings.VETTED_REQUIRE_2FA = False
    client.force_login(reviewer)

    assert client.get("/admin/").status_code == 200


# --- setting up ---------------------------------------------------------------------


def test_set_up_page_draws_the_qr_code_itself(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    prove_enrolment(client, reviewer, mailoutbox)

    page = client.get(SETUP)

    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and 'aria-label="QR code"' in text
    assert "<img" not in text  # no image from anywhere, let alone a third party
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert re.sub(r"\s", "", page.context["secret"])  # typed-in alternative offered
    assert client.get(SETUP).context["secret"] == page.context["secret"]  # same key on reload
    assert device.config_url.startswith("otpauth://totp/")


def test_a_right_code_turns_it_on_and_shows_recovery_codes_once(
    client, reviewer, require_2fa, mailoutbox
):
    client.force_login(reviewer)
    prove_enrolment(client, reviewer, mailoutbox)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=reviewer)

    response = client.post(SETUP, {"code": code_for(device), "next": "/admin/"})

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200  # verified in this session
    assert AccountEvent.objects.filter(
        kind=AccountEvent.Kind.TWO_FACTOR_ENROLLED, username=reviewer.username
    ).exists()
    status = client.get(SETUP).content.decode()
    assert "10 unused recovery codes" in status
    assert not any(code in status for code in codes)  # shown once only


def test_a_wrong_code_turns_nothing_on(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    prove_enrolment(client, reviewer, mailoutbox)
    client.get(SETUP)

    response = client.post(SETUP, {"code": "000000"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer, confirmed=True).exists()
    assert not StaticToken.objects.exists()
    assert client.get("/admin/").status_code == 302


def test_a_writer_may_turn_it_on(client, writer, require_2fa, mailoutbox):
    client.force_login(writer)
    prove_enrolment(client, writer, mailoutbox)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=writer)

    client.post(SETUP, {"code": code_for(device)})
    client.logout()
    sign_in(client, writer.username)

    assert client.get("/admin/")["Location"].startswith(VERIFY)


# --- signing in: password, then the code ----------------------------------------------


def test_sign_in_asks_for_the_code_after_the_password(client, reviewer, require_2fa):
    device = enrol(reviewer)

    after_password = sign_in(client, reviewer.username)
    assert after_password.status_code == 302
    gate = client.get(after_password["Location"])
    assert gate.status_code == 302 and gate["Location"].startswith(VERIFY)
    assert "next=%2Fadmin%2F" in gate["Location"]

    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_device_is_asked_for_even_when_not_required(client, writer, settings):
    settings.VETTED_REQUIRE_2FA = False
    enrol(writer)
    sign_in(client, writer.username)

    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_wrong_code_keeps_the_door_shut(client, reviewer, require_2fa):
    enrol(reviewer)
    sign_in(client, reviewer.username)

    response = client.post(VERIFY, {"code": "123456"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_guessing_codes_is_throttled(client, reviewer, require_2fa):
    device = enrol(reviewer)
    sign_in(client, reviewer.username)
    client.post(VERIFY, {"code": "123456"})

    # Straight after a wrong guess, even the right code must wait (exponential back-off).
    response = client.post(VERIFY, {"code": code_for(device)})

    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_signs_in_once(client, reviewer, require_2fa):
    enrol(reviewer)
    code = StaticToken.objects.filter(device__user=reviewer).first().token
    sign_in(client, reviewer.username)

    assert client.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    sign_in(client, reviewer.username)
    assert client.post(VERIFY, {"code": code}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_the_code_page_never_sends_people_off_site(client, reviewer, require_2fa):
    device = enrol(reviewer)
    sign_in(client, reviewer.username)

    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == "/admin/"


def test_new_recovery_codes_replace_the_old_ones(client, reviewer, verified, require_2fa):
    verified(reviewer)
    old = set(StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True))

    response = client.post(reverse("accounts:recovery_codes"))

    new = set(response.context["codes"])
    assert len(new) == 10 and not (new & old)
    stored = StaticToken.objects.filter(device__user=reviewer).values_list("token", flat=True)
    assert set(stored) == new


# --- editors reset a member's second factor ----------------------------------------------


def reset(client, member):
    return client.post(
        reverse("admin:accounts_staffaccount_changelist"),
        {"action": "reset_two_factor", "_selected_action": [member.pk]},
        follow=True,
    )


def test_an_editor_resets_a_members_lost_authenticator(client, reviewer, editor, verified):
    enrol(reviewer)
    verified(editor)

    response = reset(client, reviewer)

    assert "reset for rhea" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert not StaticToken.objects.filter(device__user=reviewer).exists()
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.TWO_FACTOR_RESET)
    assert (event.username, event.actor) == (reviewer.username, editor)


def test_after_a_reset_the_member_sets_up_again(client, reviewer, editor, verified, settings):
    settings.VETTED_REQUIRE_2FA = True
    enrol(reviewer)
    verified(editor)
    reset(client, reviewer)
    client.logout()

    sign_in(client, reviewer.username)

    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_an_editor_cannot_reset_their_own(client, editor, verified):
    verified(editor)

    response = reset(client, editor)

    assert "ask another editor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=editor).exists()


def test_a_reviewer_cannot_reset_anyones(client, reviewer, writer, verified):
    enrol(writer)
    verified(reviewer)

    assert client.get(reverse("admin:accounts_staffaccount_changelist")).status_code == 403
    reset(client, writer)

    assert TOTPDevice.objects.filter(user=writer).exists()


def test_an_editor_cannot_reset_a_superusers(client, editor, verified):
    boss = factories.UserFactory(username="boss", is_superuser=True)
    enrol(boss)
    verified(editor)

    reset(client, boss)

    assert TOTPDevice.objects.filter(user=boss).exists()


def test_editors_see_who_has_a_second_factor(client, reviewer, editor, writer, verified):
    enrol(reviewer)
    verified(editor)

    page = client.get(reverse("admin:accounts_staffaccount_changelist"))

    html = page.content.decode()
    rows = {
        name: next(r for r in html.split("<tr") if f">{name}</a>" in r)
        for name in ("rhea", "wanda")
    }
    assert '<td class="field-two_factor">On</td>' in rows["rhea"]
    assert '<td class="field-two_factor">Off</td>' in rows["wanda"]
