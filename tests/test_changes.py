"""Changes since a time (issue 20): a mirror that only ever asks the API for
what changed after its last sync, through publishing, a clerk's
correction, a withdrawal, a deletion, a paragraph made confidential and a
rename, holds what the full download holds; so does one that applies the
download's daily changes files to an earlier full download. And the log
is the database's: a change by raw SQL is logged like one by a service."""

import datetime
import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from decisions.changes import state
from decisions.download import (
    ARCHIVE_NAME,
    CHANGES_SCHEMA_NAME,
    MANIFEST_NAME,
    SCHEMA_NAME,
)
from decisions.models import Change, Meeting, Member, Namnd, Paragraf
from decisions.services import ingest as services
from decisions.services.corrections import (
    paragraf_save,
    paragrafer_before,
    paragrafer_corrected,
)
from decisions.services.dump import write_archive
from decisions.services.rename import namnd_rename
from decisions.services.withdrawal import paragraf_delete, paragraf_withdraw
from tests.factories import SEEDS, SJOBACKA
from tests.problems import named, problem_of

SITE = "http://testserver"
EPOCH = "1970-01-01T00:00:00Z"


def ingest(paths: list[Path]) -> None:
    for path in paths:
        services.protocol_ingest(source_name=path.name, data=path.read_bytes())


def full_download() -> dict[str, Any]:
    """The archive download as written now, by id."""
    with tempfile.TemporaryDirectory() as directory:
        write_archive(Path(directory), SITE)
        with gzip.open(Path(directory) / ARCHIVE_NAME, "rt") as lines:
            return {r["id"]: r for r in map(json.loads, lines)}


class Mirror:
    """A client that keeps a copy by `andrad_efter` alone: it asks for what
    changed since a little before its last sync began (applying a change
    twice is harmless), follows `next` to the end, upserts records and
    deletes tombstones."""

    OVERLAP = datetime.timedelta(seconds=1)

    def __init__(self, client: Any, page_size: int) -> None:
        self.client = client
        self.page_size = page_size
        self.copy: dict[str, Any] = {}
        self.since = EPOCH
        self.calls = 0

    def sync(self) -> None:
        started = timezone.now()
        address = (
            f"/api/v1/paragrafer/?andrad_efter={self.since}&antal={self.page_size}"
        )
        while address:
            response = self.client.get(address.removeprefix(SITE))
            assert response.status_code == 200, response.content
            self.calls += 1
            page = response.json()
            for record in page["results"]:
                self.copy[record["id"]] = record
            for tombstone in page["tombstones"]:
                self.copy.pop(tombstone["id"], None)
            address = page["next"]
        self.since = (started - self.OVERLAP).isoformat().replace("+00:00", "Z")


class MirrorTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.clerk = get_user_model().objects.create_superuser("arkivarie")

    def assert_mirrors(self, mirror: Mirror) -> None:
        mirror.sync()
        full = full_download()
        self.assertEqual(sorted(mirror.copy), sorted(full))
        self.assertEqual(mirror.copy, full)

    def test_a_mirror_by_changes_alone_ends_equal_to_the_full_download(self):
        mirror = Mirror(self.client, page_size=7)
        ingest(SJOBACKA[:2])
        self.assert_mirrors(mirror)
        first_calls = mirror.calls

        with self.subTest("publish"):
            ingest(SJOBACKA[2:] + SEEDS)
            self.assert_mirrors(mirror)

        with self.subTest("correction"):
            paragraf = Paragraf.objects.published().order_by("pk").first()
            before = paragrafer_before([paragraf.pk])
            paragraf.title = "Rättad rubrik"
            paragraf_save(paragraf=paragraf, changed={"title"}, user=self.clerk)
            paragrafer_corrected(before, user=self.clerk)
            self.assert_mirrors(mirror)
            self.assertIn("Rättad rubrik", [r["title"] for r in mirror.copy.values()])

        with self.subTest("withdrawal"):
            withdrawn = Paragraf.objects.published().order_by("-pk").first()
            address = SITE + withdrawn.get_absolute_url()
            self.assertIn(address, mirror.copy)
            paragraf_withdraw(
                paragrafer=Paragraf.objects.filter(pk=withdrawn.pk),
                reason="Publicerad av misstag",
                user=self.clerk,
            )
            self.assert_mirrors(mirror)
            self.assertNotIn(address, mirror.copy)

        with self.subTest("deletion"):
            deleted = Paragraf.objects.published().order_by("-pk").first()
            paragraf_delete(
                paragrafer=Paragraf.objects.filter(pk=deleted.pk), user=self.clerk
            )
            self.assert_mirrors(mirror)

        with self.subTest("made confidential by a clerk"):
            hidden = Paragraf.objects.published().order_by("pk").last()
            hidden.confidential = True
            paragraf_save(paragraf=hidden, changed={"confidential"}, user=self.clerk)
            self.assert_mirrors(mirror)

        with self.subTest("a posting date entered after publishing"):
            meeting = Meeting.objects.order_by("pk").first()
            meeting.posting_date = datetime.date(2031, 1, 2)
            meeting.save()
            self.assert_mirrors(mirror)

        with self.subTest("rename"):
            namnd = Namnd.objects.filter(meetings__paragrafer__confidential=False)[0]
            old = {i for i in mirror.copy if f"/{namnd.slug}/" in i}
            namnd_rename(
                namnd=namnd,
                new_name="Nämnden för framtiden",
                since=datetime.date(2000, 1, 1),
                user=self.clerk,
            )
            self.assert_mirrors(mirror)
            self.assertTrue(old)
            self.assertFalse(old & set(mirror.copy))

        with self.subTest("nothing changed: nothing is sent again"):
            calls = mirror.calls
            # As a client writes it, the "+" of the offset unescaped.
            mirror.since = timezone.now().isoformat()
            mirror.sync()
            self.assertEqual(mirror.calls, calls + 1)
        self.assertGreater(first_calls, 1)  # the pages were followed

    def test_the_daily_changes_files_bring_a_full_download_up_to_date(self):
        ingest(SJOBACKA)
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            write_archive(folder, SITE)
            with gzip.open(folder / ARCHIVE_NAME, "rt") as lines:
                copy = {r["id"]: r for r in map(json.loads, lines)}
            created = json.loads((folder / MANIFEST_NAME).read_text())["created"]

            ingest(SEEDS)
            corrected = Paragraf.objects.published().order_by("pk").first()
            before = paragrafer_before([corrected.pk])
            corrected.title = "Rättad rubrik"
            paragraf_save(paragraf=corrected, changed={"title"}, user=self.clerk)
            paragrafer_corrected(before, user=self.clerk)
            paragraf_withdraw(
                paragrafer=Paragraf.objects.published().order_by("-pk")[:1],
                reason="Publicerad av misstag",
                user=self.clerk,
            )
            manifest = write_archive(folder, SITE)
            files = manifest.changes
            self.assertTrue(files)
            line_schema = self.validator(folder, manifest.changes_schema)
            tombstones = 0
            for entry in files:
                self.assertLessEqual(entry["date"], timezone.now().date().isoformat())
                data = (folder / entry["file"]).read_bytes()
                self.assertEqual(len(data), entry["bytes"])
                if entry["date"] < created[:10]:
                    continue
                for line in gzip.decompress(data).decode().splitlines():
                    item = json.loads(line)
                    line_schema.validate(item)
                    if "removed_at" in item:
                        tombstones += 1
                        copy.pop(item["id"], None)
                    else:
                        copy[item["id"]] = item
            with gzip.open(folder / ARCHIVE_NAME, "rt") as lines:
                self.assertEqual(copy, {r["id"]: r for r in map(json.loads, lines)})
            # The withdrawn paragraph and the minutes' secret one, both
            # logged today.
            self.assertEqual(
                tombstones, Paragraf.objects.filter(confidential=True).count()
            )
            self.assertEqual(tombstones, 2)

    @staticmethod
    def validator(folder: Path, name: str) -> Draft202012Validator:
        """The changes lines' schema as written beside the archive, its
        reference to the record's schema resolved to the file beside it."""
        schemas = {
            n: json.loads((folder / n).read_text())
            for n in (CHANGES_SCHEMA_NAME, SCHEMA_NAME)
        }
        registry = Registry().with_resources(
            (n, Resource.from_contents(schema)) for n, schema in schemas.items()
        )
        Draft202012Validator.check_schema(schemas[name])
        return Draft202012Validator(
            schemas[name], registry=registry, format_checker=FormatChecker()
        )


class LogTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        ingest(SJOBACKA[:1])

    def logged_after(self, since: datetime.datetime) -> set[str]:
        return {c.get_absolute_url() for c in Change.objects.after(since)}

    def test_a_change_by_raw_sql_is_logged_as_one_by_a_service(self):
        paragraf = Paragraf.objects.published().first()
        since = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE decisions_paragraf SET confidential = true WHERE id = %s",
                [paragraf.pk],
            )
        self.assertEqual(self.logged_after(since), {paragraf.get_absolute_url()})
        records, tombstones = state(list(Change.objects.after(since)), SITE)
        self.assertEqual(records, [])
        self.assertEqual(
            [t["id"] for t in tombstones], [SITE + paragraf.get_absolute_url()]
        )
        self.assertIsNone(tombstones[0]["withdrawn_at"])

    def test_a_save_that_changes_nothing_logs_nothing(self):
        since = timezone.now()
        for paragraf in Paragraf.objects.all():
            paragraf.save()
        Meeting.objects.first().save()
        self.assertEqual(self.logged_after(since), set())
        self.assertFalse(Meeting.objects.filter(changed_at__gt=since).exists())

    def test_a_re_ingest_of_the_same_minutes_logs_nothing(self):
        since = timezone.now()
        ingest(SJOBACKA[:1])
        self.assertEqual(self.logged_after(since), set())

    def test_a_member_renamed_logs_the_paragraphs_naming_them(self):
        member = Member.objects.filter(reservations__isnull=False).first()
        named = set(Paragraf.objects.of_member(member).values_list("pk", flat=True))
        since = timezone.now()
        Member.objects.filter(pk=member.pk).update(name=member.name + " Andersson")
        self.assertEqual(
            set(Change.objects.after(since).values_list("paragraf_id", flat=True)),
            named,
        )
        self.assertTrue(Member.objects.filter(pk=member.pk, changed_at__gt=since))


class ApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        ingest(SJOBACKA[:1])
        cls.between = timezone.now()
        ingest(SJOBACKA[1:2])

    def get(self, path: str, **params: str) -> Any:
        return self.client.get(path, params)

    def test_every_list_takes_andrad_efter(self):
        for name in (
            "kommuner",
            "namnder",
            "sammantraden",
            "paragrafer",
            "arenden",
            "reservationer",
            "ledamoter",
            "partier",
        ):
            with self.subTest(name):
                path = f"/api/v1/{name}/"
                everything = self.get(path, andrad_efter=EPOCH)
                self.assertEqual(everything.status_code, 200)
                later = timezone.now().isoformat()
                nothing = self.get(path, andrad_efter=later).json()
                rows = nothing if isinstance(nothing, list) else nothing["results"]
                self.assertEqual(rows, [])

    def test_the_meetings_changed_since_are_the_later_ones(self):
        since = self.between.isoformat()
        meetings = self.get("/api/v1/sammantraden/", andrad_efter=since).json()
        later = Meeting.objects.filter(changed_at__gt=self.between)
        self.assertEqual(len(meetings["results"]), later.count())
        self.assertEqual(later.count(), 1)
        changed = self.get("/api/v1/paragrafer/", andrad_efter=since).json()
        expected = Paragraf.objects.published().filter(meeting__in=later)
        self.assertEqual(
            {r["id"] for r in changed["results"]},
            {SITE + p.get_absolute_url() for p in expected},
        )

    def test_a_time_that_is_not_rfc_3339_with_an_offset_is_a_400_naming_it(self):
        for bad in ("igår", "2026-12-07", "2026-12-07T10:00:00", "2026-13-01T00:00Z"):
            with self.subTest(bad):
                response = self.get("/api/v1/paragrafer/", andrad_efter=bad)
                self.assertEqual(named(problem_of(response, 400)), {"andrad_efter"})

    def test_changes_take_only_the_municipality_as_a_filter(self):
        response = self.get("/api/v1/paragrafer/", andrad_efter=EPOCH, q="budget")
        self.assertEqual(named(problem_of(response, 400)), {"q"})
        kommun = self.get(
            "/api/v1/paragrafer/", andrad_efter=EPOCH, kommun="ingen-sadan"
        ).json()
        self.assertEqual(kommun["results"], [])

    def test_pages_without_andrad_efter_have_empty_tombstones(self):
        page = self.get("/api/v1/paragrafer/").json()
        self.assertEqual(page["tombstones"], [])
        self.assertTrue(page["results"])
