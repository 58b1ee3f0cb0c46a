"""Writes to staff accounts' security: lockouts lifted, second factors set up or reset.

Each one checks permission on the server and leaves an AccountEvent in the
hash-chained security record.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from accounts.models import AccountEvent
from core.client_ip import client_ip
from people import roles


def may_manage_sign_in(user: Any) -> bool:
    """Editors (and superusers) see lockouts, lift them and reset members' second factors."""
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or roles.is_editor(user)
    )


def request_ip(request: Any) -> str | None:
    """The client's address for the security record (None when there is no request)."""
    address = client_ip(request) if request is not None else "unknown"
    return None if address == "unknown" else address


def record_event(
    kind: str,
    *,
    username: str,
    actor: Any = None,
    ip_address: str | None = None,
    detail: str = "",
) -> AccountEvent:
    return AccountEvent.objects.create(
        kind=kind, username=username, actor=actor, ip_address=ip_address, detail=detail
    )


def locked_out(attempt: AccessAttempt) -> bool:
    """At the failure limit, and the cool-off since the last attempt not yet over."""
    if attempt.failures_since_start < get_failure_limit(None, None):
        return False
    return attempt.attempt_time > timezone.now() - get_cool_off()


def locked_out_filter(prefix: str = "") -> Q:
    """The same test as a query: attempts that lock their account/address pair now."""
    return Q(
        **{
            f"{prefix}failures_since_start__gte": get_failure_limit(None, None),
            f"{prefix}attempt_time__gt": timezone.now() - get_cool_off(),
        }
    )


@transaction.atomic
def unlock_sign_in(*, actor: Any, attempts: Any) -> int:
    """Lift lockouts (and forget failed attempts) for the given account/address pairs."""
    if not may_manage_sign_in(actor):
        raise PermissionDenied("Only editors can unlock sign-ins.")
    pairs = sorted({(a.username, a.ip_address) for a in attempts}, key=str)
    for username, ip_address in pairs:
        # Exactly this pair (axes' reset() would widen a missing username to the whole IP).
        removed = AccessAttempt.objects.filter(username=username, ip_address=ip_address)
        failures = sum(a.failures_since_start for a in removed)
        removed.delete()
        record_event(
            AccountEvent.Kind.UNLOCKED,
            username=username or "",
            actor=actor,
            ip_address=ip_address,
            detail=f"{failures} failed sign-ins forgotten.",
        )
    return len(pairs)


@transaction.atomic
def reset_two_factor(*, actor: Any, member: Any) -> None:
    """Remove a member's authenticator and recovery codes (a lost phone): they set up anew.

    Never one's own (another editor confirms who is asking), and only a superuser
    resets a superuser.
    """
    if not may_manage_sign_in(actor):
        raise PermissionDenied("Only editors can reset two-factor authentication.")
    if member.pk == actor.pk:
        raise PermissionDenied(
            "You cannot reset your own two-factor authentication: ask another editor."
        )
    if member.is_superuser and not actor.is_superuser:
        raise PermissionDenied("Only a superuser can reset a superuser's two-factor sign-in.")
    devices = list(devices_for_user(member, confirmed=None))
    if not devices:
        raise ValidationError(f"{member.get_username()} has no two-factor device to reset.")
    for device in devices:
        device.delete()
    record_event(
        AccountEvent.Kind.TWO_FACTOR_RESET,
        username=member.get_username(),
        actor=actor,
        detail="Authenticator and recovery codes removed; they must set up a new one.",
    )


def confirm_authenticator(*, user: Any, device: TOTPDevice, code: str) -> list[str]:
    """Turn on the authenticator being set up once it shows a right code; new recovery codes.

    Raises twofactor.CodeRefused (nothing changes) if the code is wrong.
    """
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied("That is not an authenticator you are setting up.")
    # Outside the transaction, so a wrong code's throttling is kept.
    twofactor.verify_code(user, code, devices=[device])
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = twofactor.new_recovery_codes(user)
        record_event(
            AccountEvent.Kind.TWO_FACTOR_ENROLLED, username=user.get_username(), actor=user
        )
    return codes


@transaction.atomic
def regenerate_recovery_codes(*, user: Any) -> list[str]:
    if not twofactor.has_device(user):
        raise ValidationError("Set up an authenticator app first.")
    codes = twofactor.new_recovery_codes(user)
    record_event(AccountEvent.Kind.RECOVERY_CODES, username=user.get_username(), actor=user)
    return codes
