"""Suite-wide fixtures; the few settings tests must override live here."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from reviews import services
from tests import factories
from tests.demo_content import DEMO
from tests.postgresql import base as test_backend

# A reviewer confirms every checklist item before an approval counts (tests.factories).
FULL_CHECKLIST = factories.FULL_CHECKLIST


def pytest_configure(config):
    """Temporary files of this process's own: under pytest-xdist the workers (and other
    checkouts' runs on the same machine) would otherwise share lock files such as the
    preview's render slots (articles/preview.py), which live in the temporary folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    config.vetted_tempdir = tempfile.tempdir = tempfile.mkdtemp(prefix=f"vetted-tests-{worker}-")
    # Readable by the services some tests start under their own users (varnishd).
    os.chmod(tempfile.tempdir, 0o755)
    os.environ["TMPDIR"] = tempfile.tempdir


def pytest_unconfigure(config):
    shutil.rmtree(config.vetted_tempdir, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """The live server speaks plain HTTP: no HTTPS redirect, no Secure-only cookies.

    Session-scoped and autouse so it is in place before the (session-scoped) live
    server builds its middleware, which reads SECURE_SSL_REDIRECT once.
    """
    with override_settings(
        SECURE_SSL_REDIRECT=False, CSRF_COOKIE_SECURE=False, SESSION_COOKIE_SECURE=False
    ):
        yield


def pytest_collection_modifyitems(items):
    """Tests that commit (live server, transactions) read through the replica router, whose
    replica mirrors the primary in tests: let them use both aliases."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        committing = (marker is not None and marker.kwargs.get("transaction")) or bool(
            {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ()))
        )
        if committing:
            item.add_marker(pytest.mark.django_db(transaction=True, databases="__all__"))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SECURE_SSL_REDIRECT = False
    # Throttling is tested on its own (tests/articles/test_rate_limits.py).
    settings.RATELIMIT_ENABLE = False
    # Production requires reviewers' and editors' second factor; tests/accounts/ turn it on.
    settings.VETTED_REQUIRE_2FA = False
    # Tests never reach the network: look-up tests switch this on behind respx mocks.
    settings.LOOKUP_ENABLED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Pages are cached as in production; each test starts from an empty cache, since the
    # database it cached pages of is rolled back after every test.
    settings.VETTED_PAGE_CACHE = True
    settings.VETTED_FRONTEND_CACHE = []
    # No delayed repeat of invalidations reaching into the next test (tests that need
    # it turn it on).
    settings.VETTED_PURGE_REPEAT_SECONDS = 0
    # Uploaded images go to a folder of each test's own (local storage, the default).
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Each test's audit anchors go to a log of its own (tests that commit write there).
    settings.VETTED_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.log")
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as migrating made it, kept so that the flush after each
    transactional test puts it back (tests/postgresql/base.py)."""
    with django_db_blocker.unblock():
        test_backend.keep_baseline(connection)


@pytest.fixture
def demo_content(transactional_db, settings):
    """The demo content (seed_demo), committed: seeded once per test process, then
    restored from a copy (tests/demo_content.py). It replaces what the database holds, so
    ask for it before any fixture that adds rows."""
    DEMO.load(settings)


@pytest.fixture
def writer(db):
    return factories.writer(username="wanda")


@pytest.fixture
def editor(db):
    return factories.editor(username="eddie")


@pytest.fixture
def reviewer(db):
    return factories.reviewer(username="rhea")


@pytest.fixture
def second_reviewer(db):
    return factories.reviewer(username="sam", specialty="Clinical pharmacology")


@pytest.fixture
def draft(writer):
    return factories.ArticleFactory(authors=[writer])


@pytest.fixture
def submitted(draft, writer):
    return services.article_submit(article=draft, user=writer)


@pytest.fixture
def in_review(submitted, reviewer):
    return services.review_start(article=submitted, user=reviewer)


@pytest.fixture
def approved(in_review, reviewer):
    return factories.approve(in_review, reviewer)
