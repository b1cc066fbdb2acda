"""Two writers of one meeting at once, in real transactions on real connections:
two `manage.py ingest` processes on one folder, and a clerk's publish beside
an ingest. One writes, the other waits and finds it written; neither crashes,
and both go on with the rest of their files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import psycopg
from django.db import connection
from django.db.models import Count
from django.db.utils import IntegrityError
from django.test import TransactionTestCase

from bench.generate import protocol_text
from decisions.models import Meeting, Paragraf, Upload
from decisions.services import ingest as services
from decisions.services import publishing
from tests.factories import SJOBACKA, ingest_command
from tests.test_publishing import SOCIAL, SOCIAL_DATE, ClerkSetup, with_text

ROOT = Path(__file__).resolve().parent.parent
FILES = 40
PARAGRAFER = 3
# The command's line for each file it wrote or found: "PATH: STATUS, ...".
REPORTED = re.compile(r"^(?P<path>.+): (?P<status>created|updated|unchanged), ", re.M)


def database_url() -> str:
    """The test database's URL, for processes of its own (host may be a socket)."""
    config = connection.settings_dict
    host = (config["HOST"] or "").replace("/", "%2F")
    port = f":{config['PORT']}" if config["PORT"] else ""
    password = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    return f"postgres://{config['USER']}{password}@{host}{port}/{config['NAME']}"


class TwoIngestProcessesTests(TransactionTestCase):
    def test_two_ingests_of_one_folder_at_once_write_each_meeting_once(self):
        folder = Path(tempfile.mkdtemp(prefix="oppna-concurrent-"))
        for seed in range(1, FILES + 1):
            text = protocol_text(PARAGRAFER, seed=seed)
            (folder / f"protokoll-{seed:03d}.txt").write_text(text)
        # Not the test run's own: the browser tests need async-unsafe ORM calls.
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env["DATABASE_URL"] = database_url()
        processes = [
            subprocess.Popen(
                [sys.executable, "manage.py", "ingest", str(folder)],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=600) for process in processes]

        for process, (_, err) in zip(processes, outputs, strict=True):
            self.assertEqual(process.returncode, 0, err)
        reports = [
            {Path(m["path"]).name: m["status"] for m in REPORTED.finditer(out)}
            for out, _ in outputs
        ]
        names = sorted(path.name for path in folder.iterdir())
        for name in names:
            self.assertEqual(
                sorted(report.get(name, "missing") for report in reports),
                ["created", "unchanged"],
                name,
            )
        self.assertEqual(Meeting.objects.count(), FILES)
        sizes = Meeting.objects.annotate(n=Count("paragrafer")).values_list(
            "n", flat=True
        )
        self.assertEqual(set(sizes), {PARAGRAFER})


def in_thread(work: Callable[[], Any], outcomes: list[Any]) -> threading.Thread:
    """Start work on a connection of its own; its result or exception lands
    in outcomes."""

    def run() -> None:
        try:
            outcomes.append(work())
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcomes.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def pause_first_write(written: threading.Event, go_on: threading.Event):
    """A _write_meeting whose first call, once written, waits for go_on before
    its transaction commits."""
    write = services._write_meeting
    calls: list[int] = []

    def paused(*args, **kwargs):
        result = write(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            written.set()
            assert go_on.wait(timeout=60)
        return result

    return mock.patch.object(services, "_write_meeting", paused)


def wait_until_blocked() -> None:
    """Return once another connection waits for a lock (for the writer that
    holds it), so the second writer is known to have come as far as it can."""
    with connection.cursor() as cursor:
        for _ in range(6000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.01)
    raise AssertionError("the second writer never waited for the first")


class PublishBesideIngestTests(ClerkSetup, TransactionTestCase):
    def setUp(self) -> None:
        ClerkSetup.setUpTestData.__func__(type(self))
        self.upload = publishing.upload_protocol(
            user=self.anna,
            namnd=self.social,
            meeting_date=SOCIAL_DATE,
            name=SOCIAL.name,
            data=SOCIAL.read_bytes(),
        )

    def test_an_ingest_of_a_meeting_being_published_waits_and_finds_it(self):
        written, go_on = threading.Event(), threading.Event()
        published: list[Any] = []
        ingested: list[Any] = []
        with pause_first_write(written, go_on):
            clerk = in_thread(
                lambda: publishing.publish(self.upload, user=self.anna), published
            )
            self.assertTrue(written.wait(timeout=60))
            ingest = in_thread(
                lambda: (
                    services.protocol_ingest(
                        source_name=SOCIAL.name, data=SOCIAL.read_bytes()
                    ).status
                ),
                ingested,
            )
            wait_until_blocked()
            go_on.set()
            clerk.join()
            ingest.join()
        self.assertIsInstance(published[0], Meeting)
        self.assertEqual(ingested, ["unchanged"])
        self.assertEqual(Meeting.objects.count(), 1)
        self.assertEqual(Paragraf.objects.count(), 7)

    def test_a_publish_of_a_meeting_being_ingested_is_refused_as_published(self):
        # Another version of the same meeting's minutes, ingested from a file.
        other = with_text(SOCIAL, "Socialnämnden", "Socialnämnden ")
        written, go_on = threading.Event(), threading.Event()
        published: list[Any] = []
        ingested: list[Any] = []
        with pause_first_write(written, go_on):
            ingest = in_thread(
                lambda: (
                    services.protocol_ingest(source_name="annan.txt", data=other).status
                ),
                ingested,
            )
            self.assertTrue(written.wait(timeout=60))
            clerk = in_thread(
                lambda: publishing.publish(self.upload, user=self.anna), published
            )
            wait_until_blocked()
            go_on.set()
            clerk.join()
            ingest.join()
        self.assertEqual(ingested, ["created"])
        self.assertIsInstance(published[0], publishing.UploadError, published)
        self.assertIn("sammanträdet är redan publicerat", str(published[0]))
        # The ingested minutes stay as they were: the draft overwrote nothing.
        meeting = Meeting.objects.get()
        self.assertEqual(meeting.source_name, "annan.txt")
        self.upload.refresh_from_db()
        self.assertEqual(self.upload.status, Upload.Status.DRAFT)


class IngestGoesOnTests(TransactionTestCase):
    """A file that fails for any reason, the database's too, is reported with
    its name, and the command goes on with the next."""

    def test_a_database_error_on_one_file_is_reported_and_the_rest_go_in(self):
        ingest_one = services.protocol_ingest
        calls: list[str] = []

        def first_fails(**kwargs):
            calls.append(kwargs["source_name"])
            if len(calls) == 1:
                raise IntegrityError("duplicate key value violates unique constraint")
            return ingest_one(**kwargs)

        with mock.patch(
            "decisions.management.commands.ingest.protocol_ingest", first_fails
        ):
            out, err, code = ingest_command(*map(str, SJOBACKA))
        self.assertEqual(code, 1)
        self.assertIn(f"{SJOBACKA[0]}: ", err)
        self.assertIn("duplicate key value", err)
        self.assertIn(f"{len(SJOBACKA) - 1} created, 1 rejected", out)
        self.assertEqual(Meeting.objects.count(), len(SJOBACKA) - 1)

    def test_a_lost_connection_fails_one_file_and_the_next_reconnects(self):
        ingest_one = services.protocol_ingest
        calls: list[str] = []

        def connection_lost_once(**kwargs):
            calls.append(kwargs["source_name"])
            if len(calls) == 1:
                # The server ends this session, as a restart would.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    pid = cursor.fetchone()[0]
                with psycopg.connect(database_url(), autocommit=True) as other:
                    other.execute("SELECT pg_terminate_backend(%s)", [pid])
            return ingest_one(**kwargs)

        with mock.patch(
            "decisions.management.commands.ingest.protocol_ingest",
            connection_lost_once,
        ):
            out, err, code = ingest_command(*map(str, SJOBACKA))
        self.assertEqual(code, 1, err)
        self.assertIn(f"{SJOBACKA[0]}: ", err)
        self.assertIn(f"{len(SJOBACKA) - 1} created, 1 rejected", out)
        self.assertEqual(Meeting.objects.count(), len(SJOBACKA) - 1)
