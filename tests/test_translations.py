"""English beside Swedish: the catalogue is complete and current, the pages
answer in English under /en/, and every cited address stays the Swedish one."""

import datetime
import gettext
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from decisions.models import Namnd
from decisions.services.rename import namnd_rename
from tests.factories import SJOBACKA

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PARAGRAF = "/sjobacka-kommun/kommunfullmaktige/2024-11-25/paragraf-113/"


def without_creation_date(po: str) -> str:
    return "\n".join(
        line for line in po.splitlines() if not line.startswith('"POT-Creation-Date')
    )


class CatalogueTests(SimpleTestCase):
    def test_the_catalogue_holds_every_string_of_the_code_and_templates(self):
        """`make messages` on the committed tree would change nothing: no
        string was added, changed or removed without the catalogue."""
        tree = Path(self.enterContext(tempfile.TemporaryDirectory()))
        for part in (
            "manage.py",
            "portal",
            "accounts",
            "decisions",
            "templates",
            "locale",
        ):
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, tree / part)
            else:
                shutil.copy(source, tree / part)
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "en"],
            cwd=tree,
            check=True,
            capture_output=True,
        )
        extracted = (tree / PO.relative_to(ROOT)).read_text()
        self.assertEqual(
            without_creation_date(extracted),
            without_creation_date(PO.read_text()),
            "locale/en is out of date: run `make messages` and translate",
        )

    def test_every_string_is_translated(self):
        checked = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
            capture_output=True,
            text=True,
            check=True,
        )
        self.assertRegex(checked.stderr, r"^\d+ translated messages\.\n$")

    def test_the_committed_mo_is_compiled_from_the_po(self):
        fresh = Path(self.enterContext(tempfile.TemporaryDirectory())) / "django.mo"
        subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
        with fresh.open("rb") as new, MO.open("rb") as committed:
            self.assertEqual(
                gettext.GNUTranslations(committed)._catalog,
                gettext.GNUTranslations(new)._catalog,
                "locale/en/LC_MESSAGES/django.mo is stale: run `make messages`",
            )


class EnglishPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def test_every_address_has_an_english_twin_under_en(self):
        for path in ["/", "/sok/?q=budget", "/sjobacka-kommun/", PARAGRAF]:
            with self.subTest(path=path):
                response = self.client.get("/en" + path)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="en">')
                self.assertContains(response, "Skip to main content")
                self.assertNotContains(response, "Hoppa till huvudinnehållet")

    def test_an_address_without_prefix_is_swedish_whatever_the_browser_asks(self):
        response = self.client.get(PARAGRAF, headers={"accept-language": "en"})
        self.assertContains(response, '<html lang="sv">')
        self.assertContains(response, "Citera")

    def test_the_english_page_cites_and_canonicalises_the_swedish_address(self):
        response = self.client.get("/en" + PARAGRAF)
        permalink = "http://testserver" + PARAGRAF
        self.assertContains(response, f'<link rel="canonical" href="{permalink}">')
        self.assertContains(
            response,
            "Kommunfullmäktige, Sjöbacka kommun, meeting of 2024-11-25, § 113, "
            f"Dnr KS 2024/112. {permalink}</p>",
        )
        self.assertContains(response, f'"url": "{permalink}"')
        for code, url in [("sv", permalink), ("en", "http://testserver/en" + PARAGRAF)]:
            self.assertContains(
                response, f'<link rel="alternate" hreflang="{code}" href="{url}">'
            )

    def test_the_switch_leads_to_the_same_page_in_the_other_language(self):
        swedish = self.client.get("/sok/?q=budget&ar=2024")
        self.assertContains(
            swedish,
            '<a href="/en/sok/?q=budget&amp;ar=2024" lang="en" hreflang="en">'
            "English</a>",
        )
        english = self.client.get("/en/sok/?q=budget&ar=2024")
        self.assertContains(
            english,
            '<a href="/sok/?q=budget&amp;ar=2024" lang="sv" hreflang="sv">Svenska</a>',
        )

    def test_links_on_an_english_page_stay_in_english(self):
        response = self.client.get("/en/sjobacka-kommun/")
        self.assertContains(response, f'href="/en{PARAGRAF}"')
        self.assertNotContains(response, f'href="{PARAGRAF}"')

    def test_the_minutes_own_words_are_marked_swedish_on_an_english_page(self):
        english = self.client.get("/en" + PARAGRAF).content.decode()
        self.assertIn('<h1 id="paragraf-heading" lang="sv">', english)
        self.assertIn('<h2 id="decision-heading">Decision</h2>', english)
        swedish = self.client.get(PARAGRAF).content.decode()
        self.assertIn('<h1 id="paragraf-heading">', swedish)
        self.assertNotIn(' lang="sv"', swedish.split("<html", 1)[1].split(">", 1)[1])

    def test_dates_and_choices_are_in_english(self):
        response = self.client.get("/en" + PARAGRAF)
        self.assertContains(response, "25 November 2024")
        self.assertContains(response, "Dissents and special statements")
        search = self.client.get("/en/sok/?q=budget")
        self.assertContains(search, "matches for")
        self.assertContains(search, "Search words")

    def test_a_renamed_boards_english_address_redirects_in_english(self):
        namnd = Namnd.objects.get(slug="kommunfullmaktige")
        namnd_rename(
            namnd=namnd,
            new_name=namnd.name,
            slug="fullmaktige",
            since=datetime.date.today(),
            user=None,
        )
        response = self.client.get("/en" + PARAGRAF)
        self.assertEqual(response.status_code, 301)
        self.assertEqual(
            response["Location"],
            "/en/sjobacka-kommun/fullmaktige/2024-11-25/paragraf-113/",
        )

    def test_the_english_feed_keeps_the_swedish_addresses_as_entry_ids(self):
        response = self.client.get("/en/sok/feed/?q=budget")
        atom = "{http://www.w3.org/2005/Atom}"
        feed = ET.fromstring(response.content)
        self.assertTrue(feed.findtext(f"{atom}title").startswith("Öppna beslut"))
        entries = feed.findall(f"{atom}entry")
        self.assertTrue(entries)
        for entry in entries:
            entry_id = entry.findtext(f"{atom}id")
            link = entry.find(f"{atom}link").get("href")
            self.assertEqual(link, entry_id.replace("testserver/", "testserver/en/"))

    def test_the_admin_stays_swedish(self):
        response = self.client.get("/admin/login/", headers={"accept-language": "en"})
        self.assertContains(response, '<html lang="sv"')
