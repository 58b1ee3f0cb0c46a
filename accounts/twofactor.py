"""Second factors (django-otp): who needs one, checking a code, the enrolment QR code."""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from people import roles

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def required_for(user: Any) -> bool:
    """Reviewers, editors and superusers need a second factor while VETTED_REQUIRE_2FA is on
    (board members whose membership lapsed too: it comes back when renewed)."""
    if not (settings.VETTED_REQUIRE_2FA and user.is_authenticated and user.is_active):
        return False
    return (
        user.is_superuser
        or user.has_perm(roles.PERM_REVIEW)
        or user.has_perm(roles.PERM_MANAGE)
        or user.groups.filter(name=roles.REVIEWERS).exists()
    )


def has_device(user: Any) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def authenticator(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_authenticator(user: Any) -> TOTPDevice:
    """The key being set up: the same one until confirmed, so a scanned code stays valid."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with fresh ones (shown once, stored for checking)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class CodeRefused(Exception):
    """A one-time code that did not verify; the message says why, for the person."""


def verify_code(user: Any, code: str, *, devices: list[Device] | None = None) -> Device:
    """The device that accepts `code` (an authenticator code or a recovery code).

    Each device throttles itself (exponential back-off after a wrong code), so guessing
    is slow whichever form asks for the code.
    """
    token = re.sub(r"[\s-]", "", code or "").lower()
    if not token:
        raise CodeRefused("Enter the 6-digit code from your authenticator app.")
    candidates = devices if devices is not None else list(devices_for_user(user, confirmed=True))
    waits = []
    for device in candidates:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            waits.append(device)
            continue
        if device.verify_token(token):
            return device
    if waits and len(waits) == len(candidates):
        raise CodeRefused("Too many wrong codes. Wait a minute, then try again.")
    raise CodeRefused(
        "That code is not right, or it was already used. Authenticator codes change "
        "every 30 seconds; a recovery code works once."
    )


def is_recovery_device(device: Device) -> bool:
    return isinstance(device, StaticDevice)


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// URL as an inline SVG QR code: drawn here, no third party."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # Our own markup from a library: no user input reaches it except the username,
    # which qrcode encodes into the path data, never into markup.
    return mark_safe(svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1))


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32 groups of four, for apps that cannot scan."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
