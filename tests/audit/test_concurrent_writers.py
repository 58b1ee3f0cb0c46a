"""Writers racing to extend a hash chain serialise on PostgreSQL: one chain, no fork, no loss."""

from __future__ import annotations

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from accounts import services as account_services
from accounts.models import AccountEvent
from articles.models import Article
from reviews import services
from reviews.models import AuditEntry
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real concurrent connections (SQLite serialises writers)",
    ),
]

WRITERS = 8


def _run_together(work) -> list[BaseException]:
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as err:
            errors.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_racing_security_events_form_one_chain():
    def record(n: int) -> None:
        with transaction.atomic():
            account_services.record_event(AccountEvent.Kind.LOCKED_OUT, username=f"user{n}")
            time.sleep(0.05)  # hold the head while the others queue

    assert _run_together(record) == []

    seqs = sorted(AccountEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS + 1))
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert f"accounts: intact, {WRITERS} entries" in out.getvalue()


def test_racing_submissions_of_different_articles_form_one_chain():
    writer = factories.writer(username="racer")
    articles = [
        factories.ArticleFactory(authors=[writer], slug=f"race-{n}") for n in range(WRITERS)
    ]

    def submit(n: int) -> None:
        services.article_submit(article=Article.objects.get(pk=articles[n].pk), user=writer)

    assert _run_together(submit) == []

    assert AuditEntry.objects.count() == WRITERS
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert f"reviews: intact, {WRITERS} entries" in out.getvalue()
