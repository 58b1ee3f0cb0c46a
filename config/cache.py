"""A Redis cache that degrades to "no cache" while Redis is refused or hung.

Pages, search and feedback must still answer when Redis does not: every operation
is bounded by short socket timeouts (CACHES OPTIONS), and a failure opens a breaker
for RETRY_AFTER seconds during which the cache answers at once as an empty one
(reads miss, writes are dropped) instead of waiting on Redis again. Throttles built
on it fail open (RATELIMIT_FAIL_OPEN); the outage is logged once per window.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("vetted.cache")

# Per process and per Redis location: the moment until which Redis is left alone.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


def _degrades(fallback: Callable[..., Any]) -> Callable:
    """Run the Redis operation unless the breaker is open; on a Redis error open it and
    answer `fallback(*args, **kwargs)` as an empty cache would."""

    def decorator(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(self: DegradingRedisCache, *args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < _down_until.get(self.location, 0.0):
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as err:
                self._trip(err)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _missing_key(*args: Any, **kwargs: Any) -> Any:
    # What Django's cache contract says incr() does for a key it does not hold.
    raise ValueError("Key not found: the cache is unavailable.")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool.

    Django builds a new redis.Redis (and its table of reply callbacks) for every cache
    call; on the page cache's hit path that cost more than the round trip itself.
    The client is thread-safe: it only borrows connections from the pool.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self.location = server if isinstance(server, str) else ",".join(server)
        self.retry_after = float(params.get("RETRY_AFTER", 10))

    def _trip(self, err: Exception) -> None:
        with _lock:
            was_up = time.monotonic() >= _down_until.get(self.location, 0.0)
            _down_until[self.location] = time.monotonic() + self.retry_after
        if was_up:
            logger.error(
                "Redis cache unavailable (%s: %s); serving without cache and with throttling "
                "off (fail open) for %.0f s before trying again.",
                type(err).__name__,
                err,
                self.retry_after,
            )

    @property
    def available(self) -> bool:
        return time.monotonic() >= _down_until.get(self.location, 0.0)

    @_degrades(lambda key, default=None, version=None: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_degrades(lambda *args, **kwargs: False)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @_degrades(lambda *args, **kwargs: None)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @_degrades(lambda *args, **kwargs: False)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @_degrades(lambda *args, **kwargs: False)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @_degrades(lambda *args, **kwargs: {})
    def get_many(self, *args, **kwargs):
        return super().get_many(*args, **kwargs)

    @_degrades(lambda *args, **kwargs: False)
    def has_key(self, *args, **kwargs):
        return super().has_key(*args, **kwargs)

    @_degrades(_missing_key)
    def incr(self, *args, **kwargs):
        return super().incr(*args, **kwargs)

    @_degrades(lambda data, *args, **kwargs: list(data))
    def set_many(self, data, *args, **kwargs):
        return super().set_many(data, *args, **kwargs)

    @_degrades(lambda *args, **kwargs: None)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @_degrades(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()
