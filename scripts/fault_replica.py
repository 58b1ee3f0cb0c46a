"""How long readers wait while a database does not answer, measured through gunicorn.

Serves the site as in production (DEBUG off, the psycopg pool, `config.wsgi`) with one
gunicorn worker, against a throwaway copy of DATABASE_URL's database seeded with the demo
content, and times the home page, an article, a topic and a search, twice each:

1. A dead read replica: DATABASE_REPLICA_URL at a closed port (connection refused) and at
   a silent server (accepts the connection, never answers). Every page must answer 200
   from the primary; the first request waits at most DATABASE_REPLICA_CONNECT_TIMEOUT,
   and the rest go straight to the primary while the replica is marked down (goal: no
   page over 2 s).
2. The primary itself unreachable: DATABASE_URL naming a missing database, a closed port
   and a silent server. Every page must be the 503 "back soon" page within
   DATABASE_CONNECT_TIMEOUT (default 5 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vetted \\
        .venv/bin/python scripts/fault_replica.py
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
# This process makes a test database and switches to it; a pool would keep the first.
os.environ["DATABASE_POOL"] = "0"
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from articles.models import Article  # noqa: E402

GOAL_SECONDS = 2.0
READY_PATH = "/static/vetted/favicon.ico"
# Loads the URLs and views, as a worker's first request does, without the database.
WARM_PATH = "/robots.txt"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def silent_server() -> socket.socket:
    """A port that accepts connections (the kernel completes the handshake) and never
    answers: a hung database."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    return server


def with_address(url: str, *, port: int | None = None, name: str | None = None) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc if port is None else f"{parts.netloc.rsplit(':', 1)[0]}:{port}"
    path = parts.path if name is None else f"/{name}"
    return urlunsplit(parts._replace(netloc=netloc, path=path))


def start_gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Ready once the worker has loaded the app: a static file, which reads no database.
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{READY_PATH}", timeout=5).close()
            urllib.request.urlopen(f"http://127.0.0.1:{port}{WARM_PATH}", timeout=5).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def stop(server: subprocess.Popen) -> str:
    """Stops gunicorn; returns what it logged."""
    os.killpg(server.pid, signal.SIGTERM)
    _, errors = server.communicate(timeout=30)
    return errors


def fetch(url: str) -> tuple[int, float]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - start


def run(label: str, env: dict[str, str], pages: list[str], expected: int) -> float:
    """Each page twice in one worker; prints every request; returns the slowest."""
    port = free_port()
    server = start_gunicorn(port, env)
    slowest = 0.0
    try:
        print(f"  {label}")
        for round_ in (1, 2):
            for page in pages:
                status, seconds = fetch(f"http://127.0.0.1:{port}{page}")
                slowest = max(slowest, seconds)
                verdict = "ok" if status == expected else f"EXPECTED {expected}"
                print(f"    {round_}. {page:<44} {status} {seconds * 1000:7.0f} ms  {verdict}")
    finally:
        logged = stop(server)
    lines = logged.splitlines()
    about_replica = [line for line in lines if "replica" in line.lower()]
    print(f"    logged: {len(lines)} line(s), {len(about_replica)} about the replica")
    for line in about_replica[:3]:
        print(f"      {line[:150]}")
    print(f"    slowest: {slowest * 1000:.0f} ms")
    return slowest


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (postgres://…).")
    setup_test_environment()
    # A database of its own, beside the test suite's test_<name>.
    connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_faults"
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    hung = silent_server()
    try:
        settings.DEBUG = True  # seed_demo is dev-only
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        settings.DEBUG = False
        article = Article.objects.live().select_related("topic").first()
        word = article.title.split()[0]
        pages = ["/", article.get_absolute_url(), f"/topics/{article.topic.slug}/"]
        pages.append(f"/search/?q={word}")
        db = connection.settings_dict
        primary = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "0"},
            check=True,
        )
        base_env = {
            **os.environ,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            # DEBUG off needs a public address (config.checks); nothing is fetched from it.
            "SITE_URL": os.environ.get("SITE_URL", "https://vetted.example"),
            "SECURE_SSL_REDIRECT": "0",
            "RATELIMIT_ENABLE": "0",
            "VETTED_PAGE_CACHE": "0",  # every request reads the database
            "LOG_LEVEL": "WARNING",
            "DATABASE_POOL": "1",
            "DATABASE_URL": primary,
        }
        hung_port = hung.getsockname()[1]

        print("1. A dead read replica (pages must answer 200 from the primary)")
        replica_slowest = max(
            run(
                f"replica at a {label}",
                {**base_env, "DATABASE_REPLICA_URL": with_address(primary, port=port)},
                pages,
                expected=200,
            )
            for label, port in (("closed port", free_port()), ("silent server", hung_port))
        )
        verdict = "under" if replica_slowest < GOAL_SECONDS else "OVER"
        print(f"   slowest page with a dead replica: {replica_slowest * 1000:.0f} ms "
              f"({verdict} the {GOAL_SECONDS:.0f} s goal)")  # fmt: skip

        print("2. The primary unreachable (pages must be the 503 page)")
        outages = {
            "missing database": with_address(primary, name="vetted_no_such_database"),
            "closed port": with_address(primary, port=free_port()),
            "silent server": with_address(primary, port=hung_port),
        }
        timeout = float(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
        outage_slowest = max(
            run(label, {**base_env, "DATABASE_URL": url}, pages[:2], expected=503)
            for label, url in outages.items()
        )
        verdict = "within" if outage_slowest <= timeout + 0.5 else "OVER"
        print(f"   slowest 503 page: {outage_slowest * 1000:.0f} ms ({verdict} "
              f"DATABASE_CONNECT_TIMEOUT={timeout:g} s)")  # fmt: skip
    finally:
        hung.close()
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
