"""A server-side cache of anonymous public pages (Django's cache: Redis in production).

Only views that declare themselves cacheable (`caching.http.public_page`) are cached,
and only for requests without a session cookie, so staff never get an anonymous page
from here and never put theirs in. A hit costs one cache round trip (MGET) and skips
the rest of the middleware and the view.

Invalidation is by generation: every entry records the generations it was rendered
under (an article's, the site-wide pages', the lists'), read in the same MGET as the
entry. An event bumps the generations it affects; entries rendered under an older
one are never served again. A render that read the database before an event and
stores its page after the bump therefore stores it under the old generation, so
no interleaving can bring back what the event replaced.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

LISTS = "gen:lists"  # home, topics, search, board, feeds, sitemap, site pages
SITE = "gen:site"  # site-wide parts of article pages (the disclaimers)
# Every page depends on it: bumped when an invalidation could not reach the cache.
EPOCH = "gen:epoch"
# Set when a bump was lost (the cache was down): the next chance, the epoch is bumped,
# so that nothing cached before the outage is served after it.
_epoch_owed = threading.Event()
STORED_STATUSES = frozenset({200, 410})
# Headers a stored page keeps; everything else is added again on the way out.
_PASSED_ON = frozenset({"vary", "set-cookie", "x-page-cache"})


def article_generation(slug: str) -> str:
    return f"gen:article:{slug}"


@dataclass(frozen=True)
class Policy:
    """How a view's pages are cached: the generations they depend on, from its URL kwargs."""

    generations: Callable[..., list[str]]


def bump(*names: str) -> None:
    """Start new generations: pages cached under the old ones are never served again."""
    if _epoch_owed.is_set():
        names = (*names, EPOCH)
    if not names:
        return
    try:
        failed = cache.set_many({name: uuid.uuid4().hex for name in names}, timeout=None)
    except Exception:  # a cache outage must not undo an approval
        logger.exception("Could not invalidate cached pages: %s", ", ".join(names[:5]))
        failed = names
    if failed:
        _epoch_owed.set()
    else:
        _epoch_owed.clear()


def enabled() -> bool:
    return bool(getattr(settings, "VETTED_PAGE_CACHE", False))


def is_private(request: HttpRequest) -> bool:
    """Anyone with a session (staff) gets fresh, private pages."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


@functools.lru_cache(maxsize=4096)
def _policy_for(path: str) -> tuple[Policy | None, dict[str, Any]]:
    """The cache policy of the view at `path` (resolved once per path, per process)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None, {}
    return getattr(match.func, "page_cache", None), match.kwargs


@receiver(setting_changed, dispatch_uid="page_cache_urlconf")
def _urlconf_changed(sender: Any, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _policy_for.cache_clear()


class PageCacheMiddleware:
    """Serve and store anonymous GETs of cacheable views. Place it above GZipMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        policy, kwargs = self._policy(request)
        if policy is None:
            return self.get_response(request)
        key = self._key(request)
        if _epoch_owed.is_set():
            bump()  # an invalidation this process could not make: drop everything first
        names = [*policy.generations(**kwargs), EPOCH]
        try:
            found = cache.get_many([key, *names])
            generations = self._generations(names, found)
        except Exception:  # no cache, no caching: the page is still served
            logger.exception("Page cache unavailable")
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry["generations"] == generations:
            return self._replay(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and self._storable(response):
            self._store(key, response, generations)
        response["X-Page-Cache"] = "miss"
        return response

    def _policy(self, request: HttpRequest) -> tuple[Policy | None, dict[str, Any]]:
        if request.method not in ("GET", "HEAD") or not enabled() or is_private(request):
            return None, {}
        return _policy_for(request.path_info)

    @staticmethod
    def _key(request: HttpRequest) -> str:
        encoding = "gzip" if "gzip" in request.headers.get("Accept-Encoding", "") else "identity"
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        return f"page:{encoding}:{path}"

    @staticmethod
    def _generations(names: list[str], found: dict[str, Any]) -> list[str]:
        missing = {name: uuid.uuid4().hex for name in names if name not in found}
        if missing:
            # First use, or evicted: start one. add() keeps a generation a racing
            # request started, so read back whichever won.
            for name, value in missing.items():
                cache.add(name, value, timeout=None)
            found = {**found, **cache.get_many(list(missing))}
        return [found.get(name, "") for name in names]

    @staticmethod
    def _storable(response: HttpResponseBase) -> bool:
        return (
            getattr(response, "page_cacheable", False)
            and response.status_code in STORED_STATUSES
            and not response.streaming
            and not response.cookies
            and "public" in response.get("Cache-Control", "")
            and response.get("Vary", "") in ("", "Accept-Encoding")
        )

    @staticmethod
    def _store(key: str, response: HttpResponse, generations: list[str]) -> None:
        entry = {
            "status": response.status_code,
            "headers": [(k, v) for k, v in response.items() if k.lower() not in _PASSED_ON],
            "vary": response.get("Vary", ""),
            "content": response.content,
            "generations": generations,
        }
        try:
            cache.set(key, entry, timeout=settings.VETTED_PAGE_CACHE_TIMEOUT)
        except Exception:
            logger.exception("Could not store a page in the page cache")

    @staticmethod
    def _replay(request: HttpRequest, entry: dict[str, Any]) -> HttpResponseBase:
        headers = dict(entry["headers"])
        not_modified = get_conditional_response(
            request,
            etag=headers.get("ETag"),
            last_modified=parse_http_date_safe(headers.get("Last-Modified", "")),
        )
        if not_modified is not None:
            response: HttpResponseBase = not_modified
            for name in ("Cache-Control", "ETag", "Last-Modified", "Cache-Tag"):
                if name in headers:
                    response[name] = headers[name]
        else:
            content = b"" if request.method == "HEAD" else entry["content"]
            response = HttpResponse(content, status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
        if entry["vary"]:
            response["Vary"] = entry["vary"]
        response["X-Page-Cache"] = "hit"
        return response
