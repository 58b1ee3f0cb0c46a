"""Two-factor sign-in pages: set up an authenticator, enter a code, renew recovery codes.

Mounted under /admin/two-factor/ and wrapped by the admin site (staff only, no cache,
CSRF-protected). The TwoFactorMiddleware sends people here until they are verified.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts import enrolment, services, twofactor
from accounts.forms import CodeForm, EnrolmentCodeForm


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE)."""
    context = {
        **admin.site.each_context(request),
        "title": "Sign-in locked",
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": round(get_cool_off(request).total_seconds() / 60),
    }
    return TemplateResponse(request, "accounts/locked_out.html", context, status=429).render()


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


def _context(request: HttpRequest, title: str, **extra: Any) -> dict:
    return {
        **admin.site.each_context(request),
        "title": title,
        "next": _next_url(request),
        **extra,
    }


def _signed_in_with(request: HttpRequest, device: Any) -> None:
    otp_login(request, device)
    # A new privilege level, a new session key.
    request.session.cycle_key()


def verify_view(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the code from the authenticator app (or a recovery code)."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not twofactor.has_device(user):
        return redirect(f"{reverse('accounts:setup')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.verify_code(user, form.cleaned_data["code"])
        except twofactor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            _signed_in_with(request, device)
            if twofactor.is_recovery_device(device):
                left = twofactor.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. If your phone is "
                    "lost, ask an editor to reset your two-factor authentication.",
                )
            return redirect(_next_url(request))
    context = _context(request, "Enter your one-time code", form=form)
    return TemplateResponse(request, "accounts/verify.html", context)


def setup_view(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (QR code drawn here), or see the second factor in use.

    Without a second factor yet, the member first proves more than their password (a code
    emailed to them, or an editor's link): until then no key is made or shown.
    """
    user = request.user
    if twofactor.has_device(user):
        context = _context(
            request,
            "Two-factor authentication",
            device=twofactor.authenticator(user),
            codes_left=twofactor.recovery_codes_left(user),
        )
        return TemplateResponse(request, "accounts/two_factor.html", context)
    if not enrolment.proven(request.session, user):
        return _enrolment_gate(request)
    device = twofactor.pending_authenticator(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_authenticator(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except twofactor.CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            _signed_in_with(request, device)
            enrolment.forget(request.session)
            return _show_recovery_codes(request, codes, first_time=True)
    context = _context(
        request,
        "Set up two-factor authentication",
        form=form,
        qr_code=twofactor.qr_svg(device),
        secret=twofactor.secret_for_typing(device),
        required=twofactor.required_for(user),
    )
    return TemplateResponse(request, "accounts/setup.html", context)


def _enrolment_gate(request: HttpRequest) -> HttpResponse:
    """Before the key: email the member a code, and take it back."""
    user = request.user
    form = EnrolmentCodeForm(None)
    refusal = ""
    if request.method == "POST" and request.POST.get("send_code"):
        try:
            enrolment.send_code(user=user, ip_address=services.request_ip(request))
        except enrolment.EnrolmentRefused as refused:
            refusal = str(refused)
        else:
            return _back_to_setup(request)
    elif request.method == "POST":
        form = EnrolmentCodeForm(request.POST)
        if form.is_valid():
            try:
                enrolment.check_code(user=user, code=form.cleaned_data["code"])
            except enrolment.EnrolmentRefused as refused:
                form.add_error("code", str(refused))
            else:
                enrolment.prove(request.session, user)
                return _back_to_setup(request)
    context = _context(
        request,
        "Set up two-factor authentication",
        form=form,
        refusal=refusal,
        email=enrolment.masked_email(user),
        code_sent=enrolment.open_code(user) is not None,
        minutes=settings.VETTED_ENROLMENT_CODE_MINUTES,
        no_email=enrolment.NO_EMAIL,
        required=twofactor.required_for(user),
    )
    return TemplateResponse(request, "accounts/enrol.html", context)


def _back_to_setup(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('accounts:setup')}?{urlencode({'next': _next_url(request)})}")


def enrol_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """An editor's one-time enrolment link: the member, signed in with their password, may
    set up their authenticator."""
    if twofactor.has_device(request.user):
        return redirect("accounts:setup")
    try:
        enrolment.redeem_link(user=request.user, token=token)
    except enrolment.EnrolmentRefused as refused:
        messages.error(request, str(refused))
    else:
        enrolment.prove(request.session, request.user)
    return redirect("accounts:setup")


@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """Replace one's recovery codes (the old ones stop working)."""
    if not request.user.is_verified():
        raise PermissionDenied("Enter a one-time code first.")
    try:
        codes = services.regenerate_recovery_codes(user=request.user)
    except ValidationError as err:
        messages.error(request, err.messages[0])
        return redirect("accounts:setup")
    return _show_recovery_codes(request, codes, first_time=False)


def _show_recovery_codes(request: HttpRequest, codes: list[str], *, first_time: bool) -> Any:
    # Shown once, in this response only: they are stored for checking, never displayed again.
    context = _context(request, "Your recovery codes", codes=codes, first_time=first_time)
    return TemplateResponse(request, "accounts/recovery_codes.html", context)
