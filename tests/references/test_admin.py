"""The reference library in the admin: paste a citation, search, citing articles, import, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from references.models import Reference
from tests.factories import ReferenceFactory, author_form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:references_reference_add")
PASTE = reverse("admin:references_reference_paste")
CHANGELIST = reverse("admin:references_reference_changelist")
WIFFEN = (
    "Wiffen PJ, Derry S, Bell RF, Rice AS, Tölle TR, Phillips T, Moore RA. Gabapentin for chronic "
    "neuropathic pain in adults. Cochrane Database Syst Rev. 2017 Jun 9;6(6):CD007938. "
    "doi: 10.1002/14651858.CD007938.pub4. PMID: 28597471; PMCID: PMC6452908."
)


def _form_data(**overrides) -> dict:
    authors = overrides.pop("author", [{"family": "Smith", "given": "J"}])
    data = {
        "key": "smith2020",
        "kind": "research",
        **author_form_data(authors),
        "title": "A trial",
        "container_title": "BMJ",
        "publisher": "",
        "year": "2020",
        "month": "",
        "day": "",
        "volume": "",
        "issue": "",
        "page": "",
        "doi": "",
        "pmid": "",
        "pmcid": "",
        "url": "",
        "accessed": "",
    }
    return {**data, **overrides}


def test_add_form_offers_a_paste_a_citation_box(client, writer):
    client.force_login(writer)
    html = client.get(ADD).content.decode()
    assert "Paste a citation" in html
    assert f'action="{PASTE}"' in html


def test_pasting_a_citation_shows_the_parsed_fields_to_confirm_before_saving(client, writer):
    client.force_login(writer)
    response = client.post(PASTE, {"citation": WIFFEN})
    assert response.status_code == 302
    assert response["Location"] == f"{ADD}?from_paste=1"
    assert not Reference.objects.exists()  # nothing is saved until the writer confirms

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Read from your citation" in html
    assert "Not looked up" in html  # look-ups are off in tests unless mocked
    assert "Cochrane Database Syst Rev" in html
    form = page.context["adminform"].form
    assert form.initial["title"] == "Gabapentin for chronic neuropathic pain in adults"
    assert form.initial["key"] == "wiffen2017"
    assert form.initial["pmcid"] == "PMC6452908"
    assert form.initial["author"][0] == {"family": "Wiffen", "given": "PJ"}

    # The writer checks the form and saves it.
    data = {
        name: (value if name == "author" else ("" if value is None else value))
        for name, value in form.initial.items()
        if name in _form_data() or name == "author"
    }
    saved = client.post(ADD, _form_data(**data))
    assert saved.status_code == 302
    reference = Reference.objects.get()
    assert (reference.key, reference.doi, reference.pmid) == (
        "wiffen2017",
        "10.1002/14651858.CD007938.pub4",
        "28597471",
    )
    assert reference.kind == Reference.Kind.SYSTEMATIC_REVIEW


def test_pasting_a_citation_already_in_the_library_reuses_it(client, writer):
    existing = ReferenceFactory(key="wiffen2017", pmid="28597471")
    client.force_login(writer)
    response = client.post(PASTE, {"citation": WIFFEN}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "admin:references_reference_change", args=[existing.pk]
    )
    assert "already in the library" in response.content.decode()
    assert Reference.objects.count() == 1


def test_an_unreadable_citation_says_why_and_saves_nothing(client, writer):
    client.force_login(writer)
    response = client.post(PASTE, {"citation": "just some words with no journal"})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not Reference.objects.exists()


def test_add_form_normalises_identifiers(client, writer):
    client.force_login(writer)
    response = client.post(
        ADD, _form_data(key="Smith2020", doi="https://doi.org/10.1136/BMJ.X1", pmid="PMID: 123")
    )
    assert response.status_code == 302
    reference = Reference.objects.get()
    assert (reference.key, reference.doi, reference.pmid) == ("smith2020", "10.1136/BMJ.X1", "123")


def test_add_form_refuses_a_doi_with_a_dot_dot_part_saying_why(client, writer):
    client.force_login(writer)
    response = client.post(ADD, _form_data(doi="10.1000/abc/../../admin"))
    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["doi"]
    assert message.startswith("“10.1000/abc/../../admin” is not a valid DOI: its suffix has")
    assert not Reference.objects.exists()


def test_add_form_refuses_a_bad_doi_on_its_field(client, writer):
    client.force_login(writer)
    response = client.post(ADD, _form_data(doi="10.11/nope"))
    assert response.status_code == 200
    assert "doi" in response.context["adminform"].form.errors
    assert "not a valid DOI" in response.content.decode()
    assert not Reference.objects.exists()


@pytest.mark.parametrize(
    "identifier", [{"doi": "https://doi.org/10.1136/BMJ.X1"}, {"pmid": "PMID: 4242"}]
)
def test_add_form_points_to_the_reference_already_holding_an_identifier(client, writer, identifier):
    existing = ReferenceFactory(key="bmj2020", doi="10.1136/bmj.x1", pmid="4242")
    client.force_login(writer)
    response = client.post(ADD, _form_data(**identifier))
    assert response.status_code == 200
    [field] = identifier
    errors = " ".join(response.context["adminform"].form.errors[field])
    assert "Already in the library as" in errors and "[@bmj2020]" in errors
    change_url = reverse("admin:references_reference_change", args=[existing.pk])
    assert f'href="{change_url}"' in response.content.decode()
    assert Reference.objects.count() == 1


def test_saving_an_existing_reference_does_not_clash_with_itself(client, writer):
    reference = ReferenceFactory(key="bmj2020", doi="10.1136/bmj.x1")
    client.force_login(writer)
    url = reverse("admin:references_reference_change", args=[reference.pk])
    response = client.post(url, _form_data(key="bmj2020", doi="10.1136/bmj.x1", title="Renamed"))
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.title == "Renamed"


def test_add_form_explains_an_author_without_a_family_name(client, writer):
    client.force_login(writer)
    response = client.post(
        ADD, _form_data(author=[{"family": "Wiffen", "given": "PJ"}, {"given": "S"}])
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["author"] == [
        "Author 2: a person needs a family name (or choose “Organisation”)."
    ]
    assert not Reference.objects.exists()


def test_authors_are_stored_in_the_order_posted_people_and_organisations(client, writer):
    client.force_login(writer)
    names = [
        {"literal": "World Health Organization"},
        {"family": "Wiffen", "given": "PJ"},
        {"family": "Derry", "given": "S", "suffix": "Jr"},
    ]
    data = _form_data(author=names)
    # Blank rows (offered for adding one) are ignored.
    data.update({"author-count": "4", "author-3-kind": "person", "author-3-family": " "})
    assert client.post(ADD, data).status_code == 302
    assert Reference.objects.get().author == names


def test_the_form_shows_authors_as_rows_not_json(client, writer):
    reference = ReferenceFactory(author=[{"family": "Wiffen", "given": "PJ"}, {"literal": "WHO"}])
    client.force_login(writer)
    html = client.get(reverse("admin:references_reference_change", args=[reference.pk])).content
    html = html.decode()
    assert 'name="author-0-family" data-part="family" value="Wiffen"' in html
    assert 'name="author-1-literal" data-part="literal" value="WHO"' in html
    assert '<option value="organisation" selected>' in html
    assert "&quot;family&quot;" not in html


@pytest.mark.parametrize(
    "term", ["Wiffen", "Gabapentin", "https://doi.org/10.1002/14651858.CD007938.PUB4", "28597471"]
)
def test_changelist_searches_author_title_doi_and_pmid(client, writer, term):
    ReferenceFactory(
        key="wiffen2017",
        author=[{"family": "Wiffen", "given": "PJ"}],
        title="Gabapentin for chronic neuropathic pain",
        doi="10.1002/14651858.cd007938.pub4",
        pmid="28597471",
    )
    ReferenceFactory(key="other", author=[{"family": "Jones", "given": "A"}], title="Other")
    client.force_login(writer)
    response = client.get(CHANGELIST, {"q": term})
    keys = [r.key for r in response.context["cl"].result_list]
    assert keys == ["wiffen2017"]


def test_change_page_lists_the_articles_that_cite_it(client, approved, editor):
    reference = approved.live_revision.references.get()
    client.force_login(editor)
    html = client.get(
        reverse("admin:references_reference_change", args=[reference.pk])
    ).content.decode()
    assert approved.title in html
    assert "revision 1 (approved)" in html


def test_changelist_counts_citing_articles(client, approved, editor):
    client.force_login(editor)
    response = client.get(CHANGELIST)
    [row] = [r for r in response.context["cl"].result_list]
    assert row.citing_article_count == 1


def test_writer_may_not_delete_a_reference(client, writer):
    reference = ReferenceFactory()
    client.force_login(writer)
    url = reverse("admin:references_reference_delete", args=[reference.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Reference.objects.filter(pk=reference.pk).exists()


def test_editor_deletes_an_uncited_reference(client, editor):
    reference = ReferenceFactory()
    client.force_login(editor)
    url = reverse("admin:references_reference_delete", args=[reference.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Reference.objects.filter(pk=reference.pk).exists()


def test_editor_may_not_delete_a_reference_an_approved_revision_cites(client, approved, editor):
    reference = approved.live_revision.references.get()
    client.force_login(editor)
    url = reverse("admin:references_reference_delete", args=[reference.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Reference.objects.filter(pk=reference.pk).exists()


def test_bulk_delete_refuses_a_selection_with_a_cited_reference(client, approved, editor):
    cited = approved.live_revision.references.get()
    loose = ReferenceFactory()
    client.force_login(editor)
    response = client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [cited.pk, loose.pk], "post": "yes"},
    )
    assert "<title>Cannot delete references" in response.content.decode()
    assert Reference.objects.filter(pk__in=[cited.pk, loose.pk]).count() == 2


def test_bulk_delete_removes_uncited_references(client, editor):
    loose = [ReferenceFactory(), ReferenceFactory()]
    client.force_login(editor)
    client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [r.pk for r in loose], "post": "yes"},
    )
    assert not Reference.objects.exists()


def test_import_page_reports_created_reused_and_skipped(client, writer):
    client.force_login(writer)
    url = reverse("admin:references_reference_import")
    assert "Import BibTeX / RIS" in client.get(CHANGELIST).content.decode()
    with open(Path(__file__).parent / "data" / "library.bib", "rb") as handle:
        response = client.post(url, {"file": handle})
    html = response.content.decode()
    assert "3 created, 1 reused (already in the library), 1 skipped." in html
    assert "badidentifier" in html
    assert Reference.objects.count() == 3


def test_reviewers_cannot_import(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("admin:references_reference_import")).status_code == 403


def test_pasted_citation_with_et_al_asks_for_the_missing_authors(client, writer):
    client.force_login(writer)
    citation = (
        "Smith J, Jones K, Brown L, Green M, White N, Black O, et al. Ibuprofen for cramps. "
        "BMJ. 2020;370:m123."
    )
    response = client.post(PASTE, {"citation": citation}, follow=True)
    html = response.content.decode()
    assert "add the remaining authors" in html
    assert response.context["adminform"].form.initial["page"] == "m123"
