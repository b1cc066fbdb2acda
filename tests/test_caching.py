"""HTTP caching: every public response carries validators and Cache-Control,
a conditional request that still matches gets 304 before any view runs, and
publishing, a correction or a withdrawal moves the validators at once."""

from __future__ import annotations

import datetime
import gzip
import tempfile

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.management import call_command
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import (
    Client,
    RequestFactory,
    SimpleTestCase,
    TestCase,
    override_settings,
)
from django.utils.http import http_date

from decisions.models import ArchiveState, Paragraf
from decisions.services import ingest as services
from decisions.services import publishing
from decisions.services.withdrawal import paragraf_withdraw
from portal.middleware import CompressPublic
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


@override_settings(RATELIMIT_SEARCH="", RATELIMIT_API="")
class CompressionTests(TestCase):
    """gzip for what the public reads (portal.middleware.CompressPublic),
    around the kept pages, never for the admin."""

    @classmethod
    def setUpTestData(cls) -> None:
        for path in SJOBACKA[:-1]:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())

    def test_public_text_is_gzipped_for_a_client_that_asks(self):
        for url in (
            PARAGRAF,
            "/sok/?q=budget",
            "/sok/?q=budget&format=csv",
            "/sjobacka-kommun/feed/",
            "/api/v1/paragrafer/?q=budget",
            "/finns-inte/",
        ):
            with self.subTest(url=url):
                plain = self.client.get(url)
                packed = self.client.get(url, headers={"Accept-Encoding": "gzip"})
                self.assertNotIn("Content-Encoding", plain)
                self.assertEqual(packed["Content-Encoding"], "gzip")
                self.assertEqual(packed.status_code, plain.status_code)
                self.assertEqual(packed["Content-Type"], plain["Content-Type"])
                for response in (plain, packed):
                    self.assertIn("Accept-Encoding", response["Vary"])
                body = b"".join(packed) if packed.streaming else packed.content
                whole = b"".join(plain) if plain.streaming else plain.content
                self.assertEqual(gzip.decompress(body), whole)
                self.assertLess(len(body), len(whole))

    def test_a_kept_page_is_compressed_for_each_client_as_it_asks(self):
        # Kept compressed and served to a client that cannot read it, or
        # kept plain and never compressed again: either would fail here.
        for first, then in ((None, "gzip"), ("gzip", None)):
            with self.subTest(first=first):
                caches["pages"].clear()
                asked = self.client.get(
                    PARAGRAF, headers={"Accept-Encoding": first} if first else {}
                )
                with self.assertNumQueries(1):  # the validators; the rest kept
                    kept = self.client.get(
                        PARAGRAF, headers={"Accept-Encoding": then} if then else {}
                    )
                self.assertEqual(kept.get("Content-Encoding"), then)
                self.assertEqual(asked.get("Content-Encoding"), first)
                page = kept.content if not then else gzip.decompress(kept.content)
                self.assertTrue(page.startswith(b"<!DOCTYPE html>"))
                self.assertEqual(kept["ETag"], asked["ETag"])

    def test_the_admin_is_never_compressed(self):
        gz = {"Accept-Encoding": "gzip, deflate, br"}
        # The login page carries a CSRF token before anyone signs in.
        login = self.client.get("/admin/login/", headers=gz)
        self.assertEqual(login.status_code, 200)
        self.assertContains(login, "csrfmiddlewaretoken")
        self.assertNotIn("Content-Encoding", login)
        admin = get_user_model().objects.create_superuser("root", "", "x")
        self.client.force_login(admin)
        for url in ("/admin/", "/admin/decisions/paragraf/"):
            with self.subTest(url=url):
                response = self.client.get(url, headers=gz)
                self.assertEqual(response.status_code, 200)
                self.assertGreater(len(response.content), 1000)
                self.assertNotIn("Content-Encoding", response)


class CompressionRuleTests(SimpleTestCase):
    """What CompressPublic leaves alone, whatever the address."""

    def answer(self, response: HttpResponse, path: str = "/sok/") -> HttpResponse:
        request = RequestFactory().get(path, headers={"Accept-Encoding": "gzip"})
        return CompressPublic(lambda request: response)(request)

    def test_nothing_under_admin_is_compressed(self):
        page = "<p>" + "Beslut om budget. " * 100 + "</p>"
        self.assertNotIn(
            "Content-Encoding", self.answer(HttpResponse(page), "/admin/whatever/")
        )

    def test_a_response_that_sets_a_cookie_or_varies_on_one_stays_plain(self):
        page = "<p>" + "Beslut om budget. " * 100 + "</p>"
        self.assertEqual(self.answer(HttpResponse(page))["Content-Encoding"], "gzip")
        with_cookie = HttpResponse(page)
        with_cookie.set_cookie("csrftoken", "secret")
        self.assertNotIn("Content-Encoding", self.answer(with_cookie))
        personal = HttpResponse(page, headers={"Vary": "Cookie"})
        self.assertNotIn("Content-Encoding", self.answer(personal))

    def test_what_is_no_text_is_not_compressed_again(self):
        archive = HttpResponse(
            gzip.compress(b"{}\n" * 1000), content_type="application/gzip"
        )
        self.assertNotIn("Content-Encoding", self.answer(archive))


class StaticFileTests(TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        root = tempfile.mkdtemp(prefix="oppna-static-")
        manifest = {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
            },
        }
        cls.enterClassContext(override_settings(STATIC_ROOT=root, STORAGES=manifest))
        call_command("collectstatic", "--noinput", verbosity=0)

    def setUp(self) -> None:
        # A new client: whitenoise reads STATIC_ROOT when it starts.
        self.client = Client()

    def test_fingerprinted_static_files_are_cached_forever(self):
        url = static("css/site.css")
        response = self.client.get(url)
        self.assertRegex(url, r"^/static/css/site\.[0-9a-f]{12}\.css$")
        self.assertEqual(response.status_code, 200)
        self.assertIn("max-age=315360000", response["Cache-Control"])
        self.assertIn("immutable", response["Cache-Control"])

    def test_the_icon_and_the_feeds_stylesheet_are_served_as_what_they_are(self):
        icon = self.client.get("/favicon.ico")
        self.assertEqual(icon.status_code, 302)
        self.assertRegex(icon["Location"], r"^/static/favicon\.[0-9a-f]{12}\.svg$")
        svg = self.client.get(icon["Location"])
        self.assertEqual(svg.status_code, 200)
        self.assertEqual(svg["Content-Type"], "image/svg+xml")
        # Under X-Content-Type-Options: nosniff a browser takes the type as
        # given; XSLT is text/xsl.
        xsl = self.client.get(static("feed.xsl"))
        self.assertEqual(xsl.status_code, 200)
        self.assertTrue(xsl["Content-Type"].startswith("text/xsl"))
        self.assertEqual(
            b"".join(xsl.streaming_content),
            (settings.BASE_DIR / "static" / "feed.xsl").read_bytes(),
        )
