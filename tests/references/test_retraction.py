"""Issue 10, defect 3: only editors (and the system) change a source's retraction state.

Every change goes through references.services.set_retraction: it refuses writers on the
server, records a source event, flags each live article citing the source for re-review
and emails editors and board members once the change is committed.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from articles.models import Article
from articles.states import Status
from references import services
from references.models import Reference, ReferenceEvent
from reviews import services as review_services
from reviews.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _source_of(article: Article) -> Reference:
    return article.live_revision.reference_links.get().reference


def test_a_writer_cannot_mark_a_source_retracted(approved, writer):
    source = _source_of(approved)
    with pytest.raises(PermissionDenied, match="Only editors"):
        services.set_retraction(reference=source, user=writer, retracted=True, note="Fraud")
    source.refresh_from_db()
    assert not source.retracted
    assert not ReferenceEvent.objects.exists()


def test_a_reviewer_cannot_mark_a_source_retracted_either(approved, reviewer):
    with pytest.raises(PermissionDenied):
        services.set_retraction(
            reference=_source_of(approved), user=reviewer, retracted=True, note="Fraud"
        )


def test_a_note_is_required(approved, editor):
    with pytest.raises(ValidationError, match="Say why"):
        services.set_retraction(
            reference=_source_of(approved), user=editor, retracted=True, note=" "
        )


def test_an_editor_retraction_is_recorded_flags_the_live_article_and_notifies(
    approved, editor, reviewer, writer, django_capture_on_commit_callbacks
):
    source = _source_of(approved)
    with django_capture_on_commit_callbacks(execute=True):
        event = services.set_retraction(
            reference=source, user=editor, retracted=True, note="Retraction notice: doi 10.1/r"
        )
    source.refresh_from_db()
    assert source.retracted
    assert (event.kind, event.actor, event.note) == (
        ReferenceEvent.Kind.RETRACTED,
        editor,
        "Retraction notice: doi 10.1/r",
    )
    approved.refresh_from_db()
    assert approved.status == Status.REVIEW_DUE
    entry = AuditEntry.objects.filter(article=approved).latest("pk")
    assert (entry.transition, entry.from_status, entry.to_status, entry.actor) == (
        "flag_for_rereview",
        Status.APPROVED,
        Status.REVIEW_DUE,
        None,
    )
    assert f"“{source.key}” was retracted" in entry.comment
    recipients = {address for message in mail.outbox for address in message.to}
    assert {editor.email, reviewer.email} <= recipients
    assert writer.email not in recipients
    subjects = [m.subject for m in mail.outbox]
    assert any("Source marked retracted" in s for s in subjects)
    assert any("Re-review needed" in s for s in subjects)


def test_the_live_page_keeps_the_approved_text_and_shows_the_retraction(
    client, approved, editor, django_capture_on_commit_callbacks
):
    source = _source_of(approved)
    with django_capture_on_commit_callbacks(execute=True):
        services.set_retraction(reference=source, user=editor, retracted=True, note="Notice")
    html = client.get(approved.get_absolute_url()).content.decode()
    assert approved.live_revision.title in html
    assert "[Retracted]" in html


def test_setting_the_same_state_again_changes_nothing(approved, editor):
    source = _source_of(approved)
    services.set_retraction(reference=source, user=editor, retracted=True, note="Notice")
    assert services.set_retraction(reference=source, user=editor, retracted=True, note="x") is None
    assert ReferenceEvent.objects.count() == 1


def test_the_system_may_retract_without_a_user(approved):
    event = services.set_retraction(
        reference=_source_of(approved), user=None, retracted=True, note="PubMed says so"
    )
    assert event.actor is None


def test_an_article_under_review_is_not_moved_but_the_reason_is_recorded(in_review, editor):
    source = in_review.current_revision.reference_links.get().reference
    # Not live: nothing to flag.
    services.set_retraction(reference=source, user=editor, retracted=True, note="Notice")
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert not AuditEntry.objects.filter(transition="flag_for_rereview").exists()


def test_flag_for_rereview_records_why_it_cannot_move_a_live_article_being_edited(approved, writer):

    approved.body = approved.body + " More."
    approved = review_services.article_save(article=approved, user=writer, changed_fields={"body"})
    assert approved.status == Status.DRAFT
    review_services.flag_for_rereview(article=approved, reason="Source retracted.")
    approved.refresh_from_db()
    assert approved.status == Status.DRAFT
    entry = AuditEntry.objects.filter(transition="flag_for_rereview").get()
    assert entry.comment.startswith("Source retracted. Not moved to review due:")


# --- the admin ---------------------------------------------------------------------------


def _change_data(reference: Reference, **overrides) -> dict:
    data = {
        "key": reference.key,
        "kind": reference.kind,
        **factories.author_form_data(reference.author),
        "title": reference.title,
        "container_title": reference.container_title,
        "publisher": "",
        "year": reference.year or "",
        "month": "",
        "day": "",
        "volume": "",
        "issue": "",
        "page": "",
        "doi": reference.doi,
        "pmid": reference.pmid,
        "pmcid": reference.pmcid,
        "url": "",
        "accessed": "",
    }
    return {**data, **overrides}


def test_the_admin_form_gives_a_writer_no_retracted_field(client, approved, writer):
    source = _source_of(approved)
    url = reverse("admin:references_reference_change", args=[source.pk])
    client.force_login(writer)
    form = client.get(url).context["adminform"].form
    assert "retracted" not in form.fields
    response = client.post(url, _change_data(source, retracted="on", retraction_note="x"))
    assert response.status_code == 302  # the other fields saved; the forged tick ignored
    source.refresh_from_db()
    assert not source.retracted
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_an_editor_retracts_through_the_admin_with_a_note(
    client, approved, editor, django_capture_on_commit_callbacks
):
    source = _source_of(approved)
    url = reverse("admin:references_reference_change", args=[source.pk])
    client.force_login(editor)
    refused = client.post(url, _change_data(source, retracted="on"))
    assert refused.status_code == 200
    assert "retraction_note" in refused.context["adminform"].form.errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, _change_data(source, retracted="on", retraction_note="Retracted 2026-11-01")
        )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.retracted
    assert source.events.get().note == "Retracted 2026-11-01"
    approved.refresh_from_db()
    assert approved.status == Status.REVIEW_DUE
    page = client.get(url).content.decode()
    assert "Retracted 2026-11-01" in page


def test_source_events_are_listed_read_only_in_the_admin(client, approved, editor):
    services.set_retraction(
        reference=_source_of(approved), user=editor, retracted=True, note="Notice 2026"
    )
    client.force_login(editor)
    listing = client.get(reverse("admin:references_referenceevent_changelist"))
    assert listing.status_code == 200
    assert "Notice 2026" in listing.content.decode()
    assert client.get(reverse("admin:references_referenceevent_add")).status_code == 403
