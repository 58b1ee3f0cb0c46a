"""Re-authentication at the moment of signing (21 CFR Part 11, §11.200).

A signer proves again who they are — with a one-time code if they have a second
factor, else their password — and gets a short-lived, single-use proof. Services that
record a signature (reviews.services.review_approve) refuse to act without a valid one,
so no form or caller can skip the check.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts import twofactor

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

    With a request, the password goes through django-axes like a sign-in: wrong
    passwords count towards the account's lockout, and a locked-out account cannot sign.
    """
    if asks_for_code(user):
        try:
            device = twofactor.verify_code(user, code)
        except twofactor.CodeRefused as refused:
            raise ValidationError(str(refused), code="code") from None
        method = RECOVERY_CODE if twofactor.is_recovery_device(device) else TOTP
    else:
        if not password:
            raise ValidationError("Enter your password to sign.", code="password")
        if request is not None:
            signer = authenticate(request, username=user.get_username(), password=password)
            valid = signer is not None and signer.pk == user.pk
        else:  # a management command: no remote guesser to throttle
            valid = user.check_password(password)
        if not valid:
            raise ValidationError(
                "That password is not right, so nothing was signed.", code="password"
            )
        method = PASSWORD
    nonce = secrets.token_hex(16)
    token = signing.TimestampSigner(salt=_SALT).sign(_sealed(user.pk, method, nonce))
    return Reauthentication(user_id=user.pk, method=method, nonce=nonce, token=token)


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
