"""Search as a Swedish journalist uses it: words, facets, references, feeds."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from django.db import connection
from django.test import TestCase

from decisions.models import Paragraf
from decisions.search import Query, plan
from decisions.search.query import search_query
from tests.factories import (
    make_meeting,
    make_member,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)

ATOM = "{http://www.w3.org/2005/Atom}"


class SwedishSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        town = make_municipality("Sjöbacka kommun")
        other = make_municipality("Ålunda kommun")
        cls.kultur = make_namnd("Kulturnämnden", municipality=town)
        cls.bun = make_namnd("Barn- och utbildningsnämnden", municipality=town)
        cls.ks = make_namnd("Kommunstyrelsen", municipality=other)
        k2023 = make_meeting(namnd=cls.kultur, date=datetime.date(2023, 3, 14))
        b2024 = make_meeting(namnd=cls.bun, date=datetime.date(2024, 5, 14))
        ks2024 = make_meeting(namnd=cls.ks, date=datetime.date(2024, 9, 2))
        cls.beslutade = make_paragraf(
            meeting=k2023,
            title="Föreningsbidrag 2023",
            decision="Nämnden beslutade att bevilja bidragen.",
            text="Beslutet gäller från den 1 april. Öppna data publiceras.",
            dnr="KFN 2023/12",
        )
        cls.grundskola = make_paragraf(
            meeting=b2024,
            title="Lokalförsörjning för grundskolan",
            decision="Nämnden godkänner planen.",
            text="Budget för grundskolan och förskolan. Data om öppna lokaler.",
            dnr="BUN 2024:97",
        )
        cls.bygglov = make_paragraf(
            meeting=ks2024,
            number="988",
            title="Yttrande till Kulturnämnden om bygglov",
            decision="Kommunstyrelsen lämnar yttrande.",
            text="Ärendet gäller ett bygglov och kommunens budget för skola.",
            dnr="KS 2024/112",
        )
        cls.same_case = make_paragraf(
            meeting=k2023,
            title="Remissvar om öppna data",
            decision="Nämnden antar remissvaret.",
            text="Programmet för öppna data remitterades.",
            arende=cls.bygglov.arende,
        )
        cls.secret = make_paragraf(
            meeting=b2024,
            title="Individärende xyzzy",
            decision="",
            text="",
            confidential=True,
        )
        member = make_member("Per Holm", "M", municipality=town)
        make_reservation(paragraf=cls.grundskola, members=[member])

    def found(self, **params: str) -> set[int]:
        response = self.client.get("/sok/", params)
        self.assertEqual(response.status_code, 200, params)
        return {p.pk for p in response.context["page"].object_list}

    def test_beslut_finds_beslutade_and_beslutet(self):
        self.assertIn(self.beslutade.pk, self.found(q="beslut"))

    def test_an_inflected_query_finds_the_base_form(self):
        self.assertIn(self.beslutade.pk, self.found(q="beslutet"))

    def test_a_part_finds_its_compounds(self):
        self.assertIn(self.bygglov.pk, self.found(q="nämnd"))  # Kulturnämnden
        self.assertIn(self.grundskola.pk, self.found(q="skola"))  # grundskolan

    def test_accents_do_not_matter(self):
        self.assertEqual(self.found(q="namnd"), self.found(q="nämnd"))
        self.assertIn(self.grundskola.pk, self.found(q="forskolan"))

    def test_a_phrase_matches_words_in_order_only(self):
        found = self.found(q='"öppna data"')
        self.assertIn(self.beslutade.pk, found)
        self.assertNotIn(self.grundskola.pk, found)  # "Data om öppna"

    def test_matching_on_lexemes_agrees_with_the_full_vector(self):
        # matching() checks words against `lexemes` (no positions) and only
        # phrases against `search`: every kind of query must find exactly what
        # the full vector alone finds.
        for q in [
            "öppna data",
            '"öppna data"',
            '"data om öppna"',
            '"öppna data" OR bygglov',
            '"data om" OR "öppna data"',
            '-"öppna data"',
            'budget -"öppna data"',
            "data -öppna",
            "öppna OR -budget",
            'data -"om öppna',
            "e-post budget",
            "-e-post",
            "plan- och bygglagen",
            '"öppna',
            "bygglo",
        ]:
            with self.subTest(q=q):
                expected = Paragraf.objects.filter(
                    search=search_query(q), confidential=False
                )
                found = Query(q).matching(Paragraf.objects.published())
                self.assertEqual(set(found), set(expected), q)

    def test_walking_the_words_finds_what_their_index_finds(self):
        # matching(walk_words=True) checks row by row, for common words among
        # rows a board or dates already narrow; the result must not change.
        for q in ["öppna data", "budget -grundskolan", "bygglo", "data OR bidragen"]:
            with self.subTest(q=q):
                self.assertEqual(
                    set(
                        Query(q).matching(Paragraf.objects.published(), walk_words=True)
                    ),
                    set(Query(q).matching(Paragraf.objects.published())),
                )

    def test_a_minus_excludes(self):
        found = self.found(q="budget -grundskolan")
        self.assertEqual(found, {self.bygglov.pk})

    def test_the_last_word_matches_as_a_beginning(self):
        self.assertEqual(self.found(q="bygglo"), {self.bygglov.pk})

    def test_matches_are_highlighted(self):
        response = self.client.get("/sok/", {"q": "bygglov"})
        self.assertContains(response, "<mark>bygglov</mark>")

    def test_confidential_paragraphs_are_never_found(self):
        self.assertEqual(self.found(q="xyzzy"), set())
        self.assertNotIn(self.secret.pk, self.found(ar="2024"))
        self.assertNotIn(self.secret.pk, self.found())

    def test_a_diarienummer_goes_straight_to_its_case(self):
        response = self.client.get("/sok/", {"q": "Dnr BUN 2024:97"})
        self.assertRedirects(response, self.grundskola.arende.get_absolute_url())

    def test_a_case_with_several_paragraphs_goes_to_the_case_that_lists_them(self):
        response = self.client.get("/sok/", {"q": "KS 2024/112"}, follow=True)
        self.assertRedirects(response, self.bygglov.arende.get_absolute_url())
        self.assertContains(response, self.bygglov.get_absolute_url())
        self.assertContains(response, self.same_case.get_absolute_url())

    def test_a_dnr_cited_by_other_cases_lists_them_below_the_case(self):
        self.beslutade.case_numbers = ["KFN 2023/12", "KS 2024/112"]
        self.beslutade.save(update_fields=["case_numbers"])
        response = self.client.get("/sok/", {"q": "KS2024/112"})
        self.assertContains(response, "Paragrafer som hänvisar till")
        self.assertContains(response, self.bygglov.arende.get_absolute_url())
        pks = {p.pk for p in response.context["page"].object_list}
        self.assertEqual(pks, {self.bygglov.pk, self.same_case.pk, self.beslutade.pk})

    def test_a_paragraph_reference_lists_that_number(self):
        response = self.client.get("/sok/", {"q": "§ 988"})
        self.assertRedirects(response, self.bygglov.get_absolute_url())

    def test_each_facet_counts_the_matches(self):
        response = self.client.get("/sok/", {"q": "öppna"})
        facets = response.context["facets"]
        self.assertEqual(response.context["result"].total, 3)
        self.assertEqual(
            {f.label: f.n for f in facets.namnder},
            {
                "Kulturnämnden, Sjöbacka kommun": 2,
                "Barn- och utbildningsnämnden, Sjöbacka kommun": 1,
            },
        )
        self.assertEqual({f.value: f.n for f in facets.years}, {2023: 2, 2024: 1})
        self.assertEqual([(f.value, f.n) for f in facets.parties], [("M", 1)])
        self.assertEqual(facets.with_reservation, 1)
        self.assertContains(response, "Kulturnämnden, Sjöbacka kommun <span")

    def test_a_chosen_facet_still_counts_its_other_values(self):
        response = self.client.get(
            "/sok/", {"q": "budget", "namnd": self.bun.pk, "ar": "2024"}
        )
        facets = response.context["facets"]
        self.assertEqual(response.context["result"].total, 1)
        # The board facet counts among the 2024 matches of every board, the
        # year facet among every year of the chosen board. A board is chosen
        # by its slugs, chosen here by an old link's id.
        self.assertEqual(
            {f.value: f.n for f in facets.namnder},
            {self.bun.slug_path: 1, self.ks.slug_path: 1},
        )
        self.assertEqual({f.value: f.n for f in facets.years}, {2024: 1})
        self.assertEqual(
            [(f.value, f.label, f.n) for f in facets.kommuner],
            [("sjobacka-kommun", "Sjöbacka kommun", 1)],
        )
        self.assertContains(response, 'aria-current="true">Barn- och utbildnings')

    def test_a_chosen_party_or_dissent_counts_among_the_other_filters(self):
        response = self.client.get("/sok/", {"q": "öppna", "parti": "M"})
        facets = response.context["facets"]
        self.assertEqual([(f.value, f.n) for f in facets.parties], [("M", 1)])
        self.assertEqual(facets.with_reservation, 1)
        # Without dissents nothing has a party; M's matches all have one.
        response = self.client.get(
            "/sok/", {"q": "öppna", "parti": "M", "reservation": "false"}
        )
        facets = response.context["facets"]
        self.assertEqual(response.context["result"].total, 0)
        self.assertEqual(facets.parties, [])
        self.assertEqual(facets.with_reservation, 1)

    def test_filters_combine_and_live_in_the_url(self):
        self.assertEqual(
            self.found(q="öppna", kommun="sjobacka-kommun", ar="2024", parti="M"),
            {self.grundskola.pk},
        )
        self.assertEqual(
            self.found(q="öppna", reservation="false"),
            {self.beslutade.pk, self.same_case.pk},
        )
        self.assertEqual(
            self.found(q="öppna", fran="2024-01-01", till="2024-12-31"),
            {self.grundskola.pk},
        )

    def test_newest_first_is_the_other_order(self):
        response = self.client.get("/sok/", {"q": "öppna", "ordning": "nyast"})
        dates = [p.meeting_date for p in response.context["page"].object_list]
        self.assertEqual(dates, sorted(dates, reverse=True))

    def test_a_word_not_found_gets_a_suggestion(self):
        response = self.client.get("/sok/", {"q": "bidrgen"})
        self.assertContains(response, "Menade du:")
        self.assertContains(response, "bidragen")

    def test_every_search_is_an_atom_feed(self):
        response = self.client.get(
            "/sok/feed/", {"q": "öppna", "namnd": self.kultur.pk}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        feed = ET.fromstring(response.content)
        self.assertEqual(feed.tag, f"{ATOM}feed")
        entries = feed.findall(f"{ATOM}entry")
        ids = [entry.findtext(f"{ATOM}id") for entry in entries]
        self.assertEqual(
            ids,
            [
                f"http://testserver{p.get_absolute_url()}"
                for p in Paragraf.objects.filter(
                    pk__in=[self.beslutade.pk, self.same_case.pk]
                ).order_by("position")
            ],
        )
        for entry in entries:
            self.assertTrue(entry.findtext(f"{ATOM}title"))
            self.assertTrue(entry.findtext(f"{ATOM}updated"))

    def test_the_search_page_links_its_feed(self):
        response = self.client.get("/sok/", {"q": "öppna"})
        self.assertContains(response, 'type="application/atom+xml"')
        self.assertContains(response, 'href="/sok/feed/?q=%C3%B6ppna"')


class BadInputTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_paragraf(title="Budget 2024", text="Budgeten antas.")

    def assertClean(self, params: dict, status: int, message: str) -> None:
        response = self.client.get("/sok/", params)
        self.assertEqual(response.status_code, status, params)
        self.assertContains(response, message, status_code=status)

    def test_bad_input_gets_a_page_with_a_message_never_a_500(self):
        cases = [
            ({"q": ""}, 200, "Senaste paragraferna"),
            ({"q": "och att"}, 200, "småord"),
            ({"q": "x" * 10_000}, 400, "Sökningen kunde inte göras"),
            ({"q": '"öppna data'}, 200, "träff"),
            ({"q": "'; DROP TABLE decisions_paragraf; --"}, 200, "träff"),
            ({"q": "budget & | ! :* <->"}, 200, "träff"),
            ({"q": "OR OR -"}, 200, "träff"),
            ({"q": "a\x00b"}, 400, "Sökningen kunde inte göras"),
            ({"namnd": "999999"}, 400, "Sökningen kunde inte göras"),
            ({"ar": "abcd"}, 400, "Sökningen kunde inte göras"),
            ({"kommun": "finns-inte"}, 400, "Sökningen kunde inte göras"),
            ({"parti": "ZZ"}, 400, "Sökningen kunde inte göras"),
            ({"fran": "2020-13-45"}, 400, "Sökningen kunde inte göras"),
            ({"ordning": "slump"}, 400, "Sökningen kunde inte göras"),
            ({"q": "budget", "sida": "999"}, 400, "Sidan finns inte"),
            ({"q": "budget", "sida": "-1"}, 400, "Sidan finns inte"),
        ]
        for params, status, message in cases:
            with self.subTest(params={k: v[:30] for k, v in params.items()}):
                self.assertClean(params, status, message)

    def test_a_bad_feed_query_gives_an_empty_feed(self):
        response = self.client.get("/sok/feed/", {"namnd": "x"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ET.fromstring(response.content).findall(f"{ATOM}entry"), [])


class BoundedSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        for number in range(3):
            make_paragraf(title=f"Öppna data del {number}", text="Öppna data igen.")

    def test_counts_stop_at_the_limit_and_say_so(self):
        from unittest import mock

        with mock.patch("decisions.search.walk.COUNT_LIMIT", 2):
            response = self.client.get("/sok/", {"q": "data"})
        self.assertEqual(response.context["result"].total, 2)
        self.assertTrue(response.context["result"].capped)
        self.assertContains(response, "Över 2 träffar")

    def test_a_phrase_is_counted_to_its_own_lower_limit(self):
        from unittest import mock

        with mock.patch("decisions.search.walk.PHRASE_LIMIT", 1):
            response = self.client.get("/sok/", {"q": '"öppna data"'})
            plain = self.client.get("/sok/", {"q": "öppna data"})
        self.assertEqual(response.context["result"].total, 1)
        self.assertTrue(response.context["result"].capped)
        self.assertEqual(plain.context["result"].total, 3)


class CommonWordTests(TestCase):
    def test_the_planner_tells_a_common_word_from_a_rare_one(self):
        meeting = make_meeting()
        for n in range(60):
            make_paragraf(
                meeting=meeting,
                number=str(n + 1),
                title=f"Ärende {n}",
                text="Ett vanligt ärende." + (" Bäverdammen." if n == 0 else ""),
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE decisions_paragraf")
        self.assertGreater(plan.share_matching(Query("vanligt")), 0.5)
        self.assertLess(plan.share_matching(Query("bäverdammen")), 0.1)
