"""Re-authentication at the moment of signing (21 CFR Part 11, §11.200).

A signer proves again who they are — with a one-time code if they have a second
factor, else their password — and gets a short-lived, single-use proof. Services that
record a signature (reviews.services.review_approve) refuse to act without a valid one,
so no form or caller can skip the check.

Wrong signature secrets are counted here, apart from sign-ins (django-axes never sees
them, so they cannot lock the account): after VETTED_SIGNING_FAILURE_LIMIT in a row,
signing alone is paused for VETTED_SIGNING_PAUSE_MINUTES, and the pause is recorded in
the account security record. A right signature starts the count again.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import services, twofactor
from accounts.models import AccountEvent, SigningGuard

# Seconds between re-authenticating and the signature it allows.
MAX_AGE = 300
_SALT = "vetted.accounts.reauth"

PASSWORD = "password"
TOTP = "totp"
RECOVERY_CODE = "recovery_code"

UNSIGNED_MESSAGE = (
    "An approval is an electronic signature: enter your password (or a one-time code) to sign it."
)


@dataclass(frozen=True)
class Reauthentication:
    """Proof that `user_id` re-authenticated with `method` just now (sealed with SECRET_KEY)."""

    user_id: int
    method: str
    nonce: str
    token: str


def asks_for_code(user: Any) -> bool:
    """Signers with a second factor sign with a one-time code; others with their password."""
    return twofactor.has_device(user)


def reauthenticate(
    *, user: Any, password: str = "", code: str = "", request: HttpRequest | None = None
) -> Reauthentication:
    """Check the signer's secret again; raise ValidationError (changing nothing) if wrong.

    A wrong secret counts towards pausing this user's signing (never their sign-in); while
    signing is paused, even the right one is refused, saying until when and why.
    """
    _refuse_while_paused(user)
    with_code = asks_for_code(user)
    if with_code:
        try:
            device = twofactor.verify_code(user, code)
        except twofactor.CodeRefused as refused:
            _wrong(user, str(refused), code="code", secret="one-time code", request=request)
        method = RECOVERY_CODE if twofactor.is_recovery_device(device) else TOTP
    else:
        if not password:
            raise ValidationError("Enter your password to sign.", code="password")
        if not user.check_password(password):
            _wrong(
                user,
                "That password is not right, so nothing was signed.",
                code="password",
                secret="password",
                request=request,
            )
        method = PASSWORD
    SigningGuard.objects.filter(user=user, failures__gt=0).update(failures=0)
    nonce = secrets.token_hex(16)
    token = signing.TimestampSigner(salt=_SALT).sign(_sealed(user.pk, method, nonce))
    return Reauthentication(user_id=user.pk, method=method, nonce=nonce, token=token)


# --- wrong signatures: a pause of signing, not a lockout ----------------------------------


def _refuse_while_paused(user: Any) -> None:
    guard = SigningGuard.objects.filter(user=user, paused_until__gt=timezone.now()).first()
    if guard is not None:
        raise ValidationError(_paused_message(guard, user), code="paused")


def _paused_message(guard: SigningGuard, user: Any) -> str:
    until = timezone.localtime(guard.paused_until)
    limit = settings.VETTED_SIGNING_FAILURE_LIMIT
    why = (
        f"a wrong one-time code was entered {limit} times"
        if asks_for_code(user)
        else f"the signature password was entered wrongly {limit} times"
    )
    return (
        f"Signing is paused until {until:%H:%M} because {why}. You can keep reviewing; ask "
        "an editor if this wasn't you."
    )


def _wrong(user: Any, message: str, *, code: str, secret: str, request: HttpRequest | None) -> None:
    """Count a wrong signature secret; raise what to tell the signer: the tries left, or
    that signing is now paused. (The approval form checks the secret before the approval's
    transaction opens, so the count stands whatever the approval then does.)"""
    limit = settings.VETTED_SIGNING_FAILURE_LIMIT
    minutes = settings.VETTED_SIGNING_PAUSE_MINUTES
    with transaction.atomic():
        guard, _ = SigningGuard.objects.select_for_update().get_or_create(user=user)
        guard.failures += 1
        paused = guard.failures >= limit
        if paused:
            guard.failures = 0
            guard.paused_until = timezone.now() + datetime.timedelta(minutes=minutes)
            services.record_event(
                AccountEvent.Kind.SIGNING_PAUSED,
                username=user.get_username(),
                actor=user,
                ip_address=services.request_ip(request),
                detail=f"{limit} wrong signature {secret}s in a row; signing paused for "
                f"{minutes} minutes (sign-in unaffected).",
            )
        guard.save()
    if paused:
        raise ValidationError(_paused_message(guard, user), code="paused")
    left = limit - guard.failures
    raise ValidationError(
        f"{message} {left} tr{'y' if left == 1 else 'ies'} left before signing is paused for "
        f"{minutes} minutes.",
        code=code,
    )


def confirm(proof: Any, user: Any) -> Reauthentication:
    """The proof, if it is genuine, fresh and `user`'s; otherwise ValidationError."""
    if not isinstance(proof, Reauthentication):
        raise ValidationError(UNSIGNED_MESSAGE, code="unsigned")
    try:
        sealed = signing.TimestampSigner(salt=_SALT).unsign(proof.token, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            "Your re-authentication is more than five minutes old: sign again.", code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(UNSIGNED_MESSAGE, code="unsigned") from None
    if sealed != _sealed(user.pk, proof.method, proof.nonce) or proof.user_id != user.pk:
        raise ValidationError("Only the signer can use their own signature.", code="not_signer")
    return proof


def _sealed(user_id: int, method: str, nonce: str) -> str:
    return f"{user_id}:{method}:{nonce}"
