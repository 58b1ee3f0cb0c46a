"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Each test gets the demo content (seed_demo, through the real workflow) in a
transactional database, flushed afterwards like any transactional test (the
`demo_content` fixture: seeded once per worker, then restored from a copy). Chromium
is started per test, after the database fixtures (see `browser`).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect, sync_playwright

from articles.models import Article, Topic
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
# Screenshots are for a person to look at, and no test reads them: saved only when asked
# (`make screenshots`), since encoding some fifty full pages as PNG slows every run.
SAVE_SCREENSHOTS = os.environ.get("VETTED_SCREENSHOTS") == "1"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def demo_site(live_server, demo_content):
    """The live server's URL, with the demo content loaded."""
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


def save_screenshot(page, name: str, *, full_page: bool = True) -> Path | None:
    """test-artifacts/screenshots/<name>.png, when screenshots are asked for."""
    if not SAVE_SCREENSHOTS:
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def screenshot():
    """Check the page fits desktop and phone widths without scrolling sideways, and save
    it at both (see SAVE_SCREENSHOTS)."""

    def take(page, name: str) -> None:
        original = page.viewport_size
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{name} scrolls sideways at {width}px ({overflow}px)"
            save_screenshot(page, f"{name}-{label}")
        page.set_viewport_size(original)

    return take


def writers_draft(body: str = "Wrist splints worn at night ease the tingling.") -> Article:
    """A draft by the demo writer, beside the demo content."""
    article = Article.objects.create(
        title="Carpal tunnel syndrome: what helps",
        slug="carpal-tunnel",
        summary="Numb, tingling fingers at night are often carpal tunnel syndrome.",
        topic=Topic.objects.get(slug="musculoskeletal"),
        body=body,
    )
    article.authors.add(get_user_model().objects.get(username="writer"))
    return article


@pytest.fixture
def draft(demo_site) -> Article:
    return writers_draft()
