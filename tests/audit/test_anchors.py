"""The anchor log: each chain's head, written outside the database once it is committed,
so that `verify_audit_log` notices entries deleted from the end of a chain."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts import services as account_services
from accounts.models import AccountEvent
from audit import anchors

LOCKED_OUT = AccountEvent.Kind.LOCKED_OUT


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("verify_audit_log", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit_log", *args, stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1
    return err.getvalue()


def anchor_lines(settings) -> list[str]:
    path = Path(settings.VETTED_AUDIT_ANCHOR_FILE)
    return path.read_text().splitlines() if path.exists() else []


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_head_is_anchored_once_committed_and_never_for_a_rollback(settings):
    with pytest.raises(Boom), transaction.atomic():
        account_services.record_event(LOCKED_OUT, username="rolled-back")
        raise Boom
    assert anchor_lines(settings) == []

    with transaction.atomic():
        account_services.record_event(LOCKED_OUT, username="kept")
        assert anchor_lines(settings) == []  # not before the commit

    event = AccountEvent.objects.get()
    [line] = anchor_lines(settings)
    assert line.split()[1:] == ["accounts", str(event.seq), event.entry_hash, event.entry_hash]
    assert "accounts: anchored at #1" in run()[0]


@pytest.mark.django_db(transaction=True)
def test_a_log_that_cannot_be_written_does_not_undo_the_step(settings, tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    settings.VETTED_AUDIT_ANCHOR_FILE = str(blocker / "anchors.log")  # its folder is a file

    account_services.record_event(LOCKED_OUT, username="still-recorded")

    assert AccountEvent.objects.filter(username="still-recorded").exists()
    assert "Could not append the head accounts #1" in caplog.text


@pytest.mark.django_db
def test_without_an_anchor_log_verification_fails_and_says_why(settings):
    account_services.record_event(LOCKED_OUT, username="x")

    message = refused()

    assert "accounts: NO ANCHOR: the anchor log" in message
    assert "does not exist" in message
    assert "--allow-missing-anchor" in message


@pytest.mark.django_db
def test_allow_missing_anchor_turns_the_failure_into_a_warning(settings):
    account_services.record_event(LOCKED_OUT, username="x")

    out, err = run("--allow-missing-anchor")

    assert "accounts: intact, 1 entries" in out
    assert "WARNING: accounts: NO ANCHOR" in err


@pytest.mark.django_db
def test_an_empty_chain_needs_no_anchor():
    out, _ = run()
    assert "reviews: empty, nothing to anchor." in out


@pytest.mark.django_db
def test_heads_of_another_database_are_not_taken_for_this_ones(settings):
    """A re-seeded development database: the log's old lines name another chain root."""
    account_services.record_event(LOCKED_OUT, username="x")
    other_root = "f" * 64
    anchors.append(anchors.Anchor("accounts", 99, "e" * 64, other_root))

    assert "accounts: NO ANCHOR: the anchor log" in refused()


@pytest.mark.django_db
def test_anchor_audit_log_appends_every_chains_head(settings):
    for name in ("a", "b"):
        account_services.record_event(LOCKED_OUT, username=name)

    out = io.StringIO()
    call_command("anchor_audit_log", stdout=out)

    assert "accounts: anchored #2" in out.getvalue()
    assert "reviews: empty" in out.getvalue()
    verified = run()[0]
    assert "accounts: anchored at #2 (" in verified
    assert "not yet anchored" not in verified


@pytest.mark.django_db
def test_the_highest_head_over_every_app_servers_log_counts(settings, tmp_path):
    for name in ("a", "b", "c"):
        account_services.record_event(LOCKED_OUT, username=name)
    events = {e.seq: e for e in AccountEvent.objects.all()}
    root = events[1].entry_hash
    first, second = tmp_path / "app1.log", tmp_path / "app2.log"
    anchors.append(anchors.Anchor("accounts", 3, events[3].entry_hash, root), path=first)
    anchors.append(anchors.Anchor("accounts", 2, events[2].entry_hash, root), path=second)
    AccountEvent.objects.filter(seq=3)._raw_delete(AccountEvent.objects.db)

    message = refused("--anchor-file", str(second), "--anchor-file", str(first))

    assert "recorded account security event #3" in message
    assert "the chain ends at #2" in message


@pytest.mark.django_db
def test_a_chain_written_with_another_key_names_the_key(settings):
    account_services.record_event(LOCKED_OUT, username="x")
    settings.VETTED_AUDIT_KEY = "not-the-key-it-was-written-with"

    message = refused("--allow-missing-anchor")

    assert "account security event #1" in message
    assert "check VETTED_AUDIT_KEY" in message
