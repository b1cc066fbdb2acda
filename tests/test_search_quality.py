"""Search quality (issue 19, item 4): a typed dnr finds its case however it is
spaced, a board and a § find that paragraph, compound splitting makes no word
fragment searchable, and "Menade du" prefers the word the archive uses."""

from __future__ import annotations

import datetime
import re

from django.core.management import call_command
from django.db import connection
from django.db.models import Value
from django.test import SimpleTestCase, TestCase

from decisions.models import Arende, Paragraf, dnr_key
from decisions.search import Query, Reference
from decisions.search.lexicon import compound_parts, initials, names, search_terms
from decisions.search.suggest import distance, one_slip
from tests.factories import (
    SJOBACKA,
    make_arende,
    make_meeting,
    make_municipality,
    make_namnd,
    make_paragraf,
)


class DiarienummerTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.town = make_municipality("Sjöbacka kommun")
        ks = make_namnd("Kommunstyrelsen", municipality=cls.town)
        kf = make_namnd("Kommunfullmäktige", municipality=cls.town)
        mbn = make_namnd("Miljö- och byggnadsnämnden", municipality=cls.town)
        ks_2024 = make_meeting(namnd=ks, date=datetime.date(2024, 3, 11))
        ks_2025 = make_meeting(namnd=ks, date=datetime.date(2025, 4, 7))
        kf_2024 = make_meeting(namnd=kf, date=datetime.date(2024, 11, 25))
        mbn_2024 = make_meeting(namnd=mbn, date=datetime.date(2024, 6, 11))
        cls.remiss = make_paragraf(
            meeting=ks_2024,
            number="39",
            title="Remiss: Program för öppna data",
            dnr="KS 2024/112",
            case_numbers=["KS 2024/112"],
        )
        cls.case = cls.remiss.arende
        cls.case.title = "Program för öppna data"
        cls.case.save()
        cls.antagande = make_paragraf(
            meeting=kf_2024,
            number="113",
            title="Program för öppna data",
            arende=cls.case,
            case_numbers=["KS 2024/112"],
        )
        # Filed under its own case, citing the programme's among others.
        cls.uppfoljning = make_paragraf(
            meeting=ks_2025,
            number="39",
            title="Uppföljning av öppna data",
            dnr="KS 2025/41",
            case_numbers=["KS 2025/41", "KS 2024/112"],
        )
        cls.strandskydd = make_paragraf(
            meeting=mbn_2024,
            number="88",
            title="Strandskyddsdispens",
            dnr="MBN.2024.233",
            case_numbers=["MBN.2024.233"],
        )
        cls.secret = make_paragraf(
            meeting=mbn_2024,
            number="89",
            title="Individärende",
            dnr="MBN.2024.240",
            confidential=True,
        )

    def search(self, q: str):
        return self.client.get("/sok/", {"q": q})

    def listed(self, response) -> list[int]:
        self.assertEqual(response.status_code, 200)
        return [p.pk for p in response.context["page"].object_list]

    def test_the_key_ignores_spaces_case_and_separators_between_numbers(self) -> None:
        keys = {
            "KS 2024/112": "KS2024/112",
            "ks2024/112": "KS2024/112",
            "KS-2024-112": "KS2024/112",
            "MBN.2024.233": "MBN2024/233",
            "MBN 2024/233": "MBN2024/233",
            "BUN 2024:5": "BUN2024/5",
            "Dnr 1.1/2152/2016": "DNR1/1/2152/2016",
            "KS 2024/09": "KS2024/09",
        }
        for typed, key in keys.items():
            with self.subTest(typed):
                found = Arende.objects.annotate(key=dnr_key(Value(typed)))
                self.assertEqual(found.values_list("key", flat=True).first(), key)

    def test_the_key_is_read_from_its_index(self) -> None:
        cases = Reference(dnr="ks2024/112").cases()
        sql, params = cases.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("arende_dnr_key", plan)

    def test_a_dnr_typed_without_spaces_lists_its_case_first(self) -> None:
        response = self.search("KS2024/112")
        self.assertEqual(
            self.listed(response),
            [self.uppfoljning.pk, self.antagande.pk, self.remiss.pk],
        )
        self.assertEqual(response.context["cases"], [self.case])
        self.assertContains(
            response,
            f'<a href="{self.case.get_absolute_url()}">Ärendet KS 2024/112: '
            "<span>Program för öppna data</span> →</a>",
            html=True,
        )

    def test_a_dnr_typed_as_printed_still_works(self) -> None:
        for typed in ("KS 2024/112", "Dnr KS 2024/112", "ks 2024/112"):
            with self.subTest(typed):
                response = self.search(typed)
                self.assertEqual(len(self.listed(response)), 3)
                self.assertEqual(response.context["cases"], [self.case])

    def test_a_dnr_of_one_case_and_nothing_else_goes_to_the_case(self) -> None:
        for typed in ("MBN.2024.233", "MBN 2024/233", "mbn2024.233", "MBN 2024:233"):
            with self.subTest(typed):
                response = self.search(typed)
                self.assertRedirects(
                    response, self.strandskydd.arende.get_absolute_url()
                )

    def test_a_number_is_never_read_with_digits_lost_or_added(self) -> None:
        for typed in ("KS 2024/11", "KS 2024/1122", "KS 2024/1/12", "KS 202/4112"):
            with self.subTest(typed):
                response = self.search(typed)
                self.assertNotIn("cases", response.context)

    def test_a_confidential_case_is_neither_linked_nor_found(self) -> None:
        response = self.search("MBN 2024/240")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("cases", response.context)
        self.assertNotContains(response, "Individärende")

    def test_the_same_dnr_in_two_municipalities_links_both_cases(self) -> None:
        other = make_municipality("Ålunda kommun")
        meeting = make_meeting(
            namnd=make_namnd("Kommunstyrelsen", municipality=other),
            date=datetime.date(2024, 5, 2),
        )
        elsewhere = make_paragraf(meeting=meeting, dnr="KS 2024-112")
        response = self.search("KS 2024/112")
        self.assertEqual(response.context["cases"], [self.case, elsewhere.arende])
        self.assertContains(response, "(Ålunda kommun)")
        self.assertIn(elsewhere.pk, self.listed(response))

    def test_a_board_date_and_number_go_to_that_paragraph(self) -> None:
        for typed in (
            "KS 2024-03-11 § 39",
            "KS § 39, 2024-03-11",
            "Kommunstyrelsen 2024-03-11, § 39",
            "kommunstyrelsens 2024-03-11 §39",
        ):
            with self.subTest(typed):
                response = self.search(typed)
                self.assertRedirects(response, self.remiss.get_absolute_url())

    def test_a_board_and_number_list_the_candidates_newest_first(self) -> None:
        response = self.search("KS § 39")
        self.assertEqual(self.listed(response), [self.uppfoljning.pk, self.remiss.pk])

    def test_a_board_cited_by_initials_in_any_case_goes_to_its_paragraph(self) -> None:
        self.assertRedirects(self.search("Kf § 113"), self.antagande.get_absolute_url())
        self.assertRedirects(
            self.search("MBN § 88"), self.strandskydd.get_absolute_url()
        )

    def test_another_boards_paragraph_of_that_number_is_not_found(self) -> None:
        response = self.search("KF § 39")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("reference", response.context)

    def test_it_reads_how_minutes_cite_a_paragraph(self) -> None:
        cases = {
            "§ 13": ("13", None, None),
            "KS § 39": ("39", "KS", None),
            "KS 2024-03-11 § 39": ("39", "KS", datetime.date(2024, 3, 11)),
            "kommunfullmäktige 2021-11-22, § 98": (
                "98",
                "kommunfullmäktige",
                datetime.date(2021, 11, 22),
            ),
            "KS § 187, 2016-12-06": ("187", "KS", datetime.date(2016, 12, 6)),
            "Barn- och utbildningsnämnden § 4": (
                "4",
                "Barn- och utbildningsnämnden",
                None,
            ),
        }
        for typed, (number, namnd, date) in cases.items():
            with self.subTest(typed):
                reference = Reference.parse(typed)
                assert reference is not None
                self.assertEqual(
                    (reference.number, reference.namnd, reference.date),
                    (number, namnd, date),
                )
        self.assertIsNone(Reference.parse("KS 2024-13-45 § 39"))
        self.assertIsNone(Reference.parse("4 kap. 13 § skollagen"))


class InitialsTests(SimpleTestCase):
    def test_a_boards_initials_are_its_words_and_their_parts(self) -> None:
        expected = {
            "Kommunstyrelsen": "KS",
            "Kommunfullmäktige": "KF",
            "Socialnämnden": "SN",
            "Kultur- och fritidsnämnden": "KFN",
            "Barn- och utbildningsnämnden": "BUN",
            "Miljö- och byggnadsnämnden": "MBN",
            "Tekniska nämnden": "TN",
            "Kommunstyrelsens arbetsutskott": "KSAU",
            "Stadsbyggnadsnämnden": "SBN",
            "Valnämnden": "VN",
        }
        self.assertEqual({name: initials(name) for name in expected}, expected)


class CompoundPartTests(SimpleTestCase):
    def test_an_inflection_ending_is_no_part(self) -> None:
        for word in ("kostnaderna", "liberalerna", "nämndernas", "revisorerna"):
            with self.subTest(word):
                self.assertEqual(compound_parts(word), [])

    def test_a_short_word_inside_a_common_one_is_no_part(self) -> None:
        for word in ("kommunens", "godkänner", "proposition", "särskilda"):
            with self.subTest(word):
                self.assertEqual(compound_parts(word), [])

    def test_real_compounds_still_split(self) -> None:
        expected = {
            "kulturnämnden": ["kultur", "nämnden"],
            "bygglovsstatistik": ["bygglov", "statistik"],
            "grundskolan": ["grund", "skolan"],
            "maxtaxan": ["max", "taxan"],
            "storberget": ["stor", "berget"],
        }
        self.assertEqual({w: compound_parts(w) for w in expected}, expected)

    def test_a_name_is_not_split(self) -> None:
        text = (
            "Lars Dahlgren (SD) och Nils Ahlgren (SD) yrkar avslag. "
            "Ordföranden finner att Dahlgrens yrkande avslås.\n"
            "Yttrande till Kulturnämnden om vindkraftsparken vid Storberget."
        )
        self.assertEqual(names(text), {"dahlgren", "ahlgren"})
        terms = search_terms(text).split()
        for fragment in ("gren", "dahl", "ahl"):
            self.assertNotIn(fragment, terms)
        for part in ("nämnd", "berget", "vindkraft"):
            self.assertIn(part, terms)


class SampleArchiveFragmentTests(TestCase):
    """The fictional Sjöbacka minutes: their surnames (Dahlgren, Lindberg,
    Sjöberg) and definite plurals (kostnaderna) once made "gren", "berg"
    and "erna" match dozens of paragraphs."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def found(self, q: str) -> list[Paragraf]:
        return list(Paragraf.objects.published().search(Query(q)))

    def assert_only_words(self, q: str, pattern: str) -> None:
        """Every match holds a word the regex describes, in its title or text."""
        found = self.found(q)
        for paragraf in found:
            with self.subTest(q=q, paragraf=str(paragraf)):
                self.assertRegex(f"{paragraf.title}\n{paragraf.text}", pattern)

    def test_an_inflection_ending_finds_nothing(self) -> None:
        self.assertEqual(self.found("erna"), [])

    def test_a_surnames_last_part_finds_no_surname(self) -> None:
        self.assertEqual(self.found("gren"), [])
        # "Berg" is a surname of its own, and a word: found as written; and
        # "vindkraftspark Storberget" is a mountain.
        self.assert_only_words("berg", r"(?i)(?<!\w)berg|vindkraftspark Storberget")

    def test_finn_finds_forms_of_finna_only(self) -> None:
        # The Swedish stemmer reads "finner" and "finns" as forms of "finna".
        self.assertTrue(self.found("finn"))
        self.assert_only_words("finn", r"(?i)(?<!\w)finn(?:a|er|s|es)?(?!\w)")

    def test_a_compound_part_still_finds_its_compounds(self) -> None:
        for q, stem in (("nämnd", "nämnd"), ("skola", "skol")):
            with self.subTest(q):
                only_in_compounds = [
                    p
                    for p in self.found(q)
                    if not re.search(rf"(?i)(?<!\w){stem}", f"{p.title}\n{p.text}")
                ]
                self.assertTrue(only_in_compounds)
                for paragraf in only_in_compounds:
                    self.assertRegex(paragraf.text, rf"(?i)\w+{stem}")


class SuggestionTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        meeting = make_meeting()
        for year in range(2019, 2024):
            make_paragraf(
                meeting=meeting,
                title=f"Budget {year}",
                text=f"Nämndens budget för {year} fastställs.",
            )
        make_paragraf(
            meeting=meeting,
            title="Upphandling av möbler",
            text="Det lägsta budet kom från en leverantör i Norrvik.",
        )

    def test_a_swap_of_two_letters_is_one_slip(self) -> None:
        self.assertEqual(distance("bugdet", "budget"), 1)
        self.assertEqual(distance("bugdet", "budet"), 1)
        self.assertEqual(distance("skolna", "skolnivå"), 3)
        self.assertIn("budget", one_slip("bugdet"))

    def test_among_near_words_it_proposes_the_one_found_most(self) -> None:
        response = self.client.get("/sok/", {"q": "bugdet"})
        self.assertEqual(response.context["suggestion"], "budget")

    def test_it_keeps_the_rest_of_the_query(self) -> None:
        response = self.client.get("/sok/", {"q": "nämndens bugdet"})
        self.assertEqual(response.context["suggestion"], "nämndens budget")


class SpellingsOfOneNumberTests(TestCase):
    def test_two_spellings_of_one_number_in_one_municipality_are_both_linked(
        self,
    ) -> None:
        town = make_municipality()
        meeting = make_meeting(namnd=make_namnd(municipality=town))
        spaced = make_arende("KS 2024/7", municipality=town)
        glued = make_arende("KS2024/7", municipality=town)
        make_paragraf(meeting=meeting, arende=spaced)
        make_paragraf(meeting=meeting, arende=glued)
        response = self.client.get("/sok/", {"q": "KS 2024/7"})
        self.assertEqual(response.context["cases"], [spaced, glued])
