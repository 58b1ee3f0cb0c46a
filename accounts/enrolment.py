"""Setting up a first authenticator takes more than the password.

A member without a second factor (first sign-in, or after an editor reset a lost phone)
first proves they also hold their mailbox, with a one-time code emailed to them, or that
an editor vouched for them, with a one-time link the editor issued in the admin (for
members without an email address). Only then does the set-up page show the key, so a
password stolen before enrolment cannot enrol the thief's phone.

Codes and links are stored as a keyed hash (salted_hmac with SECRET_KEY) of the member
and the secret, are single use and short-lived; a code dies after a few wrong tries and
a new one must be asked for. The proof is kept in the session for the set-up that
follows, for as long as a code lasts.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, twofactor
from accounts.models import AccountEvent, EnrolmentCode

logger = logging.getLogger(__name__)

CODE_DIGITS = 8
# Seconds before another code may be emailed: a password guesser cannot flood a mailbox.
RESEND_AFTER = 60
SESSION_KEY = "accounts.enrolment_proven"
_SALT = "vetted.accounts.enrolment"

NO_EMAIL = (
    "Your account has no email address, so we cannot email you a code to set up two-factor "
    "authentication. Ask an editor for an enrolment link."
)


class EnrolmentRefused(Exception):
    """A code or link that does not prove anything; the message says why and what to do."""


def _digest(user: Any, secret: str) -> str:
    return salted_hmac(_SALT, f"{user.pk}:{secret}", algorithm="sha256").hexdigest()


def masked_email(user: Any) -> str:
    """ "r***@example.org": enough to recognise one's address on a shared screen."""
    local, _, domain = (user.email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


# --- the emailed code --------------------------------------------------------------------


def open_code(user: Any) -> EnrolmentCode | None:
    """The member's latest emailed code that may still be entered."""
    return (
        EnrolmentCode.objects.filter(
            user=user,
            kind=EnrolmentCode.Kind.EMAIL,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=settings.VETTED_ENROLMENT_CODE_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )


def send_code(*, user: Any, ip_address: str | None = None) -> EnrolmentCode:
    """Email the member a new code (any earlier one stops working).

    Sent now, not queued as a task: the member is waiting for it, and a queued task would
    keep the code in plain text in the task table.
    """
    if not user.email:
        raise EnrolmentRefused(NO_EMAIL)
    latest = open_code(user)
    now = timezone.now()
    if latest is not None and (now - latest.created_at).total_seconds() < RESEND_AFTER:
        raise EnrolmentRefused(
            f"A code was emailed to {masked_email(user)} less than a minute ago: check your "
            "inbox (and spam folder), or ask for another in a minute."
        )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    minutes = settings.VETTED_ENROLMENT_CODE_MINUTES
    with transaction.atomic():
        EnrolmentCode.objects.filter(
            user=user, kind=EnrolmentCode.Kind.EMAIL, used_at__isnull=True
        ).delete()
        record = EnrolmentCode.objects.create(
            user=user,
            kind=EnrolmentCode.Kind.EMAIL,
            code_hash=_digest(user, code),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=minutes),
        )
        services.record_event(
            AccountEvent.Kind.ENROLMENT_CODE,
            username=user.get_username(),
            actor=user,
            ip_address=ip_address,
            detail=f"Emailed to {masked_email(user)}; valid for {minutes} minutes.",
        )
    context = {"user": user, "code": code, "minutes": minutes, "site_name": settings.SITE_NAME}
    try:
        send_mail(
            render_to_string("accounts/emails/enrolment_code_subject.txt", context).strip(),
            render_to_string("accounts/emails/enrolment_code.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
    except Exception as exc:
        logger.exception("Could not email an enrolment code to user %s", user.pk)
        record.delete()
        raise EnrolmentRefused(
            "We could not send the email just now; nothing was set up. Try again in a minute."
        ) from exc
    return record


def check_code(*, user: Any, code: str) -> None:
    """Accept the member's emailed code once; EnrolmentRefused says why not (a wrong try is
    counted, and the last one ends the code)."""
    entered = "".join((code or "").split()).replace("-", "")
    limit = settings.VETTED_ENROLMENT_CODE_ATTEMPTS
    with transaction.atomic():
        record = (
            EnrolmentCode.objects.select_for_update()
            .filter(user=user, kind=EnrolmentCode.Kind.EMAIL, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        problem = _code_problem(record, limit)
        if problem is None and not constant_time_compare(record.code_hash, _digest(user, entered)):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            left = limit - record.attempts
            problem = (
                f"That code is not right. {left} tr{'y' if left == 1 else 'ies'} left."
                if left
                else "That code is not right, and that was the last try: ask for a new code."
            )
        elif problem is None:
            record.used_at = timezone.now()
            record.save(update_fields=["used_at"])
    # Raised once the transaction has kept the count of wrong tries.
    if problem is not None:
        raise EnrolmentRefused(problem)


def _code_problem(record: EnrolmentCode | None, limit: int) -> str | None:
    if record is None:
        return "Ask for a code first: we email it to you."
    if record.attempts >= limit:
        return "Too many wrong tries for this code: ask for a new one."
    if record.expires_at <= timezone.now():
        return "This code has expired: ask for a new one."
    return None


# --- the editor's link -------------------------------------------------------------------


def issue_link(*, actor: Any, member: Any) -> str:
    """A one-time enrolment link for `member`, issued by an editor (who hands it over in
    person or by phone): the path to give them. Any earlier unused link stops working."""
    if not services.may_manage_sign_in(actor):
        raise PermissionDenied("Only editors can issue enrolment links.")
    if member.pk == actor.pk:
        raise PermissionDenied(
            "You cannot issue an enrolment link to yourself: ask another editor."
        )
    if member.is_superuser and not actor.is_superuser:
        raise PermissionDenied("Only a superuser can issue a superuser's enrolment link.")
    if twofactor.has_device(member):
        raise EnrolmentRefused(
            f"{member.get_username()} already has two-factor authentication; reset it first "
            "if their phone is lost."
        )
    token = secrets.token_urlsafe(32)
    hours = settings.VETTED_ENROLMENT_LINK_HOURS
    now = timezone.now()
    with transaction.atomic():
        EnrolmentCode.objects.filter(
            user=member, kind=EnrolmentCode.Kind.LINK, used_at__isnull=True
        ).delete()
        EnrolmentCode.objects.create(
            user=member,
            kind=EnrolmentCode.Kind.LINK,
            code_hash=_digest(member, token),
            issued_by=actor,
            created_at=now,
            expires_at=now + datetime.timedelta(hours=hours),
        )
        services.record_event(
            AccountEvent.Kind.ENROLMENT_LINK,
            username=member.get_username(),
            actor=actor,
            detail=f"One-time link, valid for {hours} hours.",
        )
    return reverse("accounts:enrol_link", args=[token])


def redeem_link(*, user: Any, token: str) -> None:
    """Accept an editor's link once, for the member it was issued to."""
    with transaction.atomic():
        record = (
            EnrolmentCode.objects.select_for_update()
            .filter(
                user=user,
                kind=EnrolmentCode.Kind.LINK,
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )
        if record is None or not constant_time_compare(record.code_hash, _digest(user, token)):
            raise EnrolmentRefused(
                "This enrolment link is not for your account, has expired or was already "
                "used. Ask an editor for a new one."
            )
        record.used_at = timezone.now()
        record.save(update_fields=["used_at"])


# --- the proof, for the set-up that follows ------------------------------------------------


def prove(session: SessionBase, user: Any) -> None:
    """Remember in the session that `user` proved their enrolment just now. Any key shown
    before (an unconfirmed authenticator) is discarded: the set-up starts afresh."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    session[SESSION_KEY] = {"user": user.pk, "at": timezone.now().timestamp()}


def proven(session: SessionBase, user: Any) -> bool:
    found = session.get(SESSION_KEY) or {}
    if found.get("user") != user.pk:
        return False
    age = timezone.now().timestamp() - float(found.get("at", 0))
    return 0 <= age <= settings.VETTED_ENROLMENT_CODE_MINUTES * 60


def forget(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)
