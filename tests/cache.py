"""The suite's Redis cache: production's backend, with keys of this test process only.

Under pytest-xdist several workers share one Redis database. Each worker's keys carry
its own prefix (tests/settings.py), and clearing the cache, which every test does
first, deletes only those keys: Django's own clear() is FLUSHDB, which would empty the
cache under another worker's running test.
"""

from __future__ import annotations

from config.cache import DegradingRedisCache


class WorkerRedisCache(DegradingRedisCache):
    def clear(self) -> bool:
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        return True
