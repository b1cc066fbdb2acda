"""Search at /sok/: PostgreSQL full-text search, filters and hostile input."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase, TestCase

from decisions.search.query import SNIPPET_START, SNIPPET_STOP
from decisions.templatetags.decisions_extras import snippet
from tests.factories import (
    COUNTED,
    STAMP,
    make_meeting,
    make_member,
    make_municipality,
    make_namnd,
    make_paragraf,
    make_reservation,
)


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        sthlm = make_municipality("Stockholms stad", slug="stockholm")
        cls.kultur = make_namnd("Kulturnämnden", municipality=sthlm)
        cls.ks = make_namnd("Kommunstyrelsen", municipality=sthlm)
        kultur_2016 = make_meeting(namnd=cls.kultur, date=datetime.date(2016, 9, 20))
        kultur_2017 = make_meeting(namnd=cls.kultur, date=datetime.date(2017, 3, 1))
        ks_2016 = make_meeting(namnd=cls.ks, date=datetime.date(2016, 5, 2))
        cls.arkiven = make_paragraf(
            meeting=kultur_2016,
            title="Remissvar om smart stad",
            text="Förvaltningen anser att arkiven ska digitaliseras.",
            dnr="1.1/2152/2016",
        )
        make_reservation(
            paragraf=cls.arkiven,
            members=[make_member("Anna Berg", "M", municipality=sthlm)],
        )
        cls.kultur_later = make_paragraf(
            meeting=kultur_2017,
            title="Uppföljning av arkivet",
            text="Uppföljningen visar att arkiven har vuxit.",
        )
        cls.ks_same_year = make_paragraf(
            meeting=ks_2016,
            title="Arkivreglemente",
            text="Kommunstyrelsen antar ett nytt reglemente för arkiv.",
        )
        cls.budget = make_paragraf(
            meeting=ks_2016,
            title="Budget",
            decision="Budgeten fastställs.",
            text="Budgeten för kulturen fastställs.",
        )
        cls.secret = make_paragraf(
            meeting=ks_2016,
            title="Individärende",
            text="Hemligt ärende om arkiven och en enskild person.",
            confidential=True,
        )
        cls.html = make_paragraf(
            meeting=kultur_2017,
            title="Skadlig text",
            decision="",
            # ts_headline drops what its parser takes for tags (<b>) but passes
            # the rest through, an onerror handler included.
            text="Katalog: 3 < 4 & <img src=x onerror=alert(1)> <b>fet</b>",
        )

    def search(self, **params: str):
        return self.client.get("/sok/", params)

    def titles(self, response) -> list[str]:
        return [p.title for p in response.context["page"].object_list]

    def test_it_finds_a_word_in_the_text(self) -> None:
        response = self.search(q="digitaliseras")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.titles(response), ["Remissvar om smart stad"])
        self.assertContains(response, "1 träff för ”digitaliseras”")

    def test_it_finds_inflected_forms_by_their_swedish_stem(self) -> None:
        response = self.search(q="arkiv")
        self.assertIn("Remissvar om smart stad", self.titles(response))
        self.assertContains(response, "<mark>arkiven</mark>")

    def test_it_never_matches_a_confidential_paragraph(self) -> None:
        response = self.search(q="enskild")
        self.assertEqual(self.titles(response), [])
        self.assertNotContains(response, "Hemligt")
        self.assertNotContains(response, "Individärende")

    def test_it_shows_board_date_dnr_and_reservation_badges(self) -> None:
        response = self.search(q="digitaliseras")
        self.assertContains(response, "Kulturnämnden, Stockholms stad")
        self.assertContains(response, "20 september 2016")
        self.assertContains(response, "Dnr 1.1/2152/2016")
        self.assertContains(response, "Reservation: M")
        self.assertContains(response, self.arkiven.get_absolute_url())

    def test_board_and_year_filters_combine(self) -> None:
        everything = self.titles(self.search(q="arkiv"))
        self.assertEqual(len(everything), 3)
        by_namnd = self.titles(self.search(q="arkiv", namnd=str(self.kultur.pk)))
        self.assertCountEqual(
            by_namnd, ["Remissvar om smart stad", "Uppföljning av arkivet"]
        )
        by_year = self.titles(self.search(q="arkiv", ar="2016"))
        self.assertCountEqual(by_year, ["Remissvar om smart stad", "Arkivreglemente"])
        both = self.titles(self.search(q="arkiv", namnd=str(self.kultur.pk), ar="2016"))
        self.assertEqual(both, ["Remissvar om smart stad"])

    def test_filters_without_words_list_the_latest_paragraphs(self) -> None:
        response = self.search(namnd=str(self.ks.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "2 paragrafer matchar filtren.")
        # The confidential "Individärende" is never listed by search.
        self.assertEqual(self.titles(response), ["Arkivreglemente", "Budget"])

    def test_a_filter_without_words_shows_its_count_feed_and_csv(self) -> None:
        response = self.search(namnd=str(self.ks.pk), ordning="nyast", sida="1")
        self.assertContains(response, "2 paragrafer matchar filtren.")
        self.assertContains(response, f'href="/sok/feed/?namnd={self.ks.pk}"')
        self.assertContains(response, f'href="?namnd={self.ks.pk}&amp;format=csv"')
        csv = self.client.get("/sok/", {"namnd": self.ks.pk, "format": "csv"})
        self.assertEqual(csv.status_code, 200)
        lines = b"".join(csv.streaming_content).decode().strip().splitlines()
        self.assertEqual(len(lines), 1 + 2)
        english = self.client.get("/en/sok/", {"namnd": self.ks.pk})
        self.assertContains(english, "2 sections match the filters.")
        # Without any filter the page lists the latest paragraphs, uncounted.
        self.assertNotContains(self.search(), "matchar filtren")

    def test_an_empty_query_shows_the_form_and_the_latest_paragraphs(self) -> None:
        for params in ({}, {"q": ""}, {"q": "   "}):
            with self.subTest(params=params):
                response = self.client.get("/sok/", params)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<label for="id_q">Sökord</label>')
                self.assertContains(response, "Senaste paragraferna")
                self.assertEqual(self.titles(response)[0], "Uppföljning av arkivet")

    def test_filter_links_keep_the_other_parameters(self) -> None:
        response = self.search(q="arkiv", ar="2016", sida="1")
        self.assertContains(response, 'href="?q=arkiv&amp;ar=2017"')
        self.assertContains(
            response,
            '<a href="?q=arkiv&amp;ar=2016" aria-current="true">2016 '
            '<span class="count">(2)</span></a>',
        )
        self.assertContains(response, 'href="?q=arkiv"')

    def test_a_new_word_searches_within_the_filters_the_form_has_no_field_for(
        self,
    ) -> None:
        chosen = {
            "kommun": "stockholm",
            "parti": "M",
            "reservation": "true",
            "fran": "2016-01-01",
            "till": "2017-12-31",
            "ordning": "nyast",
        }
        response = self.search(
            q="arkiv", namnd=str(self.kultur.pk), ar="2016", **chosen
        )
        self.assertEqual(response.status_code, 200)
        forms = response.content.decode().split("<form ")[1:]
        word_form = forms[0].split("</form>")[0]
        # The word form carries every filter: a new word searches within them.
        for name, value in {
            **chosen,
            "namnd": str(self.kultur.pk),
            "ar": "2016",
        }.items():
            self.assertIn(
                f'<input type="hidden" name="{name}" value="{value}">', word_form
            )
        self.assertNotIn('type="hidden" name="q"', word_form)
        # The filter forms (beside the results and folded on a phone) carry
        # the words and the rest, and show the board and the year as fields.
        filter_forms = [f.split("</form>")[0] for f in forms[1:]]
        self.assertEqual(len(filter_forms), 2)
        for form in filter_forms:
            for name, value in {**chosen, "q": "arkiv"}.items():
                self.assertIn(
                    f'<input type="hidden" name="{name}" value="{value}">', form
                )
            for name in ("namnd", "ar"):
                self.assertNotIn(f'type="hidden" name="{name}"', form)
                self.assertIn(f'<select name="{name}"', form)
        # Nothing is carried when nothing is chosen.
        self.assertNotIn('type="hidden"', self.search(q="").content.decode())

    def test_pages_link_on_with_the_query_kept(self) -> None:
        with self.settings(PAGE_SIZE=1):
            response = self.search(q="arkiv", ar="2016")
        self.assertContains(response, 'href="?q=arkiv&amp;ar=2016&amp;sida=2"')
        self.assertContains(response, "Sida 1 av 2")

    def test_a_bad_page_number_is_a_clean_400(self) -> None:
        for sida in ("0", "-1", "999", "x", "1.5", "%00", "9" * 30):
            with self.subTest(sida=sida):
                response = self.search(q="arkiv", sida=sida)
                self.assertContains(response, "Sidan finns inte", status_code=400)

    def test_hostile_query_strings_get_a_clean_page(self) -> None:
        hostile = [
            {"q": "arkiv" * 2000},
            {"q": '"arkiven'},
            {"q": 'arkiv" OR "'},
            {"q": "och att"},
            {"q": "'; DROP TABLE decisions_paragraf; --"},
            {"q": "1 OR 1=1) UNION SELECT * FROM auth_user"},
            {"q": "arkiv:* & !budget | (("},
            {"q": "-"},
            {"q": "arkiv\x00"},
            {"q": "\x00"},
            {"namnd": "abc"},
            {"namnd": "\x00"},
            {"namnd": "9" * 30},
            {"namnd": "-1"},
            {"ar": "abc"},
            {"ar": "1999"},
            {"ar": "\x00"},
            {"q": ["arkiv", "budget"]},
        ]
        for params in hostile:
            with self.subTest(params=repr(params)[:80]):
                response = self.client.get("/sok/", params)
                self.assertIn(response.status_code, (200, 400))
                self.assertContains(
                    response, "Sök i protokollen", status_code=response.status_code
                )

    def test_only_stop_words_find_nothing_and_explain_why(self) -> None:
        response = self.search(q="och att")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "0 träffar")
        self.assertContains(response, "Vanliga småord")

    def test_a_query_too_long_is_refused_with_a_form_error(self) -> None:
        response = self.search(q="a" * 10_000)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)
        self.assertContains(response, "Sökningen kunde inte göras", status_code=400)
        self.assertNotIn("page", response.context)

    def test_html_in_the_text_is_escaped_in_snippets(self) -> None:
        response = self.search(q="katalog")
        self.assertEqual(self.titles(response), ["Skadlig text"])
        self.assertNotContains(response, "<img src=x")
        self.assertNotContains(response, "<b>fet</b>")
        self.assertContains(response, "&lt;img src=x onerror=alert")
        self.assertContains(response, "3 &lt; 4 &amp;")
        self.assertContains(response, "<mark>Katalog</mark>")

    def test_it_runs_a_fixed_number_of_queries(self) -> None:
        # 1 the first and last meeting dates (the years; the reserving
        # parties are read only when one is chosen); 2 the chosen board,
        # validated; 3 the archive's row count and 4 the planner's estimate
        # for the words (is the word common?); 5 the newest matches; 6 the
        # newest matches without the year filter and 7 without the board
        # filter (every facet is counted from these); 8 the boards and
        # municipalities of their meetings; 9 the boards for the select;
        # 10 the page of matches joined with meeting, board, municipality and
        # case, ranked, with snippets; 11 their statements with their
        # members' parties.
        with self.assertNumQueries(STAMP + COUNTED + 11):
            self.search(q="arkiv", namnd=str(self.kultur.pk), ar="2016")


class SnippetFilterTests(SimpleTestCase):
    start = SNIPPET_START
    stop = SNIPPET_STOP

    def test_it_escapes_the_text_and_marks_the_matches(self) -> None:
        value = f"<i>x</i> {self.start}arkiven{self.stop} & mer"
        self.assertEqual(
            snippet(value), "&lt;i&gt;x&lt;/i&gt; <mark>arkiven</mark> &amp; mer"
        )

    def test_it_keeps_marks_balanced_whatever_the_source_holds(self) -> None:
        value = f"{self.stop}a {self.start}b {self.start}c"
        self.assertEqual(snippet(value), "a <mark>b c</mark>")

    def test_it_turns_none_into_nothing(self) -> None:
        self.assertEqual(snippet(None), "")


def test_facet_ties_sort_in_swedish_order() -> None:
    from decisions.search.facets import FacetValue, most_first

    labels = ["Östra", "Ale", "Ängelholm", "Åre", "Zinkgruvan", "Båstad"]
    ordered = most_first(FacetValue(label, label, 3) for label in labels)
    assert [f.label for f in ordered] == [
        "Ale",
        "Båstad",
        "Zinkgruvan",
        "Åre",
        "Ängelholm",
        "Östra",
    ]
    assert (
        most_first([FacetValue("a", "Östra", 5), FacetValue("b", "Ale", 1)])[0].n == 5
    )


class SearchPageShortcutsTests(TestCase):
    """What the search page writes out in Python instead of through Django's
    templates (decisions.filters.Select, decisions.search.facets.choosing)
    is what Django writes, byte for byte."""

    @classmethod
    def setUpTestData(cls) -> None:
        town = make_municipality("Å & <stad>")
        cls.namnd = make_namnd('Miljö- & "bygg"nämnden', municipality=town)
        make_namnd("Kommunstyrelsen", municipality=town)
        make_meeting(namnd=cls.namnd, date=datetime.date(2014, 2, 3))
        make_meeting(namnd=cls.namnd, date=datetime.date(2016, 5, 6))

    def test_the_selects_are_djangos_select(self) -> None:
        from django import forms

        from decisions.search import ParagrafFilter

        for data in (None, {"namnd": str(self.namnd.pk), "ar": "2015"}, {"ar": "<x>"}):
            filterset = ParagrafFilter(data)
            filterset.form.is_valid()
            for name in ("namnd", "ar"):
                with self.subTest(data=data, name=name):
                    ours = str(filterset.form[name])
                    field = filterset.form.fields[name]
                    field.widget = forms.Select(
                        choices=field.widget.choices, attrs=field.widget.attrs
                    )
                    self.assertEqual(ours, str(filterset.form[name]))
                    self.assertIn("<option", ours)

    def test_facet_links_are_what_querystring_writes(self) -> None:
        from django.template import RequestContext
        from django.template.defaulttags import querystring
        from django.test import RequestFactory

        from decisions.search.facets import FacetValue, choosing

        values = [FacetValue(7, "x", 1), FacetValue("Ö S&", "y", 2)]
        for query in ("q=a+b&sida=2&ar=2016", "q=x&q=%C3%B6&parti=S", "sida=3", ""):
            request = RequestFactory().get(f"/sok/?{query}")
            for name in ("namnd", "ar", "parti", "kommun"):
                with self.subTest(query=query, name=name):
                    self.assertEqual(
                        [v.query for v in choosing(request.GET, name, values)],
                        [
                            querystring(
                                RequestContext(request), **{name: v.value, "sida": None}
                            )
                            for v in values
                        ],
                    )

    def test_ids_as_one_array_find_the_same_rows_as_a_list(self) -> None:
        from decisions.lookups import Ids
        from decisions.models import Meeting

        ids = list(Meeting.objects.values_list("pk", flat=True))
        self.assertEqual(
            set(Meeting.objects.filter(pk__any=Ids(ids))),
            set(Meeting.objects.filter(pk__any=ids)),
        )
        self.assertEqual(len(Meeting.objects.filter(pk__any=Ids(ids))), 2)
        self.assertFalse(Meeting.objects.filter(pk__any=Ids([])).exists())
