"""The security record of staff accounts, and admin views onto users and lockouts."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from audit.chain import HashChained, timestamp
from config import text_limits
from config.text_limits import max_length_constraint


class AccountEvent(HashChained):
    """A lockout, an unlock, a second factor set up or reset. Append-only, hash-chained."""

    class Kind(models.TextChoices):
        LOCKED_OUT = "locked_out", "Sign-in locked out"
        UNLOCKED = "unlocked", "Sign-in unlocked"
        TWO_FACTOR_ENROLLED = "2fa_enrolled", "Two-factor authentication set up"
        TWO_FACTOR_RESET = "2fa_reset", "Two-factor authentication reset"
        RECOVERY_CODES = "recovery_codes", "New recovery codes made"

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
