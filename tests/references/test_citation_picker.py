"""The article editor's citation picker: search the library, add a source inline."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from references import selectors
from references.models import Reference
from tests.factories import ReferenceFactory, author_form_data

pytestmark = pytest.mark.django_db

SEARCH = reverse("admin:references_reference_cite_search")
READ = reverse("admin:references_reference_cite_read")
ADD = reverse("admin:references_reference_cite_add")
SACKETT = (
    "Sackett DL, Rosenberg WM, Gray JA, Haynes RB, Richardson WS. Evidence based medicine: what "
    "it is and what it isn't. BMJ. 1996 Jan 13;312(7023):71-2. doi: 10.1136/bmj.312.7023.71. "
    "PMID: 8555924."
)


@pytest.fixture
def library(db):
    return {
        "wiffen": ReferenceFactory(
            key="wiffen2017",
            author=[{"family": "Wiffen", "given": "PJ"}, {"family": "Derry", "given": "S"}],
            title="Gabapentin for chronic neuropathic pain in adults",
            container_title="Cochrane Database Syst Rev",
            year=2017,
            doi="10.1002/14651858.CD007938.pub4",
            pmid="28597471",
        ),
        "moore": ReferenceFactory(
            key="moore2014",
            author=[{"family": "Moore", "given": "RA"}],
            title="Pregabalin for neuropathic pain",
            container_title="BMJ",
            year=2014,
        ),
        "who": ReferenceFactory(
            key="who-pain",
            author=[{"literal": "World Health Organization"}],
            title="Guidelines on the management of chronic pain",
            container_title="",
            year=2023,
        ),
    }


def keys(query: str) -> list[str]:
    return [reference.key for reference in selectors.search_library(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("wiffen", ["wiffen2017"]),  # author
        ("gabapentin neuropathic", ["wiffen2017"]),  # title words, all must match
        ("neuropathic", ["wiffen2017", "moore2014"]),  # newest first
        ("2014", ["moore2014"]),  # year
        ("https://doi.org/10.1002/14651858.CD007938.PUB4", ["wiffen2017"]),  # DOI, any form
        ("PMID: 28597471", ["wiffen2017"]),  # PMID
        ("moore2014", ["moore2014"]),  # key
        ("world health", ["who-pain"]),  # an organisation as author
        ("bmj", ["moore2014"]),  # journal
        ("nothing-like-this", []),
    ],
)
def test_the_library_is_searched_by_author_title_year_doi_pmid_and_key(library, query, expected):
    assert keys(query) == expected


def test_a_key_starting_with_the_word_comes_first(library):
    ReferenceFactory(key="pain-guide", title="A pain guide", year=2010)
    assert keys("pain")[0] == "pain-guide"


def test_the_search_answers_json_for_the_editor(client, writer, library):
    client.force_login(writer)
    response = client.get(SEARCH, {"q": "wiffen"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["key"] == "wiffen2017"
    assert row["authors"] == "Wiffen PJ, Derry S"
    assert row["year"] == 2017 and row["pmid"] == "28597471"


def test_the_search_is_for_staff_only(client, library):
    assert client.get(SEARCH, {"q": "wiffen"}).status_code == 302  # to the sign-in page


def test_the_search_is_throttled_per_user(client, writer, library, settings):
    settings.RATELIMIT_ENABLE = True
    settings.VETTED_CITE_SEARCH_RATE = "3/m"
    client.force_login(writer)
    statuses = [client.get(SEARCH, {"q": "pain"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Too many searches" in client.get(SEARCH, {"q": "pain"}).json()["error"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_the_search_uses_the_trigram_index(library):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        query = (
            Reference.objects.annotate(haystack=selectors.RawSQL(selectors.SEARCH_SQL, []))
            .filter(haystack__contains="GABAPENTIN")
            .order_by()
        )
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "reference_search_trgm" in plan, plan


def test_pasting_a_citation_shows_the_fields_read_to_confirm(client, writer):
    client.force_login(writer)
    response = client.post(READ, {"citation": SACKETT})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "\nEvidence based medicine: what it is and what it isn&#x27;t</textarea>" in html
    assert 'id="source-title"' in html
    assert 'name="author-0-family" data-part="family" value="Sackett"' in html
    assert 'value="sackett1996"' in html
    assert "not looked up" in html
    assert not Reference.objects.exists()  # nothing is added before the writer confirms


def test_pasting_a_known_identifier_offers_the_source_already_in_the_library(
    client, writer, library
):
    client.force_login(writer)
    response = client.post(READ, {"citation": "PMID: 28597471"})
    assert response.json()["existing"]["key"] == "wiffen2017"


def test_pasting_nonsense_says_what_to_paste(client, writer):
    client.force_login(writer)
    response = client.post(READ, {"citation": "hello"})
    assert response.status_code == 400
    assert response.json()["error"]


def test_confirming_adds_the_source_and_answers_its_key(client, writer):
    client.force_login(writer)
    data = {
        "key": "sackett1996",
        "kind": "research",
        "title": "Evidence based medicine: what it is and what it isn't",
        "container_title": "BMJ",
        "year": "1996",
        "pmid": "8555924",
        **author_form_data(
            [{"family": "Sackett", "given": "DL"}, {"family": "Gray", "given": "JA"}]
        ),
    }
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert response.json() == {
        "reference": {
            "key": "sackett1996", "kind": "Research", "authors": "Sackett DL, Gray JA",
            "title": "Evidence based medicine: what it is and what it isn't", "container": "BMJ",
            "year": 1996, "doi": "", "pmid": "8555924", "retracted": False,
        },
        "created": True,
    }  # fmt: skip
    assert Reference.objects.get().author[1] == {"family": "Gray", "given": "JA"}


def test_confirming_bad_fields_answers_the_form_with_its_errors(client, writer, library):
    client.force_login(writer)
    data = {"key": "x", "kind": "research", "title": "", "pmid": "28597471"}
    data.update(author_form_data([{"given": "S"}]))
    response = client.post(ADD, data)
    assert response.status_code == 400
    html = response.json()["html"]
    assert "This field is required." in html
    assert "Author 1: a person needs a family name" in html
    assert "Already in the library as" in html
    assert Reference.objects.count() == 3
