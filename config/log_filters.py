"""Logging filters (LOGGING in config/settings.py); standard library only, since logging
is configured before the apps are loaded."""

from __future__ import annotations

import logging

# The name of the read replica's psycopg pool (config/settings.py).
REPLICA_POOL_NAME = "vetted-replica"


class QuietReplicaPool(logging.Filter):
    """Drops psycopg_pool's messages about the replica's pool (one per connection attempt):
    a replica that fails is reported once per outage by config.db_router instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (args and args[0] == REPLICA_POOL_NAME)
