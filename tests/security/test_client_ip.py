"""Client addresses behind proxies come from a trusted-proxy count, never a raw header:
a header with two addresses, none or a non-IP must not break search or feedback, and a
client that rotates the header is still throttled.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from articles.models import ArticleFeedback
from core.client_ip import client_ip, ratelimit_key

pytestmark = pytest.mark.django_db

MALFORMED = ["", " ", ",", "1.2.3.4, 5.6.7.8", "not-an-ip", "unknown", "1.2.3.4,,", "999.1.1.1",
             "for=1.2.3.4", "[::1]:80", "1.2.3.4\x00", "a" * 5000, "1.2.3.4;5.6.7.8"]  # fmt: skip


def _request(xff: str | None = None, remote: str = "198.51.100.7"):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.fixture
def throttled(settings):
    settings.RATELIMIT_ENABLE = True
    settings.VETTED_FEEDBACK_RATE = "2/m"
    settings.VETTED_SEARCH_RATE = "3/m"
    cache.clear()
    yield settings
    cache.clear()


def test_without_proxies_forwarding_headers_are_ignored(settings):
    settings.VETTED_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9")) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.VETTED_TRUSTED_PROXY_COUNT = 1
    # The client forged the left part; the load balancer appended what it saw.
    assert client_ip(_request("1.1.1.1, 2.2.2.2, 203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_second_address_from_the_right_is_the_client(settings):
    settings.VETTED_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("1.1.1.1, 203.0.113.9, 10.0.0.2")) == "203.0.113.9"


@pytest.mark.parametrize("proxies", [0, 1, 2])
@pytest.mark.parametrize("header", [*MALFORMED, None])
def test_a_malformed_header_falls_back_to_the_nearest_address(settings, proxies, header):
    settings.VETTED_TRUSTED_PROXY_COUNT = proxies
    ip = client_ip(_request(header))
    assert ip in {"198.51.100.7", "1.2.3.4", "5.6.7.8", "::1"}
    if proxies == 0 or header is None:
        assert ip == "198.51.100.7"


def test_an_empty_remote_address_does_not_raise(settings):
    settings.VETTED_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(remote="")) == "unknown"


def test_ipv6_clients_are_throttled_per_slash_64(settings):
    settings.VETTED_TRUSTED_PROXY_COUNT = 0
    one = ratelimit_key("g", _request(remote="2001:db8:1:2::1"))
    other = ratelimit_key("g", _request(remote="2001:db8:1:2:ffff::9"))
    assert one == other == "2001:db8:1:2::"


@pytest.mark.parametrize("proxies", [0, 1])
@pytest.mark.parametrize("header", MALFORMED)
def test_malformed_forwarding_headers_never_break_search_or_feedback(
    client, approved, throttled, proxies, header
):
    throttled.VETTED_TRUSTED_PROXY_COUNT = proxies
    search = client.get(reverse("articles:search"), {"q": "x"}, HTTP_X_FORWARDED_FOR=header)
    assert search.status_code == 200
    feedback = client.post(
        reverse("articles:feedback", kwargs={"slug": approved.slug}),
        {"helpful": "yes"},
        HTTP_X_FORWARDED_FOR=header,
        HTTP_ORIGIN="http://testserver",
    )
    assert feedback.status_code == 200


def test_a_rotating_forged_header_is_throttled_without_proxies(client, throttled):
    throttled.VETTED_TRUSTED_PROXY_COUNT = 0
    url = reverse("articles:search")
    # Different words each time: a repeated search is answered by the page cache.
    statuses = [
        client.get(url, {"q": f"x{i}"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(5)
    ]
    assert statuses[3:] == [429, 429]


def test_a_rotating_forged_header_is_throttled_behind_a_proxy(client, approved, throttled):
    throttled.VETTED_TRUSTED_PROXY_COUNT = 1
    url = reverse("articles:feedback", kwargs={"slug": approved.slug})
    statuses = [
        client.__class__()
        .post(
            url,
            {"helpful": "yes"},
            # The client's forged part rotates; the proxy appends its real address.
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.50",
            REMOTE_ADDR="10.0.0.1",
            HTTP_ORIGIN="http://testserver",
        )
        .status_code
        for i in range(4)
    ]
    assert statuses[2:] == [429, 429]
    assert ArticleFeedback.objects.filter(article=approved).count() == 2


def test_distinct_clients_behind_the_proxy_are_throttled_separately(client, throttled):
    throttled.VETTED_TRUSTED_PROXY_COUNT = 1
    url = reverse("articles:search")
    for i in range(4):
        client.get(url, {"q": f"x{i}"}, HTTP_X_FORWARDED_FOR="203.0.113.1", REMOTE_ADDR="10.0.0.1")
    other = client.get(url, {"q": "y"}, HTTP_X_FORWARDED_FOR="203.0.113.2", REMOTE_ADDR="10.0.0.1")
    assert other.status_code == 200
