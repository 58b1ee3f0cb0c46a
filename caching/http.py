"""HTTP caching for public pages: the same answer for every anonymous reader.

A page wrapped in `public_page` says `Cache-Control: public` with a browser max-age
and a shared-cache s-maxage, carries the tags a CDN can purge it by (`Cache-Tag`)
and may be stored by the server-side page cache. ETags and 304s come from Django's
ConditionalGetMiddleware. Requests that carry a session (staff) get `private`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseForbidden
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from caching import page_cache

TAG_HEADER = "Cache-Tag"
LISTS_TAG = "lists"


def public_page(
    generations: Callable[..., list[str]] = lambda **kwargs: [page_cache.LISTS],
) -> Callable:
    """Mark a view's anonymous responses as shareable and cacheable.

    `generations` maps the URL's kwargs to the page-cache generations the page
    depends on (see caching.page_cache); list-like pages depend on the lists'.
    """

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            response = view(request, *args, **kwargs)
            if getattr(response, "page_cacheable", True):
                make_public(request, response)
            return response

        wrapper.page_cache = page_cache.Policy(generations=generations)
        return wrapper

    return decorator


def make_public(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Shareable for anonymous readers; private for anyone with a session.

    A view names what its page shows by setting `response.cache_tags` (default: the
    lists tag), and may set Last-Modified itself.
    """
    if page_cache.is_private(request):
        patch_cache_control(response, private=True, no_cache=True)
        response.page_cacheable = False
        return response
    patch_cache_control(
        response,
        public=True,
        max_age=settings.VETTED_BROWSER_MAX_AGE,
        s_maxage=settings.VETTED_CDN_MAX_AGE,
    )
    response[TAG_HEADER] = ",".join(getattr(response, "cache_tags", None) or [LISTS_TAG])
    response.page_cacheable = True
    return response


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    """Never cached anywhere: unapproved content shown under a banner, one reader's answer."""
    patch_cache_control(response, no_store=True, private=True)
    response.page_cacheable = False
    return response


def same_origin_post(view: Callable) -> Callable:
    """Protect an anonymous form by where the request comes from, not by a token.

    A CSRF token would need a cookie on every page that shows the form, which makes
    every page unique per reader. Browsers say where a POST comes from
    (Sec-Fetch-Site, else Origin, else Referer); a cross-site one is refused.
    """

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not _from_this_site(request):
            return HttpResponseForbidden(
                "This form can only be sent from a page of this site.", content_type="text/plain"
            )
        return view(request, *args, **kwargs)

    return wrapper


def _from_this_site(request: HttpRequest) -> bool:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is None:
        referer = urlsplit(request.headers.get("Referer", ""))
        if not (referer.scheme and referer.netloc):
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    ours = f"{request.scheme}://{request.get_host()}"
    return origin == ours or origin in settings.CSRF_TRUSTED_ORIGINS
