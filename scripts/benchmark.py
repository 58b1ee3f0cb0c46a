"""How fast the public site is, as ratios to a bare Django view measured in the same run.

    make bench                     # uses DATABASE_URL (PostgreSQL for figures that mean something)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted REDIS_URL=redis://127.0.0.1:6379/14 \
        make bench

It builds a throwaway database (test_<name>) with the demo content and three articles
published through the real workflow (2, 20 and 50 sources; the 20-source one is about
1,270 words), then:

1. in process: SQL queries and microseconds per request for each page, through the
   full middleware stack (Django's WSGI handler, DEBUG off), with the page cache off
   ("uncached") and on ("cached");
2. over HTTP: two gunicorn servers with the same settings (2 sync workers, DEBUG off),
   one with the page cache off and one with it on, each also serving a bare Django
   view (`/bench/bare/`, the same middleware). Rounds are interleaved: in each round
   every page and the bare view are loaded for a few seconds with wrk (or, without
   wrk, a bounded Python load generator), and each page's requests per second are
   divided by the bare view's on the same server in the same round. The median ratio
   over the rounds is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import warnings
from collections.abc import Callable
from io import StringIO
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

# Production behaviour, measured without throttling (one client hammering is the point).
BENCH_ENV = {
    # Production's settings, with a bare view beside the site (scripts/bench_settings.py).
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-not-secret"),
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    # DEBUG off needs a public address (config.checks); nothing is fetched from it.
    "SITE_URL": os.environ.get("SITE_URL", "https://vetted.example"),
    "SECURE_SSL_REDIRECT": "0",
    "RATELIMIT_ENABLE": "0",
    "VETTED_WEB": "1",
    "LOG_LEVEL": "ERROR",
    "VARNISH_URLS": "",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}
os.environ.update(BENCH_ENV)
os.environ.setdefault("VETTED_PAGE_CACHE", "0")

import django  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts import reauth  # noqa: E402
from articles.models import Article, Topic  # noqa: E402
from references.models import Reference  # noqa: E402
from reviews import services  # noqa: E402

WORKERS = 2
CONNECTIONS = 16
HEADERS = {"Accept-Encoding": "gzip"}  # as browsers ask


# --- content ---------------------------------------------------------------------

SENTENCES = [
    "Gabapentin is an anticonvulsant that is also used for neuropathic pain",
    "Muscle cramps are sudden, involuntary contractions that usually pass within minutes",
    "Most people who take the medicine at the usual dose have no serious side effects",
    "Dizziness and drowsiness are the commonest complaints in the first weeks of treatment",
    "Kidney function determines the dose, so a blood test may come before the prescription",
    "Stopping suddenly can cause withdrawal symptoms, so the dose is reduced over a week",
    "Stretching the calf before sleep reduces night cramps for some people",
    "A pharmacist can check for interactions with opioids, antacids and alcohol",
    "Swelling of the ankles is reported by a minority of people and is usually mild",
    "Seek urgent help for breathing difficulty, a rash with fever, or thoughts of self-harm",
]


def _body(keys: list[str], words: int) -> str:
    rng = random.Random(7)
    paragraphs, count, cited = [], 0, 0
    while count < words:
        sentences = []
        for _ in range(4):
            sentence = rng.choice(SENTENCES)
            count += len(sentence.split())
            sentences.append(f"{sentence} [@{keys[cited % len(keys)]}].")
            cited += 1
        paragraphs.append(" ".join(sentences))
        if len(paragraphs) % 3 == 0:
            paragraphs.append(f"## Section {len(paragraphs) // 3}")
    # Every source is cited at least once.
    paragraphs.append(" ".join(f"See also [@{key}]." for key in keys))
    return "\n\n".join(paragraphs)


def publish_article(n_sources: int, *, slug: str, words: int) -> str:
    users = {u.username: u for u in get_user_model().objects.all()}
    refs = [
        Reference.objects.create(
            key=f"{slug}-src{i}",
            title=f"Randomised trial {i} of a treatment for neuropathic pain in adults",
            container_title="BMJ",
            year=2015 + i % 10,
            volume=str(300 + i),
            page=f"{100 + i}-{110 + i}",
            pmid=str(90_000_000 + n_sources * 1000 + i),
            author=[{"family": "Doe", "given": "J"}, {"family": "Roe", "given": "RA"}],
        )
        for i in range(n_sources)
    ]
    article = Article.objects.create(
        title=f"Benchmark article citing {n_sources} sources",
        slug=slug,
        summary="What the evidence says about a common medicine and its side effects.",
        body=_body([ref.key for ref in refs], words),
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


def build_site() -> dict[str, str]:
    settings.DEBUG = True  # seed_demo is dev-only
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False

    return {
        "article, 20 sources": publish_article(20, slug="bench-20", words=1270),
        "article, 2 sources": publish_article(2, slug="bench-2", words=300),
        "article, 50 sources": publish_article(50, slug="bench-50", words=1500),
        "home": "/",
        "topic page": Topic.objects.get(slug="medicines").get_absolute_url(),
        "search 'gabapentin'": "/search/?q=gabapentin",
    }


# --- in process --------------------------------------------------------------------


def _environ(path: str) -> dict:
    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": HEADERS["Accept-Encoding"],
        "wsgi.url_scheme": "http",
        "wsgi.input": StringIO(),
        "wsgi.errors": sys.stderr,
    }


def in_process(handler: WSGIHandler, path: str, *, rounds: int) -> tuple[int, float, int]:
    """(status, µs per request, SQL queries) through the whole middleware stack."""
    statuses: list[str] = []

    def start_response(status: str, headers: list) -> None:
        statuses.append(status)

    def call() -> None:
        response = handler(_environ(path), start_response)
        b"".join(response)
        response.close()

    for _ in range(20):
        call()
    with CaptureQueriesContext(connection) as queries:
        call()
    n_queries = len(queries)
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(rounds):
            call()
        samples.append((time.perf_counter() - start) / rounds * 1e6)
    return int(statuses[-1].split()[0]), statistics.median(samples), n_queries


# --- over HTTP -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(database_url: str, *, page_cache: bool) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "VETTED_PAGE_CACHE": "1" if page_cache else "0",
        "PYTHONPATH": f"{REPO / 'scripts'}:{REPO}",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/bench/bare/", timeout=1).read()
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gunicorn did not start")


def _wrk(url: str, seconds: float) -> float:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s"]
    for name, value in HEADERS.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rate = next(line for line in out.splitlines() if line.startswith("Requests/sec:"))
    if "Non-2xx" in out:
        raise SystemExit(f"{url} answered errors under load:\n{out}")
    return float(rate.split()[1])


def _python_load(url: str, seconds: float) -> float:
    """A bounded load generator for machines without wrk: CONNECTIONS threads."""
    deadline = time.perf_counter() + seconds
    counts = [0] * CONNECTIONS

    def worker(i: int) -> None:
        request = urllib.request.Request(url, headers=HEADERS)
        while time.perf_counter() < deadline:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def load(url: str, seconds: float) -> float:
    generator: Callable[[str, float], float] = _wrk if shutil.which("wrk") else _python_load
    return generator(url, seconds)


def over_http(
    database_url: str, pages: dict[str, str], *, rounds: int, seconds: float
) -> dict[tuple[str, str], list[float]]:
    servers = {
        "uncached": start_gunicorn(database_url, page_cache=False),
        "cached": start_gunicorn(database_url, page_cache=True),
    }
    ratios: dict[tuple[str, str], list[float]] = {}
    rates: dict[tuple[str, str], list[float]] = {}
    try:
        for _, base in servers.values():
            for path in [*pages.values(), "/bench/bare/"]:
                load(base + path, 1)  # warm: templates, connections, the page cache
        for round_number in range(rounds):
            for mode, (_, base) in servers.items():
                order = list(pages.items())
                random.Random(round_number).shuffle(order)
                bare_before = load(base + "/bench/bare/", seconds)
                measured = {name: load(base + path, seconds) for name, path in order}
                bare = (bare_before + load(base + "/bench/bare/", seconds)) / 2
                rates.setdefault(("bare", mode), []).append(bare)
                for name, rate in measured.items():
                    rates.setdefault((name, mode), []).append(rate)
                    ratios.setdefault((name, mode), []).append(rate / bare)
    finally:
        for process, _ in servers.values():
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
    return {
        key: [statistics.median(rates[key]), statistics.median(values)]
        for key, values in ratios.items()
    } | {("bare", mode): [statistics.median(rates[("bare", mode)]), 1.0] for mode in servers}


# --- report ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved HTTP rounds")
    parser.add_argument("--seconds", type=float, default=3.0, help="load per page per round")
    parser.add_argument("--in-process", type=int, default=300, help="requests per sample")
    args = parser.parse_args()

    # Served as in production: compressed, fingerprinted static files (as `make serve`).
    call_command("collectstatic", interactive=False, verbosity=0)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    test_url = _database_url(connection.settings_dict["NAME"])
    try:
        pages = build_site()
        handler = WSGIHandler()
        print(f"database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND']}")
        print(
            f"load: {'wrk' if shutil.which('wrk') else 'Python threads'}, {CONNECTIONS} "
            f"connections, gunicorn {WORKERS} sync workers, "
            f"{args.rounds} interleaved rounds of {args.seconds:g} s per page"
        )
        in_proc: dict[tuple[str, str], tuple[int, float, int]] = {}
        for mode, enabled in (("uncached", False), ("cached", True)):
            settings.VETTED_PAGE_CACHE = enabled
            cache.clear()
            for name, path in {"bare": "/bench/bare/", **pages}.items():
                in_proc[(name, mode)] = in_process(handler, path, rounds=args.in_process)
        settings.VETTED_PAGE_CACHE = False
        connection.close()
        http = (
            over_http(test_url, pages, rounds=args.rounds, seconds=args.seconds) if test_url else {}
        )
        _print_table(["bare", *pages], in_proc, http)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _database_url(name: str) -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("Over-HTTP figures need PostgreSQL (set DATABASE_URL); in-process figures only.")
        return None
    return url.rsplit("/", 1)[0] + "/" + name


def _print_table(names: list[str], in_proc: dict, http: dict) -> None:
    header = (
        f"{'page':<22}{'status':>7}{'queries':>8}{'µs/req':>9}{'µs cached':>10}"
        f"{'req/s':>9}{'× bare':>8}{'req/s cached':>13}{'× bare':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    for name in names:
        status, micros, queries = in_proc[(name, "uncached")]
        _, micros_cached, _ = in_proc[(name, "cached")]
        row = f"{'bare Django view' if name == 'bare' else name:<22}{status:>7}{queries:>8}"
        row += f"{micros:>9.0f}{micros_cached:>10.0f}"
        if http:
            rate, ratio = http[(name, "uncached")]
            rate_cached, ratio_cached = http[(name, "cached")]
            row += f"{rate:>9.0f}{ratio:>8.2f}{rate_cached:>13.0f}{ratio_cached:>8.2f}"
        print(row)
    print()
    print("Goals (issue 8): article uncached ≥ 0.30 × bare and ≤ 1,000 µs with ≤ 2 queries;")
    print("cached ≥ 0.70 × bare; home, topic and search pages held to the same standard.")


if __name__ == "__main__":
    main()
