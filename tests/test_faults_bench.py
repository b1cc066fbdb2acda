"""bench/faults.py: it runs from end to end (--quick: a fresh PostgreSQL
cluster of its own, gunicorn, every fault once, ~20 s on an idle machine), and
its judges find what they are for: a meeting that lost a paragraph is not
whole, and the 5xx answers are counted as the issue says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase, TestCase

from bench import faults
from decisions.models import Meeting, Paragraf
from decisions.services import ingest as services
from tests.factories import SJOBACKA


class WholenessCheckTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for path in SJOBACKA:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())

    def test_every_ingested_meeting_is_whole(self):
        checked, partial = faults.check_meetings()
        self.assertEqual(checked, len(SJOBACKA))
        self.assertEqual(partial, {})

    def test_a_meeting_that_lost_a_paragraph_is_not_whole(self):
        meeting = Meeting.objects.order_by("pk").first()
        meeting.paragrafer.order_by("position").last().delete()
        checked, partial = faults.check_meetings()
        self.assertEqual(checked, len(SJOBACKA))
        self.assertEqual(list(partial), [meeting.pk])
        self.assertIn(
            f"meeting {meeting.pk} ({meeting.source_name})", partial[meeting.pk]
        )

    def test_a_meeting_without_its_paragraphs_is_not_whole(self):
        meeting = Meeting.objects.order_by("pk").last()
        Paragraf.objects.filter(meeting=meeting).delete()
        _, partial = faults.check_meetings()
        self.assertEqual(list(partial), [meeting.pk])
        self.assertIn("0 paragraphs stored", partial[meeting.pk])


class ErrorCountTests(TestCase):
    def test_only_a_503_during_an_outage_is_forgiven(self):
        outages = faults.Outages(spans=[[10.0, 20.0]])

        def answer(status: int, at: float) -> faults.Answer:
            return faults.Answer("/", at, at + 0.5, status)

        answers = [
            answer(503, 12),  # during: the answer hoped for
            answer(500, 12),  # during, but a crash
            answer(503, 30),  # after: the site should be back
            answer(502, 5),  # before
            answer(503, 19.8),  # began during, ended after: during
            answer(200, 12),
            answer(0, 12),  # no answer is not a 5xx
        ]
        counted = faults.counted_errors(answers, outages)
        self.assertEqual(
            [(a.status, a.started) for a in counted],
            [
                (500, 12),
                (503, 30),
                (502, 5),
            ],
        )


class FaultsRunTests(SimpleTestCase):
    def test_a_quick_run_injects_faults_and_finds_the_archive_whole(self):
        root = Path(__file__).resolve().parent.parent
        # Its own server and settings: nothing of the test run's.
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        done = subprocess.run(
            [sys.executable, "bench/faults.py", "--runs", "1", "--quick"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        self.assertEqual(
            set(figures),
            {
                "runs",
                "faults",
                "meetings_checked",
                "partial",
                "lost_addresses",
                "errors_5xx",
            },
        )
        self.assertEqual(figures["runs"], 1)
        # The stall and the stop always strike; a kill only a writer at work.
        self.assertGreaterEqual(figures["faults"], 2)
        self.assertGreater(figures["meetings_checked"], 0)
        self.assertEqual(figures["partial"], 0, done.stdout)
        self.assertEqual(figures["lost_addresses"], 0, done.stdout)
