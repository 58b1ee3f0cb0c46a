"""The audit log is a hash chain: `verify_audit_log` proves nothing was altered, removed
or reordered behind the application's back, and names the first broken link."""

from __future__ import annotations

import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts import services as account_services
from accounts.models import AccountEvent
from audit.chain import GENESIS, digest
from reviews import services
from reviews.models import ApprovalSignature, AuditEntry, audit_entry_content
from tests import factories

pytestmark = pytest.mark.django_db


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_audit_log", *args, stdout=out, stderr=out)
    return out.getvalue()


def broken(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit_log", *args, stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    return err.getvalue()


def anchor() -> None:
    """Record the chains' heads in the anchor log, as their commits would have (these
    tests never commit) or the daily `anchor_audit_log` does."""
    call_command("anchor_audit_log", stdout=io.StringIO())


def raw(sql: str, params: list) -> None:
    """Write behind the ORM's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def history(approved, writer):
    """A few transitions: submit, start_review, approve (signed), revise."""
    approved.body += " Edited."
    services.article_save(article=approved, user=writer, changed_fields=["body"])
    anchor()
    return list(AuditEntry.objects.order_by("seq"))


def test_entries_link_into_one_chain(history):
    assert [e.seq for e in history] == [1, 2, 3, 4]
    assert history[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(history):
        assert after.prev_hash == before.entry_hash


def test_an_intact_log_verifies(history):
    output = verify()

    assert "reviews: intact, 4 entries" in output
    assert f"head reviews:4:{history[-1].entry_hash}" in output


def test_an_edit_behind_the_orm_is_caught_and_named(history):
    raw(
        f"UPDATE {AuditEntry._meta.db_table} SET comment = %s WHERE id = %s",
        ["Approved by someone else", history[1].pk],
    )

    message = broken()

    assert f"audit entry #2 (id {history[1].pk})" in message
    assert "altered after it was written" in message


def test_a_rewritten_actor_is_caught(history, second_reviewer):
    raw(
        f"UPDATE {AuditEntry._meta.db_table} SET actor_id = %s WHERE id = %s",
        [second_reviewer.pk, history[2].pk],
    )

    assert "audit entry #3" in broken()


def test_a_deleted_entry_is_caught(history):
    raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [history[1].pk])

    message = broken()

    assert "audit entry #2" in message and "missing" in message


def test_reordered_entries_are_caught(history):
    table = AuditEntry._meta.db_table
    first, second = history[1], history[2]
    raw(f"UPDATE {table} SET seq = 0 WHERE id = %s", [first.pk])
    raw(f"UPDATE {table} SET seq = %s WHERE id = %s", [first.seq, second.pk])
    raw(f"UPDATE {table} SET seq = %s WHERE id = %s", [second.seq, first.pk])

    message = broken()

    assert f"audit entry #2 (id {second.pk})" in message


def test_a_recomputed_forgery_still_breaks_the_next_link(history):
    """Re-hashing an edited entry does not help: the next entry points at the old hash."""

    target = history[1]
    target.comment = "forged"
    forged = digest(seq=target.seq, prev_hash=target.prev_hash, content=audit_entry_content(target))
    raw(
        f"UPDATE {AuditEntry._meta.db_table} SET comment = %s, entry_hash = %s WHERE id = %s",
        ["forged", forged, target.pk],
    )

    message = broken()

    assert "audit entry #3" in message and "does not follow" in message


def test_an_altered_signature_is_caught(history):
    raw(
        f"UPDATE {ApprovalSignature._meta.db_table} SET printed_name = %s",
        ["Dr Somebody Else"],
    )

    message = broken()

    assert "audit entry #3" in message and "signature" in message


def test_signed_content_changed_afterwards_is_caught(history, approved):
    revision = approved.live_revision
    raw(
        "UPDATE articles_articlerevision SET body = %s WHERE id = %s",
        ["Take twice the dose.", revision.pk],
    )

    message = broken()

    assert "audit entry #3" in message
    assert f"revision {revision.number}'s text, stored HTML or sources changed" in message


def test_a_truncated_log_is_caught_with_an_anchor(history):
    head = history[-1]
    anchor = f"reviews:{head.seq}:{head.entry_hash}"
    assert "intact" in verify("--anchor", anchor)

    raw(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id = %s", [head.pk])

    assert "the log was truncated or rewritten" in broken("--anchor", anchor)


def test_the_account_security_record_is_chained_too(editor):
    for name in ("a", "b", "c"):
        account_services.record_event(AccountEvent.Kind.LOCKED_OUT, username=name)
    anchor()
    assert "accounts: intact, 3 entries" in verify()
    raw(f"UPDATE {AccountEvent._meta.db_table} SET username = %s WHERE seq = 2", ["zed"])

    assert "account security event #2" in broken()


def test_the_orm_refuses_to_change_the_log(history):
    entry = history[0]
    entry.comment = "changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="changed")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.bulk_create([AuditEntry(article=entry.article)])


def test_a_bad_anchor_is_a_clear_error(history):
    with pytest.raises(CommandError, match="CHAIN:SEQ:HASH"):
        verify("--anchor", "nonsense")


def test_many_approvals_keep_one_chain(writer, reviewer):
    for n in range(5):
        article = factories.ArticleFactory(authors=[writer], slug=f"chained-{n}")
        services.article_submit(article=article, user=writer)
        factories.claim_and_approve(article, reviewer)
    anchor()

    assert "reviews: intact, 15 entries" in verify()
