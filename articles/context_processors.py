from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

# Remembers a reader's audience choice. Pages never read it (they are the same for
# everyone, so that they can be cached); site.js uses it to open the chosen version.
AUDIENCE_COOKIE = "audience"


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "canonical_url": f"{settings.SITE_URL}{request.path}",
    }
