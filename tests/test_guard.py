"""The personal-data guard holds at every door: the admin's change forms
(generated over every text field of every public model), any ORM save, the
bulk writes of ingest, re-ingest and publishing, the preview's corrections;
earlier versions keep numbers masked, and after masking the stored file holds
none."""

from __future__ import annotations

import datetime
import importlib
import io
import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import TestCase
from django.urls import reverse

from decisions.guard import ALL
from decisions.models import (
    Arende,
    Attendance,
    GuardsPersonalData,
    Meeting,
    Member,
    Municipality,
    Namnd,
    NamndAlias,
    Paragraf,
    ParagrafVersion,
    Proposal,
    Reservation,
    Tombstone,
    Upload,
    guarded_fields,
)
from decisions.parser import parse_protocol
from decisions.services import ingest as services
from decisions.services import publishing
from decisions.services.reparse import protocol_reparse
from tests.admin_pages import admin_url, posted, preview_corrections
from tests.factories import (
    SAMPLES,
    make_arende,
    make_meeting,
    make_member,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)

# A valid personnummer (the Tax Agency's example), and how messages show it.
NUMBER = "811218-9876"
SHOWN = "811218-XXXX"
MASKED = "XXXXXX-XXXX"
SOCIAL = SAMPLES / "2024-05-21_socialnamnden.txt"
SOCIAL_DATE = datetime.date(2024, 5, 21)

# Every model the public reads text of: its pages, the API, feeds, search,
# the download (Word holds only letters; Upload is a clerk's draft).
PUBLIC = list(apps.get_app_config("decisions").get_models())
GUARDED = [m for m in PUBLIC if issubclass(m, GuardsPersonalData)]


def typed(field: models.Field) -> Any:
    """A personnummer as a clerk types it into the field's admin widget."""
    if isinstance(field, models.JSONField):
        return json.dumps([{"kind": "other", "heading": "", "text": NUMBER}])
    return NUMBER


def assigned(field: models.Field) -> Any:
    """A personnummer as code assigns it to the field."""
    if isinstance(field, ArrayField):
        return [NUMBER]
    if isinstance(field, models.JSONField):
        return [{"kind": "other", "heading": "", "text": NUMBER}]
    return NUMBER


def stored(obj: models.Model) -> dict[str, Any]:
    names = [f.attname for f in guarded_fields(type(obj))]
    return type(obj).objects.filter(pk=obj.pk).values(*names).get()


class ArchiveRows:
    """One row of each public model, on a board with individual cases."""

    @classmethod
    def setUpTestData(cls) -> None:
        town = make_municipality("Sjöbacka kommun")
        cls.social = make_namnd(
            "Socialnämnden", municipality=town, handles_individual_cases=True
        )
        member = make_member("Johan Sandell", "L", municipality=town)
        meeting = make_meeting(namnd=cls.social, place="Kommunhuset")
        paragraf = make_paragraf(
            meeting=meeting,
            arende=make_arende("SN 2024/61", municipality=town, title="Öppna data"),
        )
        Attendance.objects.create(
            meeting=meeting, member=member, group="beslutande", position=1
        )
        proposal = Proposal.objects.create(
            paragraf=paragraf, position=1, text="Bifall till förslaget."
        )
        cls.rows = {
            Municipality: town,
            Namnd: cls.social,
            NamndAlias: NamndAlias.objects.create(
                municipality=town, slug="sn", namnd=cls.social
            ),
            Meeting: meeting,
            Member: member,
            Arende: paragraf.arende,
            Paragraf: paragraf,
            Reservation: make_reservation(paragraf=paragraf, members=[member]),
            Attendance: Attendance.objects.get(),
            Proposal: proposal,
            ParagrafVersion: ParagrafVersion.objects.create(
                paragraf=paragraf,
                number=1,
                record={"title": "Öppna data"},
                replaced_at=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC),
            ),
            Tombstone: Tombstone.objects.create(
                namnd=cls.social,
                meeting_date=meeting.date,
                meeting_slug=meeting.slug,
                number="999",
                withdrawn_at=datetime.datetime(2024, 6, 2, tzinfo=datetime.UTC),
                reason="Publicerad av misstag.",
            ),
        }
        cls.root = get_user_model().objects.create_superuser("root", "", "pw")


class AdminFieldTests(ArchiveRows, TestCase):
    def setUp(self) -> None:
        self.client.force_login(self.root)

    def test_every_public_model_is_guarded(self):
        for model in PUBLIC:
            # Change holds addresses the database's triggers copy from
            # guarded rows' slugs, and no text of its own; an alert's
            # address and subscriptions are shown to no one but the
            # address (decisions.services.alerts).
            exempt = ("Word", "Upload", "Change", "Subscriber", "Subscription")
            if model.__name__ in exempt or not guarded_fields(model):
                continue
            with self.subTest(model=model.__name__):
                self.assertIn(model, GUARDED)
        self.assertEqual(set(self.rows), set(GUARDED))

    def test_a_personnummer_in_any_text_field_is_refused_at_the_field(self):
        """Generated: every text field of every public model the admin edits,
        through its change form."""
        tried = []
        for model, obj in self.rows.items():
            if model not in admin.site._registry:
                continue
            page = self.client.get(admin_url(obj))
            form = page.context["adminform"].form
            for field in guarded_fields(model):
                if field.name not in form.fields:
                    continue  # read-only here; the ORM test below covers it
                tried.append(f"{model.__name__}.{field.name}")
                with self.subTest(field=tried[-1]):
                    before = stored(obj)
                    data = posted(page)
                    data[field.name] = typed(field)
                    response = self.client.post(admin_url(obj), data)
                    self.assertEqual(response.status_code, 200)
                    errors = response.context["adminform"].form.errors
                    self.assertIn(field.name, errors)
                    self.assertIn(SHOWN, str(errors[field.name]))
                    self.assertNotIn(NUMBER, str(errors))
                    self.assertEqual(stored(obj), before)
        # The fields a clerk corrects most are among them.
        for name in (
            "Paragraf.title",
            "Paragraf.text",
            "Reservation.text",
            "Meeting.source_text",
            "Arende.title",
        ):
            self.assertIn(name, tried)

    def test_a_personnummer_typed_into_an_inline_is_refused_there(self):
        paragraf = self.rows[Paragraf]
        page = self.client.get(admin_url(paragraf))
        data = posted(page)
        key = next(k for k in data if k.startswith("reservations-0-text"))
        data[key] = f"Vi reserverar oss; sökande {NUMBER}."
        response = self.client.post(admin_url(paragraf), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(SHOWN, response.content.decode())
        self.assertNotIn(NUMBER, Reservation.objects.get().text)

    def test_a_name_on_a_board_with_individual_cases_waits_for_confirmation(self):
        paragraf = self.rows[Paragraf]
        page = self.client.get(admin_url(paragraf))
        data = posted(page)
        data["title"] = "Bistånd till Kerstin Ahlqvist"
        response = self.client.post(admin_url(paragraf), data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["adminform"].form.errors
        self.assertIn("Kerstin Ahlqvist", str(errors["title"]))
        paragraf.refresh_from_db()
        self.assertNotIn("Ahlqvist", paragraf.title)
        # The clerk confirms: saved, and the log says what and who.
        data["confirm_personal_data"] = "on"
        response = self.client.post(admin_url(paragraf), data)
        self.assertEqual(response.status_code, 302)
        paragraf.refresh_from_db()
        self.assertEqual(paragraf.title, "Bistånd till Kerstin Ahlqvist")
        entry = LogEntry.objects.latest("pk")
        self.assertEqual(entry.user, self.root)
        self.assertIn(
            "Kerstin Ahlqvist är inte personuppgifter", entry.get_change_message()
        )

    def test_the_pages_confirmation_covers_its_inlines(self):
        paragraf = self.rows[Paragraf]
        data = posted(self.client.get(admin_url(paragraf)))
        key = next(k for k in data if k.startswith("reservations-0-text"))
        data[key] = "Vi vill att Kerstin Ahlqvist hörs."
        response = self.client.post(admin_url(paragraf), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Kerstin Ahlqvist", response.content.decode())
        self.assertNotIn("Ahlqvist", Reservation.objects.get().text)
        data["confirm_personal_data"] = "on"
        self.assertEqual(self.client.post(admin_url(paragraf), data).status_code, 302)
        self.assertIn("Ahlqvist", Reservation.objects.get().text)
        self.assertIn(
            "Kerstin Ahlqvist är inte personuppgifter",
            LogEntry.objects.latest("pk").get_change_message(),
        )

    def test_a_member_acting_in_office_is_no_hit(self):
        paragraf = self.rows[Paragraf]
        data = posted(self.client.get(admin_url(paragraf)))
        data["title"] = "Motion av Johan Sandell om öppna data"
        response = self.client.post(admin_url(paragraf), data)
        self.assertEqual(response.status_code, 302)

    def test_a_name_on_another_board_is_no_hit(self):
        self.social.handles_individual_cases = False
        self.social.save()
        paragraf = self.rows[Paragraf]
        data = posted(self.client.get(admin_url(paragraf)))
        data["title"] = "Bistånd till Kerstin Ahlqvist"
        self.assertEqual(self.client.post(admin_url(paragraf), data).status_code, 302)


# Fields a save computes again from the others: none since a save writes
# only what it is given (decisions.services.corrections derives them), so a
# number assigned to search_terms is refused as in any other field.
DERIVED: set[str] = set()


class OrmSaveTests(ArchiveRows, TestCase):
    def test_a_save_with_a_personnummer_in_any_text_field_is_refused(self):
        for model, obj in self.rows.items():
            for field in guarded_fields(model):
                with self.subTest(field=f"{model.__name__}.{field.name}"):
                    before = stored(obj)
                    row = model.objects.get(pk=obj.pk)
                    setattr(row, field.attname, assigned(field))
                    if f"{model.__name__}.{field.name}" in DERIVED:
                        row.save()
                        self.assertNotIn(NUMBER, str(stored(obj)))
                        continue
                    with self.assertRaises(ValidationError) as caught:
                        row.save()
                    self.assertIn(SHOWN, str(caught.exception))
                    self.assertEqual(stored(obj), before)

    def test_a_new_row_is_refused_too(self):
        with self.assertRaises(ValidationError):
            make_paragraf(meeting=self.rows[Meeting], title=f"Ansökan {NUMBER}")
        self.assertEqual(Paragraf.objects.count(), 1)

    def test_a_number_already_there_does_not_stop_a_later_save(self):
        # Confirmed once (a clerk's word, here in code), it stays saveable.
        paragraf = Paragraf.objects.get()
        paragraf.text = f"Telefon {NUMBER}"
        paragraf.confirmed_personal_data = [NUMBER]
        paragraf.save()
        again = Paragraf.objects.get()
        again.title = "Ny rubrik"
        again.save()
        self.assertIn(NUMBER, Paragraf.objects.get().text)


def protocol_with_number(where: str) -> bytes:
    text = SOCIAL.read_text()
    old = {
        "text": "Antalet placerade barn",
        "title": "Program för öppna data och digital insyn",
    }[where]
    return text.replace(old, f"{old} {NUMBER}", 1).encode()


class BulkWriteTests(TestCase):
    """Ingest, re-ingest and publishing write in bulk, past save()."""

    def test_a_parsed_protocol_with_a_number_is_not_written(self):
        text = SOCIAL.read_text()
        protocol = parse_protocol(text, source=SOCIAL.name)
        protocol.paragrafer[0].title = f"Ansökan från {NUMBER}"
        with self.assertRaisesMessage(services.IngestError, SHOWN):
            services.protocol_write(protocol=protocol, text=text, sha256="a" * 64)
        self.assertFalse(Meeting.objects.exists())
        self.assertFalse(Paragraf.objects.exists())

    def test_a_re_ingest_bringing_a_number_is_refused_and_keeps_the_old(self):
        services.protocol_ingest(source_name=SOCIAL.name, data=SOCIAL.read_bytes())
        before = list(Paragraf.objects.values_list("text", flat=True))
        changed = protocol_with_number("text")
        with self.assertRaisesMessage(Exception, SHOWN):
            services.protocol_ingest(source_name=SOCIAL.name, data=changed)
        self.assertEqual(list(Paragraf.objects.values_list("text", flat=True)), before)

    def test_a_number_kept_on_the_clerks_word_survives_reparse(self):
        services.protocol_ingest(
            source_name=SOCIAL.name,
            data=protocol_with_number("text"),
            identity_numbers="keep",
        )
        meeting = Meeting.objects.get()
        protocol_reparse(meeting=meeting)
        self.assertIn(NUMBER, Meeting.objects.get().source_text)

    def test_masking_on_ingest_leaves_nothing_to_refuse(self):
        services.protocol_ingest(
            source_name=SOCIAL.name,
            data=protocol_with_number("title"),
            identity_numbers="mask",
        )
        self.assertIn(MASKED, Paragraf.objects.get(number="58").title)


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        town = make_municipality("Sjöbacka kommun")
        cls.social = make_namnd(
            "Socialnämnden", municipality=town, handles_individual_cases=True
        )
        call_command(
            "create_clerk",
            "anna",
            namnd="Sjöbacka kommun/Socialnämnden",
            stdout=io.StringIO(),
        )
        cls.anna = get_user_model().objects.get(username="anna")

    def setUp(self) -> None:
        self.client.force_login(self.anna)

    def upload(self, data: bytes) -> Upload:
        response = self.client.post(
            reverse("admin:decisions_upload_add"),
            {
                "namnd": self.social.pk,
                "meeting_date": SOCIAL_DATE.isoformat(),
                "file": SimpleUploadedFile(SOCIAL.name, data),
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return Upload.objects.get(status=Upload.Status.DRAFT)

    def corrections(self, upload: Upload) -> tuple[list, dict]:
        return preview_corrections(self.client, upload)

    def test_a_personnummer_typed_into_a_correction_is_refused_at_its_field(self):
        upload = self.upload(SOCIAL.read_bytes())
        before = upload.parsed
        forms, post = self.corrections(upload)
        post[forms[0].add_prefix("title")] = f"Ansökan från {NUMBER}"
        response = self.client.post(admin_url(upload), post)
        self.assertEqual(response.status_code, 200)
        self.assertIn(SHOWN, str(forms_of(response)[0].errors["title"]))
        upload.refresh_from_db()
        self.assertEqual(upload.parsed, before)

    def test_the_service_refuses_a_correction_with_a_number_too(self):
        upload = self.upload(SOCIAL.read_bytes())
        forms, _ = self.corrections(upload)
        paragraf = forms[0].paragraf
        fix = publishing.Correction(
            title=f"Ansökan {NUMBER}",
            dnr=paragraf.dnr or "",
            decision=paragraf.decision,
            reservations=[r.members for r in paragraf.reservations],
        )
        with self.assertRaisesMessage(publishing.UploadError, SHOWN):
            publishing.correct(upload, {paragraf.number: fix}, user=self.anna)

    def test_a_number_in_a_drafts_title_blocks_publishing(self):
        # As a draft corrected before the guard held: the number is in the
        # parse only, not in the text.
        upload = self.upload(SOCIAL.read_bytes())
        parsed = upload.parsed
        parsed["paragraphs"][0]["title"] = f"Ansökan från {NUMBER}"
        Upload.objects.filter(pk=upload.pk).update(parsed=parsed)
        hits = publishing.personal_data(Upload.objects.get(pk=upload.pk))
        self.assertEqual([h.text for h in hits], [NUMBER])
        response = self.client.post(admin_url(upload), {"_publish": "1"}, follow=True)
        self.assertContains(response, f"kan innehålla personuppgifter: {SHOWN}")
        self.assertFalse(Meeting.objects.exists())
        # Masked, it publishes with the title masked.
        self.client.post(admin_url(upload), {"_mask": "1", "hit": NUMBER})
        self.client.post(admin_url(upload), {"_publish": "1"})
        self.assertIn(MASKED, Paragraf.objects.get(number="58").title)

    def test_a_name_typed_into_a_correction_is_asked_about(self):
        upload = self.upload(SOCIAL.read_bytes())
        forms, post = self.corrections(upload)
        post[forms[0].add_prefix("title")] = "Bistånd till Kerstin Ahlqvist"
        self.assertEqual(self.client.post(admin_url(upload), post).status_code, 302)
        upload.refresh_from_db()
        hits = publishing.personal_data(upload)
        self.assertIn("Kerstin Ahlqvist", [h.text for h in hits])

    def test_after_masking_the_stored_file_holds_no_number(self):
        data = protocol_with_number("text")
        upload = self.upload(data)
        original = upload.file.name
        storage = upload.file.storage
        self.assertIn(NUMBER.encode(), storage.open(original).read())
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(admin_url(upload), {"_mask": "1", "hit": NUMBER})
        upload.refresh_from_db()
        kept = storage.open(upload.file.name).read().decode()
        self.assertNotIn(NUMBER, kept)
        self.assertIn(f"Antalet placerade barn {MASKED}", kept)
        self.assertTrue(upload.file.name.endswith(".txt"))
        self.assertFalse(storage.exists(original))
        # Its hash is still the original file's: the same file is known again.
        import hashlib

        self.assertEqual(upload.source_sha256, hashlib.sha256(data).hexdigest())
        self.client.post(admin_url(upload), {"_publish": "1"})
        self.assertTrue(Meeting.objects.filter(source_sha256=upload.source_sha256))


def forms_of(response: Any) -> list[Any]:
    return [block.form for block in response.context["preview"] if block.form]


class VersionTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.root = get_user_model().objects.create_superuser("root", "", "pw")

    def test_a_number_corrected_away_is_masked_in_the_earlier_version(self):
        paragraf = make_paragraf()
        row = Paragraf.objects.get(pk=paragraf.pk)
        row.title = f"Ansökan från {NUMBER}"
        row.confirmed_personal_data = ALL
        row.save()
        self.client.force_login(self.root)
        page = self.client.get(admin_url(row))
        data = posted(page)
        data["title"] = "Ansökan om bistånd"
        self.assertEqual(self.client.post(admin_url(row), data).status_code, 302)
        version = ParagrafVersion.objects.get()
        self.assertNotIn(NUMBER, json.dumps(version.record))
        self.assertEqual(version.record["title"], f"Ansökan från {MASKED}")
        page = self.client.get(version.get_absolute_url())
        self.assertContains(page, MASKED)
        self.assertNotContains(page, NUMBER)


class MigrationTests(TestCase):
    def test_stored_numbers_are_masked_but_a_clerks_confirmed_one(self):
        migration = importlib.import_module(
            "decisions.migrations.0019_personal_data_masked"
        )
        other = "121212-1212"
        paragraf = make_paragraf()
        meeting = paragraf.meeting
        # As rows written before the guard: past save().
        Paragraf.objects.filter(pk=paragraf.pk).update(
            title=f"Ansökan {NUMBER}",
            sections=[{"kind": "other", "heading": "", "text": f"Nr {NUMBER}"}],
        )
        Meeting.objects.filter(pk=meeting.pk).update(
            source_text=f"Ansökan {NUMBER}, telefon {other}"
        )
        Upload.objects.create(
            namnd=meeting.namnd,
            meeting_date=meeting.date,
            file="protokoll/x.txt",
            source_name="x.txt",
            source_sha256="b" * 64,
            source_format="text",
            source_text="",
            parsed={},
            confirmed=[other],
            status=Upload.Status.PUBLISHED,
            meeting=meeting,
        )
        version = ParagrafVersion.objects.create(
            paragraf=paragraf,
            number=1,
            record={"title": "x"},
            replaced_at=datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC),
        )
        ParagrafVersion.objects.filter(pk=version.pk).update(
            record={"title": f"Ansökan {NUMBER}", "reservations": [{"text": other}]}
        )
        migration.mask_archive(apps, None)
        paragraf.refresh_from_db()
        self.assertEqual(paragraf.title, f"Ansökan {MASKED}")
        self.assertEqual(paragraf.sections[0]["text"], f"Nr {MASKED}")
        self.assertEqual(
            Meeting.objects.get().source_text, f"Ansökan {MASKED}, telefon {other}"
        )
        version.refresh_from_db()
        self.assertNotIn(NUMBER, json.dumps(version.record))
        self.assertNotIn(other, json.dumps(version.record))


class WithdrawalTests(ArchiveRows, TestCase):
    def test_a_withdrawal_reason_with_a_personnummer_is_refused(self):
        from decisions.services.withdrawal import paragraf_withdraw

        paragraf = self.rows[Paragraf]
        with self.assertRaises(ValidationError):
            paragraf_withdraw(
                paragrafer=Paragraf.objects.filter(pk=paragraf.pk),
                reason=f"Sökandens personnummer {NUMBER} publicerades",
                user=self.root,
            )
        self.client.force_login(self.root)
        response = self.client.post(
            reverse("admin:decisions_paragraf_changelist"),
            {
                "action": "withdraw",
                "_selected_action": [paragraf.pk],
                "apply": "1",
                "reason": f"Sökandens personnummer {NUMBER} publicerades",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, SHOWN)
        paragraf.refresh_from_db()
        self.assertIsNone(paragraf.withdrawn_at)
        self.assertEqual(paragraf.withdrawal_reason, "")
