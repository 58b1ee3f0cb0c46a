"""Fixtures for the security suite: one person per role, and a timer."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from articles import markdown
from tests import factories


@pytest.fixture
def other_writer(db):
    return factories.writer(username="otto")


@pytest.fixture(autouse=True)
def _fresh_markdown_cache():
    """Each test parses from scratch, so timings and parse counts are its own."""
    markdown._convert_within_limits.cache_clear()
    yield
    markdown._convert_within_limits.cache_clear()


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start
