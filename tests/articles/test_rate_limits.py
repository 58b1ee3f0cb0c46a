"""Anonymous writes and searches are throttled per client; the site's policy headers hold."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.models import ArticleFeedback

pytestmark = pytest.mark.django_db


@pytest.fixture
def throttled(settings):
    settings.RATELIMIT_ENABLE = True
    settings.VETTED_FEEDBACK_RATE = "2/m"
    settings.VETTED_SEARCH_RATE = "3/m"
    cache.clear()
    yield
    cache.clear()


def test_feedback_from_one_address_is_throttled_and_not_counted(client, approved, throttled):
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    # Fresh clients: each would be a new reader, but they share one address.
    statuses = [
        client.__class__()
        .post(url, {"helpful": "yes"}, headers={"Origin": "http://testserver"})
        .status_code
        for _ in range(3)
    ]
    assert 429 not in statuses[:2]
    assert statuses[2] == 429
    assert ArticleFeedback.objects.filter(article=approved).count() == 2


def test_search_is_throttled_with_a_friendly_page(client, throttled):
    url = reverse("articles:search")
    for word in ("cramp", "spasm", "statin"):
        assert client.get(url, {"q": word}).status_code == 200
    response = client.get(url, {"q": "gabapentin"})
    assert response.status_code == 429
    assert "Please slow down" in response.text
    assert "public" not in response.get("Cache-Control", "")


def test_a_search_answered_from_the_page_cache_costs_no_throttle(client, throttled):
    """Only searches that reach the database count: a cached answer is as cheap as a page."""
    url = reverse("articles:search")
    for _ in range(6):
        assert client.get(url, {"q": "cramp"}).status_code == 200


def test_other_addresses_are_not_affected(client, approved, throttled):
    url = reverse("articles:search")
    for _ in range(4):
        client.get(url, {"q": "cramp"}, REMOTE_ADDR="10.0.0.1")
    assert client.get(url, {"q": "cramp"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_pages_carry_a_same_origin_content_security_policy(client, approved):
    policy = client.get(approved.get_absolute_url())["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy
