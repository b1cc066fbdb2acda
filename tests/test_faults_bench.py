"""bench/faults.py's judges: its figures are worth only what its checks find.

The whole script (a fresh PostgreSQL cluster, migrations, gunicorn, the faults)
takes over a minute, too long for the suite; these run its checks on the test
database instead: a meeting that lost a paragraph is found not whole, and the
5xx answers are counted as the issue says.
"""

from __future__ import annotations

from django.test import TestCase

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
