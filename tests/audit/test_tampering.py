"""Tampering with a copy of the demo database, as someone with write access to the
database but not to the app's settings or its anchor log could: `verify_audit_log`,
with default settings, catches each of them.

The tests commit (the demo is seeded as `make run` does), so every append anchors its
head on commit, as in production; each test has an anchor log of its own
(tests/conftest.py).
"""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import ArticleRevision
from reviews.models import ApprovalSignature, AuditEntry, audit_entry_content

pytestmark = pytest.mark.django_db(transaction=True)

REVISIONS = ArticleRevision._meta.db_table
ENTRIES = AuditEntry._meta.db_table


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


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def demo(demo_content):
    """The demo database, seeded and committed; it verifies as it stands."""
    assert "reviews: intact" in verify()


def test_the_demo_database_verifies_against_its_anchor_log(demo):
    output = verify()
    head = AuditEntry.objects.latest("seq")
    assert f"reviews: anchored at #{head.seq} (" in output


def signed_revision(**non_empty: str) -> ArticleRevision:
    """A revision someone signed, with the named stored fields not empty."""
    signed = ApprovalSignature.objects.values("decision__revision")
    revisions = ArticleRevision.objects.filter(pk__in=signed)
    for field in non_empty:
        revisions = revisions.exclude(**{field: non_empty[field]})
    revision = revisions.order_by("pk").first()
    assert revision is not None, f"the demo has no signed revision with {list(non_empty)}"
    return revision


@pytest.mark.parametrize(
    ("column", "empty", "edit"),
    [
        ("body_html", "", "body_html = replace(body_html, '</p>', ' Take twice the dose.</p>')"),
        (
            "professional_html",
            "",
            "professional_html = professional_html || '<p>Double the dose.</p>'",
        ),
        (
            "sections",
            [],
            "sections = replace(sections::text, '</p>', ' Double the dose.</p>')::jsonb",
        ),
    ],
)
def test_edited_html_of_a_signed_revision_is_caught(demo, column, empty, edit):
    """What readers see is signed, not only the Markdown it was made from."""
    revision = signed_revision(**{column: empty})
    sql(f"UPDATE {REVISIONS} SET {edit} WHERE id = %s", [revision.pk])

    message = broken()

    assert f"revision {revision.number}'s text, stored HTML or sources changed" in message


def test_a_truncated_tail_is_caught(demo):
    last_two = list(AuditEntry.objects.order_by("-seq").values_list("pk", "seq")[:2])
    sql(f"DELETE FROM {ENTRIES} WHERE id IN (%s, %s)", [last_two[0][0], last_two[1][0]])

    message = broken()

    assert f"recorded audit entry #{last_two[0][1]}" in message
    assert f"the chain ends at #{last_two[1][1] - 1}: entries were deleted from its end" in message


def _unkeyed_digest(*, seq: int, prev_hash: str, content: dict) -> str:
    """The chain's hash as an attacker without the key computes it (plain SHA-256)."""
    canonical = json.dumps(
        {"seq": seq, "prev": prev_hash, "content": content},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rewrite_from(seq: int, comment: str) -> None:
    """Edit entry `seq`'s comment and recompute its hash and every later one."""
    entries = list(AuditEntry.objects.filter(seq__gte=seq).order_by("seq"))
    prev_hash = entries[0].prev_hash
    for entry in entries:
        if entry.seq == seq:
            entry.comment = comment
        entry_hash = _unkeyed_digest(
            seq=entry.seq, prev_hash=prev_hash, content=audit_entry_content(entry)
        )
        sql(
            f"UPDATE {ENTRIES} SET comment = %s, prev_hash = %s, entry_hash = %s WHERE id = %s",
            [entry.comment, prev_hash, entry_hash, entry.pk],
        )
        prev_hash = entry_hash


def test_a_rewritten_and_rehashed_chain_is_caught(demo, tmp_path):
    middle = AuditEntry.objects.count() // 2
    target = AuditEntry.objects.get(seq=middle)

    _rewrite_from(middle, "Approved without reservations.")

    message = broken()
    assert f"audit entry #{middle} (id {target.pk})" in message
    assert "altered after it was written" in message
    # The key alone catches it, even where the anchor log is not at hand.
    away = str(tmp_path / "elsewhere.log")
    assert f"audit entry #{middle}" in broken("--anchor-file", away, "--allow-missing-anchor")
