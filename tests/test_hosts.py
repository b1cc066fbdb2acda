"""Every absolute address the archive writes is SITE_URL's, whatever Host a
request came by (decisions.site): a page asked for by a second allowed host
cites the archive's own address, and a kept page is right for every host."""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management import call_command
from django.test import TestCase, override_settings

from decisions.download import ARCHIVE_NAME
from decisions.services import ingest as services
from tests.factories import SJOBACKA

SITE = "https://arkiv.example"
OTHER = "other.example"
# Where the walk starts: the pages no link of a public page leads to, and the
# API and data addresses that list the rest.
STARTS = [
    "/",
    "/en/",
    "/sok/?q=budget",
    "/sok/?q=budget&format=csv",
    "/sok/feed/?q=budget",
    "/en/sok/feed/?q=budget",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-platser.xml",
    "/sitemap-paragrafer.xml",
    "/api/v1/paragrafer/",
    "/api/v1/kommuner/",
    "/api/v1/namnder/",
    "/api/v1/sammantraden/",
    "/api/v1/arenden/",
    "/api/v1/reservationer/",
    "/api/v1/ledamoter/",
    "/api/v1/partier/",
]
# Enough pages to meet every kind (municipality, board, meeting, paragraph,
# case, party, person, referral, feeds) in the sample archive.
WALK = 160
_LINK = re.compile(rb'href="(/[^"#]*)"')


@override_settings(
    SITE_URL=SITE,
    ALLOWED_HOSTS=["testserver", OTHER, "a.example", "b.example"],
    RATELIMIT_SEARCH="",
    RATELIMIT_API="",
)
class HostTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for path in SJOBACKA:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())

    def get(self, url: str, host: str):
        response = self.client.get(url, HTTP_HOST=host, HTTP_ACCEPT="*/*")
        body = b"".join(response) if response.streaming else response.content
        return response, body

    def test_no_public_answer_names_the_host_it_was_asked_by(self):
        seen: set[str] = set()
        queue = list(STARTS)
        kinds: set[str] = set()
        while queue and len(seen) < WALK:
            url = queue.pop(0)
            path = urlsplit(url).path
            if url in seen or path.startswith(("/admin", "/static", "/media")):
                continue
            seen.add(url)
            response, body = self.get(url, OTHER)
            self.assertLess(response.status_code, 400, url)
            # assertFalse: a failure names the address, not the whole body.
            self.assertFalse(OTHER.encode() in body, url)
            for name, value in response.items():
                self.assertNotIn(OTHER, value, f"{url}: header {name}")
            if b'<link rel="canonical"' in body:
                self.assertIn(f'<link rel="canonical" href="{SITE}/'.encode(), body)
            kinds.add(response["Content-Type"].split(";")[0])
            # Follow the site's own links, and the API's absolute ids.
            queue += [m.decode() for m in _LINK.findall(body)]
            queue += [
                "/" + m.decode()
                for m in re.findall(rb"https://arkiv\.example/([^\"<\s;]*)", body)
            ]
        self.assertGreaterEqual(len(seen), 100)
        self.assertLessEqual(
            {"text/html", "application/atom+xml", "application/json", "text/csv"},
            kinds,
        )

    def test_the_sitemap_and_feeds_give_site_url_addresses(self):
        _, index = self.get("/sitemap.xml", OTHER)
        self.assertIn(f"<loc>{SITE}/sitemap-paragrafer.xml</loc>".encode(), index)
        _, paragrafer = self.get("/sitemap-paragrafer.xml", OTHER)
        self.assertIn(f"<loc>{SITE}/sjobacka-kommun/".encode(), paragrafer)
        _, feed = self.get("/sjobacka-kommun/feed/", OTHER)
        self.assertIn(f"<id>{SITE}/sjobacka-kommun/".encode(), feed)
        self.assertIn(f'href="{SITE}/sjobacka-kommun/feed/"'.encode(), feed)

    def test_a_kept_page_is_the_same_for_every_host(self):
        url = "/sjobacka-kommun/"
        first, first_body = self.get(url, "a.example")
        second, second_body = self.get(url, "b.example")
        self.assertEqual(first.status_code, 200)
        self.assertEqual(first_body, second_body)
        self.assertNotIn(b"a.example", second_body)
        self.assertIn(f"{SITE}/sjobacka-kommun/".encode(), second_body)

    def test_the_downloads_ids_are_the_pages_own_addresses(self):
        # make run serves on PORT and writes the download with the same
        # SITE_URL (Makefile), so a record's id is its page's address.
        with tempfile.TemporaryDirectory() as folder:
            call_command("dump_archive", output=Path(folder), stdout=None)
            with gzip.open(Path(folder) / ARCHIVE_NAME, "rt") as lines:
                record = json.loads(next(lines))
        self.assertTrue(record["id"].startswith(SITE + "/"))
        _, page = self.get(record["id"].removeprefix(SITE), OTHER)
        self.assertIn(f'<link rel="canonical" href="{record["id"]}">'.encode(), page)
