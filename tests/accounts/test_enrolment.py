"""Setting up a first authenticator takes a code emailed to the member (or an editor's
one-time link), never the password alone."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import AccountEvent, EnrolmentCode
from tests import factories
from tests.accounts.conftest import SETUP_URL, code_for, emailed_code, enrol, sign_in

pytestmark = pytest.mark.django_db


def ask_for_code(client):
    return client.post(SETUP_URL, {"send_code": "1"})


def enter(client, code: str):
    return client.post(SETUP_URL, {"code": code})


def shows_the_key(response) -> bool:
    html = response.content.decode()
    return 'aria-label="QR code"' in html or 'id="totp-secret"' in html


def test_the_password_alone_shows_no_key_and_turns_nothing_on(client, reviewer, require_2fa):
    sign_in(client, reviewer.username)

    page = client.get(SETUP_URL)
    forged = client.post(SETUP_URL, {"code": "123456"})

    assert page.status_code == 200
    assert not shows_the_key(page) and not shows_the_key(forged)
    assert "Email me a code" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert client.get("/admin/")["Location"].startswith(SETUP_URL)


def test_an_emailed_code_opens_the_set_up(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)

    sent = ask_for_code(client)
    (message,) = mailoutbox
    code = emailed_code(mailoutbox, reviewer)
    entered = enter(client, code)
    page = client.get(SETUP_URL)

    assert sent.status_code == 302
    assert message.to == [reviewer.email]
    assert "set up two-factor" in message.subject
    assert code not in message.subject  # not on a phone's lock screen
    assert entered.status_code == 302
    assert shows_the_key(page)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    finished = client.post(SETUP_URL, {"code": code_for(device)})
    assert len(finished.context["codes"]) == 10


def test_the_code_is_stored_only_as_a_hash(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    ask_for_code(client)

    stored = EnrolmentCode.objects.get(user=reviewer)

    assert emailed_code(mailoutbox, reviewer) not in stored.code_hash
    assert len(stored.code_hash) == 64


def test_a_code_works_once(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    ask_for_code(client)
    code = emailed_code(mailoutbox, reviewer)
    enter(client, code)
    client.logout()
    client.force_login(reviewer)

    again = enter(client, code)

    assert again.status_code == 200
    assert not shows_the_key(client.get(SETUP_URL))


def test_a_code_expires_after_fifteen_minutes(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    ask_for_code(client)
    record = EnrolmentCode.objects.get(user=reviewer)
    assert record.expires_at - record.created_at == datetime.timedelta(minutes=15)
    EnrolmentCode.objects.filter(pk=record.pk).update(expires_at=timezone.now())

    response = enter(client, emailed_code(mailoutbox, reviewer))

    assert "This code has expired: ask for a new one" in response.content.decode()
    assert not shows_the_key(client.get(SETUP_URL))


def test_too_many_wrong_codes_end_it_and_a_new_one_must_be_asked_for(
    client, reviewer, require_2fa, mailoutbox
):
    client.force_login(reviewer)
    ask_for_code(client)
    code = emailed_code(mailoutbox, reviewer)

    tries = [enter(client, "00000000").content.decode() for _ in range(5)]
    right_too_late = enter(client, code).content.decode()

    assert "4 tries left" in tries[0] and "1 try left" in tries[3]
    assert "that was the last try: ask for a new code" in tries[4]
    assert "Too many wrong tries for this code: ask for a new one" in right_too_late
    ask_for_code(client)
    assert len(mailoutbox) == 2
    assert enter(client, emailed_code(mailoutbox, reviewer)).status_code == 302


def test_a_new_code_replaces_the_old_one(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    ask_for_code(client)
    old = emailed_code(mailoutbox, reviewer)
    EnrolmentCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    ask_for_code(client)

    assert "That code is not right" in enter(client, old).content.decode()
    assert enter(client, emailed_code(mailoutbox, reviewer)).status_code == 302


def test_codes_are_not_sent_more_than_once_a_minute(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    ask_for_code(client)

    again = ask_for_code(client)

    assert len(mailoutbox) == 1
    assert "less than a minute ago" in again.content.decode()


def test_each_code_sent_is_in_the_security_record(client, reviewer, require_2fa, mailoutbox):
    client.force_login(reviewer)
    ask_for_code(client)

    event = AccountEvent.objects.get(kind=AccountEvent.Kind.ENROLMENT_CODE)
    assert event.username == reviewer.username


def test_a_member_without_email_is_told_to_ask_an_editor(client, require_2fa, mailoutbox):
    member = factories.reviewer(username="noemail", email="")
    client.force_login(member)

    page = client.get(SETUP_URL).content.decode()
    ask_for_code(client)

    assert "no email address" in page and "Ask an editor for an enrolment link" in page
    assert mailoutbox == []
    assert not TOTPDevice.objects.filter(user=member).exists()


def test_after_a_reset_setting_up_again_needs_a_code(client, reviewer, editor, require_2fa):
    enrol(reviewer)
    services.reset_two_factor(actor=editor, member=reviewer)
    sign_in(client, reviewer.username)

    assert not shows_the_key(client.get(SETUP_URL))


# --- an editor's one-time link, for members without an email address -----------------------


def issue_link(client, verified, editor, member) -> str:
    verified(editor)
    page = client.post(
        reverse("admin:accounts_staffaccount_changelist"),
        {"action": "issue_enrolment_link", "_selected_action": [member.pk]},
    )
    assert page.status_code == 200, page.content
    assert "It works once, for 24 hours" in page.content.decode()
    client.logout()
    return page.context["link"]


@pytest.fixture
def no_email(db):
    return factories.reviewer(username="noemail", email="")


def test_an_editors_link_lets_a_member_without_email_set_up(
    client, verified, editor, no_email, require_2fa
):
    link = issue_link(client, verified, editor, no_email)

    sign_in(client, no_email.username)
    followed = client.get(link)
    page = client.get(SETUP_URL)

    assert followed.status_code == 302
    assert shows_the_key(page)
    event = AccountEvent.objects.get(kind=AccountEvent.Kind.ENROLMENT_LINK)
    assert (event.username, event.actor) == (no_email.username, editor)


def test_a_link_works_once_and_for_its_member_only(
    client, verified, editor, no_email, second_reviewer, require_2fa
):
    link = issue_link(client, verified, editor, no_email)

    sign_in(client, second_reviewer.username)
    client.get(link)
    assert not shows_the_key(client.get(SETUP_URL))
    client.logout()
    sign_in(client, no_email.username)
    client.get(link)
    assert shows_the_key(client.get(SETUP_URL))
    client.logout()
    sign_in(client, no_email.username)

    client.get(link)

    assert not shows_the_key(client.get(SETUP_URL))


def test_a_link_followed_before_signing_in_asks_for_the_password(
    client, verified, editor, no_email
):
    link = issue_link(client, verified, editor, no_email)

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_only_editors_issue_links_and_never_their_own(client, editor, reviewer, no_email):
    client.force_login(reviewer)
    refused = client.post(
        reverse("admin:accounts_staffaccount_changelist"),
        {"action": "issue_enrolment_link", "_selected_action": [no_email.pk]},
    )
    client.force_login(editor)
    own = client.post(
        reverse("admin:accounts_staffaccount_changelist"),
        {"action": "issue_enrolment_link", "_selected_action": [editor.pk]},
        follow=True,
    )

    assert refused.status_code == 403
    assert "ask another editor" in own.content.decode()
    assert not EnrolmentCode.objects.exists()
