"""Site-wide views that belong to no one app."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control

from articles.context_processors import site
from caching.http import public_page

logger = logging.getLogger(__name__)

# Seconds a client (or a load balancer) should wait before asking again.
RETRY_AFTER = 30


# What a reader sees if even the branded error page cannot be rendered.
_LAST_RESORT = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Something went wrong</title></head><body><main><h1>Something went wrong</h1>"
    "<p>This page could not be shown. Please try again in a minute, or go to the "
    '<a href="/">home page</a>.</p><p>If you need medical help now, contact your doctor or '
    "pharmacist, or call your local emergency number.</p></main></body></html>"
)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the branded "something went wrong" page; a database that cannot be
    reached is a 503 "back soon" page instead.

    Called while the exception is being handled, so sys.exc_info() names it. The pages
    are rendered without the request's context processors (they would reach for the
    session, that is the database, again) and with nothing that queries the database.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return service_unavailable(request)
    return _error_page(request, "500.html", status=500)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    response = _error_page(request, "503.html", status=503, retry_after=RETRY_AFTER)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def _error_page(request: HttpRequest, template: str, *, status: int, **context) -> HttpResponse:
    try:
        html = render_to_string(template, {**site(request), **context})
    except Exception:  # the error page itself must not fail: plain HTML then
        logger.exception("Could not render %s", template)
        html = _LAST_RESORT
    response = HttpResponse(html, status=status)
    response["Cache-Control"] = "no-store"
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the site's own page, with search and the main sections.

    Never kept by a shared cache: the address may be an article about to be approved,
    which must not stay hidden behind a cached "not found".
    """
    response = render(request, "404.html", status=404)
    patch_cache_control(response, no_cache=True, max_age=0)
    return response


# --- files robots and browsers ask for at the site's root ---------------------------

ICON_MAX_AGE = 60 * 60 * 24 * 30  # not fingerprinted like /static/, so a month, not a year


@functools.cache
def _favicon_bytes() -> bytes:
    return (Path(settings.BASE_DIR) / "static" / "vetted" / "favicon.ico").read_bytes()


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever the page links."""
    response = HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    return response


@public_page()
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything public may be crawled; the editorial side, previews and form endpoints
    may not. The sitemap is named by the site's public address, whatever host asked."""
    admin_prefix = reverse("admin:index")
    lines = [
        "User-agent: *",
        f"Disallow: {admin_prefix}",
        "Disallow: /markdownx/",
        "Disallow: /articles/*/preview/",
        "Disallow: /articles/*/feedback/",
        "Allow: /",
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's "View on site" shortcut (/admin/r/<ct>/<id>/), for what the user may see.

    Django's own redirects any staff user to any object's URL, so a writer could learn
    another writer's draft slug by counting ids. This one looks the object up through
    its ModelAdmin (whose queryset limits each role) and answers 404 otherwise.
    """
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None or not admin.site.is_registered(model):
        raise Http404("Nothing to show.")
    model_admin = admin.site.get_model_admin(model)
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404("Nothing to show.")
    if callable(model_admin.view_on_site):
        url = model_admin.view_on_site(obj)
    elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
        url = obj.get_absolute_url()
    else:
        url = None
    if not url:
        raise Http404("Nothing to show.")
    return redirect(url)
