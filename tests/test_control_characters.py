"""Control characters are cleaned where text comes in (issue 17, item 5).

Every C0 and C1 control character, DEL too, goes through ingest inside a
title, a decision and a reservation; no page, feed, API answer or CSV then
holds one, and the feeds stay valid XML. Data stored before the cleaning
(written past it) cannot break a feed either.
"""

from __future__ import annotations

import datetime
import io
import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from decisions.admin_forms import CleanTextForm
from decisions.extract import extract
from decisions.models import Meeting, Paragraf, Upload
from decisions.parser.control import strip_control, without_control
from decisions.services import publishing
from tests.documents import make_docx
from tests.factories import make_meeting, make_municipality, make_namnd

# Every C0 control, DEL and every C1 control: 65 characters.
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
# What a text may keep: a tab, a line end.
ALLOWED = {"\t", "\n"}
FIRST_DAY = datetime.date(2024, 1, 8)
# Enough ordinary text that a few stray characters are no sign of a binary file.
FILLER = (
    "Nämnden har tagit del av förvaltningens redovisning av ansökan och de "
    "underlag som föreningen har lämnat in under året. "
) * 8


def protocol(index: int, char: str) -> str:
    day = FIRST_DAY + datetime.timedelta(days=index)
    return (
        "Sjöbacka kommun\n"
        "Kulturnämnden\n"
        "SAMMANTRÄDESPROTOKOLL\n"
        f"Sammanträdesdatum {day.isoformat()}\n"
        "\n"
        "Beslutande\n"
        "Anna Berg (S), ordförande\n"
        "Per Holm (M)\n"
        "\n"
        "§ 1\n"
        f"Bidrag till före{char}ningen Tecken {index}\n"
        f"Dnr KN 2024/{index + 1}\n"
        "\n"
        "Beslut\n"
        f"Kulturnämnden beviljar före{char}ningen bidrag med 10 000 kronor.\n"
        "\n"
        "Ärendebeskrivning\n"
        f"{FILLER}\n"
        "\n"
        "Reservation\n"
        f"Per Holm (M) reserverar sig mot beslutet till förmån för eget "
        f"för{char}slag.\n"
    )


def controls_in(text: str, allowed: set[str] = ALLOWED) -> list[str]:
    return sorted(
        {f"U+{ord(c):04X}" for c in text if c in CONTROLS and c not in allowed}
    )


class EveryControlCharacterTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        with tempfile.TemporaryDirectory() as folder:
            for index, char in enumerate(CONTROLS):
                path = Path(folder) / f"tecken-{index:02d}.txt"
                path.write_bytes(protocol(index, char).encode())
            out, err = io.StringIO(), io.StringIO()
            try:
                call_command("ingest", folder, stdout=out, stderr=err)
                cls.code = 0
            except SystemExit as exit:
                cls.code = int(exit.code or 0)
        cls.out, cls.err = out.getvalue(), err.getvalue()

    def test_every_file_goes_in(self):
        self.assertEqual(self.code, 0, self.err)
        self.assertEqual(Meeting.objects.count(), len(CONTROLS))
        self.assertEqual(Paragraf.objects.count(), len(CONTROLS))

    def test_nothing_stored_holds_a_control_character(self):
        for meeting in Meeting.objects.all():
            # A form feed is the page break the parser reads; none is typed here.
            self.assertEqual(
                controls_in(meeting.source_text, ALLOWED | {"\f"}),
                [],
                meeting.source_name,
            )
        for paragraf in Paragraf.objects.prefetch_related("reservations"):
            texts = [
                paragraf.title,
                paragraf.decision,
                paragraf.text,
                paragraf.reservation_text,
                json.dumps(paragraf.sections, ensure_ascii=False),
                *(r.text for r in paragraf.reservations.all()),
            ]
            self.assertEqual(controls_in("\n".join(texts)), [], paragraf.title)
            self.assertIn("Tecken", paragraf.title)
            self.assertTrue(paragraf.has_reservation, paragraf.title)

    def test_each_removal_is_a_warning_naming_the_line(self):
        for index, char in enumerate(CONTROLS):
            name = f"tecken-{index:02d}.txt"
            warned = [
                line
                for line in self.err.splitlines()
                if name in line and "styrtecken" in line
            ]
            if char in "\t\n\r\f":
                self.assertEqual(warned, [], name)
                continue
            # The title's line (11), the decision's (15), the reservation's (22).
            self.assertEqual(len(warned), 3, (name, warned))
            for line, number in zip(warned, (11, 15, 21), strict=True):
                self.assertIn(f"rad {number}: ", line)
                self.assertIn(f"U+{ord(char):04X}", line)

    def addresses(self) -> list[str]:
        paragraf = Paragraf.objects.select_related("meeting").order_by("pk")[27]
        meeting = paragraf.meeting.get_absolute_url()
        namnd = "/sjobacka-kommun/kulturnamnden/"
        return [
            "/sjobacka-kommun/",
            namnd,
            meeting,
            paragraf.get_absolute_url(),
            "/sok/?q=bidrag",
            f"/sjobacka-kommun/arende/{paragraf.case_numbers[0]}/",
            "/sjobacka-kommun/parti/M/",
        ]

    def feeds(self) -> list[str]:
        paragraf = Paragraf.objects.order_by("pk")[27]
        return [
            "/sok/feed/?q=bidrag",
            "/sok/feed/",
            "/sjobacka-kommun/feed/",
            "/sjobacka-kommun/kulturnamnden/feed/",
            f"/sjobacka-kommun/arende-feed/{paragraf.case_numbers[0]}/",
            "/sjobacka-kommun/parti/M/feed/",
        ]

    def test_every_page_and_feed_answers_without_a_control_character(self):
        pages = self.addresses()
        feeds = self.feeds()
        for address in [*pages, *(f"/en{a}" for a in pages)]:
            response = self.client.get(address)
            self.assertEqual(response.status_code, 200, address)
            self.assertEqual(controls_in(response.content.decode()), [], address)
        for address in [*feeds, *(f"/en{a}" for a in feeds)]:
            response = self.client.get(address)
            self.assertEqual(response.status_code, 200, address)
            body = response.content.decode()
            self.assertEqual(controls_in(body), [], address)
            entries = ET.fromstring(response.content).findall(
                "{http://www.w3.org/2005/Atom}entry"
            )
            self.assertTrue(entries, address)

    def test_the_csv_holds_no_control_character(self):
        for address in ("/sok/?q=bidrag&format=csv", "/sjobacka-kommun/?format=csv"):
            response = self.client.get(address)
            self.assertEqual(response.status_code, 200, address)
            body = b"".join(response.streaming_content).decode()
            self.assertIn("Tecken", body)
            # CSV ends its rows in \r\n.
            self.assertEqual(controls_in(body, ALLOWED | {"\r"}), [], address)

    def test_the_api_holds_no_control_character(self):
        paragraf = Paragraf.objects.select_related("meeting").order_by("pk")[27]
        meeting = paragraf.meeting
        path = f"sjobacka-kommun/kulturnamnden/{meeting.slug}/"
        for address in (
            "/api/v1/paragrafer/",
            f"/api/v1/paragrafer/{path}paragraf-{paragraf.number}/",
            "/api/v1/sammantraden/",
            f"/api/v1/sammantraden/{path}",
            "/api/v1/reservationer/",
        ):
            response = self.client.get(address)
            self.assertEqual(response.status_code, 200, address)
            # JSON writes a control character as an escape: read it back.
            found = json.dumps(response.json(), ensure_ascii=False)
            self.assertEqual(controls_in(found), [], address)
            self.assertNotIn("\\u00", found)


class CleaningTests(TestCase):
    def test_it_names_the_line_and_the_character(self):
        text, notes = strip_control("a\nb\x1bc\x0bd\ne\x85f\n")
        self.assertEqual(text, "a\nbc d\ne f\n")
        self.assertEqual(
            notes,
            [
                "rad 2: styrtecken borttagna: U+000B, U+001B",
                "rad 3: styrtecken borttagna: U+0085",
            ],
        )

    def test_a_carriage_return_is_a_line_end(self):
        self.assertEqual(strip_control("a\r\nb\rc")[0], "a\nb\nc")

    def test_a_page_break_is_kept_only_where_asked(self):
        self.assertEqual(strip_control("a\fb", page_breaks=True), ("a\fb", []))
        self.assertEqual(without_control("a\fb"), "a b")

    def test_a_docx_with_a_c1_character_is_cleaned_with_a_note(self):
        data = make_docx("Sjöbacka kommun\n§ 1 Bidrag till före\x85ningen\nBeslut\nJa.")
        extracted = extract(data, name="protokoll.docx")
        self.assertNotIn("\x85", extracted.text)
        self.assertTrue(
            any(
                "U+0085" in note and note.startswith("rad ") for note in extracted.notes
            )
        )


class OldDataInFeedsTests(TestCase):
    """Rows written before the cleaning, or past it, cannot break a feed."""

    def test_a_stored_control_character_is_left_out_of_the_feed(self):
        namnd = make_namnd("Tekniska nämnden", municipality=make_municipality("Ort"))
        meeting = make_meeting(namnd=namnd)
        Paragraf.objects.create(
            meeting=meeting,
            number="1",
            position=1,
            title="Val\x0b av \x1bjusterare",
            decision="Nämnden\x01 utser\x7f\x85 Anna.",
            meeting_date=meeting.date,
        )
        for address in (
            "/ort/feed/",
            "/ort/tekniska-namnden/feed/",
            "/en/ort/feed/",
            "/sok/feed/?q=%0Bjusterare%1B",
        ):
            response = self.client.get(address)
            self.assertEqual(response.status_code, 200, address)
            ET.fromstring(response.content)
            self.assertEqual(controls_in(response.content.decode()), [], address)


class ClerkTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        town = make_municipality("Sjöbacka kommun")
        cls.namnd = make_namnd("Kulturnämnden", municipality=town)
        cls.clerk = get_user_model().objects.create_superuser("anna", "a@x.se", "pw")

    def upload(self) -> Upload:
        return publishing.upload_protocol(
            user=self.clerk,
            namnd=self.namnd,
            meeting_date=FIRST_DAY + datetime.timedelta(days=3),
            name="uppladdat.txt",
            data=protocol(3, "\x1b").encode(),
        )

    def test_an_upload_is_cleaned_and_the_preview_warns_of_the_line(self):
        upload = self.upload()
        self.assertNotIn("\x1b", upload.source_text)
        self.assertNotIn("\x1b", json.dumps(upload.parsed))
        warnings = upload.parsed["warnings"]
        self.assertIn("rad 11: styrtecken borttagna: U+001B", warnings)
        self.client.force_login(self.clerk)
        page = self.client.get(f"/admin/decisions/upload/{upload.pk}/change/")
        self.assertContains(page, "rad 11: styrtecken borttagna: U+001B")

    def test_a_correction_is_cleaned(self):
        upload = self.upload()
        paragraf = publishing.protocol_from_data(upload.parsed).paragrafer[0]
        publishing.correct(
            upload,
            {
                paragraf.number: publishing.Correction(
                    title="Bidrag\x1b till\x0bföreningen",
                    dnr="KN\x07 2024/4",
                    decision=paragraf.decision,
                    reservations=[r.members for r in paragraf.reservations],
                )
            },
            user=self.clerk,
        )
        upload.refresh_from_db()
        corrected = upload.parsed["paragraphs"][0]
        self.assertEqual(corrected["title"], "Bidrag till föreningen")
        self.assertEqual(corrected["dnrs"][0], "KN 2024/4")

    def test_an_admin_text_field_is_cleaned(self):
        meeting = make_meeting(namnd=self.namnd)

        class Form(CleanTextForm):
            class Meta:
                model = Meeting
                fields = ["place", "time"]

        form = Form(
            {"place": "Stadshuset\x1b, sal\x0b2", "time": "kl.\x8513"},
            instance=meeting,
        )
        self.assertTrue(form.is_valid(), form.errors)
        form.save()
        meeting.refresh_from_db()
        self.assertEqual((meeting.place, meeting.time), ("Stadshuset, sal 2", "kl. 13"))
