"""Board membership that lapsed: a reviewer whose credentials expired, or who is no longer
an active board member, sees nothing of the review side until an editor renews them.

Two parts, both at the root of every path:

- `BoardMembershipBackend` (settings.AUTHENTICATION_BACKENDS) is Django's ModelBackend
  without the permissions of the "Medical reviewers" group while the member's profile may
  not review. Every check that asks `has_perm` (the admin's views, change and delete
  pages and actions, the services, the selectors, the image files) then answers as for
  someone outside the board, in the one query Django makes anyway.
- `LapsedMembershipMiddleware` answers every admin page (and the editor's live preview)
  with one notice saying why and what to do, for a lapsed member who has no other role.
  They can still sign in (and set up or use their second factor) to read it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from people import roles
from people.models import ReviewerProfile


class BoardMembershipBackend(ModelBackend):
    """ModelBackend, but the board's group grants nothing while its member's profile may not
    review (inactive, credentials unverified or expired)."""

    def _get_group_permissions(self, user_obj: Any):
        may_review = ReviewerProfile.objects.active().filter(user=user_obj)
        groups = user_obj.groups.filter(~Q(name=roles.REVIEWERS) | Exists(may_review))
        return Permission.objects.filter(group__in=groups)


@dataclass(frozen=True)
class Lapse:
    """Why a board member may not review now, said to them."""

    headline: str
    detail: str


RENEW = (
    "An editor can renew your membership; until then you can sign in, but the review queue, "
    "drafts and review screens stay closed to you."
)


def lapse(user: Any) -> Lapse | None:
    """Why `user`, a member of the board's group, may not review now; None if they may (or
    are not on the board at all)."""
    if not (user.is_authenticated and user.is_active) or user.is_superuser:
        return None
    # The backend grants the review permission only while the profile may review; asked
    # here, it loads the permissions the admin's view reads next (no query of its own).
    if user.has_perm(roles.PERM_REVIEW):
        return None
    if not user.groups.filter(name=roles.REVIEWERS).exists():
        return None
    profile = ReviewerProfile.objects.filter(user=user).first()
    if profile is None:
        return Lapse("Your board membership is not set up yet", RENEW)
    if profile.can_review():
        return None
    if not profile.is_active:
        return Lapse("Your advisory board membership is inactive", RENEW)
    if profile.credentials_verified_on is None:
        return Lapse("Your credentials have not been verified yet", RENEW)
    return Lapse(f"Your credentials expired on {profile.credentials_expire_on:%Y-%m-%d}", RENEW)


def has_other_role(user: Any) -> bool:
    """Also a writer or an editor: they keep that role's pages (without the board's)."""
    return user.groups.exclude(name=roles.REVIEWERS).exists()


class LapsedMembershipMiddleware:
    """The admin (and the editor's live preview) answer a lapsed board member with the
    notice (the admin's home with 200, any other page with 403), unless they also hold
    another role; then the admin's home adds the notice as a message and the backend
    narrows them to that role. (The staff preview of a draft needs no guard here: it
    shows only the articles `has_perm` lets them see, which are now their own.)

    Runs after accounts.middleware.TwoFactorMiddleware: the second factor comes first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not self._editorial(request):
            # Public pages never touch the session (they stay shareable-cacheable).
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or self._exempt(request):
            return self.get_response(request)
        found = lapse(user)
        if found is None:
            return self.get_response(request)
        index = request.path_info == reverse("admin:index")
        if has_other_role(user):
            if index and request.method == "GET":
                messages.warning(request, f"{found.headline}. {found.detail}")
            return self.get_response(request)
        return notice(request, found, status=200 if index else 403)

    @staticmethod
    def _editorial(request: HttpRequest) -> bool:
        return request.path_info.startswith(("/admin/", "/markdownx/"))

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        """Signing out, the password and the second factor stay open to them."""
        open_paths = {
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("admin:password_change"),
            reverse("admin:password_change_done"),
            reverse("admin:jsi18n"),
        }
        return request.path_info in open_paths or request.path_info.startswith(
            reverse("accounts:setup")
        )


def notice(request: HttpRequest, found: Lapse, *, status: int) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": found.headline,
        "lapse": found,
    }
    response = TemplateResponse(request, "admin/people/membership_lapsed.html", context)
    response.status_code = status
    return response.render()
