"""The editor's citation picker at 100,000 sources: its search endpoint against a bare peer.

    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_citation_search.py [--sources 100000]

Uses (and keeps) the database `<DATABASE_URL's name>_cite`, migrated and filled with
--sources references (a later run with more adds the difference). Each query is sent to
/admin/references/reference/cite/search/ through Django's test client as a signed-in
writer, 20 times warm; the peer is the same client fetching the admin's bare
"view on site" 404 (sign-in, session and middleware, and no search), so the ratio is
the cost of the search itself. Prints p50/p95 per query, the ratio, and the plan.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
import warnings

import bench_env
import psycopg

REPO = bench_env.REPO
BASE_URL, BENCH_URL = bench_env.use_production_settings(
    script="bench_citation_search", database_suffix="_cite"
)

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from people import roles  # noqa: E402
from references import selectors  # noqa: E402
from references.models import Reference  # noqa: E402

QUERIES = ["gabapentin", "smith 2019", "neuropathic pain adults", "PMID: 20000123", "wiffen2017",
           "10.5555/bench.20000456", "zzzz-nothing"]  # fmt: skip
# Words the generated titles are made of (the first of them also as authors' names).
WORDS = ["gabapentin", "pregabalin", "neuropathic", "pain", "adults", "children", "trial",
         "cohort", "migraine", "sleep", "asthma", "diabetes", "insulin", "statin", "aspirin",
         "cancer", "screening", "vaccine", "influenza", "depression", "anxiety",
         "exercise"]  # fmt: skip
FAMILIES = ["Smith", "Jones", "Wiffen", "Derry", "Moore", "Garcia", "Chen", "Okafor", "Raman",
            "Müller", "Nguyen", "Kowalski", "Haddad", "Silva", "Brown", "Tanaka"]  # fmt: skip


def ensure_database() -> None:
    name = BENCH_URL.rsplit("/", 1)[1]
    with psycopg.connect(BASE_URL, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO, env={**os.environ, "DATABASE_URL": BENCH_URL}, check=True,
    )  # fmt: skip


def seed(total: int) -> None:
    have = Reference.objects.count()
    if have >= total:
        return
    print(f"Adding {total - have:,} sources …", flush=True)
    start = time.perf_counter()
    words, families = len(WORDS), len(FAMILIES)
    f, w = "(%(f)s::text[])", "(%(w)s::text[])"
    with connection.cursor() as cursor:
        # One statement: titles, authors and journals drawn from the lists by the row number.
        cursor.execute(
            f"""
            INSERT INTO references_reference
              (key, kind, author, title, container_title, publisher, year, month_printed,
               volume, issue, page, doi, pmid, pmcid, url, retracted, last_check_outcome,
               created_at, updated_at)
            SELECT 'bench' || n, 'research',
              jsonb_build_array(
                jsonb_build_object('family', {f}[1 + n %% {families}], 'given', 'AB'),
                jsonb_build_object('family', {f}[1 + (n / 7) %% {families}], 'given', 'C')),
              initcap({w}[1 + n %% {words}]) || ' and ' || {w}[1 + (n / 3) %% {words}]
                || ' in ' || {w}[1 + (n / 11) %% {words}] || ': study ' || n,
              'J Bench Med ' || (n %% 40), '', 1980 + n %% 45, '', '', '', '',
              '10.5555/bench.' || (20000000 + n), (20000000 + n)::text, '', '', false, '',
              now(), now()
            FROM generate_series(%(start)s, %(end)s) AS n
            """,
            {"f": FAMILIES, "w": WORDS, "start": have + 1, "end": total},
        )
        cursor.execute("ANALYZE references_reference")
    print(f"… in {time.perf_counter() - start:.1f} s", flush=True)


def timed(client: Client, url: str, params: dict, runs: int = 20) -> list[float]:
    client.get(url, params)  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code in (200, 404), response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=100_000)
    args = parser.parse_args()
    ensure_database()
    seed(args.sources)
    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the peer's 404s
    user, _ = get_user_model().objects.get_or_create(username="bench-writer", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.WRITERS))
    client = Client()
    client.force_login(user)
    search = reverse("admin:references_reference_cite_search")
    peer = timed(client, "/admin/r/1/0/", {})
    peer_p50 = statistics.median(peer)
    print(f"{Reference.objects.count():,} sources; peer (signed-in admin 404): "
          f"p50 {peer_p50:.1f} ms")  # fmt: skip
    print(f"{'query':<28} {'results':>7} {'p50 ms':>8} {'p95 ms':>8} {'x peer':>7}")
    for query in QUERIES:
        times = timed(client, search, {"q": query})
        found = len(client.get(search, {"q": query}).json()["results"])
        p50, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
        print(f"{query:<28} {found:>7} {p50:>8.1f} {p95:>8.1f} {p50 / peer_p50:>7.2f}")
    with connection.cursor() as cursor:
        query = Reference.objects.annotate(
            haystack=selectors.RawSQL(selectors.SEARCH_SQL, [])
        ).filter(haystack__contains="NEUROPATHIC")
        sql, params = query.order_by("-year")[:20].query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        print("Plan of one word:\n  " + "\n  ".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
