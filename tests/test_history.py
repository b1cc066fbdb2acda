"""History for every change: a re-ingest, a reparse and a clerk's edit each
keep the record they replace as a version with its cause; a clerk's
correction outlives a re-read of its source, and a new source that conflicts
with it waits for the clerk; the page, the API and the CSV show one text."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions.models import (
    ArchiveState,
    Meeting,
    Paragraf,
    ParagrafVersion,
    VersionCause,
    Word,
)
from decisions.services import ingest as services
from decisions.services.reparse import protocol_reparse
from tests.admin_pages import admin_url, posted
from tests.factories import SJOBACKA, make_meeting

KF = next(path for path in SJOBACKA if "kommunfullmaktige" in path.name)
OLD_FEE = "2. Timavgiften fastställs till 1 350 kronor."
NEW_FEE = "2. Timavgiften fastställs till 1 400 kronor."
PLAN_DECISION = (
    "1. Kommunfullmäktige antar Biblioteksplan 2024–2027 för Sjöbacka kommun."
)


def ingest(data: bytes) -> services.IngestResult:
    return services.protocol_ingest(source_name=KF.name, data=data)


def make_clerk(username: str, namnd: str) -> Any:
    call_command("create_clerk", username, namnd=namnd, stdout=io.StringIO())
    return get_user_model().objects.get(username=username)


class HistoryTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = KF.read_bytes()
        cls.meeting = ingest(cls.data).meeting
        cls.plan = cls.meeting.paragrafer.get(number="114")
        cls.taxa = cls.meeting.paragrafer.get(number="115")
        cls.clerk = make_clerk("anna", "Sjöbacka kommun/Kommunfullmäktige")

    def setUp(self):
        self.client.force_login(self.clerk)

    def correct(self, obj: Any, **changes: Any) -> Any:
        data = posted(self.client.get(admin_url(obj)))
        data.update(changes)
        response = self.client.post(admin_url(obj), data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        return response

    def version_url(self, paragraf: Paragraf, number: int) -> str:
        return f"{paragraf.get_absolute_url()}version-{number}/"

    def reload(self, paragraf: Paragraf) -> Paragraf:
        return Paragraf.objects.get(pk=paragraf.pk)


class ReIngestTests(HistoryTestCase):
    def test_a_changed_source_keeps_the_record_it_replaces_as_a_version(self):
        result = ingest(self.data.replace(OLD_FEE.encode(), NEW_FEE.encode()))
        self.assertEqual(result.status, "updated")
        version = ParagrafVersion.objects.get(paragraf=self.taxa)
        self.assertEqual(version.cause, VersionCause.MINUTES)
        self.assertIsNone(version.changed_by)
        self.assertIn("1 350 kronor", version.record["decision"])
        self.assertIn("1 400 kronor", self.reload(self.taxa).decision)
        # The other paragraphs did not change: no version of them.
        self.assertEqual(ParagrafVersion.objects.count(), 1)
        page = self.client.get(self.version_url(self.taxa, 1))
        self.assertContains(page, "ny version av protokollet")
        self.assertContains(page, "1 400 kronor.</span></ins>")

    def test_a_reparse_that_reads_differently_keeps_a_version_for_the_parser(self):
        Paragraf.objects.filter(pk=self.taxa.pk).update(title="Som en äldre tolk läste")
        protocol_reparse(meeting=Meeting.objects.get(pk=self.meeting.pk))
        version = ParagrafVersion.objects.get(paragraf=self.taxa)
        self.assertEqual(version.cause, VersionCause.PARSER)
        self.assertEqual(version.record["title"], "Som en äldre tolk läste")
        self.assertContains(
            self.client.get(self.version_url(self.taxa, 1)), "omläsning"
        )

    def test_a_re_ingest_runs_as_many_queries_for_5_paragraphs_as_for_50(self):
        counted = []
        for size in (5, 50):
            first = _protocol(size, fee="1 350")
            services.protocol_ingest(source_name=f"{size}.txt", data=first)
            changed = _protocol(size, fee="1 400")
            with CaptureQueriesContext(connection) as queries:
                services.protocol_ingest(source_name=f"{size}.txt", data=changed)
            # ArchiveState included: the signals (decisions.caching) touch it
            # once per transaction, not once per statement row replaced.
            counted.append(len(queries))
            self.assertEqual(
                ParagrafVersion.objects.filter(
                    paragraf__meeting__source_name=f"{size}.txt"
                ).count(),
                size,
            )
        self.assertEqual(counted[0], counted[1])


class ClerkCorrectionTests(HistoryTestCase):
    def correct_plan(self) -> None:
        self.correct(
            self.plan,
            title="Biblioteksplan 2024–2028",
            decision="Kommunfullmäktige antar Biblioteksplan 2024–2028.",
        )

    def test_a_clerks_version_names_its_cause_and_who(self):
        self.correct_plan()
        version = ParagrafVersion.objects.get(paragraf=self.plan)
        self.assertEqual(
            (version.cause, version.changed_by), (VersionCause.CLERK, self.clerk)
        )
        page = self.client.get(self.version_url(self.plan, 1))
        self.assertContains(page, "rättelse av nämndsekreteraren")
        # Who, in the admin only.
        self.assertNotContains(page, "anna")
        change = self.client.get(admin_url(self.plan))
        self.assertContains(change, "genom en rättelse av nämndsekreteraren (anna)")

    def test_the_page_shows_the_corrected_decision_as_the_api_and_csv_do(self):
        self.correct_plan()
        self.client.logout()
        page = self.client.get(self.plan.get_absolute_url()).content.decode()
        box = page[page.index('class="decision"') : page.index("</section>")]
        self.assertIn("Biblioteksplan 2024–2028.", box)
        self.assertNotIn(PLAN_DECISION, box)
        api = self.client.get("/api/v1/paragrafer" + self.plan.get_absolute_url())
        self.assertIn("2024–2028.", api.json()["decision"])
        decisions = [
            s["text"] for s in api.json()["sections"] if s["kind"] == "decision"
        ]
        self.assertNotIn(PLAN_DECISION, "\n".join(decisions))
        csv = self.client.get(self.meeting.get_absolute_url() + "?format=csv")
        body = b"".join(csv.streaming_content).decode()
        self.assertIn("Biblioteksplan 2024–2028.", body)

    def test_a_reparse_keeps_the_clerks_correction(self):
        self.correct_plan()
        protocol_reparse(meeting=Meeting.objects.get(pk=self.meeting.pk))
        plan = self.reload(self.plan)
        self.assertEqual(plan.title, "Biblioteksplan 2024–2028")
        self.assertEqual(
            plan.decision, "Kommunfullmäktige antar Biblioteksplan 2024–2028."
        )
        self.assertEqual(ParagrafVersion.objects.filter(paragraf=plan).count(), 1)
        # Version 1 still differs from the version now public.
        page = self.client.get(self.version_url(plan, 1))
        self.assertNotContains(page, "Inget i paragrafens text ändrades")
        self.assertContains(page, "Rubrik: Biblioteksplan 2024–2028</span></ins>")

    def test_a_new_source_that_leaves_the_corrected_fields_alone_keeps_them(self):
        self.correct_plan()
        result = ingest(self.data.replace(OLD_FEE.encode(), NEW_FEE.encode()))
        plan = self.reload(self.plan)
        self.assertEqual(plan.title, "Biblioteksplan 2024–2028")
        self.assertEqual(plan.conflicts, {})
        self.assertFalse([w for w in result.protocol.warnings if "114" in w])
        self.assertIn("1 400 kronor", self.reload(self.taxa).decision)

    def test_a_new_source_that_changes_a_corrected_field_waits_for_the_clerk(self):
        self.correct_plan()
        changed = self.data.replace(
            PLAN_DECISION.encode(),
            "1. Kommunfullmäktige antar Biblioteksplan 2024–2030.".encode(),
        )
        result = ingest(changed)
        plan = self.reload(self.plan)
        # The clerk's text stays public until they decide.
        self.assertEqual(
            plan.decision, "Kommunfullmäktige antar Biblioteksplan 2024–2028."
        )
        self.assertIn("2024–2030", plan.conflicts["decision"])
        self.assertNotIn("title", plan.conflicts)
        warned = [w for w in result.protocol.warnings if "§ 114" in w]
        self.assertEqual(len(warned), 1, result.protocol.warnings)
        self.assertIn("beslut", warned[0])
        # Listed in the admin: a filter, and on the paragraph's change page.
        listed = self.client.get(
            admin_url(Paragraf, "changelist") + "?konflikt=ja"
        ).content.decode()
        self.assertIn(admin_url(plan), listed)
        self.assertNotIn(admin_url(self.taxa), listed)
        change = self.client.get(admin_url(plan))
        self.assertContains(change, "2024–2030")
        self.assertContains(change, "nytt protokoll")

        # The clerk takes the minutes' text: public, with a version of theirs.
        ArchiveState.objects.update(changed_at=timezone.now() - timedelta(days=1))
        self.client.post(
            admin_url(Paragraf, "changelist"),
            {"action": "use_minutes", "_selected_action": [plan.pk]},
        )
        plan = self.reload(plan)
        self.assertIn("2024–2030", plan.decision)
        # The pages' validators moved with it (decisions.caching).
        self.assertGreater(
            ArchiveState.changed(), timezone.now() - timedelta(minutes=5)
        )
        self.assertEqual(plan.conflicts, {})
        self.assertNotIn("decision", plan.corrections)
        # The title stays corrected.
        self.assertEqual(plan.title, "Biblioteksplan 2024–2028")
        # Version 2: the new minutes' whole text (which the clerk did not
        # correct); version 3: the clerk's choice of their decision.
        kept = [(v.number, v.cause, v.changed_by) for v in plan.versions.all()]
        self.assertEqual(
            kept,
            [
                (1, VersionCause.CLERK, self.clerk),
                (2, VersionCause.MINUTES, None),
                (3, VersionCause.MINUTES, self.clerk),
            ],
        )
        latest = plan.versions.get(number=3)
        self.assertIn("2024–2028", latest.record["decision"])
        page = self.client.get(plan.get_absolute_url()).content.decode()
        self.assertIn("2024–2030", page[page.index('class="decision"') :])

    def test_keeping_the_correction_settles_the_conflict(self):
        self.correct_plan()
        changed = self.data.replace(
            PLAN_DECISION.encode(),
            "1. Kommunfullmäktige antar Biblioteksplan 2024–2030.".encode(),
        )
        ingest(changed)
        self.client.post(
            admin_url(Paragraf, "changelist"),
            {"action": "keep_correction", "_selected_action": [self.plan.pk]},
        )
        plan = self.reload(self.plan)
        self.assertEqual(plan.conflicts, {})
        self.assertIn("2024–2028", plan.decision)
        # Version 2 is the new minutes' whole text; keeping adds none.
        self.assertEqual(plan.versions.count(), 2)
        # The same minutes again raise nothing: the clerk has seen them.
        result = ingest(changed + b"\n")
        self.assertEqual(self.reload(plan).conflicts, {})
        self.assertFalse([w for w in result.protocol.warnings if "§ 114" in w])

    def test_a_paragraph_made_confidential_stays_so_through_a_re_ingest(self):
        self.correct(self.plan, confidential="on")
        ingest(self.data + b"\n")
        self.assertTrue(self.reload(self.plan).confidential)


class ExplicitWriteTests(TestCase):
    def test_saving_a_meeting_writes_its_row_only(self):
        meeting = make_meeting()
        paragraf = Paragraf.objects.create(
            meeting=meeting, number="1", position=1, title="T", meeting_date=None
        )
        meeting.date = meeting.date.replace(year=2001)
        with CaptureQueriesContext(connection) as queries:
            meeting.save()
        self.assertFalse(
            [q for q in queries if "decisions_paragraf" in q["sql"]], queries
        )
        self.assertIsNone(Paragraf.objects.get(pk=paragraf.pk).meeting_date)

    def test_saving_a_paragraph_writes_its_row_only(self):
        meeting = make_meeting()
        Paragraf.objects.create(
            meeting=meeting, number="1", position=1, title="Zyxwvutsord"
        )
        self.assertFalse(Word.objects.filter(word="zyxwvutsord").exists())

    def test_a_clerk_who_moves_the_meeting_date_moves_its_paragraphs(self):
        result = ingest(KF.read_bytes())
        meeting = result.meeting
        user = get_user_model().objects.create_superuser("root", "", "x")
        self.client.force_login(user)
        data = posted(self.client.get(admin_url(meeting)))
        data["date"] = "2024-11-26"
        response = self.client.post(admin_url(meeting), data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        dates = set(meeting.paragrafer.values_list("meeting_date", flat=True))
        self.assertEqual({str(d) for d in dates}, {"2024-11-26"})


def _protocol(paragrafer: int, *, fee: str) -> bytes:
    # A meeting of its own for each size.
    date = f"2025-01-{10 + paragrafer % 20:02d}"
    parts = ["Sjöbacka kommun", "Tekniska nämnden", f"Sammanträdesdatum {date}"]
    parts += ["Beslutande", "Anna Berg (S), ordförande", "Per Holm (M)"]
    for number in range(1, paragrafer + 1):
        parts += [
            f"§ {number}",
            f"Taxa nummer {number}",
            f"Dnr TN 2025/{number}",
            "Beslut",
            f"Avgiften fastställs till {fee} kronor.",
            "Reservation",
            "Per Holm (M) reserverar sig mot beslutet.",
        ]
    return "\n".join(parts).encode()
