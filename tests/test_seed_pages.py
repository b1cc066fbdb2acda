"""Every page kind, served with the two real seed minutes ingested."""

import re

from django.core.management import call_command
from django.test import TestCase

from decisions.models import Meeting, Paragraf
from tests.factories import SEEDS, STAMP


class SeedPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("ingest", *map(str, SEEDS), stdout=None, stderr=None)
        cls.kultur = Paragraf.objects.get(number="7")
        cls.social = Paragraf.objects.get(number="13")

    def assertPageShows(self, url: str, *texts: str) -> None:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        for text in texts:
            self.assertContains(response, text)

    def test_the_start_page_lists_both_seed_paragraphs(self):
        self.assertPageShows(
            "/",
            "Stockholms stad",
            "Kulturnämnden",
            "Socialnämnden",
            "§&nbsp;7",
            "§&nbsp;13",
        )

    def test_the_municipality_and_board_pages_show_the_seeds(self):
        self.assertPageShows("/stockholms-stad/", "Kulturnämnden", "Socialnämnden")
        self.assertPageShows(
            "/stockholms-stad/kulturnamnden/", "Strategi för Stockholm"
        )
        self.assertPageShows(
            "/stockholms-stad/socialnamnden/", "Strategi för Stockholm"
        )

    def test_the_meeting_page_lists_its_paragraph(self):
        meeting = Meeting.objects.get(namnd__name="Socialnämnden")
        self.assertPageShows(
            meeting.get_absolute_url(),
            "§&nbsp;13",
            "1.7.1-368/2016",
            meeting.source_name,
        )

    def test_the_paragraph_page_shows_decision_reservation_and_citation(self):
        url = self.kultur.get_absolute_url()
        self.assertRegex(
            url, r"^/stockholms-stad/kulturnamnden/utan-datum-[0-9a-f]{8}/paragraf-7/$"
        )
        self.assertPageShows(
            url,
            "Att remissvaret godkänns.",
            "Rasmus Jonlund",
            "Liberalerna har länge drivit frågan",
            "Dnr 1.1/2152/2016",
            f"http://testserver{url}",
        )
        self.assertPageShows(
            self.social.get_absolute_url(),
            "Frida Johansson Metso",
            "Inga-Lill Persson",
            "Socialnämnden hänvisar till tjänsteutlåtandet",
        )

    def test_the_referral_page_sets_both_boards_answers_side_by_side(self):
        slug = "strategi-for-stockholm-som-smart-och-uppkopplad-stad"
        self.assertEqual({self.kultur.referral, self.social.referral}, {slug})
        url = f"/stockholms-stad/remiss/{slug}/"
        self.assertEqual(self.kultur.get_referral_url(), url)
        self.assertPageShows(
            self.kultur.get_absolute_url(), f'href="{url}"', "Alla nämnders beslut"
        )
        # 1 the municipality; 2 the paragraphs with meeting, board and case;
        # 3 their statements with their members' parties (the badges); 4 the
        # statements whole and 5 their members (shared positions).
        with self.assertNumQueries(STAMP + 5):
            response = self.client.get(url)
        self.assertContains(
            response, "<h1><span>Strategi för Stockholm som smart och uppkopplad stad"
        )
        answers = response.context["paragrafer"]
        self.assertEqual({p.pk for p in answers}, {self.kultur.pk, self.social.pk})
        self.assertContains(response, '<h3 id="answer-', count=2)

    def test_the_same_liberal_reservation_is_shown_as_one_position(self):
        slug = self.kultur.referral
        response = self.client.get(f"/stockholms-stad/remiss/{slug}/")
        self.assertContains(response, "Samma reservation i flera nämnder")
        [group] = response.context["positions"]
        self.assertEqual(
            {r.paragraf_id for r in group}, {self.kultur.pk, self.social.pk}
        )
        text = " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())
        self.assertIn("Rasmus Jonlund (L)", text)
        self.assertIn("Frida Johansson Metso (L)", text)
        self.assertContains(
            response, 'href="/stockholms-stad/person/rasmus-jonlund-l/"'
        )

    def test_the_case_page_lists_the_paragraphs_of_one_diarienummer(self):
        url = self.kultur.arende.get_absolute_url()
        self.assertEqual(url, "/stockholms-stad/arende/1.1/2152/2016/")
        self.assertPageShows(self.kultur.get_absolute_url(), f'href="{url}"')
        # 1 the case with its municipality; 2 its paragraphs with meeting,
        # board and case; 3 their statements with their members' parties.
        with self.assertNumQueries(STAMP + 3):
            response = self.client.get(url)
        self.assertContains(response, "Dnr 1.1/2152/2016")
        self.assertEqual(
            [p.pk for p in response.context["paragrafer"]], [self.kultur.pk]
        )

    def test_every_page_kind_offers_its_citation(self):
        meeting = self.kultur.meeting
        for url, label in [
            (
                self.kultur.arende.get_absolute_url(),
                "Dnr 1.1/2152/2016, Stockholms stad",
            ),
            (meeting.namnd.get_absolute_url(), "Kulturnämnden, Stockholms stad"),
            (
                meeting.get_absolute_url(),
                f"Kulturnämnden, Stockholms stad, sammanträde {meeting.date_label}",
            ),
            (self.kultur.get_referral_url(), "Remiss: Strategi för Stockholm"),
            ("/stockholms-stad/parti/L/", "L, Stockholms stad"),
            (
                "/stockholms-stad/person/rasmus-jonlund-l/",
                "Rasmus Jonlund (L), Stockholms stad",
            ),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, '<p class="cite__text" id="citation">')
                self.assertContains(response, label)
                self.assertContains(response, f"http://testserver{url}</p>")

    def test_unknown_cases_and_referrals_are_404(self):
        for url in [
            "/stockholms-stad/arende/KS 1999/1/",
            "/stockholms-stad/remiss/ingen-sadan-remiss/",
            "/ingen-kommun/remiss/strategi/",
        ]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_search_finds_both_boards_answers(self):
        response = self.client.get("/sok/", {"q": "Chydeniusinitiativet"})
        self.assertEqual(response.status_code, 200)
        found = {p.pk for p in response.context["page"].object_list}
        self.assertEqual(found, {self.kultur.pk, self.social.pk})
        self.assertContains(response, "<mark>Chydeniusinitiativet</mark>", html=False)

    def test_search_understands_swedish_inflection(self):
        # "arkiv" finds "arkiven" through the swedish stemmer.
        response = self.client.get("/sok/", {"q": "arkiv"})
        self.assertEqual(len(response.context["page"].object_list), 2)
        self.assertContains(response, "<mark>arkiven</mark>", html=False)


class WholeProtocolPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from tests.factories import SJOBACKA

        call_command("ingest", str(SJOBACKA[4]), stdout=None, stderr=None)
        cls.meeting = Meeting.objects.get()

    def test_the_meeting_page_shows_attendance_adjusters_and_posting(self):
        response = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(response, "Tjänstgörande ersättare")
        self.assertContains(response, "Ulla Björk (C)")
        self.assertContains(response, "(för Stig Hallberg)")
        self.assertContains(response, "Justerare")
        self.assertContains(response, "17 juni 2024")
        self.assertContains(response, "kl. 08.30–12.15")
        # Posted 17 June 2024: three weeks later is Monday 8 July.
        self.assertContains(response, '<time datetime="2024-07-08">8 juli 2024</time>')


class PartyAndPersonPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        from tests.factories import SJOBACKA

        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def test_a_party_page_counts_its_reservations_per_year_in_a_chart(self):
        # 1 the municipality; 2 whether the party has members; 3 reservations
        # and 4 proposals per year; 5 the latest paragraphs with meeting,
        # board, municipality and case, 6 their statements with their
        # members' parties; 7 the party's members with their counts.
        with self.assertNumQueries(STAMP + 7):
            response = self.client.get("/sjobacka-kommun/parti/SD/")
        self.assertEqual(response.status_code, 200)
        per_year = response.context["reservations_per_year"]
        self.assertTrue(per_year)
        self.assertEqual(
            sum(per_year.values()),
            Paragraf.objects.filter(reserving_parties__contains=["SD"]).count(),
        )
        self.assertContains(response, '<svg class="chart" role="img"')
        self.assertContains(response, "Lars Dahlgren")
        self.assertEqual(
            self.client.get("/sjobacka-kommun/parti/XYZ/").status_code, 404
        )

    def test_a_person_page_lists_their_reservations_and_links_back(self):
        url = "/sjobacka-kommun/person/jonas-frisk-mp/"
        # 1 the municipality; 2 its members' names and parties (the address);
        # 3 the boards they sat on and 4 those boards' meetings in the span;
        # 5 reservations and 6 proposals per year; 7 the latest reservations,
        # 8 votes and 9 proposals with paragraph, meeting, board and
        # municipality.
        with self.assertNumQueries(STAMP + 9):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Jonas Frisk")
        self.assertContains(response, 'href="/sjobacka-kommun/parti/MP/"')
        reservations = response.context["reservations"]
        self.assertTrue(reservations)
        paragraf = reservations[0].paragraf
        # The paragraph's member list links to the person.
        self.assertContains(self.client.get(paragraf.get_absolute_url()), url)
        self.assertEqual(
            self.client.get("/sjobacka-kommun/person/ingen-alls/").status_code, 404
        )


class QueriesDoNotGrowTests(TestCase):
    """Every page kind runs as many queries for a bigger archive as for a small."""

    @classmethod
    def setUpTestData(cls):
        from tests.factories import SJOBACKA

        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
        cls.paragraf = Paragraf.objects.get(
            number="113", meeting__namnd__name="Kommunfullmäktige"
        )

    def grow(self) -> None:
        """Add paragraphs, reservations and members to the same meeting, case,
        referral, board, party and person the URLs show."""
        from decisions.models import Member
        from tests.factories import make_member, make_paragraf, make_reservation

        meeting = self.paragraf.meeting
        frisk = Member.objects.get(name="Jonas Frisk")
        for n in range(3):
            paragraf = make_paragraf(
                meeting=meeting,
                number=str(900 + n),
                title=f"Program för öppna data och digital insyn – svar på remiss {n}",
                arende=self.paragraf.arende,
                referral=self.paragraf.referral,
            )
            members = [
                frisk,
                make_member(f"Ny Ledamot {n}", "SD", municipality=frisk.municipality),
            ]
            make_reservation(paragraf=paragraf, members=members)

    def test_no_page_kind_runs_more_queries_for_more_rows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.test_browser import PAGE_KINDS

        urls = dict(PAGE_KINDS)
        urls["referral"] = self.paragraf.get_referral_url()
        before = {}
        for kind, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200, url)
            before[kind] = len(queries)
        self.grow()
        for kind, url in urls.items():
            with self.subTest(kind=kind), CaptureQueriesContext(connection) as queries:
                self.client.get(url)
            self.assertEqual(len(queries), before[kind], kind)
