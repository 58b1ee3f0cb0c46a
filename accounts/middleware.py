"""The second-factor gate: a password alone opens nothing but the pages that finish signing in."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts import twofactor


class TwoFactorMiddleware:
    """After the password, a signed-in user who has a second factor must enter a code;
    one who needs a second factor (VETTED_REQUIRE_2FA: reviewers, editors) but has none
    must set one up (which takes a code emailed to them, or an editor's link, besides the
    password: accounts.enrolment). Until then every other URL sends them there.

    Runs after django_otp's OTPMiddleware, which supplies `request.user.is_verified()`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, no user: and public pages must not touch the session (that
            # would make them vary by cookie and defeat every shared cache).
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and not user.is_verified() and not self._exempt(request):
            if twofactor.has_device(user):
                return self._send(request, "accounts:verify")
            if twofactor.required_for(user):
                return self._send(request, "accounts:setup")
        return self.get_response(request)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        path = request.path_info
        open_paths = (
            reverse("accounts:verify"),
            reverse("accounts:setup"),
            reverse("admin:logout"),
        )
        # An editor's enrolment link (accounts.enrolment) is followed before any factor.
        enrol_links = reverse("accounts:enrol_link", args=["x"])[: -len("x/")]
        return (
            path in open_paths
            or path.startswith(enrol_links)
            or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
        )

    @staticmethod
    def _send(request: HttpRequest, url_name: str) -> HttpResponse:
        url = reverse(url_name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
