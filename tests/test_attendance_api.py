"""Attendance in the API: a meeting's detail lists who was present and as
what, and /api/v1/narvaro/ lists every meeting's attendance, filtered by
municipality, board, person and year."""

from __future__ import annotations

from decisions.models import Attendance
from tests.factories import COUNTED, STAMP
from tests.problems import named
from tests.test_api import ApiTestCase

HOST = "http://testserver"
KOMMUN = "sjobacka-kommun"
MEETING = f"{KOMMUN}/kommunfullmaktige/2024-11-25/"


class AttendanceTestCase(ApiTestCase):
    """The samples ingested, read as the API's tests read (tests/test_api.py)."""


class MeetingAttendanceTests(AttendanceTestCase):
    def test_a_meetings_detail_lists_who_was_present_in_printed_order(self) -> None:
        meeting = self.get(f"/api/v1/sammantraden/{MEETING}")
        attendance = meeting["attendance"]
        self.assertEqual(
            attendance[0],
            {
                "id": f"{HOST}/{KOMMUN}/person/kerstin-bodin-s/",
                "name": "Kerstin Bodin",
                "party": "S",
                "group": "beslutande",
                "role": "ordförande",
                "replaces": "",
                "note": "",
            },
        )
        rows = Attendance.objects.filter(
            meeting__namnd__slug="kommunfullmaktige"
        ).order_by("position")
        self.assertEqual([a["name"] for a in attendance], [r.member.name for r in rows])
        for row in attendance:
            self.assertEqual(self.client.get(row["id"]).status_code, 200)
        # A serving substitute says whom they served for; an official's
        # presence may be for some paragraphs only.
        self.assertTrue(any(a["replaces"] for a in attendance))
        self.assertTrue(any(a["group"] == "ovriga" and a["note"] for a in attendance))

    def test_the_meetings_list_stays_as_it_was(self) -> None:
        meetings = self.get(f"/api/v1/sammantraden/?kommun={KOMMUN}")["results"]
        self.assertNotIn("attendance", meetings[0])

    def test_the_detail_runs_a_fixed_number_of_queries(self) -> None:
        # 1 the meeting with its board and municipality; 2 its attendance
        # with the members and their municipality.
        with self.assertNumQueries(STAMP + COUNTED + 2):
            self.get(f"/api/v1/sammantraden/{MEETING}")


class AttendanceListTests(AttendanceTestCase):
    def test_it_lists_every_row_once_with_its_meeting(self) -> None:
        rows = self.all_pages("/api/v1/narvaro/?antal=100")
        self.assertEqual(len(rows), Attendance.objects.count())
        chair = next(
            r
            for r in rows
            if r["meeting"] == f"{HOST}/{MEETING}" and r["name"] == "Kerstin Bodin"
        )
        self.assertEqual(chair["date"], "2024-11-25")
        self.assertEqual(chair["role"], "ordförande")

    def test_it_filters_by_municipality_board_person_and_year(self) -> None:
        namnd = self.all_pages(f"/api/v1/narvaro/?kommun={KOMMUN}&namnd=socialnamnden")
        self.assertEqual(
            len(namnd),
            Attendance.objects.filter(meeting__namnd__slug="socialnamnden").count(),
        )
        self.assertEqual({r["meeting"].split("/")[4] for r in namnd}, {"socialnamnden"})
        person = self.all_pages(
            f"/api/v1/narvaro/?kommun={KOMMUN}&person=kerstin-bodin-s"
        )
        self.assertTrue(person)
        self.assertEqual({r["name"] for r in person}, {"Kerstin Bodin"})
        self.assertEqual(
            self.all_pages(f"/api/v1/narvaro/?kommun={KOMMUN}&person=ingen-sadan"), []
        )
        years = self.all_pages("/api/v1/narvaro/?ar=2025")
        self.assertTrue(years)
        self.assertTrue(all(r["date"].startswith("2025-") for r in years))
        self.assertEqual(self.all_pages("/api/v1/narvaro/?kommun=ingen-sadan"), [])

    def test_a_person_without_a_municipality_or_an_unknown_parameter_is_400(
        self,
    ) -> None:
        # A person's slug is unique within their municipality only.
        for address, name in [
            ("/api/v1/narvaro/?person=x", "person"),
            ("/api/v1/narvaro/?namn=x", "namn"),
            ("/api/v1/narvaro/?ar=x", "ar"),
        ]:
            self.assertEqual(named(self.get(address, status=400)), {name})

    def test_the_index_names_it(self) -> None:
        index = self.get("/api/v1/")
        self.assertEqual(index["lists"]["narvaro"], f"{HOST}/api/v1/narvaro/")

    def test_a_page_runs_a_fixed_number_of_queries(self) -> None:
        # 1 a page of rows, each with its member, their municipality, and
        # the meeting with its board and municipality.
        with self.assertNumQueries(STAMP + COUNTED + 1):
            self.get("/api/v1/narvaro/?antal=50")
