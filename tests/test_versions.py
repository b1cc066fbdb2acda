"""Corrections after publishing keep earlier versions at addresses of their
own, with what changed; a withdrawn paragraph leaves every public surface at
once and answers 410 with a tombstone; the audit log has both."""

from __future__ import annotations

import datetime
import gzip
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F
from django.test import SimpleTestCase, TestCase, override_settings

from decisions.download import ARCHIVE_NAME
from decisions.models import (
    Arende,
    Member,
    Paragraf,
    ParagrafVersion,
    Tombstone,
    VersionCause,
    Word,
)
from decisions.services import ingest as services
from decisions.services.corrections import paragraf_save
from decisions.services.reparse import protocol_reparse
from decisions.services.versions import before, keep_versions
from decisions.services.withdrawal import paragraf_withdraw
from decisions.version_diff import diff, record_lines
from tests.admin_pages import admin_url, posted
from tests.factories import SEEDS, SJOBACKA, STAMP
from tests.problems import MEMBERS, problem_of

# A word of the Kulturnämnden paragraph's decision and no other's.
KULTUR_WORD = "Kulturförvaltningen"


def ingest_seeds() -> tuple[Paragraf, Paragraf]:
    """The two real seed extracts: Kulturnämnden § 7 and Socialnämnden § 13,
    two boards of Stockholms stad."""
    for path in SEEDS:
        services.protocol_ingest(source_name=path.name, data=path.read_bytes())
    return Paragraf.objects.get(number="7"), Paragraf.objects.get(number="13")


def make_clerk(username: str, namnd: str) -> Any:
    call_command("create_clerk", username, namnd=namnd, stdout=io.StringIO())
    return get_user_model().objects.get(username=username)


class DiffTests(SimpleTestCase):
    RECORD = {
        "title": "Budget 2025",
        "case": {"id": "/x/arende/KS 1/", "dnr": "KS 1"},
        "case_numbers": ["KS 1"],
        "decision": "Nämnden antar budgeten.",
        "sections": [
            {"kind": "background", "heading": "", "text": "Rad ett.\nRad två."}
        ],
        "procedure": "",
        "recipients": [],
        "text": "Hela texten.",
        "reservations": [
            {
                "kind": "reservation",
                "text": "Vi reserverar oss.",
                "members": [{"name": "Anna Berg", "party": "M"}],
            }
        ],
        "proposals": [],
        "votes": [
            {
                "ja": 5,
                "nej": 3,
                "avstar": None,
                "casts": [{"name": "Bo Ek", "party": "KD", "choice": "nej"}],
            }
        ],
    }

    def test_it_renders_a_record_as_lines_a_reader_knows(self):
        lines = record_lines(self.RECORD)
        self.assertEqual(lines[:2], ["Rubrik: Budget 2025", "Dnr: KS 1"])
        # An unheaded section is named by its kind, as its page names it.
        self.assertIn("Ärendet:", lines)
        self.assertIn("Reservation (Anna Berg (M)):", lines)
        self.assertIn("Omröstning: ja 5, nej 3, avstår –", lines)
        self.assertIn("Nej: Bo Ek (KD)", lines)
        # The whole text repeats the sections: only when asked for.
        self.assertNotIn("Hela texten.", lines)

    def test_it_marks_what_was_removed_and_added_with_context_around(self):
        newer = {**self.RECORD, "decision": "Nämnden antar budgeten med ändringar."}
        lines = diff(self.RECORD, newer)
        kinds = [(line.kind, line.text) for line in lines]
        self.assertIn(("removed", "Nämnden antar budgeten."), kinds)
        self.assertIn(("added", "Nämnden antar budgeten med ändringar."), kinds)
        self.assertIn(("same", "Beslut:"), kinds)
        # Far from the change, unchanged lines are left out, marked as a gap.
        self.assertEqual(lines[-1].kind, "gap")
        self.assertNotIn(("same", "Nej: Bo Ek (KD)"), kinds)

    def test_a_changed_text_alone_is_shown_and_nothing_is_no_diff(self):
        self.assertEqual(diff(self.RECORD, dict(self.RECORD)), [])
        newer = {**self.RECORD, "text": "Hela texten, rättad."}
        kinds = [(line.kind, line.text) for line in diff(self.RECORD, newer)]
        self.assertIn(("removed", "Hela texten."), kinds)
        self.assertIn(("added", "Hela texten, rättad."), kinds)


class CorrectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.kultur, cls.social = ingest_seeds()
        cls.title = cls.kultur.title
        cls.clerk = make_clerk("anna", "Stockholms stad/Kulturnämnden")

    def setUp(self):
        self.client.force_login(self.clerk)

    def correct(self, obj: Any, **changes: Any) -> None:
        data = posted(self.client.get(admin_url(obj)))
        data.update(changes)
        response = self.client.post(admin_url(obj), data)
        self.assertEqual(response.status_code, 302, response.content[:3000])

    def version_url(self, number: int) -> str:
        return f"{self.kultur.get_absolute_url()}version-{number}/"

    def test_a_corrected_title_keeps_the_old_one_as_version_1(self):
        self.correct(self.kultur, title="Strategi för en smart stad")
        version = ParagrafVersion.objects.get(paragraf=self.kultur)
        self.assertEqual(version.number, 1)
        self.assertEqual(version.record["title"], self.title)
        self.assertIsNone(version.valid_from)
        self.kultur.refresh_from_db()
        self.assertEqual(self.kultur.corrected_at, version.replaced_at)

        page = self.client.get(self.kultur.get_absolute_url())
        self.assertContains(page, "<dt>Rättad</dt>\n    <dd><time datetime=")
        self.assertContains(page, f'href="{self.version_url(1)}"')

        old = self.client.get(self.version_url(1))
        self.assertEqual(old.status_code, 200)
        self.assertContains(old, f">§&nbsp;7 {self.title}</h1>", html=False)
        self.assertContains(old, "Tidigare version 1")
        self.assertContains(old, f'href="{self.kultur.get_absolute_url()}"')
        self.assertContains(
            old, f'<link rel="canonical" href="http://testserver{self.version_url(1)}">'
        )
        self.assertContains(old, '<meta name="robots" content="noindex">')
        # What changed: the old title struck out, the new one put in, each
        # named for a screen reader too.
        content = old.content.decode()
        removed = content.index(f"Rubrik: {self.title}</span></del>")
        added = content.index("Rubrik: Strategi för en smart stad</span></ins>")
        self.assertLess(removed, added)
        self.assertIn("Borttaget:", content)
        self.assertIn("Tillagt:", content)

    def test_two_corrections_keep_two_versions_at_stable_addresses(self):
        self.correct(self.kultur, title="Första rättelsen")
        first = self.client.get(self.version_url(1))
        self.correct(self.kultur, title="Andra rättelsen")
        versions = ParagrafVersion.objects.filter(paragraf=self.kultur)
        self.assertEqual(
            [(v.number, v.record["title"]) for v in versions],
            [(1, self.title), (2, "Första rättelsen")],
        )
        second = versions.get(number=2)
        self.assertEqual(second.valid_from, versions.get(number=1).replaced_at)
        # Version 1 reads as it did: its record, and what the correction that
        # replaced it changed, now the way to version 2.
        again = self.client.get(self.version_url(1))
        self.assertEqual(again.context["record"], first.context["record"])
        self.assertEqual(again.context["diff"], first.context["diff"])
        self.assertContains(again, "till version 2")
        self.assertContains(
            self.client.get(self.version_url(2)),
            "Rubrik: Andra rättelsen</span></ins>",
        )
        self.assertEqual(self.client.get(self.version_url(3)).status_code, 404)
        # The audit log names the version each correction kept.
        messages = [
            entry.get_change_message()
            for entry in LogEntry.objects.filter(
                object_id=str(self.kultur.pk), user=self.clerk, action_flag=CHANGE
            )
        ]
        self.assertTrue(any("version 2" in m for m in messages), messages)

    def test_an_edit_that_changes_nothing_keeps_no_version(self):
        self.correct(self.kultur)
        self.assertFalse(ParagrafVersion.objects.exists())
        self.kultur.refresh_from_db()
        self.assertIsNone(self.kultur.corrected_at)
        self.assertNotContains(
            self.client.get(self.kultur.get_absolute_url()), "Rättad"
        )
        self.assertEqual(self.client.get(self.version_url(1)).status_code, 404)

    def test_a_corrected_reservation_versions_its_paragraph(self):
        reservation = self.kultur.reservations.get()
        old_text = reservation.text
        self.correct(reservation, text="Vi reserverar oss mot beslutet.")
        version = ParagrafVersion.objects.get(paragraf=self.kultur)
        self.assertEqual(version.record["reservations"][0]["text"], old_text)
        page = self.client.get(self.version_url(1)).content.decode()
        self.assertIn("Vi reserverar oss mot beslutet.</span></ins>", page)
        self.assertIn("Reservation (Rasmus Jonlund (L)):", page)

    def test_a_corrected_party_versions_every_paragraph_the_member_is_named_at(self):
        # Members are shared by the municipality's boards: its editor corrects.
        call_command(
            "create_clerk", "erik", kommun="Stockholms stad", stdout=io.StringIO()
        )
        self.client.force_login(get_user_model().objects.get(username="erik"))
        member = Member.objects.get(name="Rasmus Jonlund")
        self.correct(member, party="MP")
        version = ParagrafVersion.objects.get(paragraf=self.kultur)
        people = version.record["reservations"][0]["members"]
        self.assertEqual([m["party"] for m in people], ["L"])
        self.assertFalse(ParagrafVersion.objects.filter(paragraf=self.social).exists())
        self.assertContains(
            self.client.get(self.version_url(1)),
            "Reservation (Rasmus Jonlund (MP)):</span></ins>",
        )

    def test_a_correction_of_a_paragraph_of_another_board_is_refused(self):
        response = self.client.get(admin_url(self.social))
        self.assertNotEqual(response.status_code, 200)
        self.client.post(admin_url(self.social), {"title": "Ändrad"})
        self.social.refresh_from_db()
        self.assertNotEqual(self.social.title, "Ändrad")
        self.assertFalse(ParagrafVersion.objects.exists())

    def test_a_paragraph_made_confidential_shows_no_earlier_version(self):
        self.correct(self.kultur, title="Strategi för en smart stad")
        self.correct(self.kultur, confidential="on")
        # The public record it had is kept, as any replaced one, but no
        # version of a confidential paragraph is shown.
        self.assertEqual(ParagrafVersion.objects.count(), 2)
        page = self.client.get(self.kultur.get_absolute_url())
        self.assertNotContains(page, "version-1/")
        self.assertNotContains(page, "Rättad")
        for number in (1, 2):
            self.assertEqual(self.client.get(self.version_url(number)).status_code, 404)

    def test_keep_versions_compares_records_and_numbers_versions(self):
        earlier = before([self.kultur.pk])
        self.assertEqual(keep_versions(earlier, cause=VersionCause.CLERK), [])
        Paragraf.objects.filter(pk=self.kultur.pk).update(decision="Ett nytt beslut.")
        (version,) = keep_versions(earlier, cause=VersionCause.CLERK)
        self.assertEqual(
            (version.number, version.record), (1, earlier[self.kultur.pk].record)
        )
        # Records are kept with paths, whichever host wrote them.
        self.assertTrue(version.record["id"].startswith("/stockholms-stad/"))

    def test_the_pages_run_a_fixed_number_of_queries(self):
        self.correct(self.kultur, title="Strategi för en smart stad")
        self.client.logout()
        page, version = self.kultur.get_absolute_url(), self.version_url(1)
        # 1 the paragraph with meeting, board, municipality and case; 2 its
        # reservations and 3 their members; 4 its earlier versions, without
        # their records (its case has no other paragraph: not asked for).
        with self.assertNumQueries(STAMP + 4):
            self.client.get(page)
        # 1 the paragraph as above; 2 the version asked for and 3 the next
        # one (none); the current record: 4 reservations, 5 their members,
        # 6 proposals, 7 their members, 8 votes, 9 casts.
        with self.assertNumQueries(STAMP + 9):
            self.client.get(version)

    def test_the_english_version_page_is_translated(self):
        self.correct(self.kultur, title="Strategi för en smart stad")
        response = self.client.get("/en" + self.version_url(1))
        self.assertContains(response, "Earlier version 1")
        self.assertContains(response, "Removed:")


class WithdrawalTests(TestCase):
    REASON = "Publicerad av misstag: innehåller uppgifter som omfattas av sekretess."
    SECRET = "Skyddad adress hos familjen Zlatanowska"

    @classmethod
    def setUpTestData(cls):
        cls.kultur, cls.social = ingest_seeds()
        # The secret is the title: a save indexes it and adds its words to
        # the spelling suggestions, as ingest does.
        cls.kultur.title = cls.SECRET
        paragraf_save(paragraf=cls.kultur, changed=["title"])
        cls.clerk = make_clerk("anna", "Stockholms stad/Kulturnämnden")
        cls.other_clerk = make_clerk("bertil", "Stockholms stad/Socialnämnden")

    def withdraw(self, user: Any, paragraf: Paragraf, reason: str) -> Any:
        self.client.force_login(user)
        return self.client.post(
            admin_url(Paragraf, "changelist"),
            {
                "action": "withdraw",
                "_selected_action": [paragraf.pk],
                "apply": "yes",
                "reason": reason,
            },
        )

    def assert_hidden(self, response: Any, url: str = "") -> None:
        self.assertEqual(response.status_code, 200, url)
        content = b"".join(response) if response.streaming else response.content
        text = content.decode()
        for secret in (self.SECRET, "Zlatanowska", KULTUR_WORD):
            self.assertNotIn(secret, text, url)

    def test_the_action_asks_for_a_reason_first(self):
        self.client.force_login(self.clerk)
        url = admin_url(Paragraf, "changelist")
        asked = self.client.post(
            url, {"action": "withdraw", "_selected_action": [self.kultur.pk]}
        )
        self.assertContains(asked, 'name="reason"')
        self.assertContains(asked, self.SECRET)
        no_reason = self.withdraw(self.clerk, self.kultur, "  ")
        self.assertEqual(no_reason.status_code, 200)
        self.kultur.refresh_from_db()
        self.assertIsNone(self.kultur.withdrawn_at)

    def test_a_withdrawn_paragraph_answers_410_with_its_tombstone(self):
        self.client.force_login(self.clerk)
        self.client.post(
            admin_url(self.kultur),
            {**posted(self.client.get(admin_url(self.kultur))), "title": "Ny titel"},
        )
        self.assertRedirects(
            self.withdraw(self.clerk, self.kultur, self.REASON),
            admin_url(Paragraf, "changelist"),
        )
        self.client.logout()
        self.kultur.refresh_from_db()
        self.assertTrue(self.kultur.confidential)
        self.assertEqual(self.kultur.withdrawal_reason, self.REASON)
        page = self.client.get(self.kultur.get_absolute_url())
        self.assertEqual(page.status_code, 410)
        text = page.content.decode()
        self.assertIn("§&nbsp;7 återkallad", text)
        self.assertIn(self.REASON, text)
        self.assertIn(f'href="{self.kultur.meeting.get_absolute_url()}"', text)
        for secret in ("Ny titel", self.SECRET, KULTUR_WORD, "Jonlund"):
            self.assertNotIn(secret, text)
        # Its earlier version is gone the same way.
        version = self.client.get(f"{self.kultur.get_absolute_url()}version-1/")
        self.assertEqual(version.status_code, 410)
        self.assertNotIn(self.SECRET, version.content.decode())
        self.assertEqual(
            self.client.get("/en" + self.kultur.get_absolute_url()).status_code, 410
        )

    def test_it_is_gone_from_every_public_surface(self):
        meeting = self.kultur.meeting
        namnd = meeting.namnd
        search = f"/sok/?q={KULTUR_WORD}"
        self.assertContains(self.client.get(search), self.kultur.get_absolute_url())
        self.assertContains(
            self.client.get(namnd.get_absolute_url() + "feed/"), "<entry>"
        )
        self.withdraw(self.clerk, self.kultur, self.REASON)
        self.client.logout()

        self.assertNotContains(self.client.get(search), self.kultur.get_absolute_url())
        self.assertNotContains(
            self.client.get("/sok/?q=Zlatanowska"), self.kultur.get_absolute_url()
        )
        # No spelling suggestion gives a word of it away either.
        self.assertFalse(Word.objects.filter(word="zlatanowska").exists())
        # Words public paragraphs hold stay.
        self.assertTrue(Word.objects.filter(word="uppkopplad").exists())
        listed = self.client.get(meeting.get_absolute_url())
        self.assertContains(listed, '§&nbsp;7 <span lang="sv">Återkallad</span>')
        municipality = namnd.municipality.get_absolute_url()
        for url in (
            meeting.get_absolute_url(),
            namnd.get_absolute_url(),
            municipality,
            "/",
            self.social.get_absolute_url(),
            namnd.get_absolute_url() + "feed/",
            municipality + "feed/",
            "/sok/feed/?q=smart",
            meeting.get_absolute_url() + "?format=csv",
            municipality + "?format=csv",
            "/sok/?q=smart&format=csv",
            "/api/v1/paragrafer/",
            "/api/v1/paragrafer/?q=smart",
            "/api/v1/arenden/",
            "/sitemap-paragrafer.xml",
        ):
            with self.subTest(url=url):
                self.assert_hidden(self.client.get(url), url)
        feed = self.client.get(namnd.get_absolute_url() + "feed/").content.decode()
        self.assertNotIn("<entry>", feed)
        sitemap = self.client.get("/sitemap-paragrafer.xml").content.decode()
        self.assertNotIn(self.kultur.get_absolute_url(), sitemap)
        self.assertIn(self.social.get_absolute_url(), sitemap)
        self.assertEqual(list(Paragraf.objects.published()), [self.social])
        # The case it named, titled after it, keeps no title.
        case = Arende.objects.get(pk=self.kultur.arende_id)
        self.assertEqual(case.title, "")
        self.assert_hidden(self.client.get(case.get_absolute_url()))

    def test_the_api_answers_410_with_when_and_why(self):
        self.withdraw(self.clerk, self.kultur, self.REASON)
        response = self.client.get(
            "/api/v1/paragrafer" + self.kultur.get_absolute_url()
        )
        body = problem_of(response, 410)
        # A problem (RFC 9457) with the withdrawal's own members.
        self.assertEqual(
            set(body) - MEMBERS, {"id", "number", "withdrawn_at", "withdrawal_reason"}
        )
        self.assertEqual(
            body["id"], "http://testserver" + self.kultur.get_absolute_url()
        )
        self.assertEqual(body["withdrawal_reason"], self.REASON)
        self.assertNotIn(self.SECRET, response.content.decode())
        schema = self.client.get("/api/v1/schema/").content.decode()
        self.assertIn("'410':", schema)
        missing = "/api/v1/paragrafer" + self.kultur.get_absolute_url().replace(
            "paragraf-7", "paragraf-99"
        )
        self.assertEqual(self.client.get(missing).status_code, 404)

    def test_the_audit_log_has_who_withdrew_what_and_why(self):
        self.withdraw(self.clerk, self.kultur, self.REASON)
        entry = LogEntry.objects.get(
            object_id=str(self.kultur.pk), change_message__startswith="Återkallad"
        )
        self.assertEqual((entry.user, entry.action_flag), (self.clerk, CHANGE))
        self.assertEqual(entry.change_message, f"Återkallad: {self.REASON}")

    def test_a_clerk_of_another_board_cannot_withdraw_it(self):
        self.withdraw(self.other_clerk, self.kultur, self.REASON)
        self.kultur.refresh_from_db()
        self.assertIsNone(self.kultur.withdrawn_at)
        self.assertFalse(self.kultur.confidential)
        self.assertFalse(
            LogEntry.objects.filter(object_id=str(self.kultur.pk)).exists()
        )
        self.assertEqual(
            self.client.get(self.kultur.get_absolute_url()).status_code, 200
        )
        # Their own board's paragraph, they can.
        self.withdraw(self.other_clerk, self.social, self.REASON)
        self.social.refresh_from_db()
        self.assertIsNotNone(self.social.withdrawn_at)

    def test_no_clerk_takes_a_withdrawal_back(self):
        self.withdraw(self.clerk, self.kultur, self.REASON)
        data = posted(self.client.get(admin_url(self.kultur)))
        self.assertNotIn("withdrawn_at", data)
        self.assertNotIn("withdrawal_reason", data)
        data.pop("confidential")
        response = self.client.post(admin_url(self.kultur), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "förblir sekretessbelagd")
        self.kultur.refresh_from_db()
        self.assertTrue(self.kultur.confidential)
        # Withdrawing again changes nothing: the first date and reason stay.
        withdrawn_at = self.kultur.withdrawn_at
        self.withdraw(self.clerk, self.kultur, "Ett annat skäl.")
        self.kultur.refresh_from_db()
        self.assertEqual(
            (self.kultur.withdrawn_at, self.kultur.withdrawal_reason),
            (withdrawn_at, self.REASON),
        )
        # And the database refuses a withdrawn paragraph that is public.
        with self.assertRaises(IntegrityError), transaction.atomic():
            Paragraf.objects.filter(pk=self.kultur.pk).update(confidential=False)

    def test_reparse_and_re_ingest_keep_it_withdrawn(self):
        # A dated protocol: a changed file of it updates the same meeting.
        path = SJOBACKA[0]
        first = services.protocol_ingest(source_name=path.name, data=path.read_bytes())
        paragraf = first.meeting.paragrafer.filter(confidential=False).first()
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk=paragraf.pk),
            reason=self.REASON,
            user=self.clerk,
        )
        protocol_reparse(meeting=first.meeting)
        paragraf.refresh_from_db()
        self.assertTrue(paragraf.confidential)
        changed = path.read_bytes() + b"\n\n"
        again = services.protocol_ingest(source_name=path.name, data=changed)
        self.assertEqual((again.status, again.meeting), ("updated", first.meeting))
        paragraf.refresh_from_db()
        self.assertTrue(paragraf.confidential)
        self.assertEqual(paragraf.withdrawal_reason, self.REASON)
        self.assertEqual(self.client.get(paragraf.get_absolute_url()).status_code, 410)
        self.assertNotIn(paragraf, Paragraf.objects.published())

    def test_the_download_is_withheld_until_the_archive_is_written_again(self):
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        url = "/oppna-data/" + ARCHIVE_NAME
        with override_settings(OPEN_DATA_DIR=folder):
            call_command("dump_archive", output=folder, stdout=io.StringIO())
            self.assertEqual(self.client.get(url).status_code, 200)
            self.withdraw(self.clerk, self.kultur, self.REASON)
            withheld = self.client.get(url)
            self.assertEqual(withheld.status_code, 503)
            self.assertEqual(withheld["Retry-After"], "3600")
            self.assertIn("återkallats", withheld.content.decode())
            # A reader's cached copy is not confirmed as current either.
            cached = self.client.get(
                url, headers={"if-modified-since": "Fri, 01 Jan 2100 00:00:00 GMT"}
            )
            self.assertEqual(cached.status_code, 503)
            self.assertContains(self.client.get("/oppna-data/"), "skrivs om")
            # The manifest holds no content: still served.
            self.assertEqual(
                self.client.get("/oppna-data/manifest.json").status_code, 200
            )

            # The manifest dates a dump to the second, and a withdrawal in the
            # dump's first second counts as after it: this one came before.
            # Its time is its tombstone's (decisions.services.withdrawal), which
            # outlives the row.
            Tombstone.objects.update(
                withdrawn_at=F("withdrawn_at") - datetime.timedelta(minutes=1)
            )
            call_command("dump_archive", output=folder, stdout=io.StringIO())
            served = self.client.get(url)
            self.assertEqual(served.status_code, 200)
            body = gzip.decompress(b"".join(served.streaming_content)).decode()
            ids = [json.loads(line)["id"] for line in body.splitlines()]
            self.assertEqual(len(ids), 1)
            self.assertNotIn(self.SECRET, body)
            self.assertNotIn(KULTUR_WORD, body)
