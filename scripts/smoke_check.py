"""Smoke test for a freshly restored database: the home page and a live article answer 200.

Run with DATABASE_URL pointing at the copy (scripts/backup_restore_check.sh does):
    .venv/bin/python scripts/smoke_check.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402  (after the path and settings above)

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from articles.models import Article  # noqa: E402


def main() -> int:
    # The drill checks the data, not a collectstatic run: plain static storage, no manifest.
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=plain_static):
        return _check(Client(HTTP_HOST="testserver", raise_request_exception=False))


def _check(client: Client) -> int:
    article = Article.objects.live().order_by("pk").first()
    if article is None:
        print("smoke: FAILED: the restored database has no live article to open")
        return 1
    failures = 0
    for url, must_show in (("/", ""), (article.get_absolute_url(), article.live_revision.title)):
        response = client.get(url, secure=True)
        shown = must_show in response.content.decode(errors="replace")
        ok = response.status_code == 200 and shown
        failures += not ok
        print(f"smoke: {'ok' if ok else 'FAILED'}: GET {url} -> {response.status_code}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
