"""A database outage, real and not mocked: the site served by gunicorn, as in
production, against a PostgreSQL port nothing listens on, a server that
accepts and never answers, and a query stuck behind a lock. Every page, feed
and API answer is a 503 with Retry-After, in the reader's language, and a
stalled database fails fast into it instead of holding the worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django.test import SimpleTestCase, TestCase

from decisions.problems import UNAVAILABLE

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url_for_tests() -> str:
    """The test run's own database, as a URL another process can use."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = quote(db["HOST"] or "", safe="")
    return f"postgres://{user}{password}@{host}:{db['PORT']}/{db['NAME']}"


@contextmanager
def web_server(**env: str) -> Iterator[str]:
    """gunicorn with the production configuration, one worker, on a free
    port, with `env` added; yields its base URL."""
    port = free_port()
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    }
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "portal.wsgi"],
        cwd=ROOT,
        env={
            **base,
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "1",
            # Long enough for a connect timeout, short enough that a request
            # that hangs on the database is killed and the test sees no answer.
            "GUNICORN_TIMEOUT": "20",
            "DEBUG": "false",
            "PAGE_CACHE": "off",
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=5).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(
        url, method=method, data=b"" if method == "POST" else None
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


# Every kind of answer: pages in both languages, search (whose rate limit
# counts in the database), feeds, the API and the sitemap.
PAGES = [
    "/",
    "/sok/?q=skola",
    "/sjobacka-kommun/",
    "/sjobacka-kommun/kommunstyrelsen/2024-03-11/paragraf-1/",
    "/sjobacka-kommun/feed/",
    "/sok/feed/?q=skola",
    "/sitemap.xml",
]
ENGLISH = ["/en/", "/en/sok/?q=school", "/en/sjobacka-kommun/feed/"]
API = ["/api/v1/paragrafer/", "/api/v1/kommuner/?kommun=x", "/api/v1/sammantraden/"]


class OutageTests(SimpleTestCase):
    def assert_unavailable(self, url: str, method: str = "GET") -> tuple[dict, str]:
        status, headers, body = fetch(url, method)
        self.assertEqual(status, 503, (url, body[:300]))
        self.assertGreater(int(headers["Retry-After"]), 0)
        self.assertEqual(headers["Cache-Control"], "no-store")
        return headers, body

    def assert_every_answer_is_503(self, base: str) -> None:
        for path in PAGES:
            with self.subTest(path):
                headers, body = self.assert_unavailable(base + path)
                self.assertIn("text/html", headers["Content-Type"])
                self.assertIn('<html lang="sv">', body)
                self.assertIn("Arkivet är inte tillgängligt just nu", body)
        for path in ENGLISH:
            with self.subTest(path):
                _, body = self.assert_unavailable(base + path)
                self.assertIn('<html lang="en">', body)
                self.assertIn("The archive is not available right now", body)
        for path in API:
            with self.subTest(path):
                headers, body = self.assert_unavailable(base + path)
                self.assertEqual(headers["Content-Type"], "application/problem+json")
                problem = json.loads(body)
                self.assertEqual(
                    (problem["status"], problem["title"]), (503, UNAVAILABLE.title)
                )
                self.assertIn("databasen", problem["detail"])
        # A POST passes the page cache and meets the rate limit's count first.
        self.assert_unavailable(base + "/sok/?q=skola", "POST")
        self.assert_unavailable(base + "/api/v1/paragrafer/", "POST")
        # The health checks say it as they do.
        self.assertEqual(fetch(base + "/healthz")[0], 200)
        self.assertEqual(fetch(base + "/readyz")[0], 503)

    def test_a_database_nobody_listens_on_is_a_503_everywhere(self):
        nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/oppna_beslut"
        with web_server(DATABASE_URL=nowhere) as base:
            self.assert_every_answer_is_503(base)

    def test_a_database_that_never_answers_is_a_503_not_a_hung_worker(self):
        # Accepts connections (the kernel does, from the backlog) and never
        # says a word: without a connect timeout each request would wait
        # until gunicorn killed its worker, and get no answer at all.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(64)
            port = silent.getsockname()[1]
            with web_server(
                DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/oppna_beslut",
                DATABASE_CONNECT_TIMEOUT="2",
            ) as base:
                for path in ["/", "/en/", "/api/v1/paragrafer/", "/sok/feed/"]:
                    with self.subTest(path):
                        self.assert_unavailable(base + path)


class StatementTimeoutTests(TestCase):
    def test_a_query_stuck_behind_a_lock_is_cut_and_answered_503(self):
        with web_server(
            DATABASE_URL=database_url_for_tests(), DATABASE_STATEMENT_TIMEOUT="1s"
        ) as base:
            self.assertEqual(fetch(base + "/api/v1/kommuner/")[0], 200)
            # As a migration rebuilding the table would: every reader waits.
            with connection.cursor() as cursor:
                cursor.execute(
                    "LOCK TABLE decisions_archivestate IN ACCESS EXCLUSIVE MODE"
                )
            for path in ["/", "/en/", "/api/v1/kommuner/"]:
                with self.subTest(path):
                    status, headers, _ = fetch(base + path)
                    self.assertEqual(status, 503, path)
                    self.assertIn("Retry-After", headers)

    def show_statement_timeout(self, **env: str) -> str:
        done = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                "from django.db import connection\n"
                "with connection.cursor() as c:\n"
                "    c.execute('SHOW statement_timeout')\n"
                "    print(c.fetchone()[0])",
            ],
            cwd=ROOT,
            env={
                **{
                    k: v
                    for k, v in os.environ.items()
                    if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "OPPNA_BESLUT_PROCESS")
                },
                "DATABASE_URL": database_url_for_tests(),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout.strip().splitlines()[-1]

    def test_commands_run_without_the_webs_statement_timeout(self):
        # migrate, ingest and dump_archive may run a statement for minutes.
        self.assertEqual(
            self.show_statement_timeout(DATABASE_STATEMENT_TIMEOUT="1s"), "0"
        )
        self.assertEqual(
            self.show_statement_timeout(DATABASE_COMMAND_STATEMENT_TIMEOUT="10min"),
            "10min",
        )


class FreezableProxy:
    """A TCP port in front of the test database that can stop passing bytes
    either way, as a server stopped (SIGSTOP) or cut off by the network
    does: the connection stays open, and a query gets no answer at all,
    not even statement_timeout's."""

    def __init__(self, target: tuple[str, int]) -> None:
        host, port = target
        self.target = (
            (socket.AF_UNIX, f"{host}/.s.PGSQL.{port}")
            if host.startswith("/")
            else (socket.AF_INET, (host or "127.0.0.1", port))
        )
        self.frozen = threading.Event()
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            family, address = self.target
            server = socket.socket(family)
            server.connect(address)
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.frozen.is_set():
                    time.sleep(0.05)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            # One side gone: so is the other (the test database is dropped
            # only once no session is left).
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


class FrozenDatabaseTests(TestCase):
    def test_a_database_frozen_under_a_kept_connection_is_a_503_not_a_hang(self):
        db = connection.settings_dict
        proxy = FreezableProxy((db["HOST"] or "", int(db["PORT"] or 5432)))
        self.addCleanup(proxy.close)
        user = quote(db["USER"] or "")
        password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        url = f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{db['NAME']}"
        with web_server(
            DATABASE_URL=url,
            CONN_MAX_AGE="600",
            DATABASE_CLIENT_TIMEOUT="2",
            GUNICORN_TIMEOUT="20",
        ) as base:
            # The worker's connection is open and kept between requests.
            self.assertEqual(fetch(base + "/api/v1/kommuner/")[0], 200)
            proxy.frozen.set()
            # Cut by the client at its deadline, before gunicorn would kill
            # the worker (and the reader would get no answer at all).
            status, headers, _ = fetch(base + "/api/v1/kommuner/")
            self.assertEqual(status, 503)
            self.assertIn("Retry-After", headers)
            # Once the database answers again, so does the site.
            proxy.frozen.clear()
            self.assertEqual(fetch(base + "/api/v1/kommuner/")[0], 200)
