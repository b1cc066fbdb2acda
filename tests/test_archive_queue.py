"""The download stays current by itself: every write that changes what is
published queues a rebuild, which the task queue's real worker
(`manage.py procrastinate worker`) runs, tries again when it fails, and
`make stop` stops with the web server."""

from __future__ import annotations

import datetime
import gzip
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from decisions.download import ARCHIVE_NAME, MANIFEST_NAME, REBUILD_TASK
from decisions.models import Paragraf, VersionCause
from decisions.services import ingest as services
from decisions.services import publishing
from decisions.services.versions import before, keep_versions
from decisions.services.withdrawal import (
    meeting_delete,
    paragraf_delete,
    paragraf_withdraw,
)
from decisions.tasks import rebuild_archive
from tests.factories import SAMPLES, SEEDS, make_municipality, make_namnd

ROOT = Path(__file__).resolve().parent.parent
KS = SAMPLES / "2024-03-11_kommunstyrelsen.txt"


def clear_queue() -> None:
    # The queue's tables are procrastinate's (unmanaged): a transactional
    # test's flush leaves their rows, which would hold the queueing lock.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")


def queued() -> list[tuple[str, int]]:
    """The rebuilds in the queue, as (status, attempts)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts FROM procrastinate_jobs WHERE task_name = %s "
            "ORDER BY id",
            [REBUILD_TASK],
        )
        return list(cursor.fetchall())


def ingest(path: Path) -> services.IngestResult:
    return services.protocol_ingest(source_name=path.name, data=path.read_bytes())


class SchedulingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for path in SEEDS:
            ingest(path)
        cls.kultur = Paragraf.objects.get(number="7")
        town = make_municipality("Sjöbacka kommun")
        cls.ks = make_namnd("Kommunstyrelsen", municipality=town)
        call_command(
            "create_clerk",
            "karl",
            namnd="Sjöbacka kommun/Kommunstyrelsen",
            stdout=io.StringIO(),
        )
        cls.karl = get_user_model().objects.get(username="karl")

    def setUp(self):
        clear_queue()

    def test_a_publish_schedules_a_rebuild_once_it_commits(self):
        upload = publishing.upload_protocol(
            user=self.karl,
            namnd=self.ks,
            meeting_date=datetime.date(2024, 3, 11),
            name=KS.name,
            data=KS.read_bytes(),
        )
        self.assertEqual(queued(), [])
        with self.captureOnCommitCallbacks(execute=True):
            publishing.publish(upload, user=self.karl)
            # Not before the commit: the worker would read the old archive.
            self.assertEqual(queued(), [])
        self.assertEqual(queued(), [("todo", 0)])

    def test_a_correction_schedules_a_rebuild(self):
        earlier = before([self.kultur.pk])
        Paragraf.objects.filter(pk=self.kultur.pk).update(title="Ny rubrik")
        with self.captureOnCommitCallbacks(execute=True):
            versions = keep_versions(earlier, cause=VersionCause.CLERK)
        self.assertEqual(len(versions), 1)
        self.assertEqual(queued(), [("todo", 0)])

    def test_a_save_that_changes_nothing_schedules_nothing(self):
        earlier = before([self.kultur.pk])
        with self.captureOnCommitCallbacks(execute=True):
            keep_versions(earlier, cause=VersionCause.CLERK)
        self.assertEqual(queued(), [])

    def test_a_withdrawal_schedules_a_rebuild(self):
        with self.captureOnCommitCallbacks(execute=True):
            paragraf_withdraw(
                paragrafer=Paragraf.objects.filter(pk=self.kultur.pk),
                reason="Fel protokoll",
                user=self.karl,
            )
        self.assertEqual(queued(), [("todo", 0)])

    def test_deleting_a_paragraph_or_a_meeting_schedules_a_rebuild(self):
        social = Paragraf.objects.get(number="13")
        for delete in (
            lambda: paragraf_delete(
                paragrafer=Paragraf.objects.filter(pk=social.pk), user=self.karl
            ),
            lambda: meeting_delete(
                meetings=type(self.kultur.meeting).objects.filter(
                    pk=self.kultur.meeting_id
                ),
                user=self.karl,
            ),
        ):
            clear_queue()
            with self.captureOnCommitCallbacks(execute=True):
                delete()
            self.assertEqual(queued(), [("todo", 0)])

    def test_an_ingest_schedules_a_rebuild_unless_nothing_changed(self):
        path = SAMPLES / "2024-05-21_socialnamnden.txt"
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(ingest(path).status, "created")
        self.assertEqual(queued(), [("todo", 0)])
        clear_queue()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(ingest(path).status, "unchanged")
        self.assertEqual(queued(), [])

    def test_a_burst_of_writes_queues_one_rebuild(self):
        for number in ("7", "13"):
            with self.captureOnCommitCallbacks(execute=True):
                paragraf_withdraw(
                    paragrafer=Paragraf.objects.filter(number=number),
                    reason="Fel protokoll",
                    user=self.karl,
                )
        self.assertEqual(queued(), [("todo", 0)])

    def test_the_open_data_page_says_a_rebuild_is_under_way(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        with override_settings(OPEN_DATA_DIR=folder):
            call_command("dump_archive", output=folder, stdout=io.StringIO())
            with self.captureOnCommitCallbacks(execute=True):
                paragraf_withdraw(
                    paragrafer=Paragraf.objects.filter(pk=self.kultur.pk),
                    reason="Fel protokoll",
                    user=self.karl,
                )
            page = self.client.get("/oppna-data/")
            self.assertContains(page, "En ny arkivfil skapas just nu")
            withheld = self.client.get("/oppna-data/" + ARCHIVE_NAME)
            self.assertEqual(withheld.status_code, 503)
            # Moments, not the hour of a schedule: the worker is on it.
            self.assertEqual(withheld["Retry-After"], "60")
            self.assertIn("skapas just nu", withheld.content.decode())

    def test_a_newer_archive_under_way_is_said_beside_the_current_one(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        with override_settings(OPEN_DATA_DIR=folder):
            call_command("dump_archive", output=folder, stdout=io.StringIO())
            with self.captureOnCommitCallbacks(execute=True):
                ingest(SAMPLES / "2024-05-21_socialnamnden.txt")
            page = self.client.get("/oppna-data/")
            self.assertContains(page, "Ladda ner arkivet")
            self.assertContains(page, "En nyare arkivfil skapas just nu")


def worker(folder: Path, *, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real worker, as `make run` and compose start it, on the test
    database until no job is due, writing the download into folder."""
    url = urlsplit(os.environ["DATABASE_URL"])
    test_url = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=test_url,
        OPEN_DATA_DIR=str(folder),
        SITE_URL="https://arkiv.example",
    )
    return subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


class WorkerTests(TransactionTestCase):
    def setUp(self):
        clear_queue()
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.enterContext(override_settings(OPEN_DATA_DIR=self.folder))
        self.clerk = get_user_model().objects.create_user("clerk", is_staff=True)

    def download(self) -> list[dict[str, Any]]:
        response = self.client.get("/oppna-data/" + ARCHIVE_NAME)
        self.assertEqual(response.status_code, 200)
        body = gzip.decompress(b"".join(response.streaming_content)).decode()
        return [json.loads(line) for line in body.splitlines()]

    def test_the_worker_keeps_the_download_current(self):
        for path in SEEDS:
            ingest(path)
        self.assertEqual(queued(), [("todo", 0)])
        done = worker(self.folder)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Archive rebuilt", done.stderr)
        self.assertEqual(queued(), [])
        titles = {r["title"] for r in self.download()}
        kultur = Paragraf.objects.get(number="7")
        self.assertIn(kultur.title, titles)

        # A withdrawal: 503 until the worker has written the archive again,
        # then an archive without it.
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk=kultur.pk),
            reason="Fel protokoll",
            user=self.clerk,
        )
        self.assertEqual(
            self.client.get("/oppna-data/" + ARCHIVE_NAME).status_code, 503
        )
        done = worker(self.folder)
        self.assertEqual(done.returncode, 0, done.stderr)
        records = self.download()
        self.assertNotIn(kultur.title, {r["title"] for r in records})
        self.assertEqual(len(records), 1)

        # A new protocol: in the download without anyone running dump_archive.
        ingest(KS)
        done = worker(self.folder)
        self.assertEqual(done.returncode, 0, done.stderr)
        records = self.download()
        self.assertGreater(len(records), 1)
        self.assertTrue(
            all(r["id"].startswith("https://arkiv.example/") for r in records)
        )
        manifest = json.loads((self.folder / MANIFEST_NAME).read_text())
        self.assertEqual(manifest["paragraphs"], len(records))

    def test_a_rebuild_that_fails_is_tried_again(self):
        ingest(SEEDS[0])
        # The folder cannot be made: a file stands where it should be.
        blocked = self.folder / "blocked"
        blocked.write_text("not a folder")
        done = worker(blocked / "open-data")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("NotADirectoryError", done.stderr)
        self.assertEqual(queued(), [("todo", 1)])
        self.assertFalse((self.folder / ARCHIVE_NAME).exists())

        # Its retry is due in seconds; bring it forward and run it.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE procrastinate_jobs SET scheduled_at = now()")
        done = worker(self.folder)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("attempt 2", done.stderr)
        self.assertEqual(queued(), [])
        self.assertEqual(len(self.download()), 1)

    def test_a_failed_rebuild_gives_way_to_one_queued_since(self):
        # It fails while a newer rebuild waits: a retry would put a second
        # job under the queueing lock, which PostgreSQL refuses, so the
        # waiting one does the work.
        ingest(SEEDS[0])
        with connection.cursor() as cursor:
            cursor.execute("UPDATE procrastinate_jobs SET status = 'doing'")
            cursor.execute("SELECT id FROM procrastinate_jobs")
            (running,) = cursor.fetchone()
        ingest(SEEDS[1])
        self.assertEqual(queued(), [("doing", 0), ("todo", 0)])
        blocked = self.folder / "blocked"
        blocked.write_text("not a folder")
        context = SimpleNamespace(job=SimpleNamespace(id=running, attempts=0))
        with (
            override_settings(OPEN_DATA_DIR=blocked / "open-data"),
            self.assertLogs("decisions.tasks", "WARNING") as logs,
        ):
            rebuild_archive(context)
        self.assertIn("the rebuild queued since writes it", logs.output[0])
        done = worker(self.folder)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(len(self.download()), 2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (a zombie, which
    only waits for its parent to read its status, is not)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # After the name: state, ppid, pgrp.
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class StopTests(TransactionTestCase):
    def serve(self) -> tuple[subprocess.Popen[bytes], dict[str, str], int, Path]:
        """scripts/serve.sh as `make run` starts it, in a process group of its
        own, once gunicorn listens and the worker runs."""
        state = Path(self.enterContext(tempfile.TemporaryDirectory()))
        port = free_port()
        url = urlsplit(os.environ["DATABASE_URL"])
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            SERVE_STATE=str(state),
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            DATABASE_URL=urlunsplit(
                url._replace(path="/" + connection.settings_dict["NAME"])
            ),
        )
        server = subprocess.Popen(
            ["scripts/serve.sh"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.addCleanup(self.kill_group, server.pid)
        deadline = time.monotonic() + 60
        while not port_open(port) or not (state / "worker.pid").exists():
            self.assertIsNone(server.poll(), "serve.sh stopped by itself")
            self.assertLess(time.monotonic(), deadline, "gunicorn never listened")
            time.sleep(0.2)
        return server, env, port, state

    def kill_group(self, pgid: int) -> None:
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)

    def stop(self, env: dict[str, str]) -> None:
        stop = subprocess.run(
            ["scripts/serve.sh", "stop"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        self.assertEqual(stop.returncode, 0, stop.stderr)

    def test_make_stop_stops_the_web_server_and_the_worker(self):
        server, env, port, state = self.serve()
        worker_pid = int((state / "worker.pid").read_text())
        gunicorn_pid = int((state / "gunicorn.pid").read_text())
        self.stop(env)
        self.assertFalse(port_open(port))
        for pid in (worker_pid, gunicorn_pid):
            with self.assertRaises(ProcessLookupError):
                os.kill(pid, 0)
        self.assertIsNotNone(server.wait(timeout=30))
        # gunicorn's own workers too: nothing `make run` started is left.
        self.assertFalse(group_alive(server.pid))
        self.assertEqual(sorted(state.iterdir()), [])

    def test_make_stop_stops_a_server_whose_terminal_went_away(self):
        # serve.sh itself killed outright (its terminal closed, `make run`
        # killed): gunicorn and the worker run on without it, and only their
        # pid files lead `make stop` to them.
        server, env, port, state = self.serve()
        server.kill()
        server.wait(timeout=10)
        self.assertTrue(port_open(port))
        self.assertTrue(group_alive(server.pid))
        self.stop(env)
        self.assertFalse(port_open(port))
        self.assertFalse(group_alive(server.pid))

    def test_make_stop_stops_the_web_server_before_the_database(self):
        dry = subprocess.run(
            ["make", "-n", "stop"], cwd=ROOT, capture_output=True, text=True
        )
        self.assertEqual(dry.returncode, 0, dry.stderr)
        lines = dry.stdout.splitlines()
        serve = next(i for i, line in enumerate(lines) if "serve.sh stop" in line)
        pg = next(i for i, line in enumerate(lines) if "pg.sh stop" in line)
        self.assertLess(serve, pg)
