"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Each test gets the demo content (seed_demo, through the real workflow) in a
transactional database, flushed afterwards like any transactional test. Chromium
is started per test, after the database fixtures (see `browser`).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from tests import tools

# Playwright's sync API runs an event loop in this thread; the ORM calls we make
# from tests are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def demo_site(live_server, transactional_db, settings):
    """The live server's URL, with the demo content loaded."""
    settings.DEBUG = True  # seed_demo refuses to run otherwise (its accounts are dev-only)
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    return live_server.url


@pytest.fixture
def browser(demo_site):
    """Chromium, started after the database fixtures and stopped before their teardown.

    Playwright's sync API switches the context Django keeps its connections in, so it
    must not wrap the database set-up and flush.
    """
    if not CHROMIUM.exists():
        tools.missing(f"Chromium (Debian's chromium, at {CHROMIUM})")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # ORM calls made while Playwright's loop ran opened connections in its context;
        # close them here, or the test database cannot be dropped at the end of the run.
        connections.close_all()


# How long a step or an expectation waits for the page before failing. Generous because
# the suite runs beside another worker on two cores: a page that is merely slow must not
# fail a walk (speed is the benchmarks' business, not these tests').
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture
def page(browser):
    """A fresh browser context per test: no cookies carried between tests."""
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save full-page screenshots at desktop and phone widths."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> list[Path]:
        saved = []
        original = page.viewport_size
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            path = SCREENSHOTS / f"{name}-{label}.png"
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{name} scrolls sideways at {width}px ({overflow}px)"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size(original)
        return saved

    return take
