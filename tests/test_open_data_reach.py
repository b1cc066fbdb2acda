"""Every record reachable (issue 20, in part): the API's own index, the
archive's feed named in every page's head, CSV on the referral and start
pages, and CORS for GET on the API and the feeds, nothing else."""

import gzip
import io
import json
import tempfile
import xml.etree.ElementTree as ET
from csv import reader
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from decisions.api import INDEX_LISTS
from decisions.download import ARCHIVE_NAME, MANIFEST_NAME, SCHEMA_NAME
from decisions.models import Paragraf
from decisions.services.dump import write_archive
from tests.factories import SEEDS, SJOBACKA
from tests.problems import named, problem_of

ATOM = "{http://www.w3.org/2005/Atom}"
ORIGIN = "https://redaktionen.example"


class ReachTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def test_the_api_starts_at_its_own_address(self) -> None:
        response = self.client.get("/api/v1/", headers={"Accept": "application/json"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        index = response.json()
        self.assertEqual(set(index["lists"]), set(INDEX_LISTS))
        for name, address in [*index["lists"].items(), ("schema", index["schema"])]:
            with self.subTest(name=name):
                answer = self.client.get(address.removeprefix("http://testserver"))
                self.assertEqual(answer.status_code, 200)
        for name in ("docs", "download", "feed"):
            self.assertTrue(index[name].startswith("http://testserver/"), name)

    def test_the_archive_has_a_feed_named_in_every_pages_head(self) -> None:
        feed = ET.fromstring(self.client.get("/feed/").content)
        ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
        published = Paragraf.objects.published().count()
        self.assertEqual(len(ids), min(published, 50))
        secret = Paragraf.objects.get(confidential=True)
        self.assertNotIn(secret.title, self.client.get("/feed/").content.decode())
        link = '<link rel="alternate" type="application/atom+xml"'
        for path in (
            "/",
            "/sok/?q=budget",
            "/ordlista/",
            Paragraf.objects.published().first().get_absolute_url(),
            "/en/",
        ):
            with self.subTest(path=path):
                html = self.client.get(path).content.decode()
                self.assertIn(link, html)
                # The English pages name the English feed (/en/feed/).
                prefix = "/en" if path.startswith("/en/") else ""
                self.assertIn(f'href="{prefix}/feed/"', html)

    def test_the_referral_and_start_pages_offer_csv(self) -> None:
        path = "/sjobacka-kommun/remiss/program-for-oppna-data-och-digital-insyn/"
        csv = self.client.get(path, {"format": "csv"})
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        text = b"".join(csv.streaming_content).decode("utf-8-sig")
        rows = list(reader(io.StringIO(text), delimiter=";"))
        self.assertEqual(len(rows), 1 + 5)
        self.assertIn('href="?format=csv"', self.client.get(path).content.decode())
        self.assertEqual(
            self.client.get(
                "/sjobacka-kommun/remiss/ingen-sadan/", {"format": "csv"}
            ).status_code,
            404,
        )
        start = self.client.get("/").content.decode()
        self.assertIn('href="/sok/?format=csv"', start)
        self.assertIn('href="/api/v1/"', start)

    def test_cors_for_get_on_the_api_and_the_feeds_only(self) -> None:
        shared = [
            "/api/v1/",
            "/api/v1/paragrafer/",
            "/feed/",
            "/sok/feed/?q=budget",
            "/sjobacka-kommun/feed/",
            "/en/sjobacka-kommun/kommunstyrelsen/feed/",
            "/sjobacka-kommun/arende-feed/KS 2024/112/",
            "/sjobacka-kommun/person/jonas-frisk-mp/feed/",
        ]
        for path in shared:
            with self.subTest(path=path):
                response = self.client.get(path, headers={"Origin": ORIGIN})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Access-Control-Allow-Origin"], "*")
                self.assertNotIn("Access-Control-Allow-Credentials", response)
                preflight = self.client.options(
                    path,
                    headers={
                        "Origin": ORIGIN,
                        "Access-Control-Request-Method": "GET",
                    },
                )
                self.assertEqual(preflight.status_code, 200)
                allowed = preflight["Access-Control-Allow-Methods"].split(", ")
                self.assertEqual(set(allowed), {"GET", "HEAD", "OPTIONS"})
        for path in (
            "/",
            "/sok/?q=budget",
            "/sjobacka-kommun/",
            "/oppna-data/",
            "/admin/login/",
        ):
            with self.subTest(path=path):
                response = self.client.get(path, headers={"Origin": ORIGIN})
                self.assertNotIn("Access-Control-Allow-Origin", response)


class FilterValueTests(TestCase):
    """A board by its slugs, as every other filter names things, and dates
    the wrong way round refused, not ignored."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def test_a_namnd_is_named_by_its_slugs_or_by_id(self) -> None:
        namnd = Paragraf.objects.published().first().meeting.namnd
        by_id = self.client.get("/api/v1/paragrafer/", {"namnd": namnd.pk})
        for value in (
            f"{namnd.municipality.slug}/{namnd.slug}",
            f"/{namnd.municipality.slug}/{namnd.slug}/",
        ):
            with self.subTest(value=value):
                by_slug = self.client.get("/api/v1/paragrafer/", {"namnd": value})
                self.assertEqual(by_slug.status_code, 200)
                self.assertEqual(
                    [r["id"] for r in by_slug.json()["results"]],
                    [r["id"] for r in by_id.json()["results"]],
                )
                page = self.client.get("/sok/", {"namnd": value})
                self.assertEqual(page.status_code, 200)
        refused = self.client.get("/api/v1/paragrafer/", {"namnd": "ingen/sadan"})
        self.assertEqual(named(problem_of(refused, 400)), {"namnd"})

    def test_dates_the_wrong_way_round_are_refused_naming_till(self) -> None:
        wrong = {"fran": "2024-12-01", "till": "2024-01-01"}
        api = problem_of(self.client.get("/api/v1/paragrafer/", wrong), 400)
        [error] = api["errors"]
        self.assertEqual(error["parameter"], "till")
        self.assertIn("ligger före från och med", error["messages"][0])
        page = self.client.get("/sok/", {"q": "budget", **wrong})
        self.assertContains(page, "ligger före från och med", status_code=400)
        same_day = self.client.get(
            "/api/v1/paragrafer/", {"fran": "2024-11-25", "till": "2024-11-25"}
        )
        self.assertEqual(same_day.status_code, 200)
        self.assertTrue(same_day.json()["results"])

    def test_every_list_refuses_a_parameter_it_does_not_read(self) -> None:
        for name, url_name in INDEX_LISTS.items():
            with self.subTest(list=name):
                path = reverse(url_name)
                refused = self.client.get(path, {"namn": "Anna", "typ": "x"})
                body = problem_of(refused, 400)
                # Each named, unless the list reads it ("typ": reservations).
                self.assertIn("namn", named(body))
                self.assertIn(
                    "läser ingen sådan parameter", body["errors"][0]["messages"][0]
                )
                # Paging's own parameters are read by every list.
                self.assertEqual(self.client.get(path, {"antal": 5}).status_code, 200)


class DownloadSchemaTests(TestCase):
    """A JSON Schema for one line of the download, written beside it, that
    every line meets; the API's paragraph detail is the same record."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
        seeds = [str(p) for p in SEEDS]
        call_command(
            "ingest", "--kommun", "Stockholms stad", *seeds, stdout=None, stderr=None
        )
        # A corrected paragraph: its corrected_at is a date-time, not null.
        Paragraf.objects.filter(pk=Paragraf.objects.published().first().pk).update(
            corrected_at=timezone.now()
        )

    def setUp(self) -> None:
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def validator(self) -> Draft202012Validator:
        schema = json.loads((self.folder / SCHEMA_NAME).read_text())
        Draft202012Validator.check_schema(schema)
        return Draft202012Validator(schema, format_checker=FormatChecker())

    def test_every_line_of_the_download_meets_the_schema_beside_it(self) -> None:
        manifest = write_archive(self.folder, "https://oppnabeslut.example")
        self.assertEqual(manifest.schema, SCHEMA_NAME)
        written = json.loads((self.folder / MANIFEST_NAME).read_text())
        self.assertEqual(written["schema"], SCHEMA_NAME)
        validator = self.validator()
        with gzip.open(self.folder / ARCHIVE_NAME, "rt", encoding="utf-8") as lines:
            records = [json.loads(line) for line in lines]
        self.assertEqual(len(records), Paragraf.objects.published().count())
        for record in records:
            errors = [e.message for e in validator.iter_errors(record)]
            self.assertEqual(errors, [], record["id"])
        # The lines use what the schema allows: votes with casts, a case, a
        # correction, reservations with members.
        self.assertTrue(any(r["votes"] and r["votes"][0]["casts"] for r in records))
        self.assertTrue(any(r["corrected_at"] for r in records))
        # Strict: a key the schema does not know, or a wrong kind, fails.
        drifted = {**records[0], "extra": 1}
        self.assertFalse(validator.is_valid(drifted))
        wrong = {
            **records[0],
            "votes": [{"ja": "5", "nej": 1, "avstar": 0, "casts": []}],
        }
        self.assertFalse(validator.is_valid(wrong))

    def test_the_schema_is_served_and_the_api_detail_meets_it(self) -> None:
        write_archive(self.folder, "http://testserver")
        with self.settings(OPEN_DATA_DIR=self.folder):
            served = self.client.get(f"/oppna-data/{SCHEMA_NAME}")
            self.assertEqual(served.status_code, 200)
            self.assertEqual(served["Content-Type"], "application/schema+json")
        validator = self.validator()
        paragraf = Paragraf.objects.published().filter(votes__isnull=False).first()
        path = paragraf.get_absolute_url()
        detail = self.client.get("/api/v1/paragrafer" + path)
        self.assertEqual(detail.status_code, 200)
        errors = [e.message for e in validator.iter_errors(detail.json())]
        self.assertEqual(errors, [])


class DetailByPageTests(TestCase):
    """A detail's address is the list's plus the page's path: for every case
    and person of the archive, from the id the list gives."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def test_every_case_and_person_is_reached_from_its_id(self) -> None:
        for listed in ("/api/v1/arenden/", "/api/v1/ledamoter/"):
            records = self.client.get(listed, {"antal": 500}).json()["results"]
            self.assertTrue(records)
            for record in records:
                with self.subTest(id=record["id"]):
                    page = record["id"].removeprefix("http://testserver")
                    answer = self.client.get(listed + page.lstrip("/"), follow=True)
                    self.assertEqual(answer.status_code, 200)
                    self.assertEqual(answer.json()["id"], record["id"])
