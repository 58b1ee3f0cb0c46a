"""Vetted at publisher scale: p50/p95 and SQL queries of the pages readers and editors open.

    make bench-scale                       # 10,000 articles
    make bench-scale ARTICLES=100000       # seeding 100,000 takes a while the first time

Needs PostgreSQL: it uses (and keeps) the database `<DATABASE_URL's name>_scale`, filled
by `manage.py seed_scale` up to --articles (a later run with more articles adds the
difference). Pages are fetched in process through Django's test client with the page
cache off, so every figure is the work of rendering the page, warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings

import bench_env
import psycopg

REPO = bench_env.REPO
BASE_URL, SCALE_URL = bench_env.use_production_settings(
    script="bench_scale",
    database_suffix="_scale",
    database_url=os.environ.get("SCALE_DATABASE_URL", ""),
    VETTED_PAGE_CACHE="0",
)

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from articles.models import Article, LivePage, Topic  # noqa: E402
from people import roles  # noqa: E402

# At least 20 varied queries: the commonest words and phrases, rare drugs, prefixes,
# alternatives, exclusions, filters and a misspelling.
SEARCHES = [
    "pain",
    '"kidney disease"',
    "diabetes",
    "migraine",
    "gabapentin",
    "treatment",
    "side effects",
    '"side effects"',
    "pain relief",
    "asthma children",
    "gaba*",
    "metformin OR insulin",
    "pain -children",
    "sleep apnoea",
    "atrial fibrillation warfarin",
    "high blood pressure",
    "migrane",
    "colchicine gout",
    "levothyroxine",
    '"heart failure" furosemide',
    "doctor",
    "quinine cramps",
]
ROUNDS = 30


def _database_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?", 1)[0]


def ensure_database() -> None:
    name = _database_name(SCALE_URL)
    admin = BASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(articles: int) -> None:
    env = {**os.environ, "DEBUG": "1"}
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "seed_scale", "--articles", str(articles)], env=env, check=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after a large load


def measure(client: Client, url: str) -> tuple[int, float, float, int, int]:
    client.get(url)  # warm: templates, caches, the database's own buffers
    reset_queries()  # every request start resets the log the capture slices
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Counted now: the capture slices the connection's log, which the next request resets.
    query_count = len(queries)
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return (
        response.status_code,
        statistics.median(timings),
        p95,
        query_count,
        len(response.content),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--no-seed", action="store_true", help="measure the database as it is")
    args = parser.parse_args()
    ensure_database()
    if not args.no_seed:
        seed(args.articles)
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    live = LivePage.objects.listed().count()
    scale_articles = Article.objects.filter(slug__startswith="scale-").count()
    reader = Client()
    editor = Client()
    editor.force_login(_editor())
    board = Client()
    board.force_login(get_user_model().objects.filter(username="scale-reviewer-0").get())
    topic = Topic.objects.get(slug="pain")
    deep_topic_page = max(1, LivePage.objects.listed().filter(topic=topic).count() // 10 // 2)
    pages: list[tuple[str, Client, str]] = [
        *((f"search {q}", reader, f"/search/?q={q}") for q in SEARCHES),
        ("search pain, topic filter", reader, f"/search/?q=pain&topic={topic.slug}"),
        ("search pain, page 5", reader, "/search/?q=pain&page=5"),
        ("/sitemap.xml (index)", reader, "/sitemap.xml"),
        ("/sitemap-articles.xml p1", reader, "/sitemap-articles.xml"),
        (
            "/sitemap-articles.xml last",
            reader,
            f"/sitemap-articles.xml?p={max(1, -(-live // 5000))}",
        ),
        ("/feeds/articles.atom", reader, "/feeds/articles.atom"),
        ("/ (home)", reader, "/"),
        ("/topics/", reader, "/topics/"),
        ("topic page 1", reader, topic.get_absolute_url()),
        (
            f"topic page {deep_topic_page}",
            reader,
            f"{topic.get_absolute_url()}?page={deep_topic_page}",
        ),
        ("reviewer profile", reader, "/advisory-board/scale-reviewer-0/"),
        ("article page", reader, "/articles/scale-7/"),
        ("admin changelist (editor)", editor, "/admin/articles/article/"),
        ("admin changelist search", editor, "/admin/articles/article/?q=migraine"),
        ("admin review queue (board)", board, "/admin/articles/article/queue/"),
        ("editor dashboard", editor, "/admin/articles/article/dashboard/"),
        ("due report", editor, "/admin/articles/article/due/?days=30"),
    ]
    print(f"{live:,} live articles ({scale_articles:,} seeded); PostgreSQL; page cache off;")
    print(f"{ROUNDS} warm requests per page through the test client")
    header = f"{'page':<38}{'status':>7}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'kB':>7}"
    print(header)
    print("-" * len(header))
    worst_search = 0.0
    for name, client, url in pages:
        status, p50, p95, queries, size = measure(client, url)
        if name.startswith("search"):
            worst_search = max(worst_search, p95)
        print(f"{name[:37]:<38}{status:>7}{queries:>8}{p50:>9.1f}{p95:>9.1f}{size / 1000:>7.0f}")
    print()
    print(f"slowest search p95: {worst_search:.1f} ms (goal: < 50 ms); lists < 50 ms;")
    print("sitemap pages < 300 ms; changelist, queue and dashboard < 300 ms.")


def _editor():
    user, created = get_user_model().objects.get_or_create(
        username="scale-editor", defaults={"is_staff": True}
    )
    if created:
        user.groups.add(Group.objects.get(name=roles.EDITORS))
    return user


if __name__ == "__main__":
    main()
