"""The JSON API: lists, details, filters, cursor pages while minutes arrive,
ETag and Last-Modified, and an OpenAPI description that validates."""

from django.core.management import call_command
from django.test import TestCase
from drf_spectacular.validation import validate_schema

from decisions.api import ParagrafRecordSerializer
from decisions.models import Paragraf
from tests.factories import SEEDS, SJOBACKA
from tests.problems import named, problem_of

HOST = "http://testserver"
PARAGRAF = "sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-113/"


class ApiTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def get(self, url: str, status: int = 200, **headers: str) -> dict:
        response = self.client.get(
            url, headers={"accept": "application/json", **headers}
        )
        self.assertEqual(response.status_code, status, (url, response.content[:300]))
        return response.json() if status != 304 else {}

    def all_pages(self, url: str) -> list[dict]:
        results = []
        while url:
            page = self.get(url)
            results += page["results"]
            url = page["next"] and page["next"].removeprefix(HOST)
        return results


class ListAndDetailTests(ApiTestCase):
    def test_every_resource_lists_and_its_ids_are_the_permalinks(self):
        for kind, example in [
            ("kommuner", f"{HOST}/sjobacka-kommun/"),
            ("namnder", f"{HOST}/sjobacka-kommun/kommunfullmaktige/"),
            ("sammantraden", f"{HOST}/sjobacka-kommun/kommunfullmaktige/2024-11-25/"),
            ("paragrafer", f"{HOST}/{PARAGRAF}"),
            ("arenden", f"{HOST}/sjobacka-kommun/arende/KS%202024/112/"),
            ("ledamoter", f"{HOST}/sjobacka-kommun/person/jonas-frisk-mp/"),
            ("partier", f"{HOST}/sjobacka-kommun/parti/L/"),
        ]:
            with self.subTest(kind=kind):
                url = f"/api/v1/{kind}/?antal=500"
                rows = self.get(url) if kind == "partier" else self.all_pages(url)
                ids = [row["id"] for row in rows]
                self.assertIn(example, ids)
                self.assertEqual(len(ids), len(set(ids)))
                self.assertEqual(self.client.get(example).status_code, 200)

    def test_details_live_at_the_api_prefix_plus_the_page_path(self):
        for api, page in [
            ("kommuner/sjobacka-kommun/", "sjobacka-kommun/"),
            (
                "namnder/sjobacka-kommun/kommunfullmaktige/",
                "sjobacka-kommun/kommunfullmaktige/",
            ),
            (
                "sammantraden/sjobacka-kommun/kommunfullmaktige/2024-11-25/",
                "sjobacka-kommun/kommunfullmaktige/2024-11-25/",
            ),
            ("paragrafer/" + PARAGRAF, PARAGRAF),
            (
                "arenden/sjobacka-kommun/KS 2024/112/",
                "sjobacka-kommun/arende/KS%202024/112/",
            ),
            (
                "ledamoter/sjobacka-kommun/jonas-frisk-mp/",
                "sjobacka-kommun/person/jonas-frisk-mp/",
            ),
        ]:
            with self.subTest(api=api):
                self.assertEqual(self.get("/api/v1/" + api)["id"], f"{HOST}/{page}")
        problem_of(self.client.get("/api/v1/kommuner/ingen/"), 404)

    def test_a_paragraph_is_its_archive_record_in_the_documented_shape(self):
        record = self.get("/api/v1/paragrafer/" + PARAGRAF)
        self.assertEqual(set(record), set(ParagrafRecordSerializer().fields))
        self.assertEqual(record["case"]["dnr"], "KS 2024/112")
        reservation = record["reservations"][0]
        self.assertEqual(
            {(m["name"], m["party"]) for m in reservation["members"]},
            {("Peter Wiklund", "L"), ("Ulrika Falk", "L")},
        )

    def test_confidential_paragraphs_are_nowhere(self):
        secret = Paragraf.objects.filter(confidential=True).first()
        self.assertIsNotNone(secret)
        path = secret.get_absolute_url().lstrip("/")
        self.get("/api/v1/paragrafer/" + path, status=404)
        ids = [r["id"] for r in self.all_pages("/api/v1/paragrafer/?antal=500")]
        self.assertNotIn(HOST + secret.get_absolute_url(), ids)
        self.assertEqual(len(ids), Paragraf.objects.filter(confidential=False).count())


class FilterTests(ApiTestCase):
    def test_paragraphs_filter_as_the_search_does(self):
        rows = self.all_pages("/api/v1/paragrafer/?q=budget&parti=SD&antal=500")
        self.assertTrue(rows)
        for row in rows:
            parties = {
                m["party"]
                for r in row["reservations"]
                if r["kind"] == "reservation"
                for m in r["members"]
            }
            self.assertIn("SD", parties, row["id"])
        years = {
            r["meeting"]["date"][:4]
            for r in self.all_pages("/api/v1/paragrafer/?ar=2024")
        }
        self.assertEqual(years, {"2024"})

    def test_other_lists_filter_by_their_parameters(self):
        meetings = self.all_pages("/api/v1/sammantraden/?namnd=kommunfullmaktige")
        self.assertTrue(meetings)
        self.assertTrue(all("/kommunfullmaktige/" in m["board"] for m in meetings))
        members = self.all_pages("/api/v1/ledamoter/?parti=L")
        self.assertTrue(members and all(m["party"] == "L" for m in members))
        reservations = self.all_pages("/api/v1/reservationer/?parti=L")
        self.assertTrue(reservations)
        for r in reservations:
            self.assertIn("L", {m["party"] for m in r["members"]})

    def test_bad_values_are_400_naming_the_parameter(self):
        for url, name in [
            ("/api/v1/sammantraden/?ar=x", "ar"),
            ("/api/v1/paragrafer/?ar=1800", "ar"),
            ("/api/v1/paragrafer/?q=" + "x" * 300, "q"),
            # A cursor the API never gave is a bad parameter too, not a
            # missing page.
            ("/api/v1/paragrafer/?cursor=bogus", "cursor"),
        ]:
            with self.subTest(url=url[:60]):
                self.assertEqual(named(problem_of(self.client.get(url), 400)), {name})


class CursorTests(ApiTestCase):
    def test_pages_stay_correct_while_minutes_arrive(self):
        before = {p.pk for p in Paragraf.objects.filter(confidential=False)}
        first = self.get("/api/v1/paragrafer/?antal=10")
        seen = [r["id"] for r in first["results"]]
        # New minutes arrive between two pages.
        call_command("ingest", *map(str, SEEDS), stdout=None, stderr=None)
        rest = self.all_pages(first["next"].removeprefix(HOST))
        seen += [r["id"] for r in rest]
        self.assertEqual(len(seen), len(set(seen)), "no paragraph twice")
        self.assertEqual(len(seen), len(before), "none missed, none of the new")
        newest = self.get("/api/v1/paragrafer/?antal=2")["results"]
        self.assertIn("stockholms-stad", newest[0]["id"])


class ConditionalGetTests(ApiTestCase):
    def test_an_unchanged_answer_is_304_by_etag_and_by_date(self):
        url = "/api/v1/paragrafer/" + PARAGRAF
        response = self.client.get(url, headers={"accept": "application/json"})
        self.assertTrue(response["ETag"])
        self.assertTrue(response["Last-Modified"])
        self.get(url, status=304, if_none_match=response["ETag"])
        self.get(url, status=304, if_modified_since=response["Last-Modified"])
        listed = self.client.get(
            "/api/v1/kommuner/", headers={"accept": "application/json"}
        )
        self.get("/api/v1/kommuner/", status=304, if_none_match=listed["ETag"])


class SchemaTests(ApiTestCase):
    def test_the_openapi_description_validates_and_has_a_page(self):
        response = self.client.get(
            "/api/v1/schema/", headers={"accept": "application/json"}
        )
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        validate_schema(schema)
        self.assertIn("/api/v1/paragrafer/", schema["paths"])
        self.assertEqual(schema["openapi"][:2], "3.")
        docs = self.client.get("/api/v1/docs/")
        self.assertEqual(docs.status_code, 200)
        html = docs.content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/", html)
        self.assertNotIn("cdn.", html)
