"""manage.py check_sources: retraction and correction notices from PubMed and Crossref.

Recorded EFetch and Crossref answers are served by respx; nothing reaches the network.
"""

from __future__ import annotations

import io

import httpx
import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from articles.states import Status
from references import lookup, services
from references.models import Reference, ReferenceEvent
from reviews.models import AuditEntry
from tests.references.test_lookup import recorded
from tests.reviews.test_tasks import run_worker

pytestmark = pytest.mark.django_db

EFETCH = f"{lookup.EUTILS}/efetch.fcgi"
CROSSREF_WORKS = f"{lookup.CROSSREF}/works"


@pytest.fixture(autouse=True)
def _lookups_on(settings, monkeypatch):
    settings.LOOKUP_ENABLED = True
    cache.clear()
    monkeypatch.setattr(lookup.time, "sleep", lambda seconds: None)


@pytest.fixture
def cited(approved):
    """The live article's only source, given Wakefield's identifiers."""
    source = approved.live_revision.reference_links.get().reference
    Reference.objects.filter(pk=source.pk).update(
        pmid="9500320", doi="10.1016/s0140-6736(97)11096-0"
    )
    source.refresh_from_db()
    return source


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("check_sources", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_new_retraction_flags_the_live_article_and_notifies(
    cited, approved, editor, reviewer, respx_mock, django_capture_on_commit_callbacks
):
    respx_mock.get(EFETCH).mock(return_value=recorded("efetch_9500320.xml"))
    respx_mock.get(CROSSREF_WORKS).mock(return_value=recorded("crossref_updates_none.json"))
    with django_capture_on_commit_callbacks(execute=True):
        out = _run()
    cited.refresh_from_db()
    assert cited.retracted
    assert cited.last_check_outcome == services.CheckOutcome.RETRACTED
    assert cited.last_checked_at is not None
    retraction = cited.events.get(kind=ReferenceEvent.Kind.RETRACTED)
    assert (retraction.origin, retraction.actor) == ("pubmed", None)
    assert cited.events.filter(kind=ReferenceEvent.Kind.CORRECTION).count() == 1  # the erratum
    approved.refresh_from_db()
    assert approved.status == Status.REVIEW_DUE
    assert AuditEntry.objects.filter(article=approved, transition="flag_for_rereview").exists()
    recipients = {address for message in mail.outbox for address in message.to}
    assert {editor.email, reviewer.email} <= recipients
    assert "Marked retracted" in out


@pytest.mark.django_db(transaction=True)
def test_the_check_can_be_queued_for_a_worker(cited, approved, respx_mock, settings):
    """Cron queues the check (`--enqueue`); a worker makes the slow requests later."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    respx_mock.get(EFETCH).mock(return_value=recorded("efetch_9500320.xml"))
    respx_mock.get(CROSSREF_WORKS).mock(return_value=recorded("crossref_updates_none.json"))

    out = _run("--enqueue", f"--key={cited.key}")

    assert "Queued check_sources" in out
    assert not respx_mock.calls
    run_worker()
    cited.refresh_from_db()
    assert cited.retracted
    assert Article.objects.get(pk=approved.pk).status == Status.REVIEW_DUE
    task = DBTaskResult.objects.get(task_path="references.tasks.check_sources")
    assert task.return_value["checked"] == 1
    assert "Marked retracted" in task.return_value["new_notices"][cited.key]


def test_running_it_again_records_and_sends_nothing_new(
    cited, approved, respx_mock, django_capture_on_commit_callbacks
):
    respx_mock.get(EFETCH).mock(return_value=recorded("efetch_9500320.xml"))
    respx_mock.get(CROSSREF_WORKS).mock(return_value=recorded("crossref_updates_none.json"))
    _run()
    events = ReferenceEvent.objects.count()
    audit = AuditEntry.objects.count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        out = _run()
    assert ReferenceEvent.objects.count() == events
    assert AuditEntry.objects.count() == audit
    assert mail.outbox == []
    assert "1 source(s) checked, 0 new notice(s)" in out


def test_a_crossref_correction_flags_for_re_review_without_changing_the_page(
    client, approved, respx_mock
):
    source = approved.live_revision.reference_links.get().reference
    Reference.objects.filter(pk=source.pk).update(doi="10.1002/14651858.CD007938.pub4")
    before = client.get(approved.get_absolute_url()).content.decode()
    respx_mock.get(CROSSREF_WORKS).mock(return_value=recorded("crossref_updates_correction.json"))
    _run()
    source.refresh_from_db()
    assert not source.retracted
    event = source.events.get()
    assert (event.kind, event.origin, event.notice) == (
        ReferenceEvent.Kind.CORRECTION,
        "crossref",
        "doi:10.1002/14651858.cd007938.pub5",
    )
    approved.refresh_from_db()
    assert approved.status == Status.REVIEW_DUE
    after = client.get(approved.get_absolute_url()).content.decode()
    assert "[Retracted]" not in after
    assert approved.live_revision.title in before and approved.live_revision.title in after


def test_an_editor_who_removed_the_mark_is_not_overruled_by_the_next_check(
    cited, editor, respx_mock
):
    respx_mock.get(EFETCH).mock(return_value=recorded("efetch_9500320.xml"))
    respx_mock.get(CROSSREF_WORKS).mock(return_value=recorded("crossref_updates_none.json"))
    _run()
    services.set_retraction(
        reference=cited, user=editor, retracted=False, note="Wrong record matched."
    )
    _run()
    cited.refresh_from_db()
    assert not cited.retracted


def test_when_pubmed_cannot_be_reached_nothing_changes_and_the_check_says_so(
    cited, approved, respx_mock
):
    respx_mock.get(EFETCH).mock(side_effect=httpx.ConnectError("no route"))
    respx_mock.get(CROSSREF_WORKS).mock(side_effect=httpx.ConnectError("no route"))
    err = io.StringIO()
    call_command("check_sources", stdout=io.StringIO(), stderr=err)
    cited.refresh_from_db()
    assert not cited.retracted
    assert cited.last_check_outcome == services.CheckOutcome.FAILED
    assert "Could not reach PubMed" in err.getvalue()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_sources_without_identifiers_are_not_asked_about(db, respx_mock):
    Reference.objects.create(key="bookonly", title="A book", kind="book")
    assert "0 source(s) checked" in _run()


def test_the_review_screen_and_the_source_list_show_the_last_check(
    client, cited, approved, reviewer, editor, respx_mock
):
    respx_mock.get(EFETCH).mock(return_value=recorded("efetch_9500320.xml"))
    respx_mock.get(CROSSREF_WORKS).mock(return_value=recorded("crossref_updates_none.json"))
    _run()
    client.force_login(editor)
    changelist = client.get(reverse("admin:references_reference_changelist")).content.decode()
    assert "(retracted)" in changelist
    client.force_login(reviewer)
    review = client.get(
        reverse("admin:articles_article_review", args=[approved.pk])
    ).content.decode()
    assert "Last checked:" in review
    assert "(retracted)" in review
