"""Looking a source up by PMID, PMCID or DOI, against recorded E-utilities / doi.org answers.

respx serves the responses in tests/references/data/lookup/; nothing reaches the network.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from django.core.cache import cache
from django.urls import reverse

from references import lookup
from references.models import Reference

RECORDED = Path(__file__).parent / "data" / "lookup"
ESUMMARY = f"{lookup.EUTILS}/esummary.fcgi"
ESEARCH = f"{lookup.EUTILS}/esearch.fcgi"
WIFFEN_DOI_URL = "https://doi.org/10.1002/14651858.CD007938.pub4"
WIFFEN = (
    "Wiffen PJ, Derry S, Bell RF, Rice AS, Tölle TR, Phillips T, Moore RA. Gabapentin for chronic "
    "neuropathic pain in adults. Cochrane Database Syst Rev. 2017 Jun 9;6(6):CD007938. "
    "doi: 10.1002/14651858.CD007938.pub4. PMID: 28597471; PMCID: PMC6452908."
)


def recorded(name: str) -> httpx.Response:
    body = (RECORDED / name).read_bytes()
    kind = "text/xml" if name.endswith(".xml") else "application/json"
    return httpx.Response(200, content=body, headers={"Content-Type": kind})


@pytest.fixture(autouse=True)
def _lookups_on(settings, monkeypatch):
    settings.LOOKUP_ENABLED = True
    settings.NCBI_TOOL = "vetted-tests"
    settings.NCBI_EMAIL = "librarian@example.org"
    settings.NCBI_API_KEY = ""
    cache.clear()
    # No real waiting between retries or under the rate limit.
    monkeypatch.setattr(lookup.time, "sleep", lambda seconds: None)
    yield
    cache.clear()


def test_lookup_by_pmid_fetches_the_pubmed_record(respx_mock):
    route = respx_mock.get(ESUMMARY).mock(return_value=recorded("esummary_28597471.json"))
    result = lookup.lookup(pmid="PMID: 28597471")
    assert result.source == "PubMed"
    data = result.data
    assert data["title"] == "Gabapentin for chronic neuropathic pain in adults"
    assert data["author"][0] == {"family": "Wiffen", "given": "PJ"}
    assert (data["container_title"], data["year"], data["month"], data["day"]) == (
        "Cochrane Database Syst Rev",
        2017,
        6,
        9,
    )
    assert (data["doi"], data["pmcid"], data["kind"]) == (
        "10.1002/14651858.CD007938.pub4",
        "PMC6452908",
        "systematic_review",
    )
    params = route.calls.last.request.url.params
    assert (params["id"], params["tool"], params["email"]) == (
        "28597471",
        "vetted-tests",
        "librarian@example.org",
    )
    assert "api_key" not in params


def test_the_api_key_is_sent_when_configured(respx_mock, settings):
    settings.NCBI_API_KEY = "k3y"
    route = respx_mock.get(ESUMMARY).mock(return_value=recorded("esummary_28597471.json"))
    lookup.lookup(pmid="28597471")
    assert route.calls.last.request.url.params["api_key"] == "k3y"


def test_lookup_by_pmcid_finds_the_pmid_then_the_record(respx_mock):
    search = respx_mock.get(ESEARCH).mock(return_value=recorded("esearch_pmc6452908.json"))
    respx_mock.get(ESUMMARY).mock(return_value=recorded("esummary_28597471.json"))
    result = lookup.lookup(pmcid="pmc6452908")
    assert result.data["pmid"] == "28597471"
    assert search.calls.last.request.url.params["term"] == "PMC6452908[pmc]"


def test_lookup_by_doi_asks_doi_org_for_csl_json(respx_mock):
    route = respx_mock.get(WIFFEN_DOI_URL).mock(return_value=recorded("doi_wiffen_csl.json"))
    result = lookup.lookup(doi="https://doi.org/10.1002/14651858.CD007938.pub4")
    assert route.calls.last.request.headers["Accept"] == "application/vnd.citationstyles.csl+json"
    assert result.source == "doi.org"
    assert result.data["container_title"] == "Cochrane Database Syst Rev"
    assert result.data["author"][0] == {"family": "Wiffen", "given": "Philip J"}
    assert result.data["doi"] == "10.1002/14651858.CD007938.pub4"  # the case it was registered in


def test_an_unknown_pmid_is_a_clear_not_found(respx_mock):
    respx_mock.get(ESUMMARY).mock(return_value=recorded("esummary_unknown.json"))
    with pytest.raises(lookup.LookupError, match="PubMed has no record for PMID 99999999") as err:
        lookup.lookup(pmid="99999999")
    assert err.value.code == "not_found"


def test_an_unknown_doi_is_a_clear_not_found(respx_mock):
    respx_mock.get("https://doi.org/10.9999/nothing-here").mock(return_value=httpx.Response(404))
    with pytest.raises(lookup.LookupError, match="does not know the DOI") as err:
        lookup.lookup(doi="10.9999/nothing-here")
    assert err.value.code == "not_found"


def test_a_timeout_says_the_service_did_not_answer(respx_mock):
    respx_mock.get(ESUMMARY).mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(lookup.LookupError, match="did not answer within 5 seconds") as err:
        lookup.lookup(pmid="28597471")
    assert err.value.code == "unavailable"


def test_no_network_says_so(respx_mock):
    respx_mock.get(ESUMMARY).mock(side_effect=httpx.ConnectError("no route to host"))
    with pytest.raises(lookup.LookupError, match="no network connection") as err:
        lookup.lookup(pmid="28597471")
    assert err.value.code == "unavailable"


def test_a_429_is_retried_after_the_wait_it_asks_for(respx_mock, monkeypatch):
    waits = []
    monkeypatch.setattr(lookup.time, "sleep", waits.append)
    route = respx_mock.get(ESUMMARY).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}),
            recorded("esummary_28597471.json"),
        ]
    )
    assert lookup.lookup(pmid="28597471").data["pmid"] == "28597471"
    assert route.call_count == 2
    assert 1.0 in waits


def test_a_429_that_persists_is_a_clear_rate_limit_error(respx_mock):
    route = respx_mock.get(ESUMMARY).mock(return_value=httpx.Response(429))
    with pytest.raises(lookup.LookupError, match="limiting requests") as err:
        lookup.lookup(pmid="28597471")
    assert err.value.code == "rate_limited"
    assert route.call_count == 3


def test_answers_are_cached(respx_mock):
    route = respx_mock.get(ESUMMARY).mock(return_value=recorded("esummary_28597471.json"))
    lookup.lookup(pmid="28597471")
    lookup.lookup(pmid="28597471")
    assert route.call_count == 1


def test_look_ups_can_be_switched_off(settings):
    settings.LOOKUP_ENABLED = False
    with pytest.raises(lookup.LookupError, match="switched off") as err:
        lookup.lookup(pmid="28597471")
    assert err.value.code == "disabled"


def test_ncbi_requests_are_spaced_to_three_a_second(monkeypatch):
    clock = {"now": 100.0}
    slept = []
    monkeypatch.setattr(lookup.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(lookup.time, "sleep", slept.append)
    limiter = lookup._RateLimiter()
    for _ in range(4):
        limiter.wait(3.0)
    assert slept == pytest.approx([1 / 3, 2 / 3, 1.0])


# --- where a look-up may go ---------------------------------------------------------------

# doi.org's answer to a content-negotiated Crossref DOI: a redirect to Crossref's API.
CROSSREF_TRANSFORM = "https://api.crossref.org/v1/works/10.1002%2F14651858.CD007938.pub4/transform"


def redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


@pytest.mark.respx(assert_all_called=False)
@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1:6379/10.1002/14651858.CD007938.pub4",  # another host
        "http://api.crossref.org/v1/works/10.1002%2F14651858.CD007938.pub4/transform",  # http
        "https://api.crossref.org:6379/v1/works/x",  # an allowed host, another port
        "https://doi.org.example.net/10.1002/x",  # a look-alike host
    ],
)
def test_a_redirect_to_another_address_is_not_requested(respx_mock, location):
    respx_mock.get(WIFFEN_DOI_URL).mock(return_value=redirect(location))
    elsewhere = respx_mock.get(location).mock(return_value=recorded("doi_wiffen_csl.json"))
    with pytest.raises(lookup.LookupError) as err:
        lookup.lookup(doi="10.1002/14651858.CD007938.pub4")
    assert err.value.code == "unavailable"
    assert str(err.value).startswith("doi.org sent the look-up to another address (")
    assert "which Vetted does not follow. Nothing was fetched" in str(err.value)
    assert not elsewhere.called


def test_doi_orgs_redirect_to_the_registration_agency_is_followed(respx_mock):
    respx_mock.get(WIFFEN_DOI_URL).mock(return_value=redirect(CROSSREF_TRANSFORM, 303))
    agency = respx_mock.get(CROSSREF_TRANSFORM).mock(return_value=recorded("doi_wiffen_csl.json"))
    result = lookup.lookup(doi="10.1002/14651858.CD007938.pub4")
    assert result.data["title"] == "Gabapentin for chronic neuropathic pain in adults"
    assert agency.calls.last.request.headers["Accept"] == "application/vnd.citationstyles.csl+json"


def test_a_same_host_https_redirect_is_followed(respx_mock):
    moved = f"{ESUMMARY}?db=pubmed&id=28597471&retmode=json&moved=1"
    respx_mock.get(ESUMMARY, params={"moved": "1"}).mock(
        return_value=recorded("esummary_28597471.json")
    )
    respx_mock.get(ESUMMARY).mock(return_value=redirect(moved, 301))
    assert lookup.lookup(pmid="28597471").data["pmid"] == "28597471"


@pytest.mark.respx(assert_all_called=False)
def test_pubmed_may_not_redirect_to_another_api_host(respx_mock):
    """Only doi.org hands a look-up on (to the DOI's registration agency)."""
    respx_mock.get(ESUMMARY).mock(return_value=redirect(CROSSREF_TRANSFORM))
    agency = respx_mock.get(CROSSREF_TRANSFORM).mock(return_value=recorded("doi_wiffen_csl.json"))
    with pytest.raises(lookup.LookupError, match=r"another address \(https://api.crossref.org\)"):
        lookup.lookup(pmid="28597471")
    assert not agency.called


def test_redirects_are_followed_a_few_times_at_most(respx_mock):
    route = respx_mock.get(WIFFEN_DOI_URL).mock(return_value=redirect(WIFFEN_DOI_URL))
    with pytest.raises(lookup.LookupError, match="redirected the look-up more than 3 times"):
        lookup.lookup(doi="10.1002/14651858.CD007938.pub4")
    assert route.call_count == 4


@pytest.mark.parametrize(
    "doi", ["10.1000/../../admin", "10.1000/x/./y", "10.1000/x?y=1", "10.1000/x#y", "10.1000/a//b"]
)
def test_a_doi_that_would_leave_its_path_is_refused_before_any_request(respx_mock, doi):
    with pytest.raises(lookup.LookupError) as err:
        lookup.lookup(doi=doi)
    assert err.value.code == "bad_identifier"
    assert not respx_mock.calls


@pytest.mark.parametrize(
    ("doi", "url"),
    [
        (
            "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",
            "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0",
        ),
        # Encoded dots stay encoded: the server reads "%2e%2e", never a step up.
        ("10.1000/%2e%2e/admin", "https://doi.org/10.1000/%252e%252e/admin"),
        ("10.1000/a\\..\\b", "https://doi.org/10.1000/a%5C..%5Cb"),
    ],
)
def test_a_doi_is_requested_as_its_own_path_exactly(respx_mock, doi, url):
    route = respx_mock.get(url).mock(return_value=recorded("doi_wiffen_csl.json"))
    lookup.lookup(doi=doi)
    assert str(route.calls.last.request.url) == url


# --- the admin paste box ----------------------------------------------------------------

ADD = reverse("admin:references_reference_add")
PASTE = reverse("admin:references_reference_paste")
CHOOSE = reverse("admin:references_reference_paste_choose")


@pytest.mark.django_db
def test_paste_box_shows_parsed_and_looked_up_fields_side_by_side(client, writer, respx_mock):
    respx_mock.get(ESUMMARY).mock(return_value=recorded("esummary_28597471.json"))
    client.force_login(writer)
    response = client.post(PASTE, {"citation": WIFFEN.replace("Gabapentin", "Gabapentine")})
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Found in PubMed" in html
    rows = {row["name"]: row for row in page.context["comparison"]}
    assert rows["title"]["parsed"] == "Gabapentine for chronic neuropathic pain in adults"
    assert rows["title"]["lookup"] == "Gabapentin for chronic neuropathic pain in adults"
    assert rows["title"]["differ"]
    # By default the authoritative record fills the form.
    assert page.context["adminform"].form.initial["title"].startswith("Gabapentin ")
    assert not Reference.objects.exists()


@pytest.mark.django_db
def test_the_writer_takes_either_value_field_by_field(client, writer, respx_mock):
    respx_mock.get(ESUMMARY).mock(return_value=recorded("esummary_28597471.json"))
    client.force_login(writer)
    client.post(PASTE, {"citation": WIFFEN.replace("Gabapentin", "Gabapentine")})
    response = client.post(CHOOSE, {"use_title": "parsed", "use_container_title": "lookup"})
    assert response["Location"] == f"{ADD}?from_paste=1"
    form = client.get(response["Location"]).context["adminform"].form
    assert form.initial["title"] == "Gabapentine for chronic neuropathic pain in adults"
    assert form.initial["container_title"] == "Cochrane Database Syst Rev"


@pytest.mark.django_db
def test_without_network_the_paste_box_says_so_and_keeps_the_parsed_fields(
    client, writer, respx_mock
):
    respx_mock.get(ESUMMARY).mock(side_effect=httpx.ConnectError("no route to host"))
    client.force_login(writer)
    page = client.get(client.post(PASTE, {"citation": WIFFEN})["Location"])
    html = page.content.decode()
    assert "Not looked up: Could not reach PubMed" in html
    assert page.context["adminform"].form.initial["title"] == (
        "Gabapentin for chronic neuropathic pain in adults"
    )


@pytest.mark.django_db
def test_a_bare_identifier_is_looked_up(client, writer, respx_mock):
    respx_mock.get(WIFFEN_DOI_URL).mock(return_value=recorded("doi_wiffen_csl.json"))
    client.force_login(writer)
    page = client.get(
        client.post(PASTE, {"citation": "doi: 10.1002/14651858.CD007938.pub4"})["Location"]
    )
    assert page.context["adminform"].form.initial["title"] == (
        "Gabapentin for chronic neuropathic pain in adults"
    )


@pytest.mark.django_db
def test_parser_warnings_are_shown_beside_their_field_before_saving(client, writer):
    client.force_login(writer)
    text = "Hanahan D. Hallmarks of cancer. Cell. 2011 Mar 4. doi: 10.1016/j.cell.2011.02.O13"
    page = client.get(client.post(PASTE, {"citation": text})["Location"])
    rows = {row["name"]: row for row in page.context["comparison"]}
    assert any("letter O" in message for message in rows["doi"]["warnings"])
    assert "letter O among its digits" in page.content.decode()


def test_recorded_responses_are_valid_json():
    for path in RECORDED.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
