"""The public pages, rendered against real PostgreSQL."""

from __future__ import annotations

import datetime
import json
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.test import TestCase

from decisions.models import Attendance, Member, Namnd, Reservation
from decisions.services.rename import namnd_rename
from tests.factories import (
    STAMP,
    make_meeting,
    make_member,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)

SECTIONS = [
    {
        "kind": "decision",
        "heading": "Kulturnämndens beslut",
        "text": "1. Att remissvaret godkänns.\n2. Att paragrafen justeras omedelbart.",
    },
    {
        "kind": "background",
        "heading": "Sammanfattning",
        "text": "Strategin ska göra arkiven öppna.\nFörvaltningen ställer sig bakom.",
    },
    {"kind": "procedure", "heading": "", "text": "Ordföranden finner bifall."},
    {
        "kind": "reservation",
        "heading": "Reservation",
        "text": "Anna Berg (M) och Bo Ek (KD) reserverar sig mot beslutet.",
    },
]


class PagesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.sthlm = make_municipality("Stockholms stad", slug="stockholm")
        cls.kultur = make_namnd("Kulturnämnden", municipality=cls.sthlm)
        cls.ks = make_namnd("Kommunstyrelsen", municipality=cls.sthlm)
        cls.meeting = make_meeting(
            namnd=cls.kultur,
            date=datetime.date(2016, 9, 20),
            protocol_number="7/2016",
            source_name="kulturnamnden-2016-09-20.pdf",
        )
        cls.p7 = make_paragraf(
            meeting=cls.meeting,
            number="7",
            position=1,
            title="Remissvar om smart stad",
            decision="1. Att remissvaret godkänns.",
            dnr="1.1/2152/2016",
            sections=SECTIONS,
        )
        cls.p8 = make_paragraf(
            meeting=cls.meeting,
            number="8",
            position=2,
            title="Verksamhetsplan för arkivet",
            decision="Nämnden fastställer verksamhetsplanen.",
        )
        anna = make_member("Anna Berg", "M", municipality=cls.sthlm)
        bo = make_member("Bo Ek", "KD", municipality=cls.sthlm)
        cia = make_member("Cia Lund", "V", municipality=cls.sthlm)
        make_reservation(
            paragraf=cls.p7,
            members=[bo, anna],
            text="Strategin saknar en plan för arkiven.",
        )
        make_reservation(
            paragraf=cls.p7,
            members=[cia],
            kind=Reservation.Kind.SPECIAL_STATEMENT,
            text="Biblioteken bör få egen budget.",
        )
        cls.ks_meeting = make_meeting(namnd=cls.ks, date=datetime.date(2017, 2, 1))
        cls.p12 = make_paragraf(
            meeting=cls.ks_meeting,
            number="12",
            title="Strategi för smart stad",
            dnr="1.1/2152/2016",
        )
        cls.undated = make_meeting(
            namnd=cls.ks, date=None, source_text="Protokoll utan datum"
        )
        cls.p3 = make_paragraf(
            meeting=cls.undated, number="3", title="Ärende ur odaterat protokoll"
        )
        cls.secret = make_paragraf(
            meeting=cls.ks_meeting,
            number="13",
            title="Individärende",
            decision="Hemlig beslutstext om en enskild.",
            text="Hemlig text om en enskild.",
            dnr="KS 2017/99",
            confidential=True,
        )
        other = make_municipality("Borås")
        cls.boras_ks = make_namnd("Kommunstyrelsen", municipality=other)


class StartPageTests(PagesTestCase):
    def test_it_lists_latest_paragraphs_and_municipalities_with_boards(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Remissvar om smart stad")
        self.assertContains(response, 'href="/stockholm/kulturnamnden/"')
        self.assertContains(response, 'href="/boras/"')
        self.assertContains(response, "Reservation: KD, M")
        self.assertContains(response, "Särskilt uttalande: V")

    def test_it_puts_the_newest_meeting_first_and_undated_meetings_last(self) -> None:
        content = self.client.get("/").content.decode()
        newest = content.index("Strategi för smart stad")
        older = content.index("Remissvar om smart stad")
        undated = content.index("Ärende ur odaterat protokoll")
        self.assertLess(newest, older)
        self.assertLess(older, undated)

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        # 1 the latest meeting date and 2 the reservations per party and year
        # since ten years before it (the chart); 3 latest paragraphs joined
        # with meeting, board, municipality and case; 4 their statements
        # with their members' parties; 5 municipalities; 6 their boards.
        with self.assertNumQueries(STAMP + 6):
            self.client.get("/")

    def test_it_charts_reservations_per_party_and_year(self) -> None:
        response = self.client.get("/")
        # Bo Ek (KD) and Anna Berg (M) reserved at § 7 in 2016; the special
        # statement (V) is no reservation. Ties go alphabetically.
        self.assertEqual(
            response.context["party_charts"], [("KD", {2016: 1}), ("M", {2016: 1})]
        )
        self.assertContains(response, "Reservationer per parti och år")
        self.assertContains(response, '<svg class="chart" role="img"', count=2)
        self.assertContains(response, 'href="/sok/?parti=KD"')

    def test_it_has_the_site_frame(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, '<html lang="sv">')
        self.assertContains(response, 'href="#main-content"')
        self.assertContains(response, '<main id="main-content"')
        self.assertContains(response, '<label for="site-search-q">')
        self.assertContains(response, '<form action="/sok/" method="get">')
        self.assertContains(response, "offentliga handlingar")
        self.assertContains(response, 'href="/" aria-current="page">Öppna beslut</a>')
        self.assertContains(
            response, '<link rel="canonical" href="http://testserver/">'
        )

    def test_it_has_an_icon_and_answers_the_browsers_own_request_for_one(self) -> None:
        self.assertContains(
            self.client.get("/"),
            '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">',
        )
        # Browsers ask /favicon.ico of every site, whatever its pages say.
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/static/favicon.svg")
        self.assertIn("max-age=86400", response["Cache-Control"])
        icon = (settings.BASE_DIR / "static" / "favicon.svg").read_text()
        self.assertIn("§", icon)
        self.assertIn('fill="#0f5c4d"', icon)


class MunicipalityPageTests(PagesTestCase):
    def test_it_lists_its_boards_and_recent_paragraphs(self) -> None:
        response = self.client.get("/stockholm/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>Stockholms stad</h1>", html=True)
        self.assertContains(response, 'href="/stockholm/kommunstyrelsen/"')
        self.assertContains(response, "Remissvar om smart stad")
        self.assertNotContains(response, "Borås</a>")

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        # 1 the municipality; 2 its boards with meeting counts and latest date;
        # 3 the count of its paragraphs (to 10,000); 4 the page of paragraphs
        # with meeting, board, municipality and case; 5 their statements
        # with their members' parties.
        with self.assertNumQueries(STAMP + 5):
            self.client.get("/stockholm/")

    def test_a_page_number_that_is_not_there_is_404(self) -> None:
        for sida in ("2", "0", "x", "-1", "1.5"):
            with self.subTest(sida=sida):
                response = self.client.get("/stockholm/", {"sida": sida})
                self.assertEqual(response.status_code, 404)


class NamndPageTests(PagesTestCase):
    def test_it_lists_meetings_with_protocol_number_and_paragraph_count(self) -> None:
        response = self.client.get("/stockholm/kulturnamnden/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'href="/stockholm/kulturnamnden/2016-09-20/"')
        self.assertContains(response, "<td>7/2016</td>", html=True)
        self.assertContains(response, "<td>2</td>", html=True)
        self.assertContains(response, "Verksamhetsplan för arkivet")

    def test_it_lists_its_members_and_latest_reservations(self) -> None:
        anna = Member.objects.get(name="Anna Berg")
        official = make_member("Olle Ek", "", municipality=self.sthlm)
        for position, (member, group) in enumerate(
            [(anna, Attendance.Group.DECIDING), (official, Attendance.Group.OTHER)]
        ):
            Attendance.objects.create(
                meeting=self.meeting, member=member, group=group, position=position
            )
        response = self.client.get("/stockholm/kulturnamnden/")
        # Officials present are no members; one meeting attended.
        self.assertEqual(
            [(m.name, m.meetings) for m in response.context["members"]],
            [("Anna Berg", 1)],
        )
        # Dissents only, not special statements.
        [reservation] = response.context["reservations"]
        self.assertEqual(reservation.paragraf, self.p7)
        # Each name leads to the person's page.
        text = " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())
        self.assertIn("Anna Berg (M), Bo Ek (KD)", text)
        self.assertContains(response, 'href="/stockholm/person/anna-berg-m/"')

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        # 1 the board with its municipality; 2 its meetings with paragraph
        # counts; 3 its members; 4 its reservations with paragraph, meeting,
        # board, municipality and 5 their members; 6 the latest paragraphs
        # with meeting, board, municipality and case, 7 their statements with
        # their members' parties; 8 its earlier names.
        with self.assertNumQueries(STAMP + 8):
            self.client.get("/stockholm/kulturnamnden/")

    def test_it_lists_a_meeting_without_date_under_its_own_heading(self) -> None:
        response = self.client.get("/stockholm/kommunstyrelsen/")
        self.assertContains(response, "<caption>Utan datum</caption>", html=True)
        self.assertContains(response, self.undated.get_absolute_url())

    def test_the_same_board_slug_in_another_municipality_is_its_own_page(
        self,
    ) -> None:
        response = self.client.get("/boras/kommunstyrelsen/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Strategi för smart stad")


def rename(namnd: Namnd, name: str, slug: str) -> None:
    namnd_rename(
        namnd=namnd, new_name=name, slug=slug, since=datetime.date.today(), user=None
    )


class RenamedBoardTests(PagesTestCase):
    def test_a_renamed_boards_old_addresses_answer_301_to_the_new(self) -> None:
        old_namnd = "/stockholm/kulturnamnden/"
        old_meeting = old_namnd + "2016-09-20/"
        old_paragraf = old_meeting + "paragraf-7/"
        rename(self.kultur, "Kultur- och fritidsnämnden", "kfn")
        # And once more: the first old address follows the board, not a slug.
        rename(self.kultur, "Kultur- och fritidsnämnden", "kultur-och-fritidsnamnden")
        new_namnd = "/stockholm/kultur-och-fritidsnamnden/"
        for old, new in [
            (old_namnd, new_namnd),
            (old_meeting, new_namnd + "2016-09-20/"),
            (old_paragraf, new_namnd + "2016-09-20/paragraf-7/"),
            ("/stockholm/kfn/2016-09-20/", new_namnd + "2016-09-20/"),
            (old_namnd + "?sida=2", new_namnd + "?sida=2"),
        ]:
            with self.subTest(old=old):
                response = self.client.get(old)
                self.assertEqual(response.status_code, 301)
                self.assertEqual(response["Location"], new)
                self.assertEqual(self.client.get(new).status_code, 200)
        self.assertEqual(
            self.p7.get_absolute_url(), new_namnd + "2016-09-20/paragraf-7/"
        )

    def test_an_old_address_that_never_existed_is_still_404(self) -> None:
        rename(self.kultur, "Kulturnämnden", "kfn")
        # The old board's whole address space moves, then 404s where it did.
        response = self.client.get("/stockholm/kulturnamnden/1999-01-01/", follow=True)
        self.assertEqual(response.redirect_chain, [("/stockholm/kfn/1999-01-01/", 301)])
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get("/stockholm/ingen-namnd/").status_code, 404)

    def test_a_board_that_has_the_slug_now_wins_over_an_alias(self) -> None:
        rename(self.kultur, "Kulturnämnden", "kfn")
        make_namnd("Kulturnämnden 2", municipality=self.sthlm, slug="kulturnamnden")
        self.assertEqual(self.client.get("/stockholm/kulturnamnden/").status_code, 200)


class MeetingPageTests(PagesTestCase):
    url = "/stockholm/kulturnamnden/2016-09-20/"

    def test_it_shows_the_meeting_and_its_paragraphs_in_order(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "20 september 2016")
        self.assertContains(response, "7/2016")
        self.assertContains(response, "kulturnamnden-2016-09-20.pdf")
        self.assertContains(response, "Dnr 1.1/2152/2016")
        self.assertContains(response, "Att remissvaret godkänns.")
        self.assertContains(response, "Reservation: KD, M")
        content = response.content.decode()
        self.assertLess(content.index("§&nbsp;7 "), content.index("§&nbsp;8 "))

    def test_it_gives_the_last_day_to_appeal_three_weeks_after_posting(self) -> None:
        meeting = make_meeting(
            namnd=self.undated.namnd,
            date=datetime.date(2016, 9, 6),
            posting_date=datetime.date(2016, 9, 13),
        )
        response = self.client.get(meeting.get_absolute_url())
        self.assertContains(response, "<dt>Sista dag att överklaga</dt>")
        self.assertContains(
            response, '<time datetime="2016-10-04">4 oktober 2016</time>'
        )
        # Minutes not yet posted have no deadline to give.
        response = self.client.get(self.url)
        self.assertNotContains(response, "Sista dag att överklaga")

    def test_a_meeting_without_date_is_addressed_by_its_hash(self) -> None:
        self.assertTrue(self.undated.slug.startswith("utan-datum-"))
        response = self.client.get(self.undated.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Protokollet anger inget datum")

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        # 1 the meeting joined with board and municipality; 2 its public
        # paragraphs counted (the page's pagination); 3 its adjusters; 4 its
        # attendance joined with members; 5 one page of its paragraphs with
        # their case; 6 their statements with their members' parties.
        with self.assertNumQueries(STAMP + 6):
            self.client.get(self.url)


class ParagrafPageTests(PagesTestCase):
    url = "/stockholm/kulturnamnden/2016-09-20/paragraf-7/"

    def test_it_shows_heading_dnr_and_breadcrumb(self) -> None:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            '<h1 id="paragraf-heading">§&nbsp;7 Remissvar om smart stad</h1>',
            html=True,
        )
        self.assertContains(response, "Dnr 1.1/2152/2016")
        self.assertContains(response, 'aria-label="Brödsmulor"')
        self.assertContains(response, 'href="/stockholm/kulturnamnden/"')
        self.assertContains(
            response, f'<link rel="canonical" href="http://testserver{self.url}">'
        )

    def test_it_sets_the_decision_apart_before_the_other_sections(self) -> None:
        content = self.client.get(self.url).content.decode()
        decision = content.index('<section class="decision"')
        self.assertIn('<h2 id="decision-heading">Beslut</h2>', content)
        self.assertIn("<h3>Kulturnämndens beslut</h3>", content)
        self.assertLess(decision, content.index("Sammanfattning"))
        self.assertLess(
            content.index("Att paragrafen justeras omedelbart"),
            content.index("Sammanfattning"),
        )

    def test_it_keeps_line_breaks_and_labels_unheaded_sections(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(
            response, "Strategin ska göra arkiven öppna.<br>Förvaltningen"
        )
        self.assertContains(response, ">Beslutsgång</h2>")

    def test_it_shows_reservations_with_members_parties_and_text(self) -> None:
        response = self.client.get(self.url)
        content = response.content.decode()
        self.assertContains(response, "Reservationer och särskilda uttalanden")
        self.assertLess(content.index(">Bo Ek</a>"), content.index(">Anna Berg</a>"))
        self.assertContains(response, "(KD)")
        self.assertContains(response, "Strategin saknar en plan för arkiven.")
        self.assertContains(response, "<h3>Särskilt uttalande</h3>", html=True)
        self.assertContains(response, "Cia Lund")

    def test_it_offers_a_citation_with_the_absolute_permalink(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(
            response,
            "Kulturnämnden, Stockholms stad, sammanträde 2016-09-20, § 7, "
            f"Dnr 1.1/2152/2016. http://testserver{self.url}",
        )

    def test_it_describes_itself_in_schema_org_terms(self) -> None:
        response = self.client.get(self.url)
        found = re.search(
            r'<script id="paragraf-metadata" type="application/ld\+json">(.*?)<',
            response.content.decode(),
            re.S,
        )
        data = json.loads(found[1])
        self.assertEqual(data["@type"], "Legislation")
        self.assertEqual(data["url"], f"http://testserver{self.url}")
        self.assertEqual(data["legislationDate"], "2016-09-20")
        self.assertEqual(data["identifier"], "Dnr 1.1/2152/2016")
        namnd = data["legislationPassedBy"]
        self.assertEqual(
            (namnd["@type"], namnd["name"], namnd["parentOrganization"]["name"]),
            ("GovernmentOrganization", "Kulturnämnden", "Stockholms stad"),
        )

    def test_it_links_the_meeting_and_the_cases_other_paragraphs(self) -> None:
        response = self.client.get(self.url)
        self.assertContains(response, 'href="/stockholm/kulturnamnden/2016-09-20/"')
        self.assertContains(response, "Samma ärende i andra paragrafer")
        self.assertContains(response, self.p12.get_absolute_url())

    def test_a_paragraph_without_a_case_lists_no_other_paragraphs(self) -> None:
        response = self.client.get(self.p8.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Samma ärende")

    def test_html_in_the_text_is_escaped(self) -> None:
        paragraf = make_paragraf(
            meeting=self.meeting,
            number="9",
            title="<i>Rubrik</i>",
            decision="<script>alert(1)</script>",
            text="<img src=x onerror=alert(1)>",
        )
        response = self.client.get(paragraf.get_absolute_url())
        self.assertNotContains(response, "<script>alert(1)")
        self.assertNotContains(response, "<img src=x")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "&lt;i&gt;Rubrik&lt;/i&gt;")

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        # 1 the paragraph joined with meeting, board, municipality and case;
        # 2 its reservations; 3 their members in printed order, joined with member;
        # 4 the case's other paragraphs joined with meeting, board, municipality.
        with self.assertNumQueries(STAMP + 4):
            self.client.get(self.url)

    def test_it_asks_only_for_what_there_is_to_list(self) -> None:
        # The paragraph's own query says whether it has statements and other
        # handlings of its case. p8: neither; p12: another handling (p7).
        with self.assertNumQueries(STAMP + 1):
            self.client.get(self.p8.get_absolute_url())
        with self.assertNumQueries(STAMP + 2):
            response = self.client.get(self.p12.get_absolute_url())
        self.assertContains(response, self.p7.get_absolute_url())

    def test_a_case_handled_elsewhere_only_in_secret_lists_nothing(self) -> None:
        paragraf = make_paragraf(
            meeting=self.meeting, number="9", title="Uppföljning", dnr="KS 2017/99"
        )
        response = self.client.get(paragraf.get_absolute_url())
        self.assertNotContains(response, "Samma ärende")
        self.assertNotContains(response, "Individärende")
        self.assertNotContains(response, self.secret.get_absolute_url())


class ConfidentialParagrafTests(PagesTestCase):
    def test_its_page_shows_only_number_title_and_secrecy_notice(self) -> None:
        response = self.client.get(self.secret.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "§&nbsp;13 Individärende")
        self.assertContains(response, "Sekretess: innehållet publiceras inte.")
        self.assertNotContains(response, "Hemlig")
        self.assertNotContains(response, "KS 2017/99")
        self.assertNotContains(response, "Citera")

    def test_its_page_asks_for_nothing_it_does_not_show(self) -> None:
        # 1 the paragraph joined with meeting, board, municipality and case;
        # not its statements nor the other paragraphs of its case.
        with self.assertNumQueries(STAMP + 1):
            self.client.get(self.secret.get_absolute_url())

    def test_lists_show_no_case_number_or_content(self) -> None:
        for url in (
            "/",
            "/stockholm/kommunstyrelsen/",
            self.ks_meeting.get_absolute_url(),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Individärende")
                self.assertNotContains(response, "Hemlig")
                self.assertNotContains(response, "KS 2017/99")


class MissingPageTests(PagesTestCase):
    def test_unknown_slugs_are_404_in_swedish(self) -> None:
        urls = [
            "/okand/",
            "/stockholm/okand/",
            "/boras/kulturnamnden/",
            "/stockholm/kulturnamnden/2016-09-21/",
            "/stockholm/kommunstyrelsen/2016-09-20/",
            "/stockholm/kulturnamnden/2016-09-20/paragraf-99/",
            "/boras/kulturnamnden/2016-09-20/paragraf-7/",
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "Sidan finns inte", status_code=404)

    def test_the_error_page_renders_without_a_request(self) -> None:
        html = render_to_string("500.html")
        self.assertIn('<html lang="sv">', html)
        self.assertIn("Ett fel uppstod", html)
        self.assertNotIn('rel="canonical"', html)
        self.assertNotIn("og:url", html)

    def test_a_missing_page_gives_no_address_of_its_own(self) -> None:
        # An address no pattern matches, one whose view finds nothing, and
        # one in English: none is the permanent address of anything.
        for url in (
            "/okand/",
            "/stockholm/kulturnamnden/2016-09-20/paragraf-99/",
            "/en/stockholm/okand/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotContains(response, 'rel="canonical"', status_code=404)
                self.assertNotContains(response, "og:url", status_code=404)
                self.assertNotContains(
                    response, '<link rel="alternate"', status_code=404
                )
                # Still a page of the site, with its icon.
                self.assertContains(response, 'rel="icon"', status_code=404)
