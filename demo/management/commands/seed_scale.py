"""Fill the database with N approved articles to measure Vetted at publisher scale.

Each article gets several revisions, frozen by the same snapshot function as a real
submit, approved by board members, and its live page stored by the same function as
a real approval, so every stored field (rendered HTML, sources, stored pages, the
search document) is exactly what the publishing path would write. What is skipped
is the per-action ceremony (emails, signatures, audit entries).

    manage.py seed_scale --articles 100000            # 2 worker processes by default
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.test.utils import override_settings
from django.utils import timezone

from articles import services as articles_services
from articles import stored_pages
from articles.markdown import render_working_copy
from articles.models import Article, ArticleRevision, Topic
from articles.revisions import revision_create
from articles.states import Status
from demo import scale
from people import roles
from people.models import ReviewerProfile
from references.models import Reference
from reviews import services
from reviews.models import ReviewDecision

BATCH = 100
REVIEWERS = 24
WRITERS = 12


class Command(BaseCommand):
    help = "Create N approved articles with several revisions each (for scale benchmarks)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, required=True)
        parser.add_argument("--revisions", type=int, default=3)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--force", action="store_true", help="allow it with DEBUG off (never in production)"
        )
        # Internal: one worker's share, run as a separate process.
        parser.add_argument("--worker", type=str, default="", help=argparse.SUPPRESS)

    def handle(self, *args, articles: int, revisions: int, workers: int, **options: Any) -> None:
        if not (settings.DEBUG or options["force"]):
            raise CommandError(
                "seed_scale fills the database with invented articles; run it with DEBUG=1 "
                "(or --force on a database made for benchmarks)."
            )
        if articles < 1 or revisions < 1 or workers < 1:
            raise CommandError("--articles, --revisions and --workers must be at least 1.")
        if options["worker"]:
            index, count = (int(part) for part in options["worker"].split("/"))
            self._seed_articles(articles, revisions, index=index, count=count)
            return
        start = time.perf_counter()
        first = _prepare(articles)
        database = connections["default"].settings_dict
        if database["ENGINE"].endswith("sqlite3"):
            workers = 1  # SQLite takes one writer at a time
        self.stdout.write(
            f"Seeding {articles} articles from number {first} with {workers} workers…"
        )
        if workers == 1:
            self._seed_articles(articles, revisions, index=0, count=1)
            self._report(start)
            return
        connections.close_all()
        # Each worker is a fresh process on the same database (the one in use here, which
        # may be a benchmark's test database).
        env = {**os.environ, "DATABASE_URL": _database_url(database)}
        processes = [
            subprocess.Popen(
                [sys.executable, str(settings.BASE_DIR / "manage.py"), "seed_scale",
                 "--articles", str(articles), "--revisions", str(revisions),
                 "--worker", f"{i}/{workers}", "--force"],
                env=env,
            )
            for i in range(workers)
        ]  # fmt: skip
        if any(process.wait() != 0 for process in processes):
            raise CommandError("A seeding worker failed; see its output above.")
        self._report(start)

    def _report(self, start: float) -> None:
        elapsed = time.perf_counter() - start
        total = Article.objects.filter(slug__startswith="scale-").count()
        self.stdout.write(f"{total} scale articles in the database; this run took {elapsed:.0f} s.")

    def _seed_articles(self, articles: int, revisions: int, *, index: int, count: int) -> None:
        context = _Context.load()
        done = set(Article.objects.filter(slug__startswith="scale-").values_list("slug", flat=True))
        numbers = [n for n in range(articles) if n % count == index and f"scale-{n}" not in done]
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for start in range(0, len(numbers), BATCH):
                for number in numbers[start : start + BATCH]:
                    # One article a transaction: parallel workers add search terms in a
                    # consistent order and never deadlock on them.
                    with transaction.atomic():
                        _seed_one(number, revisions=revisions, context=context)
                if index == 0:
                    self.stdout.write(f"  worker 0: {start + BATCH} of {len(numbers)}")


def _database_url(database: dict[str, Any]) -> str:
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    auth = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{auth}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"


class _Context:
    """The people, topics and sources every article draws on (made once, then loaded)."""

    def __init__(self, topics, writers, reviewers, source_keys):
        self.topics = topics
        self.writers = writers
        self.reviewers = reviewers
        self.source_keys = source_keys

    @classmethod
    def load(cls) -> _Context:
        user_model = get_user_model()
        topics = list(Topic.objects.filter(slug__in=[slug for _, slug in scale.TOPICS]))
        topics.sort(key=lambda t: [slug for _, slug in scale.TOPICS].index(t.slug))
        writers = list(user_model.objects.filter(username__startswith="scale-writer-"))
        reviewers = list(
            user_model.objects.select_related("reviewer_profile").filter(
                username__startswith="scale-reviewer-"
            )
        )
        keys = list(
            Reference.objects.filter(key__startswith="scale-src-").values_list("key", flat=True)
        )
        return cls(topics, writers, reviewers, keys)


@transaction.atomic
def _prepare(articles: int) -> int:
    """Topics, writers, board members and a library of sources (idempotent)."""
    for name, slug in scale.TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name})
    user_model = get_user_model()
    writers_group = Group.objects.get(name=roles.WRITERS)
    board_group = Group.objects.get(name=roles.REVIEWERS)
    today = timezone.localdate()
    for i in range(WRITERS):
        user, created = user_model.objects.get_or_create(
            username=f"scale-writer-{i}",
            defaults={"first_name": "Writer", "last_name": str(i), "is_staff": True},
        )
        if created:
            user.groups.add(writers_group)
    for i in range(REVIEWERS):
        user, created = user_model.objects.get_or_create(
            username=f"scale-reviewer-{i}",
            defaults={"first_name": "Reviewer", "last_name": str(i), "is_staff": True},
        )
        if created:
            user.groups.add(board_group)
            ReviewerProfile.objects.create(
                user=user,
                slug=f"scale-reviewer-{i}",
                display_name=f"Dr Board Member {i}",
                credentials="MD",
                specialty=scale.TOPICS[i % len(scale.TOPICS)][0],
                conflict_of_interest="None declared.",
                credentials_verified_on=today - datetime.timedelta(days=400),
                credentials_expire_on=today + datetime.timedelta(days=3650),
            )
    wanted = max(500, articles // 20)
    have = Reference.objects.filter(key__startswith="scale-src-").count()
    kinds = list(Reference.Kind.values)
    Reference.objects.bulk_create(
        Reference(
            key=f"scale-src-{i}",
            kind=kinds[i % len(kinds)],
            title=f"{scale.CONDITIONS[i % len(scale.CONDITIONS)].capitalize()} and "
            f"{scale.DRUGS[i % len(scale.DRUGS)]}: a randomised trial ({i})",
            container_title=["BMJ", "Lancet", "JAMA", "N Engl J Med", "Cochrane Database Syst Rev"][
                i % 5
            ],
            year=1995 + i % 30,
            volume=str(100 + i % 300),
            page=f"{i % 900 + 1}-{i % 900 + 9}",
            pmid=str(30_000_000 + i),
            author=[{"family": f"Author{i}", "given": "AB"}, {"family": "Smith", "given": "J"}],
        )
        for i in range(have, wanted)
    )
    return Article.objects.filter(slug__startswith="scale-").count()


def _credit(reviewer: Any, signed_at: datetime.datetime) -> articles_services.ReviewerCredit:
    profile = reviewer.reviewer_profile
    return articles_services.ReviewerCredit(
        reviewer=profile,
        printed_name=profile.display_name,
        credentials=profile.credentials,
        specialty=profile.specialty,
        signed_at=signed_at,
    )


def _seed_one(number: int, *, revisions: int, context: _Context) -> None:
    spec = scale.article(number, source_keys=context.source_keys, revisions=revisions)
    writer = context.writers[number % len(context.writers)]
    reviewer = context.reviewers[number % len(context.reviewers)]
    # Spread over the last three years, newest numbers most recent.
    first_day = timezone.now() - datetime.timedelta(days=1095 - number % 1000)
    article = Article.objects.create(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        body=spec.bodies[0],
        professional_body=spec.professional_body,
        topic=context.topics[spec.topic_index],
        status=Status.APPROVED,
        review_round=revisions,
    )
    article.authors.add(writer)
    decisions = []
    revision: ArticleRevision | None = None
    for round_number, body in enumerate(spec.bodies, start=1):
        article.body = body
        # Rendered and frozen as a real submit does.
        rendered = render_working_copy(article)
        revision = revision_create(article, writer, rendered)
        approved_at = first_day + datetime.timedelta(days=90 * round_number)
        revision.approved_at = revision.last_reviewed_at = approved_at
        revision.published_at = revision.content_updated_at = approved_at
        revision.next_review_due = (approved_at + datetime.timedelta(days=365)).date()
        revision.save(update_fields=ArticleRevision.MUTABLE_FIELDS)
        # Credited on the revision, as a completed review credits its sign-offs.
        articles_services.revision_credit_reviewers(revision, [_credit(reviewer, approved_at)])
        decisions.append(
            ReviewDecision(
                article=article,
                revision=revision,
                review_round=round_number,
                reviewer=reviewer,
                kind=ReviewDecision.Kind.APPROVE,
                checklist=dict.fromkeys(services.REVIEW_CHECKLIST, True),
                created_at=approved_at,
            )
        )
    ReviewDecision.objects.bulk_create(decisions)
    article.current_revision = article.live_revision = revision
    article.next_review_due = revision.next_review_due
    article.save()
    stored_pages.store_live_page(article)  # the live page, stored as a real approval stores it
