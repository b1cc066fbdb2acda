"""Ingest through the command and the service, against real PostgreSQL."""

import datetime
import io
import json
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import TestCase

from decisions.models import (
    Arende,
    Attendance,
    Meeting,
    Member,
    Municipality,
    Namnd,
    Paragraf,
    Proposal,
    ProposalMember,
    Reservation,
    ReservationMember,
    Vote,
    VoteCast,
)
from decisions.parser import ParseError
from decisions.search import Query
from decisions.services import ingest as services
from tests.factories import SEEDS, ingest_command

MINUTES = Path(__file__).parent / "fixtures" / "minutes"
ALL_MODELS = (
    Municipality,
    Namnd,
    Meeting,
    Member,
    Arende,
    Paragraf,
    Reservation,
    ReservationMember,
    Attendance,
    Proposal,
    ProposalMember,
    Vote,
    VoteCast,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


class SeedIngestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        _, err, code = ingest_command(*map(str, SEEDS))
        assert code == 0, err

    def test_it_writes_both_seed_paragraphs(self):
        kultur = Paragraf.objects.get(meeting__namnd__name="Kulturnämnden")
        self.assertEqual(kultur.number, "7")
        self.assertEqual(kultur.arende.dnr, "1.1/2152/2016")
        self.assertTrue(
            kultur.title.startswith("Strategi för Stockholm som smart och uppkopplad")
        )
        social = Paragraf.objects.get(meeting__namnd__name="Socialnämnden")
        self.assertEqual(social.number, "13")
        self.assertEqual(social.arende.dnr, "1.7.1-368/2016")

    def test_it_writes_the_reserving_members_with_their_parties(self):
        kultur = Reservation.objects.get(paragraf__number="7")
        self.assertEqual(
            [(m.name, m.party) for m in kultur.members.order_by("reservationmember")],
            [("Rasmus Jonlund", "L")],
        )
        social = Reservation.objects.get(paragraf__number="13")
        self.assertEqual(
            [(m.name, m.party) for m in social.members.order_by("reservationmember")],
            [("Frida Johansson Metso", "L"), ("Inga-Lill Persson", "L")],
        )
        for reservation in (kultur, social):
            self.assertIn("Liberalerna har länge drivit frågan", reservation.text)
            self.assertTrue(reservation.text.endswith("digitala innovationsarbetet."))
            # The paragraph's own copy, which search filters and counts.
            paragraf = reservation.paragraf
            self.assertEqual(
                (paragraf.has_reservation, paragraf.reserving_parties), (True, ["L"])
            )

    def test_undated_minutes_get_an_address_from_their_source(self):
        meeting = Meeting.objects.get(namnd__name="Kulturnämnden")
        self.assertIsNone(meeting.date)
        self.assertRegex(meeting.slug, r"^utan-datum-[0-9a-f]{8}$")
        self.assertEqual(
            meeting.paragrafer.get().get_absolute_url(),
            f"/stockholms-stad/kulturnamnden/{meeting.slug}/paragraf-7/",
        )

    def test_it_keeps_the_source_text(self):
        meeting = Meeting.objects.get(namnd__name="Socialnämnden")
        self.assertEqual(meeting.source_text, SEEDS[1].read_text())
        self.assertEqual(meeting.source_name, SEEDS[1].name)

    def test_reingesting_changes_nothing(self):
        before = counts()
        rows = list(Paragraf.objects.values().order_by("id"))
        stamps = list(Meeting.objects.values_list("id", "ingested_at").order_by("id"))
        out, _, code = ingest_command(*map(str, SEEDS))
        self.assertEqual(code, 0)
        self.assertIn("2 unchanged", out)
        self.assertEqual(counts(), before)
        self.assertEqual(list(Paragraf.objects.values().order_by("id")), rows)
        self.assertEqual(
            list(Meeting.objects.values_list("id", "ingested_at").order_by("id")),
            stamps,
        )

    def test_a_reparsed_archive_keeps_every_address(self):
        def addresses() -> list[str]:
            urls = [p.get_absolute_url() for p in Paragraf.objects.all()]
            urls += [m.get_absolute_url() for m in Meeting.objects.all()]
            urls += [p.get_referral_url() for p in Paragraf.objects.all()]
            return sorted(urls)

        before = addresses()
        # --reparse rewrites every protocol from its stored text, as after a
        # parser fix; the paragraphs are updated in place.
        ids = sorted(Paragraf.objects.values_list("pk", flat=True))
        call_command("ingest", "--reparse", stdout=io.StringIO(), stderr=io.StringIO())
        self.assertEqual(addresses(), before)
        self.assertEqual(sorted(Paragraf.objects.values_list("pk", flat=True)), ids)
        for url in before:
            if url:
                self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_the_search_vector_finds_the_seeds(self):
        found = Paragraf.objects.search(Query("Chydeniusinitiativet"))
        self.assertEqual({p.number for p in found}, {"7", "13"})
        # Swedish stemming: "arkiv" finds "arkiven".
        self.assertEqual(Paragraf.objects.search(Query("arkiv")).count(), 2)


class DryRunTests(TestCase):
    def test_dry_run_json_prints_one_object_per_file_and_writes_nothing(self):
        out, _, code = ingest_command("--dry-run", "--json", *map(str, SEEDS))
        self.assertEqual(code, 0)
        result = json.loads(out)
        self.assertEqual([r["source"] for r in result], [p.name for p in SEEDS])
        self.assertEqual(
            [r["namnd"] for r in result], ["Kulturnämnden", "Socialnämnden"]
        )
        reservations = result[1]["paragraphs"][0]["reservations"]
        self.assertEqual(
            reservations[0]["members"],
            [
                {"name": "Frida Johansson Metso", "party": "L"},
                {"name": "Inga-Lill Persson", "party": "L"},
            ],
        )
        self.assertEqual(set(counts().values()), {0})

    def test_namnd_and_date_options_supply_what_the_text_lacks(self):
        out, _, _ = ingest_command(
            "--dry-run",
            "--json",
            "--date",
            "2016-09-20",
            "--namnd",
            "Trafiknämnden",
            str(SEEDS[0]),
        )
        [result] = json.loads(out)
        # The text names its board, so the text wins; the date it lacks is taken.
        self.assertEqual(result["namnd"], "Kulturnämnden")
        self.assertEqual(result["meeting_date"], "2016-09-20")
        self.assertTrue(any("Trafiknämnden" in w for w in result["warnings"]))

    def test_a_bad_date_option_is_a_clear_error(self):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--date"):
            call_command("ingest", "--date", "20-09-2016", str(SEEDS[0]))


class FailureTests(TestCase):
    def test_a_failing_file_leaves_nothing_and_the_others_go_in(self):
        broken = MINUTES / "broken_latin1.txt"
        _, err, code = ingest_command(str(broken), str(SEEDS[0]))
        self.assertEqual(code, 1)
        self.assertIn("broken_latin1.txt:3:", err)
        self.assertIn("UTF-8", err)
        self.assertEqual(Paragraf.objects.count(), 1)

    def test_a_failure_while_writing_rolls_back_the_whole_protocol(self):
        text = SEEDS[0].read_bytes() + b"\n" + SEEDS[1].read_bytes()
        failing = mock.patch.object(
            ReservationMember.objects, "bulk_create", side_effect=RuntimeError
        )
        with failing, pytest.raises(RuntimeError):
            services.protocol_ingest(source_name="both.txt", data=text)
        self.assertEqual(set(counts().values()), {0})

    def test_a_missing_file_is_reported_by_name(self):
        _, err, code = ingest_command("/nonexistent/protokoll.txt")
        self.assertEqual(code, 1)
        self.assertIn("/nonexistent/protokoll.txt: kan inte läsas", err)

    def test_text_without_paragraphs_is_rejected_naming_the_file(self):
        with pytest.raises(ParseError, match="ingen paragraf"):
            services.protocol_ingest(source_name="x.txt", data=b"Hej\n")


class ReingestChangedFileTests(TestCase):
    def test_a_corrected_protocol_updates_the_meeting_and_keeps_addresses(self):
        original = SEEDS[0].read_bytes()
        first = services.protocol_ingest(
            source_name="k.txt", data=original, meeting_date=datetime.date(2016, 9, 20)
        )
        paragraf = first.meeting.paragrafer.get()
        address = paragraf.get_absolute_url()
        corrected = original.replace(b"Att remissvaret godk", b"Att svaret godk")
        second = services.protocol_ingest(
            source_name="k.txt", data=corrected, meeting_date=datetime.date(2016, 9, 20)
        )
        self.assertEqual(second.status, "updated")
        self.assertEqual(second.meeting.pk, first.meeting.pk)
        paragraf.refresh_from_db()
        self.assertEqual(paragraf.get_absolute_url(), address)
        self.assertIn("Att svaret godkänns.", paragraf.decision)
        self.assertEqual(Reservation.objects.count(), 1)
        self.assertEqual(
            address, "/stockholms-stad/kulturnamnden/2016-09-20/paragraf-7/"
        )


class ReparseTests(TestCase):
    def test_reparse_rebuilds_paragraphs_from_the_stored_text(self):
        result = services.protocol_ingest(
            source_name=SEEDS[1].name, data=SEEDS[1].read_bytes()
        )
        paragraf = result.meeting.paragrafer.get()
        Paragraf.objects.filter(pk=paragraf.pk).update(decision="fel", title="fel")
        Reservation.objects.all().delete()
        out, _, code = ingest_command("--reparse")
        self.assertEqual(code, 0)
        self.assertIn("1 sammanträden lästa om, 0 fel", out)
        paragraf.refresh_from_db()
        self.assertTrue(paragraf.title.startswith("Strategi för Stockholm"))
        self.assertIn("Socialnämnden hänvisar", paragraf.decision)
        self.assertEqual(paragraf.reservations.get().members.count(), 2)
        self.assertEqual(result.meeting.slug, Meeting.objects.get().slug)


def _protocol(paragrafer: int) -> bytes:
    parts = ["Sjöbacka kommun", "Tekniska nämnden", "Sammanträdesdatum 2025-01-14"]
    parts += ["Beslutande", "Anna Berg (S), ordförande", "Per Holm (M)"]
    for number in range(1, paragrafer + 1):
        parts += [
            f"§ {number}",
            f"Ärende nummer {number}",
            f"Dnr TN 2025/{number}",
            "Beslut",
            "Nämnden beslutar enligt förslaget.",
            "Yrkanden",
            f"Per Holm (M) yrkar avslag på ärende {number}.",
            "Reservation",
            f"Per Holm (M) och Eva Ek{number} (M) reserverar sig till förmån för "
            "eget yrkande.",
        ]
    return "\n".join(parts).encode()


class BulkWriteTests(TestCase):
    def test_the_write_takes_as_many_queries_for_3_paragraphs_as_for_60(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counted = []
        for size in (3, 60):
            with CaptureQueriesContext(connection) as queries:
                services.protocol_ingest(
                    source_name=f"{size}.txt", data=_protocol(size)
                )
            counted.append(len(queries))
            for model in (Meeting, Member, Arende, Namnd, Municipality):
                model.objects.all().delete()
        self.assertEqual(counted[0], counted[1])
        # 40 since the meeting's writer lock (services.ingest.lock_meeting).
        self.assertLessEqual(counted[1], 40)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FolderIngestTests(TestCase):
    def test_a_folder_is_walked_past_a_bad_file_with_a_summary(self):
        import shutil
        import tempfile

        from tests.factories import SJOBACKA

        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "2024" / "dålig").mkdir(parents=True)
            for sample in SJOBACKA[:2]:
                shutil.copy(sample, root / "2024" / sample.name)
            (root / "2024" / "dålig" / "trasig.pdf").write_bytes(b"%PDF-1.4 trasig")
            (root / ".dold.txt").write_text("§ 1\nDold\n")
            out, err, code = ingest_command(folder)
        self.assertEqual(code, 1)
        self.assertIn("3 filer,", out)
        self.assertIn("2 created, 1 rejected", out)
        self.assertIn("Avvisade filer:", out)
        self.assertIn("trasig.pdf", out)
        self.assertEqual(Meeting.objects.count(), 2)

    def test_progress_is_shown_on_a_terminal(self):
        err = _Terminal()
        call_command("ingest", *map(str, SEEDS), stdout=io.StringIO(), stderr=err)
        self.assertIn("\r2/2 filer, 2 paragrafer,", err.getvalue())
        self.assertIn("paragrafer/s", err.getvalue())


class IdentityNumberTests(TestCase):
    """A personnummer in a protocol never reaches the archive unasked."""

    def protocol_with_number(self, tmp_path: Path) -> Path:
        text = (
            SEEDS[0]
            .read_text(encoding="utf-8")
            .replace(
                "Att remissvaret godkänns.",
                "Att remissvaret godkänns.\nSökande: Anna Andersson, 811218-9876.",
            )
        )
        path = tmp_path / "kultur.txt"
        path.write_text(text, encoding="utf-8")
        return path

    def test_it_is_refused_naming_the_file_and_line_and_nothing_is_written(self):
        with tempfile.TemporaryDirectory() as folder:
            path = self.protocol_with_number(Path(folder))
            line = (
                path.read_text()
                .splitlines()
                .index("Sökande: Anna Andersson, 811218-9876.")
            )
            _, err, code = ingest_command(str(path))
        self.assertEqual(code, 1)
        self.assertIn(f"kultur.txt:{line + 1}: personnummer 811218-XXXX", err)
        self.assertNotIn("9876", err)
        self.assertEqual(set(counts().values()), {0})

    def test_masked_numbers_reach_no_paragraph_source_or_index(self):
        with tempfile.TemporaryDirectory() as folder:
            path = self.protocol_with_number(Path(folder))
            _, err, code = ingest_command("--mask-identity-numbers", str(path))
        self.assertEqual(code, 0, err)
        self.assertIn("1 personnummer maskerade", err)
        paragraf = Paragraf.objects.get()
        self.assertIn("XXXXXX-XXXX", paragraf.text)
        self.assertNotIn("811218", paragraf.text + paragraf.meeting.source_text)
        self.assertFalse(Paragraf.objects.search(Query("811218-9876")).exists())
        self.assertTrue(Paragraf.objects.search(Query("Andersson")).exists())

    def test_a_confirmed_number_is_kept_and_the_confirmation_logged(self):
        with (
            tempfile.TemporaryDirectory() as folder,
            self.assertLogs("decisions.services.ingest", "WARNING") as logged,
        ):
            path = self.protocol_with_number(Path(folder))
            _, err, code = ingest_command("--keep-identity-numbers", str(path))
        self.assertEqual(code, 0, err)
        self.assertIn("811218-9876", Paragraf.objects.get().text)
        self.assertIn("kultur.txt: 1 identity numbers kept", logged.output[0])


class GroupReservationTests(TestCase):
    def test_a_party_reserving_as_a_group_is_among_the_reserving_parties(self):
        text = (
            "Kulturnämnden\nProtokoll 2024-05-02\n\n§ 4 Dnr KN 2024/3\nBiblioteksplan\n"
            "Beslut\nKulturnämnden antar planen.\nReservation\n"
            "Sverigedemokraterna reserverar sig mot beslutet.\n"
        )
        services.protocol_ingest(
            source_name="kn.txt", data=text.encode(), kommun="Östra kommun"
        )
        reservation = Reservation.objects.get(paragraf__number="4")
        self.assertEqual(reservation.parties, ["SD"])
        reservation.paragraf.sync_reservation_summary()
        reservation.paragraf.refresh_from_db()
        self.assertEqual(reservation.paragraf.reserving_parties, ["SD"])
