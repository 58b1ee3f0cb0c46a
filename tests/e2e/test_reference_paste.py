"""The admin's paste box in Chromium: parsed and looked-up fields side by side, chosen per field.

PubMed's answer is a recorded response served by respx inside the test process (the live
server runs in a thread of it), so the browser test never reaches the network.
"""

from __future__ import annotations

import httpx
import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from references import lookup
from tests.references.test_lookup import recorded

pytestmark = pytest.mark.e2e

SACKETT = (
    "Sackett DL, Rosenberg WM, Gray JA, Haynes RB, Richardson WS. Evidence based medecine: what "
    "it is and what it isn't. BMJ. 1996 Jan 13;312(7023):71-2. doi: 10.1136/bmj.312.7023.71. "
    "PMID: 8555924; PMCID: PMC2349778."
)


@pytest.fixture
def pubmed(settings, respx_mock):
    settings.LOOKUP_ENABLED = True
    cache.clear()
    respx_mock.get(f"{lookup.EUTILS}/esummary.fcgi").mock(
        return_value=recorded("esummary_8555924.json")
    )
    # Let the browser's own requests to the live server through untouched.
    respx_mock.route(host__regex=r"^(127\.0\.0\.1|localhost)$").pass_through()
    yield respx_mock
    cache.clear()


def _sign_in(page, base: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill("vetted-writer")
    page.get_by_role("button", name="Log in").click()


def test_paste_box_shows_parsed_and_looked_up_fields_side_by_side(
    page, demo_site, pubmed, screenshot
):
    _sign_in(page, demo_site)
    page.goto(f"{demo_site}/admin/references/reference/add/")
    page.locator("#paste-citation textarea").fill(SACKETT)
    page.get_by_role("button", name="Read citation").click()

    expect(page.locator("#lookup-status")).to_contain_text("Found in PubMed")
    table = page.locator("table.source-comparison")
    expect(table.get_by_role("columnheader", name="Read from your citation")).to_be_visible()
    expect(table.get_by_role("columnheader", name="From PubMed")).to_be_visible()
    title_row = table.locator("tr.field-title")
    expect(title_row.locator(".parsed-value")).to_contain_text("Evidence based medecine")
    expect(title_row.locator(".lookup-value")).to_contain_text("Evidence based medicine")
    expect(title_row).to_have_class("field-title differs")
    # The authoritative record fills the form until the writer picks otherwise.
    expect(page.locator("#id_title")).to_have_value(
        "Evidence based medicine: what it is and what it isn't"
    )
    screenshot(page, "reference-paste-side-by-side")

    title_row.locator(".parsed-value input[type=radio]").check()
    page.get_by_role("button", name="Use the ticked values").click()
    expect(page.locator("#id_title")).to_have_value(
        "Evidence based medecine: what it is and what it isn't"
    )
    expect(page.locator("#id_pmid")).to_have_value("8555924")
    expect(page.locator("#id_container_title")).to_have_value("BMJ")


def test_without_network_the_paste_box_says_so(page, demo_site, settings, respx_mock):
    settings.LOOKUP_ENABLED = True
    cache.clear()
    respx_mock.get(f"{lookup.EUTILS}/esummary.fcgi").mock(
        side_effect=httpx.ConnectError("no route to host")
    )
    respx_mock.route(host__regex=r"^(127\.0\.0\.1|localhost)$").pass_through()
    _sign_in(page, demo_site)
    page.goto(f"{demo_site}/admin/references/reference/add/")
    page.locator("#paste-citation textarea").fill(SACKETT)
    page.get_by_role("button", name="Read citation").click()
    expect(page.locator("#lookup-status")).to_contain_text("Not looked up: Could not reach PubMed")
    expect(page.locator("#id_title")).to_have_value(
        "Evidence based medecine: what it is and what it isn't"
    )
