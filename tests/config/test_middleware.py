"""Site-wide middleware (config/middleware.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def https_only(settings):
    """As in production behind TLS: plain-HTTP requests are redirected to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True


def test_the_redirect_to_https_is_not_kept_by_shared_caches(client, https_only):
    """A CDN keying by URL alone must not serve it to HTTPS readers: a redirect loop."""
    response = client.get("/topics/?page=2", headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/topics/?page=2"
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_over_https_stay_shareable(client, https_only, approved):
    response = client.get(approved.get_absolute_url(), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "private" not in response["Cache-Control"]
