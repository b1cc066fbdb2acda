"""Withdrawn is forever (issue 15, item 2): a withdrawn paragraph's address
answers 410 after its row, or its meeting, is deleted; its (board, date,
number) is never public again, whoever writes it (the admin, ingest, a
clerk's publish, raw SQL); and a superuser's delete of a published paragraph
withdraws it first, keeping its record, so the download, search, sitemap,
feeds and API let it go as they do a withdrawal."""

from __future__ import annotations

import datetime
import gzip
import importlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import TestCase, override_settings

from decisions.download import ARCHIVE_NAME
from decisions.models import Meeting, Paragraf, Tombstone, VersionCause
from decisions.services import ingest as services
from decisions.services import publishing
from decisions.services.rename import namnd_rename
from decisions.services.versions import before, keep_versions
from decisions.services.withdrawal import paragraf_withdraw
from tests.factories import SJOBACKA
from tests.test_versions import admin_url, posted

# Kommunstyrelsen 2024-03-11, §§ 38-44.
KS = SJOBACKA[0]
REASON = "Publicerad av misstag: uppgifter som omfattas av sekretess."
# A word of § 42 and of no other paragraph of the protocol, and another to
# search it by.
WORD_42 = "Tallmon"
OTHER_WORD_42 = "Lövstad"


def without_paragraf(data: bytes, number: str) -> bytes:
    """The protocol as a changed source that leaves § number out."""
    text = data.decode()
    start = text.index(f"\n§ {number}\n")
    end = text.index("\n§ ", start + 1)
    return (text[:start] + text[end:]).encode()


class WithdrawnForeverTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.meeting = services.protocol_ingest(
            source_name=KS.name, data=KS.read_bytes()
        ).meeting
        cls.root = get_user_model().objects.create_superuser("root", "", "x")

    def setUp(self):
        self.p40 = Paragraf.objects.get(meeting=self.meeting, number="40")
        self.p42 = Paragraf.objects.get(meeting=self.meeting, number="42")
        self.url40 = self.p40.get_absolute_url()
        self.url42 = self.p42.get_absolute_url()

    def withdraw(self, paragraf: Paragraf) -> None:
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk=paragraf.pk),
            reason=REASON,
            user=self.root,
        )

    def delete_in_admin(self, obj: Any) -> Any:
        self.client.force_login(self.root)
        response = self.client.post(admin_url(obj, "delete"), {"post": "yes"})
        self.client.logout()
        return response

    def assert_gone(self, url: str, reason: str = REASON) -> None:
        page = self.client.get(url)
        self.assertEqual(page.status_code, 410, url)
        self.assertContains(page, reason, status_code=410)
        api = self.client.get("/api/v1/paragrafer" + url)
        self.assertEqual(api.status_code, 410, url)
        self.assertEqual(api.json()["withdrawal_reason"], reason)
        self.assertEqual(api.json()["id"], "http://testserver" + url)
        self.assertEqual(self.client.get(url + "version-1/").status_code, 410)
        self.assertEqual(self.client.get("/en" + url).status_code, 410)

    # -- a withdrawn paragraph deleted ------------------------------------

    def test_a_withdrawn_paragraph_deleted_by_a_superuser_still_answers_410(self):
        earlier = before([self.p40.pk])
        Paragraf.objects.filter(pk=self.p40.pk).update(title="Rättad rubrik")
        keep_versions(earlier, cause=VersionCause.CLERK)
        self.withdraw(self.p40)
        self.assertRedirects(
            self.delete_in_admin(self.p40),
            admin_url(Paragraf, "changelist"),
            fetch_redirect_response=False,
        )
        self.assertFalse(Paragraf.objects.filter(pk=self.p40.pk).exists())
        self.assert_gone(self.url40)
        page = self.client.get(self.url40).content.decode()
        self.assertNotIn("kamerabevakning", page)
        self.assertNotIn("Rättad rubrik", page)
        # The tombstone keeps the last public record and the earlier version,
        # never shown.
        tombstone = Tombstone.objects.get(namnd=self.meeting.namnd, number="40")
        self.assertEqual(tombstone.record["title"], "Rättad rubrik")
        self.assertEqual(
            [v["record"]["title"] for v in tombstone.versions],
            ["Svar på motion om kameraövervakning vid Sjöbacka resecentrum"],
        )
        self.assertIsNotNone(tombstone.deleted_at)

    def test_its_board_renamed_afterwards_it_answers_410_at_both_addresses(self):
        self.withdraw(self.p40)
        self.delete_in_admin(self.p40)
        namnd = self.meeting.namnd
        namnd_rename(
            namnd=namnd,
            new_name=namnd.name,
            slug="ks",
            since=datetime.date.today(),
            user=None,
        )
        moved = self.url40.replace("/kommunstyrelsen/", "/ks/")
        self.assertRedirects(
            self.client.get(self.url40),
            moved,
            status_code=301,
            target_status_code=410,
        )
        self.assert_gone(moved)
        old_api = self.client.get("/api/v1/paragrafer" + self.url40)
        self.assertEqual(old_api.status_code, 410)
        self.assertEqual(old_api.json()["id"], "http://testserver" + moved)

    def test_adding_it_again_in_the_admin_is_refused_with_a_message(self):
        self.withdraw(self.p40)
        self.delete_in_admin(self.p40)
        self.client.force_login(self.root)
        data = posted(self.client.get(admin_url(Paragraf, "add")))
        data.update(meeting=self.meeting.pk, number="40", position=99, title="Igen")
        response = self.client.post(admin_url(Paragraf, "add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "återkallades")
        self.assertContains(response, "kan inte läggas till eller publiceras igen")
        self.assertFalse(Paragraf.objects.filter(title="Igen").exists())
        # Nor by renumbering another paragraph of the meeting.
        data = posted(self.client.get(admin_url(self.p42)))
        response = self.client.post(admin_url(self.p42), {**data, "number": "40"})
        self.assertContains(response, "kan inte läggas till eller publiceras igen")
        self.p42.refresh_from_db()
        self.assertEqual(self.p42.number, "42")
        # Nor on its meeting's page.
        data = posted(self.client.get(admin_url(self.meeting)))
        rows = int(data["paragrafer-TOTAL_FORMS"])
        data.update(
            {
                "paragrafer-TOTAL_FORMS": rows + 1,
                f"paragrafer-{rows}-number": "40",
                f"paragrafer-{rows}-position": 99,
                f"paragrafer-{rows}-title": "Igen",
            }
        )
        response = self.client.post(admin_url(self.meeting), data)
        self.assertContains(response, "kan inte läggas till eller publiceras igen")
        self.assertFalse(Paragraf.objects.filter(title="Igen").exists())
        self.assertEqual(self.client.get(self.url40).status_code, 410)

    def test_the_database_refuses_it_as_public_whoever_writes_it(self):
        self.withdraw(self.p40)
        # Taken back by hand: the check constraint alone let this through.
        with self.assertRaises(IntegrityError), transaction.atomic():
            Paragraf.objects.filter(pk=self.p40.pk).update(
                withdrawn_at=None, confidential=False, withdrawal_reason=""
            )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Paragraf.objects.filter(pk=self.p40.pk).update(
                withdrawn_at=None, withdrawal_reason=""
            )
        Paragraf.objects.filter(pk=self.p40.pk).delete()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Paragraf.objects.create(
                meeting=self.meeting, number="40", position=99, title="Igen"
            )
        # Confidential but not withdrawn is no way around it either.
        with self.assertRaises(IntegrityError), transaction.atomic():
            Paragraf.objects.create(
                meeting=self.meeting,
                number="40",
                position=99,
                title="Igen",
                confidential=True,
            )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Paragraf.objects.filter(pk=self.p42.pk).update(number="40")
        with self.assertRaises(IntegrityError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO decisions_paragraf (meeting_id, number, position,"
                    " title, decision, text, sections, case_numbers, procedure,"
                    " recipients, confidential, has_reservation,"
                    " reserving_parties, withdrawal_reason, referral,"
                    " reservation_text, search_terms) VALUES (%s, '40', 99,"
                    " 'Igen', '', '', '[]', '{}', '', '{}', false, false, '{}',"
                    " '', '', '', '')",
                    [self.meeting.pk],
                )
        # Withdrawn, it may be there again.
        Paragraf.objects.create(
            meeting=self.meeting,
            number="40",
            position=99,
            title="Igen",
            confidential=True,
            withdrawn_at=datetime.datetime.now(datetime.UTC),
            withdrawal_reason=REASON,
        )
        self.assertEqual(self.client.get(self.url40).status_code, 410)

    def test_the_database_keeps_its_tombstone_whoever_deletes_it(self):
        # Withdrawn in SQL and deleted through the ORM, past every line of
        # the archive's own Python (decisions.services.withdrawal).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE decisions_paragraf SET withdrawn_at = now(),"
                " confidential = true, withdrawal_reason = %s WHERE id = %s",
                [REASON, self.p40.pk],
            )
        self.assertTrue(Tombstone.objects.filter(number="40").exists())
        Paragraf.objects.filter(pk=self.p40.pk).delete()
        self.assert_gone(self.url40)
        tombstone = Tombstone.objects.get(number="40")
        self.assertIsNotNone(tombstone.deleted_at)
        # And a tombstone is not deleted.
        with self.assertRaises(IntegrityError), transaction.atomic():
            Tombstone.objects.all().delete()

    # -- ingest ------------------------------------------------------------

    def test_re_ingest_after_the_meeting_was_deleted_writes_it_withdrawn_again(self):
        self.withdraw(self.p40)
        withdrawn_at = Paragraf.objects.get(pk=self.p40.pk).withdrawn_at
        self.assertRedirects(
            self.delete_in_admin(self.meeting),
            admin_url(Meeting, "changelist"),
            fetch_redirect_response=False,
        )
        self.assert_gone(self.url40)
        again = services.protocol_ingest(source_name=KS.name, data=KS.read_bytes())
        self.assertEqual(again.status, "created")
        row = again.meeting.paragrafer.get(number="40")
        self.assertTrue(row.confidential)
        self.assertEqual(
            (row.withdrawn_at, row.withdrawal_reason), (withdrawn_at, REASON)
        )
        self.assertTrue(
            any("§ 40 återkallades" in w for w in again.protocol.warnings),
            again.protocol.warnings,
        )
        self.assert_gone(self.url40)
        self.assertNotContains(self.client.get("/sok/?q=kamerabevakning"), self.url40)

    def test_the_ingest_command_says_it_writes_it_withdrawn(self):
        self.withdraw(self.p40)
        self.delete_in_admin(self.meeting)
        out, err = io.StringIO(), io.StringIO()
        call_command("ingest", str(KS), stdout=out, stderr=err)
        self.assertIn("§ 40 återkallades", err.getvalue())
        self.assertIn("skrivs som återkallad", err.getvalue())
        self.assertIn("1 created", out.getvalue())
        self.assert_gone(self.url40)

    def test_a_clerks_publish_writes_it_withdrawn_again(self):
        self.withdraw(self.p40)
        namnd = self.meeting.namnd
        self.delete_in_admin(self.meeting)
        upload = publishing.upload_protocol(
            user=self.root,
            namnd=namnd,
            meeting_date=datetime.date(2024, 3, 11),
            name=KS.name,
            data=KS.read_bytes(),
        )
        self.client.force_login(self.root)
        response = self.client.post(
            admin_url(upload), {"_publish": "Publicera"}, follow=True
        )
        self.client.logout()
        shown = [str(m) for m in response.context["messages"]]
        self.assertIn(f"{KS.name} är publicerat", shown)
        self.assertTrue(any("40" in m and "återkallades" in m for m in shown), shown)
        meeting = Meeting.objects.get(namnd=namnd, slug="2024-03-11")
        self.assertTrue(meeting.paragrafer.get(number="40").confidential)
        self.assert_gone(self.url40)
        # Deleting the meeting withdrew its public paragraphs: they too stay.
        self.assert_gone(self.url42, "Raderad av root")

    def test_re_ingest_of_the_same_protocol_keeps_it_withdrawn(self):
        self.withdraw(self.p40)
        changed = KS.read_bytes() + b"\n\n"
        again = services.protocol_ingest(source_name=KS.name, data=changed)
        self.assertEqual(again.status, "updated")
        self.assertTrue(Paragraf.objects.get(pk=self.p40.pk).confidential)
        self.assertTrue(any("§ 40" in w for w in again.protocol.warnings))
        self.assert_gone(self.url40)

    def test_a_changed_source_that_drops_its_number_leaves_it_410(self):
        self.withdraw(self.p40)
        changed = without_paragraf(KS.read_bytes(), "40")
        again = services.protocol_ingest(source_name=KS.name, data=changed)
        self.assertEqual(again.status, "updated")
        self.assertFalse(again.meeting.paragrafer.filter(number="40").exists())
        self.assert_gone(self.url40)
        tombstone = Tombstone.objects.get(number="40")
        self.assertIsNotNone(tombstone.deleted_at)
        self.assertIn("kameraövervakning", tombstone.record["title"])
        # And the original again writes it withdrawn, not public.
        services.protocol_ingest(source_name=KS.name, data=KS.read_bytes())
        self.assertTrue(again.meeting.paragrafer.get(number="40").confidential)
        self.assert_gone(self.url40)

    # -- a published paragraph deleted -------------------------------------

    def test_deleting_a_published_paragraph_withdraws_it_and_keeps_its_record(self):
        self.assertContains(self.client.get(f"/sok/?q={WORD_42}"), self.url42)
        self.delete_in_admin(self.p42)
        reason = "Raderad av root"
        self.assert_gone(self.url42, reason)
        tombstone = Tombstone.objects.get(number="42")
        self.assertEqual(tombstone.reason, reason)
        self.assertEqual(
            tombstone.record["title"], "Markanvisning för bostäder i kvarteret Tallmon"
        )
        self.assertTrue(
            LogEntry.objects.filter(
                object_id=str(self.p42.pk), change_message=f"Återkallad: {reason}"
            ).exists()
        )
        namnd = self.meeting.namnd
        municipality = namnd.municipality.get_absolute_url()
        for url in (
            f"/sok/?q={WORD_42}",
            f"/sok/feed/?q={WORD_42}",
            namnd.get_absolute_url() + "feed/",
            municipality + "feed/",
            "/sitemap-paragrafer.xml",
            f"/api/v1/paragrafer/?q={WORD_42}",
            "/api/v1/paragrafer/",
            self.meeting.get_absolute_url(),
            self.meeting.get_absolute_url() + "?format=csv",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200, url)
                content = (
                    b"".join(response) if response.streaming else response.content
                ).decode()
                self.assertNotIn(OTHER_WORD_42, content, url)
                self.assertNotIn(self.url42, content, url)

    def test_deleting_a_paragraph_makes_the_download_outdated(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        url = "/oppna-data/" + ARCHIVE_NAME
        with override_settings(OPEN_DATA_DIR=folder):
            call_command("dump_archive", output=folder, stdout=io.StringIO())
            served = self.client.get(url)
            self.assertEqual(served.status_code, 200)
            body = gzip.decompress(b"".join(served.streaming_content)).decode()
            self.assertIn(WORD_42, body)
            self.delete_in_admin(self.p42)
            self.assertEqual(self.client.get(url).status_code, 503)
            call_command("dump_archive", output=folder, stdout=io.StringIO())
            # The manifest dates a dump to the second: one written in the
            # deletion's second counts as before it.
            Tombstone.objects.filter(number="42").update(
                withdrawn_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
            )
            served = self.client.get(url)
            self.assertEqual(served.status_code, 200)
            body = gzip.decompress(b"".join(served.streaming_content)).decode()
            ids = [json.loads(line)["id"] for line in body.splitlines()]
            self.assertNotIn("http://testserver" + self.url42, ids)
            self.assertNotIn(WORD_42, body)

    def test_deleting_a_meeting_leaves_a_tombstone_for_each_public_paragraph(self):
        public = set(
            self.meeting.paragrafer.filter(confidential=False).values_list(
                "number", flat=True
            )
        )
        self.delete_in_admin(self.meeting)
        self.assertFalse(Meeting.objects.filter(pk=self.meeting.pk).exists())
        self.assertEqual(
            set(Tombstone.objects.values_list("number", flat=True)), public
        )
        page = self.client.get(self.url42)
        self.assertContains(page, "Raderad av root", status_code=410)
        # Its meeting is gone: the tombstone links to the board instead.
        self.assertNotContains(
            page, f'href="{self.meeting.get_absolute_url()}"', status_code=410
        )
        self.assertContains(
            page, f'href="{self.meeting.namnd.get_absolute_url()}"', status_code=410
        )

    def test_the_bulk_delete_action_withdraws_each_first(self):
        self.client.force_login(self.root)
        response = self.client.post(
            admin_url(Paragraf, "changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [self.p40.pk, self.p42.pk],
                "post": "yes",
            },
            follow=True,
        )
        self.assertRedirects(response, admin_url(Paragraf, "changelist"))
        self.assertContains(
            response, "2 publicerade paragrafer återkallades innan de raderades"
        )
        self.client.logout()
        self.assert_gone(self.url40, "Raderad av root")
        self.assert_gone(self.url42, "Raderad av root")

    def test_deleting_it_on_its_meetings_page_withdraws_it_first(self):
        self.client.force_login(self.root)
        data = posted(self.client.get(admin_url(self.meeting)))
        index = next(
            i
            for i in range(int(data["paragrafer-TOTAL_FORMS"]))
            if data[f"paragrafer-{i}-id"] == self.p42.pk
        )
        data[f"paragrafer-{index}-DELETE"] = "on"
        response = self.client.post(admin_url(self.meeting), data)
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assertFalse(Paragraf.objects.filter(pk=self.p42.pk).exists())
        self.assert_gone(self.url42, "Raderad av root")


class BackfillTests(TestCase):
    """Paragraphs withdrawn before tombstones existed get one in the
    migration, and their record when their row is deleted."""

    def test_a_paragraph_withdrawn_before_tombstones_gets_one(self):
        meeting = services.protocol_ingest(
            source_name=KS.name, data=KS.read_bytes()
        ).meeting
        paragraf = meeting.paragrafer.get(number="42")
        root = get_user_model().objects.create_superuser("root", "", "x")
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk=paragraf.pk), reason=REASON, user=root
        )
        # As the archive stood before migration 0018: no tombstone.
        with connection.cursor() as cursor:
            # Foreign keys checked at commit would keep the table from altering.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE decisions_tombstone DISABLE TRIGGER tombstone_kept_forever"
            )
            cursor.execute("DELETE FROM decisions_tombstone")
            cursor.execute(
                "ALTER TABLE decisions_tombstone ENABLE TRIGGER tombstone_kept_forever"
            )
        migration = importlib.import_module("decisions.migrations.0018_tombstone")
        migration.backfill(apps, None)
        tombstone = Tombstone.objects.get()
        self.assertEqual(
            (tombstone.namnd, tombstone.meeting_slug, tombstone.number),
            (meeting.namnd, "2024-03-11", "42"),
        )
        self.assertEqual(tombstone.reason, REASON)
        self.assertIsNone(tombstone.record)
        # Deleted, the row leaves its content in the tombstone, never shown.
        self.client.force_login(root)
        self.client.post(admin_url(paragraf, "delete"), {"post": "yes"})
        self.client.logout()
        tombstone.refresh_from_db()
        self.assertEqual(
            tombstone.record["title"], "Markanvisning för bostäder i kvarteret Tallmon"
        )
        page = self.client.get(paragraf.get_absolute_url())
        self.assertContains(page, REASON, status_code=410)
        self.assertNotContains(page, "Tallmon", status_code=410)
