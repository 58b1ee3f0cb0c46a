"""System checks for settings Django cannot judge itself.

SITE_URL makes every canonical link, sitemap entry, feed and JSON-LD address. With DEBUG
off it must name the real public site: unset, it would make them relative; on a local
address, search engines and feed readers would be sent to localhost. The check is an
Error, so `manage.py check`, `check --deploy`, `migrate` and `runserver` refuse to go on,
and config/wsgi.py runs it before gunicorn serves anything.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register, run_checks
from django.core.exceptions import ImproperlyConfigured

TAG = "vetted_site"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_HINT = (
    "Set SITE_URL to the site's public address, e.g. SITE_URL=https://health.example.org "
    "(scheme and host, no path). With DEBUG=1 a local address is fine."
)


def site_url_problem(url: str) -> str | None:
    """Why `url` cannot be the public address of a production site, or None."""
    if not url:
        return "SITE_URL is not set."
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:
        return f"SITE_URL {url!r} is not a valid address."
    if parts.scheme not in ("http", "https"):
        return f"SITE_URL {url!r} must start with https:// (or http://)."
    if not host:
        return f"SITE_URL {url!r} names no host."
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"SITE_URL {url!r} must be the site's root: scheme and host only."
    if host in _LOCAL_NAMES or host.endswith((".localhost", ".local")):
        return f"SITE_URL {url!r} points at this machine, not the public site."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if address.is_loopback or address.is_unspecified or address.is_link_local:
        return f"SITE_URL {url!r} points at this machine, not the public site."
    return None


@register(TAG)
def site_url_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG:
        return []
    problem = site_url_problem(getattr(settings, "SITE_URL", ""))
    if problem is None:
        return []
    return [Error(problem, hint=_HINT, id="vetted.E001")]


def refuse_misconfigured_site() -> None:
    """For servers that run no system checks (gunicorn via config/wsgi.py)."""
    errors = [error for error in run_checks(tags=[TAG]) if error.is_serious()]
    if errors:
        raise ImproperlyConfigured(" ".join(f"{e.msg} {e.hint}" for e in errors))
