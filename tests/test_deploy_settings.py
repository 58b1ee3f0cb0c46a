"""Production settings, as an operator sets them, pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.checks import site_url_problem

ROOT = Path(__file__).resolve().parents[1]

# Each check starts manage.py in a process of its own: left out of `make test-fast`.
pytestmark = pytest.mark.slow

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
    # Production's settings module (manage.py's default), not the suite's tests.settings.
    environment.pop("DJANGO_SETTINGS_MODULE", None)
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


def _check(*args: str, **env: str | None) -> subprocess.CompletedProcess:
    """`manage.py check` with `env` (None: the variable unset)."""
    unset = [name for name, value in env.items() if value is None]
    given = {name: value for name, value in env.items() if value is not None}
    previous = {name: os.environ.pop(name) for name in unset if name in os.environ}
    try:
        return _manage("check", *args, **given)
    finally:
        os.environ.update(previous)


# Which addresses count as local is `test_what_counts_as_a_public_address`'s business;
# these two show the check is wired into `check` and `check --deploy`.
@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", None])
def test_production_refuses_a_missing_or_local_site_url(site_url):
    settings = {**PRODUCTION, "SITE_URL": site_url}
    for args in ((), ("--deploy",)):
        result = _check(*args, **settings)
        assert result.returncode != 0, (site_url, args)
        assert "vetted.E001" in result.stderr


def test_a_server_will_not_load_with_a_local_site_url():
    code = "import config.wsgi"
    result = _manage("shell", "-c", code, **{**PRODUCTION, "SITE_URL": "http://localhost:8000"})
    assert result.returncode != 0
    assert "points at this machine" in result.stderr


def test_a_public_site_url_passes_and_development_may_use_localhost():
    assert _check(**PRODUCTION).returncode == 0
    assert _check(DEBUG="1", SITE_URL="http://127.0.0.1:8000").returncode == 0
    assert _check(DEBUG="1", SITE_URL=None).returncode == 0


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://health.example.org", True),
        ("http://testserver", True),
        ("https://203.0.113.7", True),
        ("https://health.example.org/", True),
        ("https://health.example.org/news", False),
        ("https://LOCALHOST.", False),
        ("http://127.0.0.2", False),
        ("http://127.0.0.1:8000", False),
        ("https://localhost", False),
        ("http://0.0.0.0:8000", False),
        ("http://[::1]:8000", False),
        ("https://vetted.local", False),
        ("health.example.org", False),
        ("http://printer.local", False),
        ("http://app.localhost", False),
        ("mailto:editors@example.org", False),
        ("", False),
    ],
)
def test_what_counts_as_a_public_address(url, ok):
    assert (site_url_problem(url) is None) is ok
