"""What ingest accepts has limits, said in settings and in its errors (issue
17, item 7): the largest file, the largest paragraph, the most paragraphs;
§ numbers are never merged; a long meeting's page is paginated."""

from __future__ import annotations

import datetime
import re
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings

from decisions import sandbox
from decisions.models import Meeting, Paragraf
from decisions.parser import parse_protocol
from decisions.services import publishing
from decisions.services.ingest import protocol_ingest
from tests.factories import ingest_command, make_municipality, make_namnd

DATE = datetime.date(2025, 1, 14)


def minutes(numbers: range | list[int], *, body: str = "", day: int = 14) -> str:
    parts = [
        "Sjöbacka kommun",
        "Tekniska nämnden",
        f"Sammanträdesdatum 2025-01-{day:02d}",
        "",
        "Beslutande",
        "Anna Berg (S), ordförande",
        "Per Holm (M)",
        "",
    ]
    for number in numbers:
        parts += [
            f"§ {number}",
            f"Ärende nummer {number}",
            "",
            "Beslut",
            f"Nämnden beslutar enligt förslaget i ärende {number}.",
            body,
            "",
        ]
    return "\n".join(parts)


class FileSizeTests(TestCase):
    @override_settings(INGEST_MAX_FILE_BYTES=2000)
    def test_a_file_over_the_limit_is_refused_unread_and_the_rest_go_in(self):
        folder = Path(self.enterContext(_tmp()))
        big = folder / "a-stort.txt"
        big.write_text(minutes(range(1, 40)))
        (folder / "b-litet.txt").write_text(minutes([1], day=15))
        read = Path.read_bytes

        def read_bytes(path: Path) -> bytes:
            self.assertNotEqual(path.name, big.name, "read before its size was seen")
            return read(path)

        with mock.patch.object(Path, "read_bytes", read_bytes):
            out, err, code = ingest_command(str(folder))
        self.assertEqual(code, 1)
        self.assertIn(f"{big}: filen är ", err)
        self.assertIn("(2000 byte) tas emot", err)
        self.assertIn("INGEST_MAX_FILE_BYTES", err)
        self.assertEqual(Meeting.objects.count(), 1)

    @override_settings(INGEST_MAX_FILE_BYTES=2000)
    def test_the_service_refuses_it_too(self):
        with self.assertRaisesMessage(sandbox.LimitError, "INGEST_MAX_FILE_BYTES"):
            protocol_ingest(
                source_name="stort.txt", data=minutes(range(1, 40)).encode()
            )
        self.assertFalse(Meeting.objects.exists())


class ParagraphLimitTests(TestCase):
    @override_settings(INGEST_MAX_PARAGRAPHS=5)
    def test_too_many_paragraphs_are_refused_at_the_first_one_too_many(self):
        folder = Path(self.enterContext(_tmp()))
        path = folder / "manga.txt"
        text = minutes(range(1, 8))
        path.write_text(text)
        out, err, code = ingest_command(str(path))
        self.assertEqual(code, 1)
        line = text.split("\n").index("§ 6") + 1
        self.assertIn(f"{path}:{line}: protokollet har 7 paragrafer", err)
        self.assertIn("högst 5", err)
        self.assertIn("INGEST_MAX_PARAGRAPHS", err)
        self.assertFalse(Meeting.objects.exists())

    @override_settings(INGEST_MAX_PARAGRAPH_CHARS=3000)
    def test_a_paragraph_too_long_is_refused_naming_it_and_its_line(self):
        folder = Path(self.enterContext(_tmp()))
        path = folder / "lang.txt"
        text = minutes([1, 2]).replace(
            "ärende 2.", "ärende 2.\n" + "Lång motivering här. " * 200
        )
        path.write_text(text)
        out, err, code = ingest_command(str(path))
        self.assertEqual(code, 1, err)
        line = text.split("\n").index("§ 2") + 1
        self.assertRegex(err, rf"{re.escape(str(path))}:{line}: § 2 har \d+ tecken")
        self.assertIn("högst 3000", err)
        self.assertIn("INGEST_MAX_PARAGRAPH_CHARS", err)
        self.assertFalse(Meeting.objects.exists())

    @override_settings(INGEST_MAX_PARAGRAPHS=5)
    def test_the_clerks_upload_is_refused_the_same_way(self):
        town = make_municipality("Sjöbacka kommun")
        namnd = make_namnd("Tekniska nämnden", municipality=town)
        clerk = get_user_model().objects.create_superuser("anna", "a@x.se", "pw")
        with self.assertRaisesMessage(publishing.UploadError, "INGEST_MAX_PARAGRAPHS"):
            publishing.upload_protocol(
                user=clerk,
                namnd=namnd,
                meeting_date=DATE,
                name="manga.txt",
                data=minutes(range(1, 8)).encode(),
            )


class ParagraphNumberTests(TestCase):
    def test_five_digit_numbers_stay_distinct(self):
        protocol = parse_protocol(minutes(range(9998, 10003)), source="x.txt")
        self.assertEqual(
            [p.number for p in protocol.paragrafer],
            ["9998", "9999", "10000", "10001", "10002"],
        )
        self.assertNotIn("10000", protocol.paragrafer[1].text)

    def test_they_get_distinct_addresses(self):
        protocol_ingest(
            source_name="lang.txt", data=minutes(range(9998, 10003)).encode()
        )
        numbers = list(
            Paragraf.objects.order_by("position").values_list("number", flat=True)
        )
        self.assertEqual(numbers, ["9998", "9999", "10000", "10001", "10002"])
        paragraf = Paragraf.objects.get(number="10000")
        response = self.client.get(paragraf.get_absolute_url())
        self.assertContains(response, "Ärende nummer 10000")

    def test_a_number_too_long_to_be_one_is_not_merged_silently(self):
        text = minutes([1, 12345678])
        protocol = parse_protocol(text, source="x.txt")
        line = text.split("\n").index("§ 12345678") + 1
        self.assertIn(f"rad {line}: ", " ".join(protocol.warnings))
        self.assertIn("12345678", " ".join(protocol.warnings))


@override_settings(MEETING_PAGE_SIZE=3)
class MeetingPaginationTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        result = protocol_ingest(
            source_name="sju.txt", data=minutes(range(1, 8)).encode()
        )
        cls.meeting = result.meeting
        cls.url = cls.meeting.get_absolute_url()

    def numbers(self, content: str) -> list[str]:
        return re.findall(r"paragraf-(\d+)/", content)

    def test_the_first_page_shows_the_first_paragraphs_and_links_the_next(self):
        response = self.client.get(self.url)
        content = response.content.decode()
        self.assertEqual(sorted(set(self.numbers(content)), key=int), ["1", "2", "3"])
        self.assertIn('href="?sida=2" rel="next"', content)
        self.assertNotIn('rel="prev"', content)
        # The count is of the whole meeting.
        self.assertContains(response, "Paragrafer (7)")

    def test_a_later_page_links_back(self):
        content = self.client.get(self.url, {"sida": 3}).content.decode()
        self.assertEqual(sorted(set(self.numbers(content)), key=int), ["7"])
        self.assertIn('href="?sida=2" rel="prev"', content)
        self.assertNotIn('rel="next"', content)

    def test_a_page_that_is_not_there_is_404(self):
        for page in ("4", "0", "x", "-1"):
            self.assertEqual(self.client.get(self.url, {"sida": page}).status_code, 404)

    def test_a_paragraphs_permalink_is_the_same_whatever_the_page(self):
        paragraf = Paragraf.objects.get(meeting=self.meeting, number="7")
        self.assertEqual(paragraf.get_absolute_url(), f"{self.url}paragraf-7/")
        self.assertIn(
            f'href="{self.url}paragraf-7/"',
            self.client.get(self.url, {"sida": 3}).content.decode(),
        )
        self.assertEqual(self.client.get(f"{self.url}paragraf-7/").status_code, 200)


def _tmp() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory()
