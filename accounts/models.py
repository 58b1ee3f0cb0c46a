"""The security record of staff accounts, and admin views onto users and lockouts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from audit.chain import HashChained, timestamp
from core import text_limits
from core.text_limits import max_length_constraint


class AccountEvent(HashChained):
    """A lockout, an unlock, a second factor set up or reset. Append-only, hash-chained."""

    class Kind(models.TextChoices):
        LOCKED_OUT = "locked_out", "Sign-in locked out"
        UNLOCKED = "unlocked", "Sign-in unlocked"
        TWO_FACTOR_ENROLLED = "2fa_enrolled", "Two-factor authentication set up"
        TWO_FACTOR_RESET = "2fa_reset", "Two-factor authentication reset"
        RECOVERY_CODES = "recovery_codes", "New recovery codes made"
        SIGNING_PAUSED = "signing_paused", "Signing paused (wrong signature passwords)"
        ENROLMENT_CODE = "enrolment_code", "Two-factor enrolment code emailed"
        ENROLMENT_LINK = "enrolment_link", "Two-factor enrolment link issued"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    username = models.CharField(
        "account", max_length=150, help_text="The account concerned (it may not exist)."
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it; empty when the system did (a lockout).",
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    detail = models.TextField(
        blank=True, max_length=text_limits.NOTE, validators=[MaxLengthValidator(text_limits.NOTE)]
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "account security event"
        verbose_name_plural = "account security events"
        ordering = ["-created_at", "-pk"]
        constraints = [max_length_constraint("accountevent", "detail", text_limits.NOTE)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username}"

    def chain_content(self) -> dict:
        return {
            "kind": self.kind,
            "username": self.username,
            "actor": self.actor_id,
            "ip": self.ip_address,
            "detail": self.detail,
            "at": timestamp(self.created_at),
        }


class SigningGuard(models.Model):
    """A signer's wrong signature secrets in a row, and the pause they earned.

    Kept apart from sign-in failures (django-axes): a mistyped signature pauses signing
    for a while (accounts.reauth), never the account.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signing_guard"
    )
    failures = models.PositiveIntegerField("wrong signatures in a row", default=0)
    paused_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "signing guard"
        verbose_name_plural = "signing guards"

    def __str__(self) -> str:
        return f"{self.user}: {self.failures} wrong"


class EnrolmentCode(models.Model):
    """A one-time proof, besides the password, that lets a member set up their first
    authenticator: a code emailed to them, or a link an editor gave them. Stored as a
    keyed hash only; single use; dead once expired or after too many wrong tries."""

    class Kind(models.TextChoices):
        EMAIL = "email", "code emailed"
        LINK = "link", "link from an editor"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    # salted_hmac(SECRET_KEY) of the user and the code: the database alone reveals nothing.
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "two-factor enrolment code"
        verbose_name_plural = "two-factor enrolment codes"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}"


class StaffAccount(get_user_model()):
    """Staff users as editors see them for sign-in security (lockouts, second factors)."""

    class Meta:
        proxy = True
        verbose_name = "staff sign-in"
        verbose_name_plural = "staff sign-ins"


class SignInLockout(AccessAttempt):
    """Failed sign-ins per account and address (django-axes); at the limit, a lockout."""

    class Meta:
        proxy = True
        verbose_name = "failed sign-in"
        verbose_name_plural = "failed sign-ins and lockouts"
