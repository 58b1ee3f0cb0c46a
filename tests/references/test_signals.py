"""A change in a source's standing is announced inside the transaction that records it
(references.signals): what follows from it commits or rolls back with it."""

from __future__ import annotations

import pytest

from articles.models import Article
from articles.states import Status
from references import services
from references.models import Reference, ReferenceEvent
from references.signals import source_status_changed
from reviews.models import AuditEntry

pytestmark = pytest.mark.django_db


def _source_of(article: Article) -> Reference:
    return article.live_revision.reference_links.get().reference


@pytest.fixture
def failing_receiver():
    def fail(sender, **kwargs):
        raise RuntimeError("the receiver failed")

    source_status_changed.connect(fail, dispatch_uid="test-failing-receiver")
    yield
    source_status_changed.disconnect(dispatch_uid="test-failing-receiver")


def test_the_announcement_carries_the_source_and_its_event(approved, editor):
    heard = []

    def listen(sender, *, reference, event, **kwargs):
        heard.append((reference, event.kind, event.note, event.actor))

    source_status_changed.connect(listen, dispatch_uid="test-listener")
    try:
        services.set_retraction(
            reference=_source_of(approved), user=editor, retracted=True, note="Fraud."
        )
    finally:
        source_status_changed.disconnect(dispatch_uid="test-listener")

    assert heard == [(_source_of(approved), ReferenceEvent.Kind.RETRACTED, "Fraud.", editor)]


def test_a_retraction_whose_consequences_fail_is_not_recorded(approved, editor, failing_receiver):
    source = _source_of(approved)

    with pytest.raises(RuntimeError):
        services.set_retraction(reference=source, user=editor, retracted=True, note="Fraud.")

    source.refresh_from_db()
    assert not source.retracted
    assert not ReferenceEvent.objects.exists()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert not AuditEntry.objects.filter(transition=AuditEntry.Action.FLAG_FOR_REREVIEW).exists()
