"""Against a real Varnish (Debian's varnish, the shipped deploy/varnish/vetted.vcl):
pages are cached by Varnish, and the app's purges reach it when content changes."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pytest_django.live_server_helper import LiveServer

from reviews import services
from tests import factories, tools

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "vetted.vcl"

# A real varnishd per test: left out of `make test-fast`.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _varnishd(backend_port: int) -> Iterator[str]:
    """varnishd with the shipped VCL in front of `backend_port`; yields its base URL."""
    binary = shutil.which("varnishd") or "/usr/sbin/varnishd"
    if not Path(binary).exists():
        tools.missing("varnishd (Debian's varnish)")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="vetted-varnish-") as workdir:
        os.chmod(workdir, 0o755)  # varnishd drops privileges to read its files
        vcl = Path(workdir) / "vetted.vcl"
        vcl.write_text(VCL.read_text().replace('.port = "8000"', f'.port = "{backend_port}"'))
        vcl.chmod(0o644)
        process = subprocess.Popen(
            [binary, "-F", "-f", str(vcl), "-a", f"127.0.0.1:{port}", "-n", workdir,
             "-s", "malloc,32m", "-p", "ban_lurker_sleep=0.05"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base, process)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _purged_by_the_app(settings, base: str) -> None:
    settings.SITE_URL = base
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    settings.VETTED_FRONTEND_CACHE = [
        {"BACKEND": "caching.frontend.VarnishBackend", "LOCATION": base}
    ]
    settings.VETTED_PURGE_REPEAT_SECONDS = 0


@pytest.fixture
def varnish(live_server, settings):
    """varnishd in front of the live server, purged by the app; yields its base URL."""
    with _varnishd(urlsplit(live_server.url).port) as base:
        _purged_by_the_app(settings, base)
        yield base


@pytest.fixture
def varnish_before_tls_site(settings):
    """varnishd in front of a server set up as in production behind TLS: a plain-HTTP
    request is redirected to HTTPS (SECURE_SSL_REDIRECT); X-Forwarded-Proto says which
    protocol the reader used. Yields Varnish's base URL."""
    settings.SECURE_SSL_REDIRECT = True  # read when the server builds its middleware
    server = LiveServer("127.0.0.1")
    try:
        with _varnishd(urlsplit(server.url).port) as base:
            _purged_by_the_app(settings, base)
            yield base
    finally:
        server.stop()


def _wait_for(base: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited: {process.stdout.read().decode()}")
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("varnishd did not start")


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _get_once(base: str, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
    """One request, redirects not followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_varnish_caches_pages_and_the_app_purges_them(varnish, writer, reviewer, editor):
    source = factories.ReferenceFactory()
    article = factories.publish(
        writer=writer,
        reviewer=reviewer,
        title="Cramps: version one",
        body=f"Stretch first [@{source.key}].",
    )
    url = varnish + article.get_absolute_url()

    status, headers, body = _get(url)
    assert status == 200 and "Cramps: version one" in body
    status, headers, body = _get(url, Cookie="audience=professional; vetted_reader=abc")
    assert headers["X-Cache"] == "HIT", "readers' cookies must not split the cache"
    assert "Cache-Tag" not in headers
    assert _get(varnish + "/")[1]["X-Cache"] in ("MISS", "HIT")
    assert _get(varnish + "/")[1]["X-Cache"] == "HIT"

    # A new revision is approved: the next request through Varnish shows it.
    factories.approve_edit(article, writer=writer, reviewer=reviewer, title="Cramps: version two")
    status, headers, body = _get(url)
    assert status == 200
    assert "Cramps: version two" in body and "Cramps: version one" not in body
    assert "Cramps: version two" in _get(varnish + "/")[2]

    # Archived: the URL answers 410 through Varnish at once, in both audiences.
    assert _get(url)[1]["X-Cache"] == "HIT"
    services.article_archive(article=article, user=editor, reason="Superseded")
    status, headers, body = _get(url)
    assert status == 410
    assert "has been withdrawn" in body
    assert _get(varnish + article.get_absolute_url() + "professional/")[0] == 410
    assert "Cramps: version two" not in _get(varnish + "/")[2]


def test_a_retraction_reaches_readers_through_varnish(varnish, writer, reviewer):
    source = factories.ReferenceFactory()
    article = factories.publish(writer=writer, reviewer=reviewer, body=f"A claim [@{source.key}].")
    url = varnish + article.get_absolute_url()
    _get(url)
    assert _get(url)[1]["X-Cache"] == "HIT"
    source.retracted = True
    source.save()
    _, headers, body = _get(url)
    assert headers["X-Cache"] == "MISS"
    assert "[Retracted]" in body


def test_staff_pass_through_varnish_and_are_never_cached(varnish, approved, client, editor):
    client.force_login(editor)
    session = client.cookies["sessionid"].value
    url = varnish + approved.get_absolute_url()
    _get(url)
    for _ in range(2):
        status, headers, _ = _get(url, Cookie=f"sessionid={session}")
        assert status == 200
        assert headers["X-Cache"] == "MISS"
        assert "private" in headers["Cache-Control"]
    # ...and what staff were sent did not replace the readers' copy.
    assert _get(url)[1]["X-Cache"] == "HIT"


def test_only_the_app_servers_may_purge(varnish):
    request = urllib.request.Request(varnish + "/", method="BAN")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)  # no tags: refused, changes nothing
    assert refused.value.code == 400


def test_a_plain_http_request_never_sends_https_readers_in_a_redirect_loop(
    varnish_before_tls_site, writer, reviewer
):
    """The redirect to HTTPS that a plain-HTTP reader gets is not served from cache to
    HTTPS readers of the same URL (a redirect to itself), nor the HTTPS page to
    plain-HTTP readers; a purge drops both."""
    base = varnish_before_tls_site
    article = factories.publish(writer=writer, reviewer=reviewer, title="Cramps: version one")
    path = article.get_absolute_url()
    https = {"X-Forwarded-Proto": "https"}

    status, headers, _ = _get_once(base, path, **{"X-Forwarded-Proto": "http"})
    assert status == 301
    assert headers["Location"] == f"https://{urlsplit(base).netloc}{path}"

    status, headers, body = _get_once(base, path, **https)
    assert status == 200, "an HTTPS reader was sent the plain-HTTP reader's redirect"
    assert "Cramps: version one" in body
    assert _get_once(base, path, **https)[1]["X-Cache"] == "HIT"
    # ...and the cached HTTPS page is not what plain-HTTP readers get.
    assert _get_once(base, path, **{"X-Forwarded-Proto": "http"})[0] == 301
    assert _get_once(base, path)[0] == 301

    factories.approve_edit(article, writer=writer, reviewer=reviewer, title="Cramps: version two")
    status, _, body = _get_once(base, path, **https)
    assert status == 200 and "Cramps: version two" in body
    assert _get_once(base, path)[0] == 301
