"""The programs some tests drive (Chromium, Varnish, Java, axe-core): a test that finds
one missing fails, naming the one command that installs them all.

A run that skipped the browser would be green without testing the browser, so skipping
is never the default. VETTED_ALLOW_SKIPS=1 (never set by `make test`) turns the failure
into a skip, for a quick local run on a machine without them.
"""

from __future__ import annotations

import os

import pytest

INSTALL = "sudo scripts/install_test_deps.sh"


def missing(what: str) -> None:
    """Stop the current test: `what` is not installed. Fails unless VETTED_ALLOW_SKIPS=1."""
    reason = f"{what} is not installed; run `{INSTALL}` (or `make test`, which runs it)."
    if os.environ.get("VETTED_ALLOW_SKIPS") == "1":
        pytest.skip(reason)
    pytest.fail(reason, pytrace=False)
