"""Site-wide request guards."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import patch_cache_control

NULL = "\x00"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class HttpsRedirectCacheControlMiddleware:
    """Keeps the redirect of a plain-HTTP request to HTTPS out of shared caches.

    SecurityMiddleware (SECURE_SSL_REDIRECT) sends it without Cache-Control, so a CDN or
    Varnish that keys pages by URL alone may keep it and answer HTTPS readers of the same
    URL with a redirect to itself. Listed before SecurityMiddleware, so it sees that
    middleware's answer; `private` still lets the reader's own browser keep it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in _REDIRECTS
            and not request.is_secure()
            and response.get("Location", "").startswith("https://")
        ):
            patch_cache_control(response, private=True)
        return response


class RejectNullCharactersMiddleware:
    """On the editorial side, a NUL in the path, a query parameter or a form field is a 400.

    PostgreSQL cannot store or compare text holding NUL, so such a value reached the
    database as a 500 (admin list filters, autocomplete, the article form). No real
    form sends one. The public pages already answer such input normally (search
    strips control characters), so they are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._prefixes: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._prefixes is None:
            self._prefixes = (reverse("admin:index"), reverse("markdownx_markdownify"))
        if request.path.startswith(self._prefixes) and (
            NULL in request.path
            or _has_null(request.GET)
            or (request.method == "POST" and _has_null(request.POST))
        ):
            return HttpResponseBadRequest(
                "The request contains a null character, which no page or form accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _has_null(data) -> bool:
    return any(NULL in key or any(NULL in v for v in values) for key, values in data.lists())
