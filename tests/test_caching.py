"""HTTP caching: every public response carries validators and Cache-Control,
a conditional request that still matches gets 304 before any view runs, and
publishing, a correction or a withdrawal moves the validators at once."""

from __future__ import annotations

import datetime
import tempfile

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, TestCase, override_settings
from django.utils.http import http_date

from decisions.models import ArchiveState, Paragraf
from decisions.services import ingest as services
from decisions.services import publishing
from decisions.services.withdrawal import paragraf_withdraw
from tests.factories import SAMPLES, SJOBACKA

PUBLIC = [
    "/",
    "/sjobacka-kommun/",
    "/sjobacka-kommun/kommunfullmaktige/",
    "/sjobacka-kommun/kommunfullmaktige/2024-11-25/",
    "/sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-113/",
    "/en/sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-113/",
    "/sok/?q=budget",
    "/sok/?q=budget&format=csv",
    "/sjobacka-kommun/feed/",
    "/api/v1/paragrafer/?q=budget",
    "/api/v1/kommuner/",
    "/sitemap.xml",
    "/robots.txt",
    "/finns-inte/",
]
# Responses whose views date what they list (feeds, API paragraphs).
OWN_VALIDATORS = {"/sjobacka-kommun/feed/", "/api/v1/paragrafer/?q=budget"}
PARAGRAF = "/sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-113/"


class ArchiveCachingTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for path in SJOBACKA[:-1]:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())

    def test_every_public_response_is_cacheable_with_validators(self):
        etag = self.client.get("/")["ETag"]
        for url in PUBLIC:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (200, 404))
                cache = response["Cache-Control"]
                self.assertIn("public", cache)
                self.assertIn("max-age=0", cache)
                self.assertIn("s-maxage=60", cache)
                self.assertIn("Last-Modified", response)
                if url in OWN_VALIDATORS:
                    # Their own, finer Last-Modified; an ETag from the body.
                    self.assertIn("ETag", response)
                else:
                    self.assertEqual(response["ETag"], etag)
                self.assertNotIn("accept-language", response.get("Vary", "").lower())

    def test_a_matching_conditional_request_is_answered_before_any_view(self):
        first = self.client.get(PARAGRAF)
        for headers in (
            {"If-None-Match": first["ETag"]},
            {"If-Modified-Since": first["Last-Modified"]},
        ):
            with self.subTest(headers=headers):
                with self.assertNumQueries(1):
                    again = self.client.get(PARAGRAF, headers=headers)
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again.content, b"")
                self.assertEqual(again["ETag"], first["ETag"])
        older = http_date(
            (datetime.datetime.now() - datetime.timedelta(days=400)).timestamp()
        )
        self.assertEqual(
            self.client.get(PARAGRAF, headers={"If-Modified-Since": older}).status_code,
            200,
        )
        self.assertEqual(
            self.client.get(PARAGRAF, headers={"If-None-Match": 'W/"0-0"'}).status_code,
            200,
        )

    def assertMoves(self, change) -> None:
        """After change(), yesterday's validators get the new content."""
        before = self.client.get(PARAGRAF)
        ArchiveState.objects.update(
            changed_at=ArchiveState.changed() - datetime.timedelta(seconds=5)
        )
        stale = self.client.get(PARAGRAF)
        change()
        after = self.client.get(PARAGRAF, headers={"If-None-Match": stale["ETag"]})
        self.assertEqual(after.status_code, 200)
        self.assertNotEqual(after["ETag"], stale["ETag"])
        self.assertTrue(before.content)

    def test_publishing_moves_the_validators(self):
        paragraf = Paragraf.objects.filter(meeting__namnd__slug="kommunstyrelsen")[0]
        clerk = get_user_model().objects.create_superuser("root", "", "x")
        path = SAMPLES / "2025-04-07_kommunstyrelsen.txt"

        def publish() -> None:
            upload = publishing.upload_protocol(
                user=clerk,
                namnd=paragraf.meeting.namnd,
                meeting_date=datetime.date(2025, 4, 7),
                name=path.name,
                data=path.read_bytes(),
            )
            publishing.publish(upload, user=clerk)

        self.assertMoves(publish)

    def test_a_withdrawal_moves_the_validators(self):
        clerk = get_user_model().objects.create_superuser("root", "", "x")
        self.assertMoves(
            lambda: paragraf_withdraw(
                paragrafer=Paragraf.objects.filter(number="112"),
                reason="Sekretess",
                user=clerk,
            )
        )

    def test_an_admin_correction_moves_the_validators(self):
        admin = get_user_model().objects.create_superuser("root", "", "x")
        self.client.force_login(admin)
        paragraf = Paragraf.objects.get(number="113")

        def correct() -> None:
            with self.captureOnCommitCallbacks(execute=True):
                paragraf.title = "Rättad rubrik"
                paragraf.save()

        self.assertMoves(correct)

    def test_a_rendered_page_is_kept_until_the_archive_changes(self):
        first = self.client.get(PARAGRAF)
        with self.assertNumQueries(1):
            kept = self.client.get(PARAGRAF)
        self.assertEqual(kept.content, first.content)
        self.assertEqual(kept["ETag"], first["ETag"])
        self.assertEqual(kept["Content-Type"], first["Content-Type"])
        paragraf = Paragraf.objects.get(number="113")
        paragraf.title = "En rättad rubrik"
        paragraf.save()
        self.assertContains(self.client.get(PARAGRAF), "En rättad rubrik")

    def test_kept_copies_are_filed_by_the_accept_header_too(self):
        # The API answers a browser with its HTML page, a program with JSON.
        for _ in range(2):
            html = self.client.get("/api/v1/kommuner/", headers={"Accept": "text/html"})
            self.assertIn("text/html", html["Content-Type"])
            data = self.client.get(
                "/api/v1/kommuner/", headers={"Accept": "application/json"}
            )
            self.assertEqual(data["Content-Type"], "application/json")
            self.assertIn("Accept", data["Vary"])
        with self.assertNumQueries(1):
            self.client.get("/api/v1/kommuner/", headers={"Accept": "application/json"})

    def test_the_admin_is_never_publicly_cached(self):
        admin = get_user_model().objects.create_superuser("root", "", "x")
        self.client.force_login(admin)
        response = self.client.get("/admin/decisions/paragraf/")
        self.assertIn("private", response["Cache-Control"])
        self.assertNotIn("public", response["Cache-Control"])


class StaticFileTests(TestCase):
    def test_fingerprinted_static_files_are_cached_forever(self):
        root = tempfile.mkdtemp(prefix="oppna-static-")
        manifest = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
            },
        }
        with override_settings(STATIC_ROOT=root, STORAGES=manifest):
            call_command("collectstatic", "--noinput", verbosity=0)
            url = static("css/site.css")
            # A new client: whitenoise reads STATIC_ROOT when it starts.
            response = Client().get(url)
        self.assertRegex(url, r"^/static/css/site\.[0-9a-f]{12}\.css$")
        self.assertEqual(response.status_code, 200)
        self.assertIn("max-age=315360000", response["Cache-Control"])
        self.assertIn("immutable", response["Cache-Control"])
