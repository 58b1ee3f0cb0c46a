"""Purging the CDN in front of the site when public content changes.

Pluggable like Wagtail's frontendcache: VETTED_FRONTEND_CACHE lists backends, each
given the changed URLs and the cache tags of everything that changed. The Varnish
backend bans by tag (one request whatever the number of pages) and purges URLs;
deploy/varnish/vetted.vcl is its counterpart. A purge that fails is logged, never
raised: the change it follows has already been committed.
"""

from __future__ import annotations

import http.client
import logging
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_TAG_RE = re.compile(r"^[\w:.-]+$")
TAGS_PER_BAN = 200


class FrontendCacheBackend:
    def purge(self, *, urls: Sequence[str], tags: Sequence[str]) -> None:
        raise NotImplementedError


class VarnishBackend(FrontendCacheBackend):
    """PURGE and BAN requests to one Varnish server (see deploy/varnish/vetted.vcl)."""

    def __init__(self, *, location: str, timeout: float = 2.0):
        parts = urlsplit(location)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout

    def purge(self, *, urls: Sequence[str], tags: Sequence[str]) -> None:
        site_host = urlsplit(settings.SITE_URL).netloc
        good_tags = [t for t in tags if _TAG_RE.match(t)]
        for start in range(0, len(good_tags), TAGS_PER_BAN):
            batch = good_tags[start : start + TAGS_PER_BAN]
            self._send("BAN", "/", {"Host": site_host, "X-Ban-Tags": ban_expression(batch)})
        for url in urls:
            self._send("PURGE", urlsplit(url).path or "/", {"Host": site_host})

    def _send(self, method: str, path: str, headers: dict[str, str]) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, headers=headers)
            status = connection.getresponse().status
        except OSError:
            logger.exception("Varnish at %s:%s did not answer a %s", self.host, self.port, method)
            return
        finally:
            connection.close()
        if status >= 400:
            logger.error("Varnish at %s:%s refused a %s: %s", self.host, self.port, method, status)


def ban_expression(tags: Iterable[str]) -> str:
    """A regular expression matching a Cache-Tag header that holds any of `tags`."""
    return "(^|,)(" + "|".join(re.escape(tag) for tag in tags) + ")(,|$)"


def backends() -> list[FrontendCacheBackend]:
    configured = getattr(settings, "VETTED_FRONTEND_CACHE", []) or []
    return [
        import_string(item["BACKEND"])(**{k.lower(): v for k, v in item.items() if k != "BACKEND"})
        for item in configured
    ]


def purge(*, urls: Sequence[str] = (), tags: Sequence[str] = ()) -> None:
    """Purge every configured CDN (caching.invalidation decides when, and repeats it)."""
    targets = backends()
    if targets and (urls or tags):
        _purge_with(targets, urls, tags)


def _purge_with(
    targets: list[FrontendCacheBackend], urls: Sequence[str], tags: Sequence[str]
) -> None:
    absolute = [url if "://" in url else f"{settings.SITE_URL}{url}" for url in urls]
    for backend in targets:
        try:
            backend.purge(urls=absolute, tags=list(tags))
        except Exception:
            logger.exception("Frontend cache purge failed in %s", type(backend).__name__)
