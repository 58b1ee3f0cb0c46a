"""The client's address, for throttling: never a header the client alone controls.

Without proxies (TRUSTED_PROXY_COUNT=0) it is REMOTE_ADDR and forwarding headers are
ignored, since anyone can send them. Behind N trusted proxies, each appending the
address it saw to X-Forwarded-For, it is the Nth address from the right (django-ipware
picks it): whatever a client writes further left cannot move it. A header that is
missing, short or garbled falls back to REMOTE_ADDR, the nearest proxy, and never
raises.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

# As django-ratelimit does for key="ip": one IPv6 client usually holds a whole /64.
IPV6_PREFIX = 64


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _address(request.META.get("REMOTE_ADDR")) or "unknown"
    proxies = settings.VETTED_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    # ipware counts the proxies *in* the header; the nearest one is REMOTE_ADDR.
    ip, _routable = get_client_ip(
        request,
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return _address(ip) or remote


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """The django-ratelimit key shared by every per-client throttle."""
    ip = client_ip(request)
    if ":" in ip:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False).network_address)
    return ip
