"""Audit every lockout once, when it starts (django-axes signals each refused attempt)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.dispatch import receiver

from accounts import services
from accounts.models import AccountEvent


@receiver(user_locked_out)
def record_lockout(
    sender: Any, request: Any, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    failures = getattr(request, "axes_failures_since_start", None)
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    if failures != limit:
        return  # a further attempt while locked out, not a new lockout
    services.record_event(
        AccountEvent.Kind.LOCKED_OUT,
        username=username or "",
        ip_address=ip_address,
        detail=f"{failures} failed sign-ins in a row; locked out from this address.",
    )
