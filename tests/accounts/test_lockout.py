"""Sign-in throttling and lockout (django-axes) on /admin/login/ — defect 4 of issue 10."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, SignInLockout
from tests import factories
from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def hammer(client, username: str, times: int, **extra) -> None:
    for _ in range(times):
        client.post(
            "/admin/login/", {"username": username, "password": "wrong", "next": "/admin/"}, **extra
        )


def test_sixty_wrong_passwords_then_the_right_one_does_not_sign_in(client, editor):
    hammer(client, editor.username, 60)

    response = sign_in(client, editor.username)

    assert response.status_code == 429
    assert not signed_in(client)


def test_lockout_page_says_what_happened_and_what_to_do(client, editor, settings):
    hammer(client, editor.username, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, editor.username)

    assert response.status_code == 429
    text = response.content.decode()
    assert "Sign-in locked" in text
    assert f"{settings.AXES_FAILURE_LIMIT} wrong passwords" in text
    assert "30 minutes" in text
    assert "ask an editor to unlock" in text


def test_a_few_typos_then_the_right_password_signs_in(client, editor, settings):
    hammer(client, editor.username, settings.AXES_FAILURE_LIMIT - 1)

    assert sign_in(client, editor.username).status_code == 302
    assert signed_in(client)


def test_lockout_is_per_account_and_address(client, editor, writer, settings):
    """One attacker on a shared address cannot lock everyone out, nor a user everywhere."""
    hammer(client, editor.username, settings.AXES_FAILURE_LIMIT)

    # Someone else behind the same address signs in.
    assert sign_in(client, writer.username).status_code == 302
    client.logout()
    # The same account from another address signs in.
    assert sign_in(client, editor.username, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_a_rotating_forwarded_for_header_does_not_escape_the_lockout(client, editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT + 3):
        hammer(client, editor.username, 1, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = sign_in(client, editor.username, HTTP_X_FORWARDED_FOR="198.51.100.250")

    assert response.status_code == 429


def test_lockout_ends_after_the_cool_off(client, editor, settings):
    hammer(client, editor.username, settings.AXES_FAILURE_LIMIT)
    past = timezone.now() - timezone.timedelta(minutes=31)
    AccessAttempt.objects.filter(username=editor.username).update(attempt_time=past)

    assert sign_in(client, editor.username).status_code == 302


def test_the_lockout_is_recorded_once_in_the_security_record(client, editor, settings):
    hammer(client, editor.username, settings.AXES_FAILURE_LIMIT + 10)

    events = AccountEvent.objects.filter(kind=AccountEvent.Kind.LOCKED_OUT)
    assert [(e.username, e.ip_address, e.actor) for e in events] == [
        (editor.username, "127.0.0.1", None)
    ]
    assert AccessFailureLog.objects.filter(username=editor.username).count() == (
        settings.AXES_FAILURE_LIMIT + 10
    )


def test_wrong_passwords_are_not_kept(client, editor):
    client.post("/admin/login/", {"username": editor.username, "password": "Hunter2-secret"})

    attempt = AccessAttempt.objects.get(username=editor.username)
    assert "Hunter2-secret" not in attempt.post_data


def test_editor_sees_lockouts_and_unlocks_them(client, settings):
    """60 wrong passwords lock the account; once an editor unlocks it, the right one works."""
    victim = factories.reviewer(username="victim")
    editor = factories.editor(username="ed")
    hammer(client, victim.username, 60)
    assert sign_in(client, victim.username).status_code == 429

    client.force_login(editor)
    listing = client.get(reverse("admin:accounts_signinlockout_changelist"))
    assert listing.status_code == 200
    assert victim.username in listing.content.decode()
    attempt = SignInLockout.objects.get(username=victim.username)
    response = client.post(
        reverse("admin:accounts_signinlockout_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    client.logout()

    assert sign_in(client, victim.username).status_code == 302
    assert signed_in(client)
    unlock = AccountEvent.objects.get(kind=AccountEvent.Kind.UNLOCKED)
    assert (unlock.username, unlock.actor) == (victim.username, editor)


def test_editor_unlocks_from_the_staff_list(client, settings):
    victim = factories.writer(username="victim")
    editor = factories.editor(username="ed")
    hammer(client, victim.username, settings.AXES_FAILURE_LIMIT)
    client.force_login(editor)

    client.post(
        reverse("admin:accounts_staffaccount_changelist"),
        {"action": "unlock", "_selected_action": [victim.pk]},
    )
    client.logout()

    assert sign_in(client, victim.username).status_code == 302


@pytest.mark.parametrize("role", ["writer", "reviewer"])
def test_only_editors_see_or_lift_lockouts(client, role, settings, request):
    member = request.getfixturevalue(role)
    hammer(client, "victim", settings.AXES_FAILURE_LIMIT)
    attempt = SignInLockout.objects.get(username="victim")
    client.force_login(member)

    assert client.get(reverse("admin:accounts_signinlockout_changelist")).status_code == 403
    client.post(
        reverse("admin:accounts_signinlockout_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert SignInLockout.objects.filter(pk=attempt.pk).exists()
    assert not AccountEvent.objects.filter(kind=AccountEvent.Kind.UNLOCKED).exists()
