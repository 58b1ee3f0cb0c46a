"""Print page timings and SQL query counts for the public site.

Builds a throwaway test database (on whatever DATABASE_URL points at), loads the
demo content plus articles citing 2 and 50 sources, then times requests through
Django's test client (no network, so it measures the app itself).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted .venv/bin/python scripts/benchmark.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")

import django  # noqa: E402

# WhiteNoise notes the absent collectstatic folder; irrelevant to these timings.
warnings.filterwarnings("ignore", message="No directory at")

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROUNDS = 200


def build_cited_article(n_refs: int, *, slug: str) -> str:
    from accounts import reauth
    from articles.models import Article, Topic
    from references.models import Reference
    from reviews import services

    users = {u.username: u for u in django.contrib.auth.get_user_model().objects.all()}
    refs = [
        Reference.objects.create(
            key=f"{slug}-src{i}",
            title=f"Benchmark source {i}",
            container_title="BMJ",
            year=2020,
            pmid=str(90000000 + n_refs * 1000 + i),
            author=[{"family": "Doe", "given": "J"}],
        )
        for i in range(n_refs)
    ]
    body = "\n\n".join(f"Claim {i} [@{ref.key}]." for i, ref in enumerate(refs))
    article = Article.objects.create(
        title=f"Benchmark article with {n_refs} sources",
        slug=slug,
        summary="Benchmark.",
        body=body,
        topic=Topic.objects.get(slug="medicines"),  # one sign-off needed
    )
    article.authors.add(users["writer"])
    services.article_submit(article=article, user=users["writer"])
    services.review_start(article=article, user=users["reviewer"])
    services.review_approve(
        article=article,
        user=users["reviewer"],
        checklist=dict.fromkeys(services.REVIEW_CHECKLIST, True),
        signature=reauth.reauthenticate(user=users["reviewer"], password="vetted-reviewer"),
    )
    return article.get_absolute_url()


def measure(client: Client, url: str) -> tuple[float, float, int, int]:
    client.get(url)  # warm caches and templates
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    n_queries = len(queries)  # read now: later requests clear the log it slices
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return statistics.median(timings), p95, n_queries, status


def main() -> None:
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SECURE_SSL_REDIRECT = False
    settings.RATELIMIT_ENABLE = False  # one client hammering search is the point here
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        settings.DEBUG = True  # seed_demo is dev-only
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        settings.DEBUG = False  # measure production behaviour
        pages = {
            "home": "/",
            "article, 2 sources": build_cited_article(2, slug="bench-2"),
            "article, 50 sources": build_cited_article(50, slug="bench-50"),
            "demo article": "/articles/gabapentin-muscle-spasms/",
        }
        pages.update(extra_pages())
        client = Client()
        print(f"database: {connection.vendor}; {ROUNDS} requests per page (test client)")
        print(f"{'page':<24}{'status':>7}{'queries':>9}{'p50 ms':>9}{'p95 ms':>9}")
        for name, url in pages.items():
            p50, p95, n_queries, status = measure(client, url)
            print(f"{name:<24}{status:>7}{n_queries:>9}{p50:>9.2f}{p95:>9.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def extra_pages() -> dict[str, str]:
    """Public surfaces beyond the article page, where they exist."""
    from django.urls import NoReverseMatch, reverse

    pages = {}
    for name, viewname, query in [
        ("search 'gabapentin'", "articles:search", "?q=gabapentin"),
        ("sitemap.xml", "sitemap", ""),
    ]:
        try:
            pages[name] = reverse(viewname) + query
        except NoReverseMatch:
            continue
    return pages


if __name__ == "__main__":
    main()
