"""The test suite's settings (pyproject.toml): production's, config/settings.py, plus
what must be in place before the test databases are made. Settings that tests override
per test live in tests/conftest.py.

The suite runs in parallel (pytest-xdist, `make test`): pytest-django gives each worker
a database of its own (test_<name>_gw0, …); this module gives each its own Redis keys.
Temporary files are per worker too (tests/conftest.py).
"""

import os

from config.settings import *  # noqa: F403
from config.settings import CACHES, DATABASES

# "gw0", "gw1" … under pytest-xdist; "main" when the suite runs in one process. The run's
# id keeps two runs sharing one Redis database (two checkouts, say) apart as well.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]

# The test databases are thrown away: commits need not wait for the disk (the browser walks
# and transactional tests commit at every step).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
    # Django's backend, emptying tables after a transactional test with DELETE, not TRUNCATE.
    DATABASES["default"]["ENGINE"] = "tests.postgresql"

# A read replica that mirrors the primary, so that every test reads through the replica
# router (config/db_router.py) as production does with DATABASE_REPLICA_URL. Plain
# connections: a pool would outlive the test database it mirrors.
DATABASES["replica"] = {
    **DATABASES["default"],
    "OPTIONS": {
        name: value
        for name, value in DATABASES["default"].get("OPTIONS", {}).items()
        if name != "pool"
    },
    "TEST": {"MIRROR": "default"},
}

# Workers share the Redis database REDIS_URL names: each keeps to keys of its own.
if CACHES["default"]["BACKEND"] == "config.cache.DegradingRedisCache":
    CACHES["default"] = {
        **CACHES["default"],
        "BACKEND": "tests.cache.WorkerRedisCache",
        "KEY_PREFIX": f"vetted-test-{RUN}-{WORKER}",
    }

# Passwords are hashed with a fast hasher: PBKDF2's 1,000,000 rounds cost a third of a
# second per factory user and sign-in. Tests of hashing itself set the real one.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
