"""Fixtures for the security suite: one person per role, and servers that fail."""

from __future__ import annotations

import socket

import pytest

from articles import markdown
from tests import factories


@pytest.fixture
def other_writer(db):
    return factories.writer(username="otto")


@pytest.fixture(autouse=True)
def _fresh_markdown_cache():
    """Each test parses from scratch, so the work and parses it counts are its own."""
    markdown._convert_within_limits.cache_clear()
    yield
    markdown._convert_within_limits.cache_clear()


class SilentServer:
    """A TCP port that accepts connections and never answers: a hung Redis or database.

    The kernel completes the handshake for the listen backlog; nobody ever reads.
    """

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(128)
        self.port = self.socket.getsockname()[1]

    def close(self) -> None:
        self.socket.close()


def refused_port() -> int:
    """A local port nothing listens on: connections to it are refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()
