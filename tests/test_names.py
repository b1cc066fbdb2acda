"""Names have dates: a board or a municipality keeps its earlier names with the
days it held them, ingest finds it under any of them, and what the archive
shows of a meeting is the name it had that day."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase

from decisions.models import (
    Meeting,
    Municipality,
    MunicipalityName,
    Namnd,
    NamndAlias,
    NamndName,
)
from decisions.services.ingest import protocol_ingest
from decisions.services.rename import municipality_rename, namnd_rename
from tests.admin_pages import admin_url, posted
from tests.factories import SAMPLES, make_meeting, make_namnd, make_paragraf

ATOM = "{http://www.w3.org/2005/Atom}"
TEKNISKA = SAMPLES / "2025-02-18_tekniska-namnden.txt"
OLD = "/sjobacka-kommun/tekniska-namnden/"
NEW = "/sjobacka-kommun/stadsbyggnadsnamnden/"
MEETING = "2025-02-18/"
SINCE = datetime.date(2026, 1, 1)


def ingest(data: bytes, name: str = TEKNISKA.name):
    return protocol_ingest(source_name=name, data=data)


class NamesTestCase(TestCase):
    """The sample Tekniska nämnden minutes of 2025-02-18, ingested."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.data = TEKNISKA.read_bytes()
        cls.meeting = ingest(cls.data).meeting
        cls.namnd = cls.meeting.namnd
        cls.town = cls.namnd.municipality
        cls.root = get_user_model().objects.create_superuser("root", "", "pw")

    def rename_in_admin(
        self, obj, name: str, slug: str, since: str | None = "2026-01-01"
    ):
        self.client.force_login(self.root)
        page = self.client.get(admin_url(obj))
        data = posted(page)
        data.update(name=name, slug=slug)
        if since is not None:
            data["since"] = since
        response = self.client.post(admin_url(obj), data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", ""))
        self.client.logout()
        obj.refresh_from_db()
        return response

    def rename(self, since: datetime.date = SINCE) -> None:
        namnd_rename(
            namnd=self.namnd, new_name="Stadsbyggnadsnämnden", since=since, user=None
        )
        self.namnd.refresh_from_db()


class ReingestAfterRenameTests(NamesTestCase):
    def test_a_reingest_under_the_old_name_finds_the_same_board_and_meeting(self):
        self.rename_in_admin(self.namnd, "Stadsbyggnadsnämnden", "stadsbyggnadsnamnden")
        result = ingest(self.data)
        self.assertEqual(result.status, "unchanged")
        self.assertEqual(result.meeting.pk, self.meeting.pk)
        self.assertEqual(Namnd.objects.filter(municipality=self.town).count(), 1)
        self.assertEqual(Meeting.objects.count(), 1)
        self.assertEqual(self.client.get(OLD + MEETING).status_code, 301)
        self.assertEqual(self.client.get(NEW + MEETING).status_code, 200)

    def test_a_changed_file_under_the_old_name_updates_the_same_meeting(self):
        self.rename()
        changed = self.data.replace(b"9 procent", b"10 procent")
        result = ingest(changed)
        self.assertEqual(result.status, "updated")
        self.assertEqual(result.meeting.pk, self.meeting.pk)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_search_and_the_case_find_the_decision_once(self):
        self.rename()
        ingest(self.data)
        search = self.client.get("/sok/", {"q": "brukningsavgifterna"})
        self.assertEqual(len(search.context["page"].object_list), 1)
        case = self.client.get("/sjobacka-kommun/arende/TN/2024:118/")
        self.assertEqual(case.status_code, 200)
        self.assertEqual(len(case.context["paragrafer"]), 1)

    def test_a_protocol_under_an_old_municipality_name_finds_the_same_one(self):
        municipality_rename(
            municipality=self.town, new_name="Sjöbacka stad", since=SINCE, user=None
        )
        result = ingest(self.data)
        self.assertEqual(result.status, "unchanged")
        self.assertEqual(Municipality.objects.count(), 1)
        self.assertEqual(Municipality.objects.get().slug, "sjobacka-stad")

    def test_a_board_later_given_an_old_name_takes_that_names_later_minutes(self):
        """The name is looked up on the meeting's date: a new board that took
        the old name afterwards gets the minutes of its own time only."""
        self.rename()
        newcomer = make_namnd(
            "Tekniska nämnden", municipality=self.town, slug="tekniska-namnden"
        )
        self.assertEqual(ingest(self.data).meeting.namnd, self.namnd)
        later = self.data.replace(b"2025-02-18", b"2026-02-18")
        self.assertEqual(ingest(later, "2026.txt").meeting.namnd, newcomer)


class RenameServiceTests(NamesTestCase):
    def test_it_keeps_the_earlier_name_with_the_days_it_held(self):
        self.rename()
        earlier = NamndName.objects.get(namnd=self.namnd)
        self.assertEqual(earlier.name, "Tekniska nämnden")
        self.assertEqual(earlier.slug, "tekniska-namnden")
        self.assertIsNone(earlier.valid_from)
        self.assertEqual(earlier.valid_until, datetime.date(2025, 12, 31))
        self.assertEqual(self.namnd.name, "Stadsbyggnadsnämnden")
        self.assertEqual(self.namnd.slug, "stadsbyggnadsnamnden")
        self.assertEqual(
            self.namnd.name_on(datetime.date(2025, 12, 31)), "Tekniska nämnden"
        )
        self.assertEqual(self.namnd.name_on(SINCE), "Stadsbyggnadsnämnden")
        self.assertEqual(self.namnd.name_on(None), "Stadsbyggnadsnämnden")

    def test_a_second_rename_starts_where_the_first_ended(self):
        self.rename()
        namnd_rename(
            namnd=self.namnd,
            new_name="Samhällsbyggnadsnämnden",
            since=datetime.date(2026, 6, 1),
            user=None,
        )
        held = NamndName.objects.filter(namnd=self.namnd).order_by("valid_until")
        self.assertEqual(
            [(n.name, n.valid_from, n.valid_until) for n in held],
            [
                ("Tekniska nämnden", None, datetime.date(2025, 12, 31)),
                (
                    "Stadsbyggnadsnämnden",
                    SINCE,
                    datetime.date(2026, 5, 31),
                ),
            ],
        )

    def test_a_rename_before_the_current_name_began_is_refused(self):
        self.rename()
        with self.assertRaises(ValidationError):
            namnd_rename(namnd=self.namnd, new_name="X-nämnden", since=SINCE, user=None)
        self.namnd.refresh_from_db()
        self.assertEqual(self.namnd.name, "Stadsbyggnadsnämnden")

    def test_a_name_another_board_has_is_refused(self):
        make_namnd("Kulturnämnden", municipality=self.town)
        with self.assertRaises(ValidationError):
            namnd_rename(
                namnd=self.namnd, new_name="Kulturnämnden", since=SINCE, user=None
            )

    def test_renaming_back_leaves_the_address_to_the_board(self):
        self.rename()
        namnd_rename(
            namnd=self.namnd,
            new_name="Tekniska nämnden",
            since=datetime.date(2026, 6, 1),
            user=None,
        )
        self.assertEqual(self.client.get(OLD).status_code, 200)
        self.assertEqual(self.client.get(NEW).status_code, 301)
        self.assertFalse(NamndAlias.objects.filter(slug="tekniska-namnden").exists())

    def test_saving_a_board_writes_no_alias(self):
        """Namnd.save hides no write: renames go through namnd_rename."""
        self.namnd.slug = "tn"
        self.namnd.save()
        self.assertFalse(NamndAlias.objects.exists())


class AdminRenameTests(NamesTestCase):
    def test_the_change_form_renames_from_the_date_given(self):
        self.rename_in_admin(self.namnd, "Stadsbyggnadsnämnden", "stadsbyggnadsnamnden")
        earlier = NamndName.objects.get(namnd=self.namnd)
        self.assertEqual(earlier.valid_until, datetime.date(2025, 12, 31))
        self.assertTrue(NamndAlias.objects.filter(slug="tekniska-namnden").exists())

    def test_without_a_date_the_new_name_holds_from_today(self):
        self.rename_in_admin(
            self.namnd, "Stadsbyggnadsnämnden", "stadsbyggnadsnamnden", since=""
        )
        earlier = NamndName.objects.get(namnd=self.namnd)
        today = datetime.date.today()
        self.assertEqual(earlier.valid_until, today - datetime.timedelta(days=1))

    def test_a_municipality_is_renamed_from_its_change_form(self):
        self.rename_in_admin(self.town, "Sjöbacka stad", "sjobacka-stad")
        earlier = MunicipalityName.objects.get(municipality=self.town)
        self.assertEqual(earlier.name, "Sjöbacka kommun")
        self.assertEqual(earlier.valid_until, datetime.date(2025, 12, 31))
        self.assertEqual(self.town.name, "Sjöbacka stad")

    def test_the_boards_inline_does_not_rename(self):
        """On the municipality's page a board's name is shown, not edited:
        a rename needs its date, on the board's own page."""
        self.client.force_login(self.root)
        page = self.client.get(admin_url(self.town))
        data = posted(page)
        data["namnder-0-name"] = "Något annat"
        self.client.post(admin_url(self.town), data)
        self.namnd.refresh_from_db()
        self.assertEqual(self.namnd.name, "Tekniska nämnden")


class NameInForceTests(NamesTestCase):
    def setUp(self) -> None:
        self.rename()
        self.later = make_meeting(namnd=self.namnd, date=datetime.date(2026, 3, 2))
        make_paragraf(meeting=self.later, number="1", title="Budget för parker")

    def test_the_meeting_and_paragraph_pages_use_the_name_of_the_day(self):
        meeting = self.client.get(NEW + MEETING)
        self.assertContains(meeting, "<h1>Tekniska nämnden")
        paragraf = self.client.get(NEW + MEETING + "paragraf-9/")
        self.assertContains(paragraf, "Tekniska nämnden, Sjöbacka kommun ·")
        self.assertContains(
            paragraf, "Tekniska nämnden, Sjöbacka kommun, sammanträde 2025-02-18, § 9"
        )
        later = self.client.get(NEW + "2026-03-02/")
        self.assertContains(later, "<h1>Stadsbyggnadsnämnden")

    def test_the_meeting_page_links_the_boards_name_today(self):
        meeting = self.client.get(NEW + MEETING)
        self.assertContains(meeting, "Nämndens namn i dag")
        self.assertContains(meeting, f'<a href="{NEW}">Stadsbyggnadsnämnden</a>')
        self.assertNotContains(
            self.client.get(NEW + "2026-03-02/"), "Nämndens namn i dag"
        )

    def test_the_csv_names_the_board_as_on_the_meeting_date(self):
        rows = self.client.get(NEW, {"format": "csv"}).getvalue().decode()
        line = next(r for r in rows.splitlines() if "paragraf-9/" in r)
        self.assertIn('"Sjöbacka kommun";"Tekniska nämnden";"2025-02-18"', line)

    def test_the_board_page_lists_its_earlier_names(self):
        namnd = self.client.get(NEW)
        self.assertContains(namnd, "<h1>Stadsbyggnadsnämnden")
        self.assertContains(namnd, "Tekniska nämnden")

    def test_a_later_meeting_saved_again_keeps_the_name_of_its_day(self):
        self.meeting.refresh_from_db()
        self.meeting.save()
        self.assertEqual(self.meeting.namnd_name, "Tekniska nämnden")
        self.later.refresh_from_db()
        self.assertEqual(self.later.namnd_name, "Stadsbyggnadsnämnden")

    def test_feed_entries_are_titled_with_the_name_of_the_day(self):
        feed = ET.fromstring(self.client.get(NEW + "feed/").content)
        titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
        self.assertIn(
            "§ 1 Budget för parker – Stadsbyggnadsnämnden, Sjöbacka kommun, 2026-03-02",
            titles,
        )
        self.assertTrue(
            any(
                t.startswith("§ 9 ")
                and t.endswith(" – Tekniska nämnden, Sjöbacka kommun, 2025-02-18")
                for t in titles
            )
        )

    def test_records_carry_the_name_of_the_day_and_the_current_board(self):
        record = self.client.get(
            "/api/v1/paragrafer" + NEW + MEETING + "paragraf-9/",
            headers={"accept": "application/json"},
        ).json()
        self.assertEqual(
            record["board"],
            {
                "id": "http://testserver" + NEW,
                "name": "Tekniska nämnden",
                "current_name": "Stadsbyggnadsnämnden",
            },
        )
        self.assertEqual(record["municipality"]["name"], "Sjöbacka kommun")
        self.assertEqual(record["municipality"]["current_name"], "Sjöbacka kommun")


class FeedIdTests(NamesTestCase):
    def entry_ids(self, url: str) -> list[str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        feed = ET.fromstring(response.content)
        return sorted(e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry"))

    def test_atom_entry_ids_stay_the_same_after_a_rename(self):
        before = self.entry_ids(OLD + "feed/")
        town_before = self.entry_ids("/sjobacka-kommun/feed/")
        self.assertIn("http://testserver" + OLD + MEETING + "paragraf-9/", before)
        self.rename_in_admin(self.namnd, "Stadsbyggnadsnämnden", "stadsbyggnadsnamnden")
        self.assertEqual(self.entry_ids(NEW + "feed/"), before)
        self.rename_in_admin(self.town, "Sjöbacka stad", "sjobacka-stad")
        self.assertEqual(self.entry_ids("/sjobacka-stad/feed/"), town_before)

    def test_minutes_first_published_after_a_rename_get_the_new_address(self):
        self.rename()
        later = make_meeting(namnd=self.namnd, date=datetime.date(2026, 3, 2))
        make_paragraf(meeting=later, number="1")
        ids = self.entry_ids(NEW + "feed/")
        self.assertIn("http://testserver" + NEW + "2026-03-02/paragraf-1/", ids)


class OldAddressTests(NamesTestCase):
    def api(self, path: str):
        return self.client.get(path, headers={"accept": "application/json"})

    def test_the_api_answers_an_old_board_slug_with_301(self):
        self.rename()
        for kind, rest in [
            ("namnder", ""),
            ("sammantraden", MEETING),
            ("paragrafer", MEETING + "paragraf-9/"),
        ]:
            with self.subTest(kind=kind):
                response = self.api(f"/api/v1/{kind}{OLD}{rest}?format=json")
                self.assertEqual(response.status_code, 301)
                self.assertEqual(
                    response["Location"], f"/api/v1/{kind}{NEW}{rest}?format=json"
                )
                self.assertEqual(self.api(response["Location"]).status_code, 200)

    def test_the_api_answers_an_old_municipality_slug_with_301(self):
        municipality_rename(
            municipality=self.town, new_name="Sjöbacka stad", since=SINCE, user=None
        )
        for old, new in [
            ("kommuner/sjobacka-kommun/", "kommuner/sjobacka-stad/"),
            (
                "namnder/sjobacka-kommun/tekniska-namnden/",
                "namnder/sjobacka-stad/tekniska-namnden/",
            ),
            (
                "paragrafer/sjobacka-kommun/tekniska-namnden/2025-02-18/paragraf-9/",
                "paragrafer/sjobacka-stad/tekniska-namnden/2025-02-18/paragraf-9/",
            ),
            (
                "arenden/sjobacka-kommun/TN/2024:118/",
                "arenden/sjobacka-stad/TN/2024:118/",
            ),
        ]:
            with self.subTest(old=old):
                response = self.api(f"/api/v1/{old}")
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], f"/api/v1/{new}")
                self.assertEqual(self.api(response["Location"]).status_code, 200)

    def test_pages_answer_an_old_municipality_slug_with_301(self):
        municipality_rename(
            municipality=self.town, new_name="Sjöbacka stad", since=SINCE, user=None
        )
        for old in [
            "/sjobacka-kommun/",
            "/sjobacka-kommun/feed/",
            "/sjobacka-kommun/tekniska-namnden/2025-02-18/paragraf-9/",
            "/sjobacka-kommun/arende/TN/2024:118/",
        ]:
            with self.subTest(old=old):
                response = self.client.get(old)
                self.assertEqual(response.status_code, 301)
                new = old.replace("sjobacka-kommun", "sjobacka-stad")
                self.assertEqual(response["Location"], new)
                self.assertEqual(self.client.get(new).status_code, 200)

    def test_an_address_that_never_existed_is_still_404(self):
        self.rename()
        self.assertEqual(
            self.api("/api/v1/namnder/sjobacka-kommun/x/").status_code, 404
        )
        # As on the pages: the old board's whole address space moves, then
        # 404s where it did.
        moved = self.api(f"/api/v1/sammantraden{OLD}1999-01-01/")
        self.assertEqual(moved.status_code, 301)
        self.assertEqual(self.api(moved["Location"]).status_code, 404)
