"""Issue 10, defect 9: the same DOI added twice at once ends in a form error, not a 500."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from references.admin import ReferenceAdmin
from references.models import Reference
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's concurrent connections (SQLite serialises writers)",
    ),
]


def _data(key: str, **identifier: str) -> dict:
    return {
        "key": key,
        "kind": "research",
        **factories.author_form_data([{"family": "Smith", "given": "J"}]),
        "title": "A trial",
        "container_title": "BMJ",
        "year": "2020",
        **{name: "" for name in ("publisher", "month", "day", "volume", "issue", "page")},
        **{name: "" for name in ("doi", "pmid", "pmcid", "url", "accessed")},
        **identifier,
    }


@pytest.mark.parametrize(
    "identifier",
    [{"doi": "10.1136/bmj.race1"}, {"pmid": "31415926"}],
    ids=["doi", "pmid"],
)
def test_two_writers_adding_the_same_identifier_at_once_get_one_row_and_a_form_error(
    monkeypatch, identifier
):
    writers = [factories.writer(username="w1"), factories.writer(username="w2")]
    barrier = threading.Barrier(2, timeout=10)
    waited: set[int] = set()
    original = ReferenceAdmin.save_model

    def save_model(self, request, obj, form, change):
        # Both requests have passed validation (no such row yet); now both save.
        if threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait()
        return original(self, request, obj, form, change)

    monkeypatch.setattr(ReferenceAdmin, "save_model", save_model)
    responses: dict[str, object] = {}

    def add(user, key):
        try:
            client = Client()
            client.force_login(user)
            responses[key] = client.post(
                reverse("admin:references_reference_add"), _data(key, **identifier)
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=(user, f"race{n}")) for n, user in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(r.status_code for r in responses.values())
    assert statuses == [200, 302]
    loser = next(r for r in responses.values() if r.status_code == 200)
    assert "Already in the library as" in loser.content.decode()
    assert Reference.objects.count() == 1
