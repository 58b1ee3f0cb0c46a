"""Fixtures for sign-in, second factors and the account security record."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor

LOGIN_URL = "/admin/login/"
SETUP_URL = "/admin/two-factor/"
PASSWORD = "pw"  # tests.factories.UserFactory's


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    """Post the admin sign-in form, as a browser does."""
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the member's authenticator app shows now (or a step later, for a second use)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def emailed_code(mailoutbox, user) -> str:
    """The enrolment code in the latest email to `user` (the locmem backend keeps them)."""
    message = [m for m in mailoutbox if m.to == [user.email]][-1]
    return re.search(r"^\s+(\d{8})$", message.body, re.MULTILINE).group(1)


def prove_enrolment(client, user, mailoutbox) -> None:
    """Ask for the emailed code and enter it, as the set-up page asks before its QR code."""
    client.post(SETUP_URL, {"send_code": "1"})
    response = client.post(SETUP_URL, {"code": emailed_code(mailoutbox, user)})
    assert response.status_code == 302, response.content


def enrol(user) -> TOTPDevice:
    """A confirmed authenticator and recovery codes, as the set-up page leaves them."""
    device = TOTPDevice.objects.create(user=user, name=twofactor.AUTHENTICATOR_NAME)
    twofactor.new_recovery_codes(user)
    return device


@pytest.fixture
def require_2fa(settings):
    settings.VETTED_REQUIRE_2FA = True


@pytest.fixture
def verified(client):
    """Sign `user` in with password and code; returns the device used."""

    def sign_in_fully(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrol(user)
        client.force_login(user)
        response = client.post(reverse("accounts:verify"), {"code": code_for(device)})
        assert response.status_code == 302, response.content
        return device

    return sign_in_fully
