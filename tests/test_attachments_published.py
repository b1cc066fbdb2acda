"""The attachments a paragraf names, from the minutes to every surface:
ingest stores them, the page lists them under "Bilagor" and says where to
ask for them, the record (the API, the download, what versions keep)
carries them, a reparse that reads them differently keeps a version, and a
version kept before they were read still shows and compares."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from decisions.download import ARCHIVE_NAME
from decisions.models import Meeting, Paragraf, ParagrafVersion, VersionCause
from decisions.records import records
from decisions.services.dump import write_archive
from decisions.services.reparse import protocol_reparse
from decisions.version_diff import diff
from tests.factories import SJOBACKA

KFN = next(path for path in SJOBACKA if "kultur-och-fritidsnamnden" in path.name)
# § 26 of the sample: "enligt bilaga 1 till tjänsteutlåtandet" in the
# decision, and the basis "Tjänsteutlåtande 2024-04-02 / Bilaga 1,
# Verksamhetsbidrag 2024 / Bilaga 2, Lokalbidrag 2024".
NAMED = [
    {"label": "Bilaga 1 till tjänsteutlåtandet", "title": "Verksamhetsbidrag 2024"},
    {"label": "Bilaga 2 till tjänsteutlåtandet", "title": "Lokalbidrag 2024"},
    {"label": "Beslutsunderlag", "title": "Tjänsteutlåtande 2024-04-02"},
]


class AttachmentTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", str(KFN), stdout=None, stderr=None)
        cls.paragraf = Paragraf.objects.get(number="26")

    def reload(self) -> Paragraf:
        return Paragraf.objects.get(pk=self.paragraf.pk)

    def test_ingest_stores_them_in_the_order_first_named(self) -> None:
        self.assertEqual(self.paragraf.attachments, NAMED)
        # A confidential paragraph keeps none, whatever its text named.
        for secret in Paragraf.objects.filter(confidential=True):
            self.assertEqual(secret.attachments, [])

    def test_the_page_lists_them_under_bilagor_and_says_where_to_ask(self) -> None:
        response = self.client.get(self.paragraf.get_absolute_url())
        self.assertContains(response, '<h2 id="attachments-heading">Bilagor</h2>')
        self.assertContains(
            response,
            '<li><span class="attachment__label">Bilaga 1 till tjänsteutlåtandet'
            "</span>: Verksamhetsbidrag 2024</li>",
            html=True,
        )
        self.assertContains(response, "Bilagorna själva publiceras inte här")
        self.assertContains(response, "begära ut dem från Sjöbacka kommun")
        # A paragraph that names none has no such section.
        plain = Paragraf.objects.filter(confidential=False).exclude(number="26")[0]
        Paragraf.objects.filter(pk=plain.pk).update(attachments=[])
        self.assertNotContains(
            self.client.get(plain.get_absolute_url()), "attachments-heading"
        )

    def test_the_record_the_api_and_the_download_carry_them(self) -> None:
        self.assertEqual(records([self.paragraf], "")[0]["attachments"], NAMED)
        path = self.paragraf.get_absolute_url()
        detail = self.client.get("/api/v1/paragrafer" + path).json()
        self.assertEqual(detail["attachments"], NAMED)
        listed = self.client.get("/api/v1/paragrafer/", {"antal": 500}).json()
        by_id = {r["id"]: r for r in listed["results"]}
        self.assertEqual(by_id[detail["id"]]["attachments"], NAMED)
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        write_archive(folder, "http://testserver")
        with gzip.open(folder / ARCHIVE_NAME, "rt", encoding="utf-8") as lines:
            written = {r["id"]: r for r in map(json.loads, lines)}
        self.assertEqual(written[detail["id"]]["attachments"], NAMED)
        self.assertTrue(all("attachments" in r for r in written.values()))

    def test_the_openapi_description_names_them(self) -> None:
        schema = self.client.get("/api/v1/schema/", {"format": "json"}).json()
        record = schema["components"]["schemas"]["ParagrafRecord"]
        self.assertIn("attachments", record["required"])
        attachment = schema["components"]["schemas"]["_Attachment"]
        self.assertEqual(set(attachment["properties"]), {"label", "title"})

    def test_a_reparse_that_reads_them_differently_keeps_a_version(self) -> None:
        # As the row read before attachments were read from the minutes.
        Paragraf.objects.filter(pk=self.paragraf.pk).update(attachments=[])
        protocol_reparse(meeting=Meeting.objects.get(pk=self.paragraf.meeting_id))
        version = ParagrafVersion.objects.get(paragraf=self.paragraf)
        self.assertEqual(version.cause, VersionCause.PARSER)
        self.assertEqual(version.record["attachments"], [])
        self.assertEqual(self.reload().attachments, NAMED)
        self.assertIsNotNone(self.reload().corrected_at)
        page = self.client.get(f"{self.paragraf.get_absolute_url()}version-1/")
        self.assertContains(page, "Bilaga 2 till tjänsteutlåtandet: Lokalbidrag 2024")
        # Read again, the same: no further version.
        protocol_reparse(meeting=Meeting.objects.get(pk=self.paragraf.meeting_id))
        self.assertEqual(
            ParagrafVersion.objects.filter(paragraf=self.paragraf).count(), 1
        )

    def test_a_version_kept_before_they_were_read_shows_and_compares(self) -> None:
        # A record kept by an earlier release has no "attachments" key.
        old = records([self.paragraf], "")[0]
        del old["attachments"]
        old["title"] = "Föreningsbidrag 2024"
        ParagrafVersion.objects.create(
            paragraf=self.paragraf,
            number=1,
            record=old,
            valid_from=None,
            replaced_at=timezone.now(),
            cause=VersionCause.CLERK,
        )
        Paragraf.objects.filter(pk=self.paragraf.pk).update(corrected_at=timezone.now())
        page = self.client.get(f"{self.paragraf.get_absolute_url()}version-1/")
        self.assertEqual(page.status_code, 200)
        # The old record lists none of its own; what was added since shows.
        self.assertNotContains(page, "attachments-heading")
        self.assertContains(page, "Bilaga 1 till tjänsteutlåtandet: Verksamhetsbidrag")
        current = records([self.reload()], "")[0]
        added = [line.text for line in diff(old, current) if line.kind == "added"]
        self.assertIn("Bilagor:", added)
        self.assertIn("Beslutsunderlag: Tjänsteutlåtande 2024-04-02", added)
        # Without attachments on either side, a missing key is no change.
        self.assertEqual(diff({**old}, {**old, "attachments": []}), [])
        current_page = self.client.get(self.paragraf.get_absolute_url())
        self.assertContains(current_page, "version-1/")
