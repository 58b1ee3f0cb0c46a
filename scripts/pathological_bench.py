"""Bounded rendering, measured: render time per pathological input, and what ten
parallel pathological previews do to readers.

1. Renders every text of tests/security/pathological.py (the issue's corpus and texts
   at each cap) as an article's body and professional section at once, parse cache
   cleared, and prints the slowest; then parses its pathological pasted citations
   (NLM_UNITS, at the length limit). The tests bound the same inputs by work counted
   (tests/work.py); this prints the seconds.
2. Serves the site with gunicorn (3 workers, as `make serve`) on a local port against
   a throwaway copy of the database DATABASE_URL names (PostgreSQL), and measures the
   reader's p95 on an article page: idle, then while 10 clients post previews. Each
   client is its own process with prebuilt requests; each preview text is made unique
   (same length), so the parse cache never helps. Three attacks: a plain word (the
   control), the issue's corpus (refused by the caps), and the slowest text the form
   accepts (rendered in full, within each account's preview rate).

   By default the 10 clients are 10 writer accounts, each previewing again 0.5 s after
   its last answer (markdownx's own minimum interval): ten editors with pathological
   text open. `--pace 0 --accounts 1` is a flood instead: one account, each client
   posting again the moment it is answered.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted_h2 \\
        .venv/bin/python scripts/pathological_bench.py [--seconds 20] [--pace 0.5] \\
        [--accounts 10] [--threads 1] [--client-nice 0]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
# This process makes a test database and switches to it: a connection pool opened on the
# first database would keep serving it (seed and sessions in one place, the server in the
# other). The server below keeps its pool, as in production.
os.environ["DATABASE_POOL"] = "0"
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from articles import markdown  # noqa: E402
from references.nlm import CitationParseError, parse_nlm_citation  # noqa: E402
from tests.security.pathological import CORPUS, ISSUE_CORPUS, NLM_UNITS, nlm_text  # noqa: E402

ARTICLE = "/articles/gabapentin-muscle-spasms/"
ATTACKERS = 10


def render_times() -> list[tuple[float, str, str]]:
    rows = []
    for name, text in CORPUS.items():
        markdown._convert_within_limits.cache_clear()
        start = time.perf_counter()
        rendered = markdown.render_article(text, text)
        markdown.markdownify(text)
        seconds = time.perf_counter() - start
        outcome = f"refused: {rendered.refusals[0][:60]}" if rendered.refusals else "rendered"
        rows.append((seconds, name, outcome))
    return sorted(rows, reverse=True)


def nlm_times() -> list[tuple[float, str, str]]:
    rows = []
    for unit in NLM_UNITS:
        text = nlm_text(unit)
        start = time.perf_counter()
        try:
            parse_nlm_citation(text)
            outcome = "parsed"
        except CitationParseError:
            outcome = "refused"
        rows.append((time.perf_counter() - start, repr(unit), outcome))
    return sorted(rows, reverse=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, database_url: str, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        # DEBUG off needs a public address (config.checks); nothing is fetched from it.
        "SITE_URL": os.environ.get("SITE_URL", "https://vetted.example"),
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
        "DATABASE_POOL": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=subprocess.DEVNULL,  # one "Too Many Requests" line per throttled preview
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ARTICLE}", timeout=10)
            return server
        except OSError:  # not listening yet, or still importing
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def reader_p95(base: str, seconds: float) -> tuple[float, float, int]:
    """Sequential reader requests for `seconds`: (p50 ms, p95 ms, requests)."""
    timings = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        with urllib.request.urlopen(base + ARTICLE, timeout=60) as response:
            response.read()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(timings)


def _attacker(port, sessions: list[str], texts: list[str], stop, results, nice, pace) -> None:
    """One client posting previews back to back, in its own process so that its CPU
    and the GIL do not slow the reader's timings; requests are prebuilt bytes."""
    if nice:
        os.nice(nice)  # the clients' own CPU yields to the server's, as remote clients' would
    token = secrets.token_hex(16)  # an unmasked CSRF secret: cookie and header agree
    # Unique per request (the parse cache never helps) and no longer than the original:
    # the last 10 characters give way to "\n\n" and 8 random hex digits.
    bodies = [urllib.parse.urlencode({"content": text[:-10]}).encode() for text in texts]
    tally: dict[int, int] = {}
    session = sessions[os.getpid() % len(sessions)]
    for body in itertools.cycle(bodies):
        if stop.wait(pace):
            break
        body += f"%0A%0A{secrets.token_hex(4)}".encode()
        head = (
            f"POST /markdownx/markdownify/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: sessionid={session}; csrftoken={token}\r\nX-CSRFToken: {token}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", port), timeout=120) as conn:
            with contextlib.suppress(OSError):  # answered before the body was all sent
                conn.sendall(head + body)
            reply = conn.recv(64)
            while conn.recv(65536):
                pass
        status = int(reply.split()[1]) if reply.startswith(b"HTTP/") else 0
        tally[status] = tally.get(status, 0) + 1
    results.put(tally)


def loaded_p95(port, sessions: list[str], texts: list[str], seconds: float, nice, pace):
    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    attackers = [
        context.Process(target=_attacker, args=(port, sessions, texts, stop, results, nice, pace))
        for _ in range(ATTACKERS)
    ]
    for process in attackers:
        process.start()
    time.sleep(1)  # let the attack reach steady state
    result = reader_p95(f"http://127.0.0.1:{port}", seconds)
    stop.set()
    tally: dict[int, int] = {}
    for _ in attackers:
        for status, count in results.get(timeout=180).items():
            tally[status] = tally.get(status, 0) + count
    for process in attackers:
        process.join()
    return (*result, tally)


def writer_session(username: str) -> str:
    """A logged-in writer's session cookie value (sessions live in the database)."""
    from tests import factories  # noqa: PLC0415  (test factories only once Django is set up)

    client = Client()
    client.force_login(factories.writer(username=username))
    return client.cookies["sessionid"].value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="per reader measurement")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument(
        "--pace",
        type=float,
        default=0.5,
        help="seconds each client waits between previews (markdownx waits at least 0.5)",
    )
    parser.add_argument(
        "--accounts", type=int, default=10, help="writer accounts the 10 clients share"
    )
    parser.add_argument(
        "--client-nice",
        type=int,
        default=0,
        help="run the 10 preview clients at this nice level (they share this machine's CPU)",
    )
    args = parser.parse_args()

    print("1. Render time per input (body and professional section, parse cache cleared)")
    rows = render_times()
    for seconds, name, outcome in rows:
        print(f"   {seconds * 1000:8.1f} ms  {name:<34} {outcome}")
    print(f"   slowest: {rows[0][1]!r} in {rows[0][0] * 1000:.1f} ms")
    print("   Pasted citations at the length limit (references.nlm):")
    for seconds, unit, outcome in nlm_times():
        print(f"   {seconds * 1000:8.1f} ms  {unit:<34} {outcome}")

    if connection.vendor != "postgresql":
        print("2. Skipped: set DATABASE_URL to a PostgreSQL database for the load test.")
        return
    setup_test_environment()
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    server = None
    try:
        settings.DEBUG = True  # seed_demo is dev-only
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        settings.DEBUG = False
        slowest_accepted = next(CORPUS[n] for _, n, outcome in rows if outcome == "rendered")
        attacks = {
            # The peer: the same flood of previews of one plain word.
            "a plain word (control)": ["Hello, world"],
            "issue corpus": list(ISSUE_CORPUS.values()),
            "slowest accepted text": [slowest_accepted],
        }
        # Fresh writer accounts per attack, so each starts with a fresh preview budget.
        sessions = {
            label: [writer_session(f"attacker{i}-{j}") for j in range(args.accounts)]
            for i, label in enumerate(attacks)
        }
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        port = free_port()
        server = start_gunicorn(port, url, args.threads)
        base = f"http://127.0.0.1:{port}"
        reader_p95(base, 2)  # warm the workers
        print(
            f"2. Reader p95 on {ARTICLE}, gunicorn 3 workers x {args.threads} thread(s), "
            f"{args.seconds:.0f} s each; 10 clients ({args.accounts} writer account(s)) each "
            f"posting a preview {args.pace} s after the last was answered"
        )
        # Each attack is paired with an idle measurement just before it: the machine is
        # shared, and its load drifts over minutes.
        for label, texts in attacks.items():
            idle = reader_p95(base, args.seconds)
            p50, p95, n, tally = loaded_p95(
                port, sessions[label], texts, args.seconds, args.client_nice, args.pace
            )
            verdict = "under" if p95 < 2 * idle[1] else "OVER"
            print(f"   {label}:")
            print(
                f"     idle        p50 {idle[0]:6.1f} ms  p95 {idle[1]:6.1f} ms  ({idle[2]} reads)"
            )
            print(f"     10 previews p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({n} reads)"
                  f"  -> p95 {p95 / idle[1]:.2f}x idle ({verdict} 2x); previews by status "
                  f"{dict(sorted(tally.items()))}")  # fmt: skip
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
