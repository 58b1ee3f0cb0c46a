"""Production settings, as an operator sets them, pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "health.example.org",
    "SITE_URL": "https://health.example.org",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **env}
    for name in ("VETTED_REQUIRE_2FA", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"):
        environment.pop(name, None)  # the defaults are what is under test
    # Set for the browser tests' event loop (tests/e2e/conftest.py); never in production.
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_production_settings_gives_no_warnings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _setting(name: str, **env: str) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_two_factor_is_required_in_production_by_default():
    assert _setting("VETTED_REQUIRE_2FA", **PRODUCTION) == "True"


def test_two_factor_is_not_required_in_development_so_demo_logins_work():
    assert _setting("VETTED_REQUIRE_2FA", DEBUG="1") == "False"
