"""Site-wide request guards."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django_ratelimit.core import is_ratelimited

from articles.markdown import ARTICLE_PARTS, LIMITS, refusal_html
from articles.preview import PAUSED, busy_response, is_long, slot_ready
from core.client_ip import ratelimit_key

NULL = "\x00"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# The editor's preview posts the working copy's Markdown parts (with its title and summary)
# as multipart; UTF-8 is at most 4 bytes a character.
PREVIEW_MAX_BYTES = LIMITS.characters * 4 * len(ARTICLE_PARTS) + 16_384


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


class PreviewGuardMiddleware:
    """The live preview's cheap refusals, made before sessions, CSRF or body parsing.

    A request larger than any text the renderer accepts is a 413 without its body being
    read (the CSRF check would parse it); a session over the preview rate is a 429 after
    one cache increment; a long text while the server's render slot is taken is a 503
    "busy" after one file lock. So ten clients posting pathological previews back to
    back cost the workers little more than their connections. (The view's own checks,
    staff only and a throttle per user, still apply to whatever gets through.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._path is None:
            self._path = reverse("markdownx_markdownify")
        if request.path != self._path:
            return self.get_response(request)
        if _content_length(request) > PREVIEW_MAX_BYTES:
            message = (
                f"The text is too long to preview: the limit is {LIMITS.characters:,} "
                "characters. Split it into more than one article."
            )
            return HttpResponse(refusal_html(message), status=413)
        if is_ratelimited(
            request,
            group="articles.preview.session",
            key=_session_or_address,
            rate=lambda group, request: settings.VETTED_PREVIEW_RATE,
            increment=True,
        ):
            return HttpResponse(PAUSED, status=429)
        if is_long(request) and not slot_ready():
            return busy_response()  # before the body is parsed: waiting writers cost little
        return self.get_response(request)


def _session_or_address(group: str, request: HttpRequest) -> str:
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session:
        return hashlib.sha256(session.encode()).hexdigest()
    return ratelimit_key(group, request)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


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
