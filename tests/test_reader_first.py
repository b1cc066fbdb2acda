"""Reader first: the answers a citizen comes for, at the top of the page.

The outcome strip on a § page, votes as a table, the glossary it links to,
the search's results before its filters, the meeting's agenda before its
attendance; and, in Chromium, that they sit within the first screen.
"""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.http.response import HttpResponseBase
from django.test import TestCase
from django.urls import reverse
from playwright.sync_api import Browser

from bench.reader import ANSWERS, FIRST_RESULT, SEARCH_PAGE, VOTE_PAGES, tabs_to, top
from decisions.models import Meeting, Paragraf
from decisions.outcome import basis, decision_line
from decisions.services.ingest import protocol_ingest
from decisions.templatetags.decisions_extras import GLOSSARY_ANCHORS
from tests.factories import SJOBACKA

BUDGET = VOTE_PAGES["budget"]
DISPENS = VOTE_PAGES["dispens"]


class OutcomeTextTests(TestCase):
    """decisions.outcome reads only what the minutes say."""

    def test_the_decision_line_is_its_first_point_and_counts_the_rest(self) -> None:
        line, more = decision_line("1. Skattesatsen fastställs.\n2. Budgeten antas.")
        self.assertEqual((line, more), ("Skattesatsen fastställs.", 1))
        self.assertEqual(
            decision_line("Nämnden antar yttrandet."), ("Nämnden antar yttrandet.", 0)
        )
        self.assertEqual(decision_line("  "), ("", 0))
        long, _ = decision_line("ord " * 200)
        self.assertLessEqual(len(long), 222)
        self.assertTrue(long.endswith(" …"))

    def test_the_basis_is_the_proposal_the_board_decided_on(self) -> None:
        cases = {
            "Ordföranden ställer proposition på förvaltningens förslag och Gunnar "
            "Ekholms yrkande och finner att nämnden beslutar enligt förvaltningens "
            "förslag.": "förvaltningens förslag",
            "Kommunfullmäktige har därmed beslutat enligt kommunstyrelsens "
            "förslag.": "kommunstyrelsens förslag",
            "Ordföranden finner att nämnden bifaller Anna Berglunds yrkande.": (
                "Anna Berglunds yrkande"
            ),
            # A member's motion is not the board's decision.
            "Anna Berg (S) yrkar bifall till förvaltningens förslag.": "",
            "Ordföranden redovisar att det finns fyra förslag till budget.": "",
            "Ordföranden finner att fullmäktige avslår det.": "",
        }
        for text, expected in cases.items():
            with self.subTest(text=text):
                self.assertEqual(basis([text]), expected)


class ReaderPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def strip(self, path: str) -> str:
        html = self.client.get(path).content.decode()
        found = re.search(r'<dl class="outcome".*?</dl>', html, re.S)
        assert found, path
        return " ".join(re.sub(r"<[^>]+>", " ", found[0]).split())

    def test_the_outcome_strip_answers_under_the_title(self) -> None:
        budget = self.strip(BUDGET)
        self.assertIn(
            "Beslut Skattesatsen för 2025 fastställs till 21,84 kronor", budget
        )
        self.assertIn("och 5 punkter till", budget)
        self.assertIn("Enligt kommunstyrelsens förslag", budget)
        self.assertIn("Omröstning 21 ja, 18 nej, 2 avstår", budget)
        self.assertIn("Reservation M , KD , L , SD , MP", budget)
        self.assertIn("Överklaga Senast 23 december 2024", budget)
        self.assertIn("laglighetsprövning", budget)
        html = self.client.get(BUDGET).content.decode()
        self.assertIn('<abbr title="Sverigedemokraterna">SD</abbr>', html)
        # The strip comes before the full decision, right under the title.
        self.assertLess(
            html.index('class="outcome"'), html.index('id="decision-heading"')
        )

    def test_a_paragraph_without_vote_or_dissent_says_so(self) -> None:
        quiet = next(
            p
            for p in Paragraf.objects.published().filter(has_reservation=False)
            if not p.votes.exists() and p.decision
        )
        strip = self.strip(quiet.get_absolute_url())
        self.assertIn("Omröstning Ingen omröstning", strip)
        self.assertIn("Reservation Ingen", strip)

    def test_jav_is_in_the_strip(self) -> None:
        with_jav = Paragraf.objects.published().filter(reservations__kind="jav").first()
        assert with_jav is not None, "the samples declare jäv somewhere"
        self.assertIn("Jäv ", self.strip(with_jav.get_absolute_url()))

    def test_votes_are_a_table_of_names_parties_and_choices(self) -> None:
        html = self.client.get(DISPENS).content.decode()
        table = re.search(r'<table class="vote-table">.*?</table>', html, re.S)
        assert table, "the dispens vote names every member's vote"
        rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table[0], re.S)
        self.assertEqual(len(rows), 9)
        text = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
        self.assertIn("Roland Svensson C Ja", text)
        self.assertIn("Gunnar Ekholm M Nej", text)
        self.assertIn("Per Ahlin KD Avstår", text)
        self.assertIn('href="/sjobacka-kommun/person/gunnar-ekholm-m/"', table[0])
        self.assertIn("5 ja, 3 nej, 1 avstår", table[0])
        # A vote the minutes count but do not name is its tally, said plainly.
        budget = self.client.get(BUDGET).content.decode()
        self.assertIn(
            "21 ja, 18 nej, 2 avstår. Protokollet anger inte hur var och en röstade.",
            budget,
        )

    def test_the_glossary_explains_every_word_the_pages_link(self) -> None:
        response = self.client.get("/ordlista/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for anchor in {*GLOSSARY_ANCHORS.values(), "laglighetsprovning", "omrostning"}:
            self.assertIn(f'id="{anchor}"', html)
        english = self.client.get("/en/ordlista/").content.decode()
        self.assertIn("Glossary", english)
        page = self.client.get(BUDGET).content.decode()
        linked = set(re.findall(r'href="/ordlista/#([a-z-]+)"', page))
        self.assertLessEqual(linked, {*GLOSSARY_ANCHORS.values(), "laglighetsprovning"})
        self.assertTrue(
            {"reservation", "yrkande", "protokollsanteckning", "expedieras"} <= linked
        )

    def test_the_meeting_page_leads_with_its_agenda(self) -> None:
        html = self.client.get(
            "/sjobacka-kommun/kommunfullmaktige/2024-11-25/"
        ).content.decode()
        self.assertLess(
            html.index('id="paragrafer-heading"'),
            html.index('class="attendance-details"'),
        )
        attendance = html[html.index('class="attendance-details"') :]
        self.assertRegex(attendance, r"<summary>Närvarande: \d+ personer</summary>")
        self.assertIn('<a href="/sjobacka-kommun/person/', attendance)

    def test_a_confidential_paragraph_says_its_ground_and_how_to_ask(self) -> None:
        secret = Paragraf.objects.get(confidential=True, title="Individärende")
        html = self.client.get(secret.get_absolute_url()).content.decode()
        self.assertIn('enligt <span lang="sv">26 kap. 1 § OSL</span>', html)
        self.assertIn("Du kan begära ut handlingen från Sjöbacka kommun", html)
        self.assertIn('href="/ordlista/#sekretess"', html)
        english = self.client.get("/en" + secret.get_absolute_url()).content.decode()
        self.assertIn("26 kap. 1 § OSL", english)

    def test_an_invalid_filter_is_named_with_a_way_on(self) -> None:
        response = self.client.get(
            "/sok/", {"q": "budget", "fran": "igår", "parti": "M"}
        )
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn(
            "Från och med (<code>fran=igår</code>): Fyll i ett giltigt datum.", html
        )
        self.assertIn('href="?q=budget&amp;parti=M">Ta bort från och med</a>', html)
        # A field the page shows is marked at the field itself, in both forms.
        response = self.client.get("/sok/", {"q": "budget", "ar": "1066"})
        html = response.content.decode()
        self.assertEqual(html.count('aria-invalid="true"'), 2)
        self.assertIn('id="wide-ar-error"', html)


class IndexPagesTests(TestCase):
    """Parties, people, cases and referrals each have an index page, with its
    feed and its CSV, and the pages they lead to say more than before."""

    KOMMUN = "/sjobacka-kommun/"

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def csv_rows(self, path: str) -> list[list[str]]:
        response = self.client.get(path, {"format": "csv"})
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))

    def test_every_index_answers_with_feed_csv_and_rows(self) -> None:
        for index in ("parti", "person", "arende", "remiss"):
            with self.subTest(index=index):
                path = f"{self.KOMMUN}{index}/"
                html = self.client.get(path).content.decode()
                self.assertIn('type="application/atom+xml"', html)
                self.assertIn("format=csv", html)
                rows = self.csv_rows(path)
                self.assertGreater(len(rows), 1)
                # Every row leads to a page that answers.
                for row in rows[1:4]:
                    address = row[0].removeprefix("http://testserver")
                    self.assertEqual(self.client.get(address).status_code, 200, row)
        municipality = self.client.get(self.KOMMUN).content.decode()
        for index in ("parti", "person", "arende", "remiss"):
            self.assertIn(f'href="{self.KOMMUN}{index}/"', municipality)

    def test_parties_are_named_in_full_and_counted(self) -> None:
        rows = {row[1]: row for row in self.csv_rows(f"{self.KOMMUN}parti/")[1:]}
        self.assertEqual(rows["SD"][2], "Sverigedemokraterna")
        reserved_m = Paragraf.objects.published().filter(
            meeting__namnd__municipality__slug="sjobacka-kommun",
            reserving_parties__contains=["M"],
        )
        self.assertEqual(int(rows["M"][4]), reserved_m.count())
        html = self.client.get(f"{self.KOMMUN}parti/M/").content.decode()
        self.assertIn("<h1>Moderaterna (M)", html)

    def test_a_case_only_confidential_paragraphs_name_is_not_listed(self) -> None:
        listed = {row[1] for row in self.csv_rows(f"{self.KOMMUN}arende/")[1:]}
        public = set(
            Paragraf.objects.published()
            .filter(arende__isnull=False)
            .values_list("arende__dnr", flat=True)
        )
        self.assertEqual(listed, public)

    def test_the_cases_index_pages_through_cases_not_paragraphs(self) -> None:
        cases = len(self.csv_rows(f"{self.KOMMUN}arende/")) - 1
        with self.settings(PAGE_SIZE=2):
            response = self.client.get(f"{self.KOMMUN}arende/")
            page = response.context["page"]
            self.assertEqual(page.paginator.count, cases)
            last = self.client.get(
                f"{self.KOMMUN}arende/", {"sida": page.paginator.num_pages}
            )
        self.assertEqual(last.status_code, 200)
        self.assertTrue(last.context["page"].object_list)

    def test_a_person_page_shows_memberships_attendance_and_votes(self) -> None:
        path = f"{self.KOMMUN}person/gunnar-ekholm-m/"
        html = self.client.get(path).content.decode()
        text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
        self.assertIn("Miljö- och byggnadsnämnden Beslutande (vice ordförande)", text)
        self.assertRegex(text, r"\d+ av \d+ \(\d+ %\)")
        self.assertIn("Röster i omröstningar", text)
        self.assertIn('vote-choice--nej">Nej<', html)
        titles = [row[5] for row in self.csv_rows(path)[1:]]
        self.assertIn(
            "Ansökan om dispens från strandskyddet för nybyggnad av bastu och "
            "brygga, Björkås 1:17",
            titles,
        )

    def test_a_case_page_is_a_timeline_with_the_latest_decision_marked(self) -> None:
        html = self.client.get(f"{self.KOMMUN}arende/KS 2024/112/").content.decode()
        items = re.findall(r'<li class="timeline__item[^"]*">(.*?)</li>', html, re.S)
        self.assertEqual(len(items), 3)
        dates = [re.search(r'datetime="([\d-]+)"', item)[1] for item in items]
        self.assertEqual(dates, sorted(dates))
        self.assertIn("Senaste beslutet i ärendet", items[-1])
        self.assertNotIn("Senaste beslutet i ärendet", "".join(items[:-1]))

    def test_a_referral_shows_the_decision_its_answers_led_to(self) -> None:
        path = f"{self.KOMMUN}remiss/program-for-oppna-data-och-digital-insyn/"
        html = self.client.get(path).content.decode()
        led_to = html[
            html.index('id="led-to-heading"') : html.index('id="answers-heading"')
        ]
        self.assertIn("paragraf-113/", led_to)
        self.assertIn("Kommunfullmäktige antar Program", led_to)


SECRET_MINUTES = """\
Sjöbacka kommun
Socialnämnden
SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum 2024-09-10

§ 90
Budgetuppföljning
Dnr SN 2024/7

Socialnämndens beslut
Nämnden godkänner uppföljningen.

§ 91
Ansökan om bistånd
Sekretess enligt 26 kap. 1 § OSL
Nämnden beviljar Hemligholm bistånd enligt 4 kap. 1 § SoL.
"""


class OriginalProtocolTests(TestCase):
    """The protocol as published, on every meeting and § page; never the
    secret text of a protocol with withheld paragraphs."""

    def download(self, meeting: Meeting) -> tuple[HttpResponseBase, bytes]:
        response = self.client.get(
            reverse(
                "decisions:meeting_download",
                args=[
                    meeting.namnd.municipality.slug,
                    meeting.namnd.slug,
                    meeting.slug,
                ],
            )
        )
        self.assertEqual(response.status_code, 200)
        content = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        return response, content

    def test_the_original_file_is_offered_as_published(self) -> None:
        path = next(p for p in SJOBACKA if "kommunfullmaktige" in p.name)
        call_command("ingest", str(path), stdout=None, stderr=None)
        meeting = Meeting.objects.get()
        response, content = self.download(meeting)
        self.assertEqual(content, path.read_bytes())
        self.assertIn(path.name, response["Content-Disposition"])
        for page in (meeting, meeting.paragrafer.first()):
            html = self.client.get(page.get_absolute_url()).content.decode()
            self.assertIn("Ladda ner protokollet som det publicerades (text)", html)
        # The same bytes again keep one file.
        call_command("ingest", str(path), stdout=None, stderr=None)
        self.assertEqual(Meeting.objects.get().source_file, meeting.source_file)

    def test_a_protocol_with_a_secret_paragraph_is_downloaded_as_its_public_version(
        self,
    ) -> None:
        result = protocol_ingest(
            source_name="sn-2024-09-10.txt", data=SECRET_MINUTES.encode()
        )
        meeting = result.meeting
        assert meeting is not None
        self.assertTrue(meeting.source_file)
        response, content = self.download(meeting)
        text = content.decode()
        self.assertNotIn("Hemligholm", text)
        self.assertNotIn("beviljar", text)
        self.assertIn("§ 91 Ansökan om bistånd", text)
        self.assertIn(
            "Sekretess enligt 26 kap. 1 § OSL. Innehållet publiceras inte.", text
        )
        self.assertIn("Nämnden godkänner uppföljningen.", text)
        self.assertIn("offentlig-version.txt", response["Content-Disposition"])
        public = meeting.paragrafer.get(number="90")
        for url in (meeting.get_absolute_url(), public.get_absolute_url()):
            html = self.client.get(url).content.decode()
            self.assertIn("offentlig version", html)
            self.assertIn("omfattas av sekretess eller har återkallats", html)


@pytest.fixture
def archive(transactional_db) -> None:
    call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 800)])
def test_the_answers_are_on_the_first_screen(
    live_server, archive, browser: Browser, width: int, height: int
) -> None:
    """The decision, the tally and the dissent of a § page, and the first
    search result, show without scrolling; the keyboard reaches the first
    result in at most 8 Tab presses on a wide screen."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=False
    )
    page = context.new_page()
    for path in VOTE_PAGES.values():
        page.goto(live_server.url + path)
        for answer, selectors in ANSWERS.items():
            y = top(page, selectors[:1])
            assert y is not None and y + 24 <= height, (path, answer, y)
    page.goto(live_server.url + SEARCH_PAGE)
    y = top(page, [FIRST_RESULT])
    assert y is not None and y + 24 <= height, y
    if width > 1000:
        assert tabs_to(page, FIRST_RESULT) <= 8
    context.close()
