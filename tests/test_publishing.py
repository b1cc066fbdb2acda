"""A clerk publishes minutes through the admin: upload, preview, correct,
clear personal data, publish; a draft shows on no public surface, publishing
is whole or nothing, every step is logged, and bad files say why."""

from __future__ import annotations

import datetime
import io
import re
import threading
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse

from decisions.models import Arende, Meeting, Member, Paragraf, Upload
from decisions.services import publishing
from tests.admin_pages import preview_corrections
from tests.documents import make_encrypted_pdf, make_pdf, make_scanned_pdf
from tests.factories import SAMPLES, make_municipality, make_namnd

SOCIAL = SAMPLES / "2024-05-21_socialnamnden.txt"
SOCIAL_DATE = datetime.date(2024, 5, 21)
KS = SAMPLES / "2024-03-11_kommunstyrelsen.txt"
# A valid personnummer (Luhn), as a clerk might leave one in the minutes.
NUMBER = "811218-9876"

ADD = reverse("admin:decisions_upload_add")
LIST = reverse("admin:decisions_upload_changelist")


def change_url(upload: Upload) -> str:
    return reverse("admin:decisions_upload_change", args=[upload.pk])


def with_text(path: Path, old: str, new: str) -> bytes:
    text = path.read_text()
    assert old in text, old
    return text.replace(old, new, 1).encode()


class ClerkSetup:
    """Sjöbacka's social board (individual cases) and its executive board,
    a clerk for each."""

    @classmethod
    def setUpTestData(cls) -> None:
        town = make_municipality("Sjöbacka kommun")
        cls.social = make_namnd(
            "Socialnämnden", municipality=town, handles_individual_cases=True
        )
        cls.ks = make_namnd("Kommunstyrelsen", municipality=town)
        out = io.StringIO()
        call_command(
            "create_clerk", "anna", namnd="Sjöbacka kommun/Socialnämnden", stdout=out
        )
        call_command(
            "create_clerk", "karl", namnd="Sjöbacka kommun/Kommunstyrelsen", stdout=out
        )
        users = get_user_model().objects
        cls.anna, cls.karl = users.get(username="anna"), users.get(username="karl")

    def upload(self, data: bytes | None = None, **fields):
        """POST the upload form as the logged-in clerk."""
        data = SOCIAL.read_bytes() if data is None else data
        post = {
            "namnd": self.social.pk,
            "meeting_date": SOCIAL_DATE.isoformat(),
            "file": SimpleUploadedFile(fields.pop("name", SOCIAL.name), data),
            **fields,
        }
        return self.client.post(ADD, post)

    def draft(self) -> Upload:
        return Upload.objects.get(status=Upload.Status.DRAFT)

    def log(self) -> list[str]:
        return list(
            LogEntry.objects.order_by("pk").values_list("change_message", flat=True)
        )


class UploadAndPreviewTests(ClerkSetup, TestCase):
    def setUp(self) -> None:
        self.client.force_login(self.anna)

    def corrections(self, upload: Upload) -> tuple[list, dict]:
        return preview_corrections(self.client, upload)

    def test_an_upload_is_a_draft_seen_only_in_the_admin(self):
        response = self.upload()
        upload = self.draft()
        self.assertRedirects(response, change_url(upload))
        self.assertEqual(upload.uploaded_by, self.anna)
        self.assertTrue(upload.file.storage.exists(upload.file.name))
        self.assertEqual(upload.file.read(), SOCIAL.read_bytes())
        self.assertEqual(self.log(), [f"Laddade upp {SOCIAL.name}"])
        # Nothing of it is in the tables the public surfaces read.
        for model in (Meeting, Paragraf, Member, Arende):
            self.assertFalse(model.objects.exists(), model.__name__)
        for url in (
            "/sok/?q=avidentifiering",
            "/sok/feed/?q=avidentifiering",
            "/api/v1/paragrafer/?q=avidentifiering",
            "/api/v1/ledamoter/",
            "/sok/?q=avidentifiering&format=csv",
            "/sjobacka-kommun/socialnamnden/",
            "/sjobacka-kommun/",
            "/sitemap.xml",
        ):
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertIn(page.status_code, (200, 404), url)
                body = b"".join(page) if page.streaming else page.content
                self.assertNotIn(b"Program f\xc3\xb6r \xc3\xb6ppna data", body)
                self.assertNotIn(b"Sandell", body)
        self.assertEqual(
            self.client.get("/sjobacka-kommun/socialnamnden/2024-05-21/").status_code,
            404,
        )

    def test_the_preview_shows_each_paragraph_with_its_text_and_warnings(self):
        upload_response = self.upload()
        page = self.client.get(upload_response.url)
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        for expected in (
            "§ 58 Program för öppna data och digital insyn",
            'value="SN 2024/61"',
            "Johan Sandell (L), Maria Lind (L)",
            # The source text beside it, line-numbered.
            "Förvaltningen vill samtidigt framhålla",
            "Publicera hela protokollet",
        ):
            self.assertIn(expected, html)

    def test_corrections_change_the_draft_and_are_logged(self):
        upload = self.client.get(self.upload().url).context["upload"]
        forms, post = self.corrections(upload)
        first = forms[0]
        post[first.add_prefix("title")] = "Program för öppna data (rättad rubrik)"
        post[first.add_prefix("dnr")] = "SN 2024/610"
        post[first.add_prefix("reservations")] = "Johan Sandell (L)"
        decision_choices = dict(first.fields["decision"].choices)
        last = list(decision_choices)[-1]
        post[first.add_prefix("decision")] = last
        response = self.client.post(change_url(upload), post)
        self.assertRedirects(response, change_url(upload))
        protocol = publishing.protocol_from_data(self.draft().parsed)
        paragraf = protocol.paragrafer[0]
        self.assertEqual(paragraf.title, "Program för öppna data (rättad rubrik)")
        self.assertEqual(paragraf.dnr, "SN 2024/610")
        self.assertEqual(
            [m.name for m in paragraf.reservations[0].members], ["Johan Sandell"]
        )
        self.assertEqual(paragraf.decision, first.texts[int(last)])
        self.assertEqual(self.log()[-1], "Rättade § 58")

    def test_a_bad_correction_says_which_field_and_changes_nothing(self):
        upload = self.client.get(self.upload().url).context["upload"]
        before = upload.parsed
        forms, post = self.corrections(upload)
        post[forms[0].add_prefix("reservations")] = "Johan Sandell (L)\nMaria Lind (L)"
        post[forms[0].add_prefix("dnr")] = "inget nummer"
        response = self.client.post(change_url(upload), post)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("2 rader; 1 väntas, en per reservation", html)
        self.assertIn("är inget diarienummer", html)
        self.assertEqual(self.draft().parsed, before)

    def test_publishing_with_unsaved_corrections_saves_them_first(self):
        upload = self.client.get(self.upload().url).context["upload"]
        forms, post = self.corrections(upload)
        del post["_save"]
        post["_publish"] = "1"
        post[forms[0].add_prefix("title")] = "Program för öppna data (rättad)"
        response = self.client.post(change_url(upload), post)
        meeting = Meeting.objects.get()
        self.assertRedirects(
            response, meeting.get_absolute_url(), fetch_redirect_response=False
        )
        self.assertEqual(
            meeting.paragrafer.get(number="58").title,
            "Program för öppna data (rättad)",
        )
        self.assertEqual(self.log()[-2:], ["Rättade § 58", "Publicerade 7 paragrafer"])

    def test_a_refused_correction_stops_publishing_and_keeps_what_was_typed(self):
        upload = self.client.get(self.upload().url).context["upload"]
        forms, post = self.corrections(upload)
        del post["_save"]
        post["_publish"] = "1"
        post[forms[0].add_prefix("title")] = "Min nya rubrik"
        post[forms[0].add_prefix("dnr")] = "inget nummer"
        response = self.client.post(change_url(upload), post)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Rättelserna sparades inte, och inget annat")
        self.assertContains(response, 'value="Min nya rubrik"')
        self.assertFalse(Meeting.objects.exists())
        self.assertEqual(self.draft().status, Upload.Status.DRAFT)

    def test_every_button_of_the_preview_sends_the_typed_corrections(self):
        # One form holds the corrections and every action, and the first
        # submit button (what Enter presses) saves.
        upload = self.client.get(self.upload().url).context["upload"]
        html = self.client.get(change_url(upload)).content.decode()
        form = html[html.index('<form method="post" id="draft">') :]
        form = form[: form.index("</form>")]
        self.assertNotIn("<form", form[1:])
        buttons = re.findall(r'<input type="submit" name="(\w+)"', form)
        self.assertEqual(buttons[0], "_save")
        self.assertLessEqual({"_save", "_publish", "_discard"}, set(buttons))
        self.assertIn('name="p0-title"', form)

    def test_dates_that_cannot_be_right_are_warned_of_before_publishing(self):
        data = with_text(
            SOCIAL,
            "Datum då anslaget sätts upp: 2024-05-28",
            "Datum då anslaget sätts upp: 2019-05-28",
        )
        upload = self.client.get(self.upload(data).url).context["upload"]
        page = self.client.get(change_url(upload))
        self.assertContains(page, "Kontrollera datumen innan du publicerar")
        self.assertContains(page, "anslaget 2019-05-28 är före sammanträdet 2024-05-21")
        self.assertContains(page, "överklagandetiden skulle gå ut 2019-06-18")
        self.assertNotContains(
            self.client.get(change_url(self.other_draft())), "Kontrollera datumen"
        )

    def other_draft(self) -> Upload:
        self.client.force_login(self.karl)
        self.client.post(
            ADD,
            {
                "namnd": self.ks.pk,
                "meeting_date": "2024-03-11",
                "file": SimpleUploadedFile(KS.name, KS.read_bytes()),
            },
        )
        return Upload.objects.get(namnd=self.ks)

    def test_publishing_writes_the_whole_protocol_and_logs_it(self):
        upload = self.client.get(self.upload().url).context["upload"]
        response = self.client.post(change_url(upload), {"_publish": "1"})
        meeting = Meeting.objects.get()
        self.assertRedirects(response, meeting.get_absolute_url())
        upload.refresh_from_db()
        self.assertEqual(upload.status, Upload.Status.PUBLISHED)
        self.assertEqual(upload.meeting, meeting)
        self.assertEqual(meeting.namnd, self.social)
        self.assertEqual(meeting.paragrafer.count(), 7)
        self.assertTrue(
            Paragraf.objects.filter(number="58", has_reservation=True).exists()
        )
        self.assertEqual(self.log()[-1], "Publicerade 7 paragrafer")
        # The file as uploaded is kept as the meeting's; with § 62 secret,
        # its download is the public version, never the file itself.
        self.assertEqual(meeting.source_file.name, upload.file.name)
        download = self.client.get(meeting.get_absolute_url() + "protokoll/")
        public = download.content.decode()
        self.assertIn("§ 62 Individärende\nSekretess enligt 26 kap. 1 § OSL.", public)
        self.assertIn("offentlig-version.txt", download["Content-Disposition"])
        page = self.client.get("/sok/?q=avidentifiering")
        self.assertContains(page, "Program för öppna data")
        # Published is no longer a draft: a second publish changes nothing.
        again = self.client.post(change_url(upload), {"_publish": "1"})
        self.assertEqual(again.status_code, 403)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_a_failure_halfway_through_publishing_leaves_nothing_public(self):
        upload = self.client.get(self.upload().url).context["upload"]
        with mock.patch(
            "decisions.services.ingest._ProtocolWriter._write_votes",
            side_effect=RuntimeError("disk full"),
        ):
            with self.assertRaises(RuntimeError):
                self.client.post(change_url(upload), {"_publish": "1"})
        for model in (Meeting, Paragraf, Member, Arende):
            self.assertFalse(model.objects.exists(), model.__name__)
        self.assertEqual(self.draft().status, Upload.Status.DRAFT)
        self.assertNotIn("Publicerade 7 paragrafer", self.log())

    def test_discarding_a_draft_removes_its_file_and_frees_the_meeting(self):
        upload = self.client.get(self.upload().url).context["upload"]
        name = upload.file.name
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(change_url(upload), {"_discard": "1"})
        upload.refresh_from_db()
        self.assertEqual(upload.status, Upload.Status.DISCARDED)
        self.assertFalse(upload.file.storage.exists(name))
        self.assertEqual(self.upload().status_code, 302)


class PersonalDataTests(ClerkSetup, TestCase):
    def setUp(self) -> None:
        self.client.force_login(self.anna)

    def upload_with_number(self) -> Upload:
        data = with_text(
            SOCIAL,
            "Antalet placerade barn",
            f"Sökande {NUMBER} har ansökt. Antalet placerade barn",
        )
        self.assertEqual(self.upload(data).status_code, 302)
        return self.draft()

    def test_a_personnummer_blocks_publishing_until_masked(self):
        upload = self.upload_with_number()
        page = self.client.get(change_url(upload))
        self.assertContains(page, "811218-XXXX")
        self.assertContains(page, f"<mark>{NUMBER}</mark>")
        response = self.client.post(change_url(upload), {"_publish": "1"}, follow=True)
        self.assertContains(response, "kan innehålla personuppgifter: 811218-XXXX")
        self.assertFalse(Meeting.objects.exists())
        self.client.post(change_url(upload), {"_mask": "1", "hit": NUMBER})
        upload.refresh_from_db()
        self.assertNotIn(NUMBER, upload.source_text)
        self.assertNotIn(NUMBER, str(upload.parsed))
        self.assertIn("Sökande XXXXXX-XXXX har ansökt", upload.source_text)
        self.client.post(change_url(upload), {"_publish": "1"})
        meeting = Meeting.objects.get()
        self.assertNotIn(NUMBER, meeting.source_text)
        stored = " ".join(Paragraf.objects.values_list("text", flat=True))
        self.assertIn("XXXXXX-XXXX", stored)
        self.assertNotIn(NUMBER, stored)
        self.assertNotContains(self.client.get("/sok/?q=8112189876"), NUMBER)
        self.assertIn("Maskerade 811218-XXXX", self.log())
        # The download holds the masked text, never the number.
        download = self.client.get(meeting.get_absolute_url() + "protokoll/")
        content = download.content.decode()
        self.assertIn("Sökande XXXXXX-XXXX har ansökt", content)
        self.assertNotIn(NUMBER, content)

    def test_a_confirmed_hit_is_logged_and_publishes(self):
        upload = self.upload_with_number()
        self.client.post(change_url(upload), {"_confirm": "1", "hit": NUMBER})
        self.assertIn("Bekräftade att 811218-XXXX inte är personuppgifter", self.log())
        self.client.post(change_url(upload), {"_publish": "1"})
        self.assertTrue(Meeting.objects.exists())

    def test_names_in_a_board_with_individual_cases_block_publishing(self):
        data = with_text(
            SOCIAL,
            "Ekonomisk uppföljning per april 2024 \n",
            "Ekonomisk uppföljning per april 2024 \n"
            "Ärendet gäller bistånd till Kerstin Ahlqvist och hennes son. \n",
        )
        self.upload(data)
        upload = self.draft()
        hits = publishing.personal_data(upload)
        self.assertEqual([h.text for h in hits], ["Kerstin Ahlqvist"])
        # Members acting in office are not hits.
        self.assertNotIn("Johan Sandell", [h.text for h in hits])
        self.client.post(change_url(upload), {"_mask": "1", "hit": "Kerstin Ahlqvist"})
        upload.refresh_from_db()
        self.assertIn("bistånd till XXXX XXXX och", upload.source_text)
        self.assertEqual(publishing.personal_data(upload), [])

    def test_names_are_no_hits_for_a_board_without_individual_cases(self):
        self.social.handles_individual_cases = False
        self.social.save()
        data = with_text(
            SOCIAL,
            "Ekonomisk uppföljning per april 2024 \n",
            "Ekonomisk uppföljning per april 2024 \nBistånd till Kerstin Ahlqvist. \n",
        )
        self.upload(data)
        self.assertEqual(publishing.personal_data(self.draft()), [])


class BadInputTests(ClerkSetup, TestCase):
    """Each bad file gets a message naming it and why; nothing is written."""

    def setUp(self) -> None:
        self.client.force_login(self.anna)

    def assertRefused(self, response, *fragments: str) -> None:
        self.assertEqual(response.status_code, 200)
        errors = " ".join(response.context["form"].errors.get("file", []))
        for fragment in fragments:
            self.assertIn(fragment, errors)
        self.assertFalse(Upload.objects.exclude(status="kasserat").exists())
        self.assertFalse(Meeting.objects.exists())

    def test_files_that_cannot_be_read(self):
        text = SOCIAL.read_text()
        cases = {
            "tom.pdf": (b"", "filen är tom"),
            "trasig.pdf": (b"%PDF-1.7\n1 0 obj\n<<", "PDF:en är skadad"),
            "skannad.pdf": (make_scanned_pdf(), "skann"),
            "krypterad.pdf": (make_encrypted_pdf(text, "hemligt"), "lösenord"),
            "bild.pdf": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "okänt format"),
        }
        for name, (data, why) in cases.items():
            with self.subTest(name=name):
                self.assertRefused(self.upload(data, name=name), name, why)

    def test_a_text_that_is_no_protocol(self):
        self.assertRefused(
            self.upload("Inköpslista\nmjölk\nbröd\n".encode(), name="lista.txt"),
            "lista.txt: ingen paragraf hittades",
        )

    def test_a_pdf_reads_like_its_text(self):
        response = self.upload(make_pdf(SOCIAL.read_text()), name="protokoll.pdf")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.draft().source_format, "pdf")

    def test_another_boards_minutes_or_another_day(self):
        self.assertRefused(
            self.upload(KS.read_bytes(), name=KS.name),
            KS.name,
            "protokollet är från Kommunstyrelsen, inte Socialnämnden",
        )
        self.assertRefused(
            self.upload(meeting_date="2024-05-22"),
            "gäller sammanträdet 2024-05-21, inte 2024-05-22",
        )

    def test_a_protocol_already_uploaded_or_published(self):
        self.assertEqual(self.upload().status_code, 302)
        self.assertEqual(
            self.upload().context["form"].errors["file"],
            [f"{SOCIAL.name}: samma fil är redan uppladdad eller publicerad"],
        )
        changed = with_text(SOCIAL, "kl. 13.30", "kl. 13.45")
        self.assertIn(
            "det finns redan ett utkast",
            self.upload(changed).context["form"].errors["file"][0],
        )
        self.client.post(change_url(self.draft()), {"_publish": "1"})
        self.assertIn(
            "är redan publicerat",
            self.upload(changed).context["form"].errors["file"][0],
        )
        self.assertEqual(Upload.objects.count(), 1)

    @override_settings(UPLOAD_MAX_BYTES=1000)
    def test_a_file_over_the_size_limit(self):
        response = self.upload()
        errors = response.context["form"].errors["file"]
        self.assertIn("högst 1000\xa0byte tas emot", errors[0])
        self.assertFalse(Upload.objects.exists())


class PermissionTests(ClerkSetup, TestCase):
    """A clerk of one board reads, corrects and publishes that board's drafts only."""

    def setUp(self) -> None:
        self.client.force_login(self.anna)
        self.upload()
        self.drafted = self.draft()

    def test_another_boards_clerk_sees_nothing_of_the_draft(self):
        self.client.force_login(self.karl)
        listing = self.client.get(LIST)
        self.assertEqual(listing.status_code, 200)
        self.assertEqual(listing.context["cl"].result_count, 0)
        url = change_url(self.drafted)
        self.assertNotEqual(self.client.get(url).status_code, 200)
        for button in ("_publish", "_discard", "_save", "_mask", "_confirm"):
            with self.subTest(button=button):
                response = self.client.post(url, {button: "1", "hit": NUMBER})
                self.assertNotEqual(response.status_code, 200)
                self.drafted.refresh_from_db()
                self.assertEqual(self.drafted.status, Upload.Status.DRAFT)
        self.assertFalse(Meeting.objects.exists())
        self.assertEqual(self.log(), [f"Laddade upp {SOCIAL.name}"])

    def test_a_clerk_uploads_only_for_their_own_boards(self):
        self.client.force_login(self.karl)
        form = self.client.get(ADD).context["form"]
        self.assertEqual(list(form.fields["namnd"].queryset), [self.ks])
        response = self.upload(name="annan.txt")
        self.assertIn("namnd", response.context["form"].errors)
        self.assertEqual(Upload.objects.count(), 1)

    def test_no_one_deletes_an_upload_and_the_api_writes_nothing(self):
        self.client.force_login(self.anna)
        delete = reverse("admin:decisions_upload_delete", args=[self.drafted.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertTrue(Upload.objects.filter(pk=self.drafted.pk).exists())
        for url in ("/api/v1/paragrafer/", "/api/v1/sammantraden/"):
            self.assertEqual(self.client.post(url, {}).status_code, 405)

    def test_a_user_without_an_assignment_cannot_upload(self):
        nobody = get_user_model().objects.create_user("nils", is_staff=True)
        self.client.force_login(nobody)
        self.assertEqual(self.client.get(ADD).status_code, 403)
        self.assertEqual(self.client.get(LIST).status_code, 403)


def two_at_once(clerk: Callable[[], str]) -> list[str]:
    """Run clerk in two threads, each on its own database connection (its own
    transactions); what each returned, or its UploadError's message."""
    outcomes: list[str] = []

    def run() -> None:
        try:
            outcomes.append(clerk())
        except publishing.UploadError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


class ConcurrentUploadTests(ClerkSetup, TransactionTestCase):
    """Two uploads of one protocol at the same moment, in two real
    transactions on two connections: one draft, one clear refusal."""

    def setUp(self) -> None:
        ClerkSetup.setUpTestData.__func__(type(self))

    def test_two_clerks_uploading_the_same_file_at_once_make_one_draft(self):
        data = SOCIAL.read_bytes()
        checked = threading.Barrier(2, timeout=10)
        check = publishing._check_not_there

        def check_then_wait(*args, **kwargs):
            # Both find no such upload before either writes: the race the
            # unique index, not the check, must win.
            check(*args, **kwargs)
            checked.wait()

        def clerk() -> str:
            publishing.upload_protocol(
                user=self.anna,
                namnd=self.social,
                meeting_date=SOCIAL_DATE,
                name=SOCIAL.name,
                data=data,
            )
            return "draft"

        with mock.patch.object(publishing, "_check_not_there", check_then_wait):
            outcomes = two_at_once(clerk)
        self.assertEqual(outcomes.count("draft"), 1, outcomes)
        refused = [o for o in outcomes if o != "draft"]
        self.assertIn("laddas redan upp, eller har laddats upp nyss", refused[0])
        self.assertEqual(Upload.objects.count(), 1)
        self.assertEqual(LogEntry.objects.count(), 1)

    def test_two_clerks_publishing_one_draft_at_once_publish_it_once(self):
        upload = publishing.upload_protocol(
            user=self.anna,
            namnd=self.social,
            meeting_date=SOCIAL_DATE,
            name=SOCIAL.name,
            data=SOCIAL.read_bytes(),
        )
        ready = threading.Barrier(2, timeout=10)

        def clerk() -> str:
            ready.wait()
            publishing.publish(upload, user=self.anna)
            return "published"

        outcomes = two_at_once(clerk)
        self.assertEqual(outcomes.count("published"), 1, outcomes)
        self.assertIn("protokollet är redan publicerat", " ".join(outcomes))
        self.assertEqual(Meeting.objects.count(), 1)
        self.assertEqual(Paragraf.objects.count(), 7)
