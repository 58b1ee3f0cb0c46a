"""Degrade, don't fail: Redis refused or hung, the database or its read replica
unreachable.

With Redis gone, pages, search and feedback still answer, quickly (throttling fails
open and the outage is logged). With the database gone, readers get a branded 503
page within the connect timeout instead of a 500 or a 30-second hang. With the read
replica gone, public pages are read from the primary: one reader waits the replica's
short connect timeout, then the replica is left alone for a while (logged once).
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse
from redis.connection import AbstractConnection

from articles.models import ArticleFeedback
from config import cache as degrading_cache
from config import db_router
from tests import factories
from tests.security.conftest import refused_port

# Slow (fault injection waits out real connection timeouts):
# `make test` runs it, `make test-fast` leaves it out.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def production_settings(**env: str) -> dict:
    """CACHES and DATABASES as config/settings.py builds them from this environment."""
    script = (
        "import json, config.settings as s; "
        "print(json.dumps({'CACHES': s.CACHES, 'DATABASES': s.DATABASES}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "x", "DEBUG": "0", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def _answer_instead_of_raising(client):
    client.raise_request_exception = False


@pytest.fixture
def breaker_reset():
    degrading_cache._down_until.clear()
    yield
    degrading_cache._down_until.clear()


def _redis_at(settings, url: str) -> None:
    """The production cache configuration, pointed at `url`, with throttling on."""
    # The breaker stays open for the whole test, however slowly the machine runs it.
    settings.CACHES = production_settings(REDIS_URL=url, REDIS_RETRY_AFTER="3600")["CACHES"]
    settings.RATELIMIT_ENABLE = True
    settings.VETTED_SEARCH_RATE = "2/m"


@pytest.fixture
def redis_refused(settings, breaker_reset):
    _redis_at(settings, f"redis://127.0.0.1:{refused_port()}/0")


@pytest.fixture
def redis_hung(settings, breaker_reset, silent_server):
    _redis_at(settings, f"redis://127.0.0.1:{silent_server.port}/0")


@pytest.fixture
def redis_connects(monkeypatch) -> list[int]:
    """Each attempt to connect to Redis, counted (a hung Redis costs each one a socket
    timeout: a page that tried it on every cache call would take seconds)."""
    attempts: list[int] = []
    connect = AbstractConnection.connect

    def counting(self, *args, **kwargs):
        attempts.append(1)
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "connect", counting)
    return attempts


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["redis_refused", "redis_hung"])
def test_pages_search_and_feedback_answer_with_redis_down(
    client, approved, fault, request, caplog, redis_connects
):
    request.getfixturevalue(fault)
    with caplog.at_level(logging.ERROR, logger="vetted.cache"):
        first = client.get(reverse("articles:search"), {"q": "a"})
        assert first.status_code == 200
        # The first cache call found Redis down; the breaker answers every later one at
        # once, without waiting on Redis again (the short socket timeouts bound that one).
        tried_once = len(redis_connects)
        assert tried_once >= 1
        for _ in range(2):  # past the search limit: throttling fails open
            assert client.get(reverse("articles:search"), {"q": "a"}).status_code == 200
        page = client.get(approved.get_absolute_url())
        assert page.status_code == 200
        feedback = client.post(
            reverse("articles:feedback", kwargs={"slug": approved.slug}),
            {"helpful": "yes"},
            headers={"Origin": "http://testserver"},
        )
        assert feedback.status_code == 200
    assert len(redis_connects) == tried_once
    assert ArticleFeedback.objects.filter(article=approved).count() == 1
    outages = [r for r in caplog.records if "Redis cache unavailable" in r.getMessage()]
    assert len(outages) == 1  # logged once per outage, not once per request


@pytest.mark.django_db
def test_the_editor_preview_answers_with_redis_down(client, writer, redis_refused):
    client.force_login(writer)
    response = client.post(reverse("markdownx_markdownify"), {"content": "**Hi**"})
    assert response.status_code == 200
    assert "<strong>Hi</strong>" in response.text


def test_redis_has_short_socket_timeouts_by_default():
    options = production_settings(REDIS_URL="redis://cache:6379/0")["CACHES"]["default"]
    assert options["OPTIONS"]["socket_connect_timeout"] <= 1
    assert options["OPTIONS"]["socket_timeout"] <= 1


def test_the_database_has_a_connect_timeout():
    url = "postgres://u@db.example:5432/vetted"
    default = production_settings(DATABASE_URL=url)["DATABASES"]["default"]
    assert default["OPTIONS"]["connect_timeout"] == 5
    tuned = production_settings(DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="2")
    assert tuned["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 2


def test_the_connect_timeout_bounds_the_wait_for_a_pooled_connection():
    """The pool's wait ends with DATABASE_CONNECT_TIMEOUT too (it was 10 s, twice the
    documented bound), unless DATABASE_POOL_TIMEOUT says otherwise."""
    url = "postgres://u@db.example:5432/vetted"
    default = production_settings(DATABASE_URL=url)["DATABASES"]["default"]["OPTIONS"]
    assert default["pool"]["timeout"] == default["connect_timeout"] == 5
    tuned = production_settings(DATABASE_URL=url, DATABASE_CONNECT_TIMEOUT="2")
    assert tuned["DATABASES"]["default"]["OPTIONS"]["pool"]["timeout"] == 2
    explicit = production_settings(DATABASE_URL=url, DATABASE_POOL_TIMEOUT="8")
    assert explicit["DATABASES"]["default"]["OPTIONS"]["pool"]["timeout"] == 8


def test_the_replica_has_a_short_connect_timeout_of_its_own():
    databases = production_settings(
        DATABASE_URL="postgres://u@db.example:5432/vetted",
        DATABASE_REPLICA_URL="postgres://u@replica.example:5432/vetted",
    )["DATABASES"]
    replica = databases["replica"]["OPTIONS"]
    assert replica["pool"]["timeout"] <= 1
    assert replica["connect_timeout"] <= 1  # libpq's own minimum (2 s) applies without a pool
    primary = databases["default"]["OPTIONS"]
    assert primary["pool"]["timeout"] == primary["connect_timeout"] == 5  # unchanged
    tuned = production_settings(
        DATABASE_URL="postgres://u@db.example:5432/vetted",
        DATABASE_REPLICA_URL="postgres://u@replica.example:5432/vetted",
        DATABASE_REPLICA_CONNECT_TIMEOUT="0.5",
    )["DATABASES"]["replica"]["OPTIONS"]
    assert tuned["pool"]["timeout"] == 0.5


@functools.cache
def _production_options(alias: str, **env: str) -> dict:
    """The OPTIONS (timeouts, pool) production gives `alias`; the address is set apart."""
    urls = {
        "DATABASE_URL": "postgres://u@db.example:5432/vetted",
        "DATABASE_REPLICA_URL": "postgres://u@replica.example:5432/vetted",
    }
    return production_settings(**urls, **env)["DATABASES"][alias]["OPTIONS"]


def _point_at(wrapper, *, port: int, options: dict, pooled: bool) -> None:
    """Connect `wrapper` to 127.0.0.1:`port` with `options` (production's), pooled or not."""
    _close(wrapper)
    options = {**wrapper.settings_dict.get("OPTIONS", {}), **copy.deepcopy(options)}
    if not pooled:
        options.pop("pool", None)
    wrapper.settings_dict.update(HOST="127.0.0.1", PORT=str(port), OPTIONS=options)


@pytest.fixture
def replica_state(monkeypatch):
    """The replica counts as up when the test starts, and again after it."""
    monkeypatch.setattr(db_router, "_replica_down_until", 0.0)


@pytest.fixture
def database_unreachable(request, transactional_db, replica_state):
    """Point the app's connections at a port that never answers (or refuses), with the
    timeouts and the pool production configures (DATABASE_CONNECT_TIMEOUT=1)."""
    fault, pooled = request.param
    server = request.getfixturevalue("silent_server") if fault == "hung" else None
    port = server.port if server else refused_port()
    # The primary and the read replica (a mirror in tests).
    aliases = [alias for alias in ("default", "replica") if alias in connections]
    saved = {alias: copy.deepcopy(connections[alias].settings_dict) for alias in aliases}
    for alias in aliases:
        options = _production_options(alias, DATABASE_CONNECT_TIMEOUT="1")
        _point_at(connections[alias], port=port, options=options, pooled=pooled)
    yield request.param
    for alias in aliases:
        _close(connections[alias])
        connections[alias].settings_dict.clear()
        connections[alias].settings_dict.update(saved[alias])


def _close(wrapper) -> None:
    wrapper.close()
    if hasattr(wrapper, "close_pool"):
        wrapper.close_pool()


FAULTS = [
    pytest.param(("hung", True), id="silent-pooled"),
    pytest.param(("refused", True), id="refused-pooled"),
    pytest.param(("hung", False), id="silent-unpooled"),
    pytest.param(("refused", False), id="refused-unpooled"),
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection")
@pytest.mark.parametrize("database_unreachable", FAULTS, indirect=True)
def test_an_unreachable_database_is_a_branded_503(client, database_unreachable):
    """Within DATABASE_CONNECT_TIMEOUT, the pool's wait included: see the settings tests.
    Every kind of public page where the port refuses a connection made on demand; one page
    where the wait is the point (a silent port, a pool waiting for a connection): each
    such page waits out the timeout, and its kind does not change what is waited on."""
    paths = ["/", "/search/?q=cramp", "/articles/anything/"]
    for path in paths if database_unreachable == ("refused", False) else paths[-1:]:
        response = client.get(path)
        assert response.status_code == 503, path
        assert "We will be back in a moment" in response.text
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]


class ConnectAttempts:
    """Counts this thread's attempts to connect to the replica."""

    def __init__(self, wrapper) -> None:
        self.count = 0
        self._connect = wrapper.get_new_connection

    def __call__(self, conn_params):
        self.count += 1
        return self._connect(conn_params)


@pytest.fixture
def replica_unreachable(request, transactional_db, replica_state, monkeypatch, settings):
    """Point the read replica alone at a closed port or a silent server, with the
    options production gives it (pooled or not); yields its ConnectAttempts. Pages are
    not cached, so that every request reads the database."""
    settings.VETTED_PAGE_CACHE = False
    fault, pooled = request.param
    server = request.getfixturevalue("silent_server") if fault == "hung" else None
    port = server.port if server else refused_port()
    replica = connections["replica"]
    saved = copy.deepcopy(replica.settings_dict)
    _point_at(replica, port=port, options=_production_options("replica"), pooled=pooled)
    attempts = ConnectAttempts(replica)
    monkeypatch.setattr(replica, "get_new_connection", attempts)
    yield attempts
    _close(replica)
    replica.settings_dict.clear()
    replica.settings_dict.update(saved)


@pytest.fixture
def live_article(writer, reviewer):
    return factories.publish(writer=writer, reviewer=reviewer, title="Night cramps in older adults")


def _public_pages(article) -> list[str]:
    return [
        "/",
        article.get_absolute_url(),
        reverse("articles:topic", kwargs={"slug": article.topic.slug}),
        reverse("articles:search") + "?q=night+cramps",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection")
@pytest.mark.parametrize("replica_unreachable", FAULTS, indirect=True)
def test_public_pages_are_read_from_the_primary_while_the_replica_is_down(
    client, live_article, replica_unreachable, caplog
):
    """One connection attempt, bounded by the replica's connect timeout (settings test
    above), then the replica is left alone: every page answers from the primary."""
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            for path in _public_pages(live_article):
                response = client.get(path)
                assert response.status_code == 200, path
                assert "Night cramps in older adults" in response.text, path
    assert replica_unreachable.count == 1
    # One line in the log, psycopg's pool included.
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in logged] == ["vetted.db"]
    assert "Read replica unavailable" in logged[0].getMessage()
    assert len(logged[0].getMessage().splitlines()) == 1


class Clock:
    """config.db_router's clock, moved on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection")
@pytest.mark.parametrize("replica_unreachable", [FAULTS[1]], indirect=True)
def test_the_replica_is_tried_again_after_the_configured_pause(
    client, live_article, replica_unreachable, settings, monkeypatch
):
    settings.VETTED_REPLICA_RETRY_AFTER = 30
    clock = Clock()
    monkeypatch.setattr(db_router, "time", clock)
    home = _public_pages(live_article)[0]
    assert client.get(home).status_code == 200
    clock.now += 29.9
    assert client.get(home).status_code == 200
    assert replica_unreachable.count == 1  # still left alone
    clock.now += 0.2
    assert client.get(home).status_code == 200
    assert replica_unreachable.count == 2  # tried again (and still down)
