"""Site-wide views that belong to no one app."""

from __future__ import annotations

import sys

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views import defaults

from articles.context_processors import site

# Seconds a client (or a load balancer) should wait before asking again.
RETRY_AFTER = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached is a branded 503 "back soon" page.

    Called while the exception is being handled, so sys.exc_info() names it. The page
    is rendered without the request's context processors: they would reach for the
    session, that is the database, again.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return service_unavailable(request)
    return defaults.server_error(request)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    html = render_to_string("503.html", {**site(request), "retry_after": RETRY_AFTER})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


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
