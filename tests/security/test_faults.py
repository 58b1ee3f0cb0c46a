"""Degrade, don't fail: Redis refused or hung, the database unreachable.

With Redis gone, pages, search and feedback still answer, quickly (throttling fails
open and the outage is logged). With the database gone, readers get a branded 503
page within the connect timeout instead of a 500 or a 30-second hang.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections
from django.urls import reverse

from articles.models import ArticleFeedback
from config import cache as degrading_cache
from tests.security.conftest import refused_port, timed

ROOT = Path(__file__).resolve().parents[2]
# Well above the 0.5 s Redis timeouts and the 1 s connect timeout used here.
QUICK = 3.0


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
    settings.CACHES = production_settings(REDIS_URL=url)["CACHES"]
    settings.RATELIMIT_ENABLE = True
    settings.VETTED_SEARCH_RATE = "2/m"


@pytest.fixture
def redis_refused(settings, breaker_reset):
    _redis_at(settings, f"redis://127.0.0.1:{refused_port()}/0")


@pytest.fixture
def redis_hung(settings, breaker_reset, silent_server):
    _redis_at(settings, f"redis://127.0.0.1:{silent_server.port}/0")


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["redis_refused", "redis_hung"])
def test_pages_search_and_feedback_answer_with_redis_down(client, approved, fault, request, caplog):
    request.getfixturevalue(fault)
    with caplog.at_level(logging.ERROR, logger="vetted.cache"):
        for _ in range(3):  # past the search limit: throttling fails open
            search, seconds = timed(lambda: client.get(reverse("articles:search"), {"q": "a"}))
            assert search.status_code == 200
            assert seconds < QUICK
        page, seconds = timed(lambda: client.get(approved.get_absolute_url()))
        assert page.status_code == 200
        assert seconds < QUICK
        feedback, seconds = timed(
            lambda: client.post(
                reverse("articles:feedback", kwargs={"slug": approved.slug}),
                {"helpful": "yes"},
                headers={"Origin": "http://testserver"},
            )
        )
        assert feedback.status_code == 200
        assert seconds < QUICK
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


@pytest.fixture
def database_unreachable(request, transactional_db):
    """Point the app's connection at a port that never answers (or refuses)."""
    server = request.getfixturevalue("silent_server") if request.param == "hung" else None
    port = server.port if server else refused_port()
    # The primary and the read replica (a mirror in tests), pooled connections included.
    aliases = [alias for alias in ("default", "replica") if alias in connections]
    saved = {alias: copy.deepcopy(connections[alias].settings_dict) for alias in aliases}
    for alias in aliases:
        _close(connections[alias])
        connections[alias].settings_dict.update(HOST="127.0.0.1", PORT=str(port))
        options = {**saved[alias].get("OPTIONS", {}), "connect_timeout": 1}
        options.pop("pool", None)
        connections[alias].settings_dict["OPTIONS"] = options
    yield
    for alias in aliases:
        _close(connections[alias])
        connections[alias].settings_dict.clear()
        connections[alias].settings_dict.update(saved[alias])


def _close(wrapper) -> None:
    wrapper.close()
    if hasattr(wrapper, "close_pool"):
        wrapper.close_pool()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection")
@pytest.mark.parametrize("database_unreachable", ["hung", "refused"], indirect=True)
@pytest.mark.parametrize("path", ["/", "/search/?q=cramp", "/articles/anything/"])
def test_an_unreachable_database_is_a_quick_branded_503(client, database_unreachable, path):
    response, seconds = timed(lambda: client.get(path))
    assert response.status_code == 503
    assert seconds < QUICK
    assert "We will be back in a moment" in response.text
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
