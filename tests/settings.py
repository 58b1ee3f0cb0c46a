"""The test suite's settings (pyproject.toml): production's, config/settings.py, plus
what must be in place before the test databases are made. Settings that tests override
per test live in tests/conftest.py.
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

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
