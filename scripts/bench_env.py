"""The environment the in-process benchmarks run Django in: production settings (DEBUG
off, real middleware), minus what would measure something else (TLS redirects, throttles,
the second sign-in factor), on a database of their own next to DATABASE_URL's.

Imported by scripts/bench_scale.py and scripts/bench_citation_search.py before Django is
set up.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def use_production_settings(
    *, script: str, database_suffix: str, database_url: str = "", **extra: str
) -> tuple[str, str]:
    """Set the environment for `script`, with `extra` on top, and point DATABASE_URL at
    `database_url` (default: DATABASE_URL's database name + `database_suffix`).
    Returns (the original DATABASE_URL, the benchmark's)."""
    sys.path.insert(0, str(REPO))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-secret"),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "testserver",
            # DEBUG off needs a public address (config.checks); nothing is fetched from it.
            "SITE_URL": os.environ.get("SITE_URL", "https://vetted.example"),
            "SECURE_SSL_REDIRECT": "0",
            "RATELIMIT_ENABLE": "0",
            "VETTED_REQUIRE_2FA": "0",
            "LOG_LEVEL": "ERROR",
        }
    )
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        sys.exit(f"{script} needs PostgreSQL: set DATABASE_URL=postgres://…")
    database_url = database_url or f"{base_url.rstrip('/')}{database_suffix}"
    os.environ.update({**extra, "DATABASE_URL": database_url})
    return base_url, database_url
