"""Every filter names a board by its slugs, as its address does
("sjobacka-kommun/kommunstyrelsen"), and still reads the id older links
carry; a value that names no board is an error naming the filter, never an
empty list as if it had been applied (issue 20, in part).

The filters that take a board: the search's `namnd` (its page, its feed, its
CSV and the API's paragraph list read one ParagrafFilter) and the `namnd` of
the API's lists of meetings and reservations. The others name things by
slug or value already (kommun, parti, ar, typ, dnr)."""

from __future__ import annotations

import datetime
import io
import xml.etree.ElementTree as ET
from csv import reader
from typing import Any

from django.core.management import call_command
from django.test import TestCase

from decisions.models import Namnd, Paragraf, Reservation
from decisions.services.rename import namnd_rename
from tests.factories import SJOBACKA, make_meeting, make_namnd
from tests.problems import named

ATOM = "{http://www.w3.org/2005/Atom}"


class BoardFilterTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
        cls.ks = Namnd.objects.get(
            municipality__slug="sjobacka-kommun", slug="kommunstyrelsen"
        )
        cls.path = "sjobacka-kommun/kommunstyrelsen"
        # Another municipality's board of the same slug, with a meeting: a
        # slug alone names both.
        cls.other = make_namnd("Kommunstyrelsen")
        make_meeting(namnd=cls.other, date=datetime.date(2024, 3, 11))
        cls.ks_paragrafer = set(
            Paragraf.objects.published()
            .filter(meeting__namnd=cls.ks)
            .values_list("number", "meeting__date")
        )

    def api(self, path: str, params: dict[str, Any], status: int = 200) -> Any:
        response = self.client.get(path, params)
        self.assertEqual(response.status_code, status, response.content[:500])
        return response.json()

    def ids(self, path: str, params: dict[str, Any]) -> list[str]:
        return [r["id"] for r in self.api(path, {**params, "antal": 500})["results"]]

    # The search page, its form and facets.

    def test_the_search_page_reads_a_board_by_its_slugs_and_by_id(self) -> None:
        by_slug = self.client.get("/sok/", {"namnd": self.path})
        by_id = self.client.get("/sok/", {"namnd": self.ks.pk})
        for response in (by_slug, by_id):
            self.assertEqual(response.status_code, 200)
            # The select shows the board chosen, under its slugs, either way.
            self.assertContains(
                response, f'<option value="{self.path}" selected>', count=2
            )
            self.assertContains(response, "Kommunstyrelsen (Sjöbacka kommun)")
        self.assertEqual(
            [p.pk for p in by_slug.context["result"].page],
            [p.pk for p in by_id.context["result"].page],
        )

    def test_the_search_form_and_facets_send_slugs(self) -> None:
        response = self.client.get("/sok/", {"q": "budget"})
        self.assertContains(response, f'<option value="{self.path}">')
        self.assertNotContains(response, f'<option value="{self.ks.pk}"')
        self.assertContains(response, "namnd=sjobacka-kommun%2Fkommunstyrelsen")
        chosen = self.client.get("/sok/", {"q": "budget", "namnd": self.path})
        self.assertContains(
            chosen,
            'href="?q=budget&amp;namnd=sjobacka-kommun%2Fkommunstyrelsen" '
            'aria-current="true"',
        )
        # The board's page links to its search by the same slugs.
        namnd_page = self.client.get(self.ks.get_absolute_url())
        self.assertContains(namnd_page, f'href="/sok/?namnd={self.path}"')

    def test_an_unknown_board_on_the_search_page_is_a_form_error(self) -> None:
        response = self.client.get("/sok/", {"namnd": "sjobacka-kommun/ingen-sadan"})
        self.assertContains(response, "Sökningen kunde inte göras", status_code=400)
        self.assertContains(response, 'id="wide-namnd-error"', status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)

    def test_a_renamed_boards_old_slugs_still_choose_it(self) -> None:
        namnd_rename(
            namnd=self.ks,
            new_name="Regionstyrelsen",
            since=datetime.date(2025, 1, 1),
            user=None,
        )
        response = self.client.get("/sok/", {"namnd": self.path})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, '<option value="sjobacka-kommun/regionstyrelsen" selected>'
        )

    # The feed and the CSV read the same filterset.

    def test_the_search_feed_and_csv_read_slugs_and_ids(self) -> None:
        feeds = []
        for value in (self.path, self.ks.pk):
            feed = self.client.get("/sok/feed/", {"namnd": value})
            self.assertEqual(feed.status_code, 200)
            entries = ET.fromstring(feed.content).findall(f"{ATOM}entry")
            feeds.append([e.findtext(f"{ATOM}id") for e in entries])
            csv = self.client.get("/sok/", {"namnd": value, "format": "csv"})
            self.assertEqual(csv.status_code, 200)
            text = b"".join(csv.streaming_content).decode()
            rows = list(reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
            self.assertEqual(len(rows), 1 + len(self.ks_paragrafer))
        self.assertEqual(feeds[0], feeds[1])
        self.assertEqual(len(feeds[0]), len(self.ks_paragrafer))
        unknown = self.client.get("/sok/feed/", {"namnd": "ingen/sadan"})
        self.assertEqual(ET.fromstring(unknown.content).findall(f"{ATOM}entry"), [])

    # The API's lists.

    def test_the_paragraph_list_reads_slugs_and_ids_and_names_a_bad_one(self) -> None:
        by_slug = self.ids("/api/v1/paragrafer/", {"namnd": self.path})
        self.assertEqual(
            by_slug, self.ids("/api/v1/paragrafer/", {"namnd": self.ks.pk})
        )
        self.assertEqual(len(by_slug), len(self.ks_paragrafer))
        refused = self.api(
            "/api/v1/paragrafer/", {"namnd": "sjobacka-kommun/ingen"}, status=400
        )
        self.assertEqual(named(refused), {"namnd"})

    def test_the_meeting_list_reads_slugs_a_bare_slug_and_ids(self) -> None:
        path = "/api/v1/sammantraden/"
        mine = self.ids(path, {"namnd": self.path})
        self.assertEqual(mine, self.ids(path, {"namnd": self.ks.pk}))
        self.assertEqual(len(mine), self.ks.meetings.count())
        self.assertTrue(all("/sjobacka-kommun/kommunstyrelsen/" in i for i in mine))
        # A board's slug alone is every municipality's board of that slug, as
        # this list has always read it; `kommun` narrows it.
        every = self.ids(path, {"namnd": "kommunstyrelsen"})
        self.assertEqual(len(every), len(mine) + 1)
        narrowed = self.ids(
            path, {"namnd": "kommunstyrelsen", "kommun": "sjobacka-kommun"}
        )
        self.assertEqual(narrowed, mine)
        for bad in ("sjobacka-kommun/ingen", "ingen-sadan-namnd", "999999", "a\x00b"):
            with self.subTest(bad=bad):
                refused = self.api(path, {"namnd": bad}, status=400)
                self.assertEqual(named(refused), {"namnd"})

    def test_the_reservation_list_reads_slugs_a_bare_slug_and_ids(self) -> None:
        path = "/api/v1/reservationer/"
        kf = Namnd.objects.get(slug="kommunfullmaktige")
        kf_path = "sjobacka-kommun/kommunfullmaktige"
        expected = Reservation.objects.published().filter(paragraf__meeting__namnd=kf)
        self.assertTrue(expected.exists())
        results = {
            value: self.api(path, {"namnd": value})["results"]
            for value in (kf_path, kf.pk, "kommunfullmaktige")
        }
        self.assertEqual(len(results[kf_path]), expected.count())
        self.assertEqual(results[kf_path], results[kf.pk])
        self.assertEqual(results[kf_path], results["kommunfullmaktige"])
        refused = self.api(path, {"namnd": "sjobacka-kommun/ingen"}, status=400)
        self.assertEqual(named(refused), {"namnd"})

    def test_the_openapi_description_says_what_namnd_reads(self) -> None:
        schema = self.client.get("/api/v1/schema/", {"format": "json"}).json()
        for path in (
            "/api/v1/paragrafer/",
            "/api/v1/sammantraden/",
            "/api/v1/reservationer/",
        ):
            with self.subTest(path=path):
                (namnd,) = [
                    p
                    for p in schema["paths"][path]["get"]["parameters"]
                    if p["name"] == "namnd"
                ]
                self.assertEqual(namnd["schema"]["type"], "string")
                self.assertIn("kommun/nämnd", namnd["description"])
