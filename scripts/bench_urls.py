"""The site's URLs plus a bare Django view: the benchmark's yardstick (scripts/benchmark.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello from a bare Django view.")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
