"""Phrases walk their candidates (the rows with all the words) newest first."""

from __future__ import annotations

import datetime
from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from decisions.models import Paragraf
from decisions.search import ParagrafFilter, Query, plan
from decisions.search import walk as search
from tests.factories import make_meeting, make_namnd, make_paragraf


class PhraseData(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.namnd = make_namnd("Kulturnämnden")
        # Newest first: two rows with the words out of order, then the phrase
        # twice, then once more out of order, then the phrase in an older year.
        texts = [
            "Uppföljning av den ekonomiska ramen.",
            "Uppföljningen är ekonomisk.",
            "Nämnden begär en ekonomisk uppföljning.",
            "Kvartalets ekonomiska uppföljning godkänns.",
            "Uppföljning, men inte ekonomisk.",
            "En ekonomisk uppföljning till.",
        ]
        cls.rows = []
        for day, text in enumerate(texts):
            meeting = make_meeting(
                namnd=cls.namnd, date=datetime.date(2020 - day // 5, 6, 28 - day)
            )
            cls.rows.append(make_paragraf(meeting=meeting, title="Ärende", text=text))
        make_paragraf(
            meeting=meeting,
            title="Sekretess",
            text="En ekonomisk uppföljning.",
            confidential=True,
        )

    def filterset(self, **params: str) -> ParagrafFilter:
        filterset = ParagrafFilter(params, queryset=Paragraf.objects.all())
        self.assertTrue(filterset.form.is_valid())
        filterset.common_query  # noqa: B018 (read once, before queries are counted)
        filterset.dense_phrase  # noqa: B018 (the same)
        return filterset

    def walks(self, **params: str) -> tuple[search.Walk, search.Walk]:
        """The phrase walk and the plain walk of `search` alone, for params."""
        filterset = self.filterset(**params)
        return (
            search.walk_matches(filterset, 2),
            search.newest_matches(filterset.scope(), 2),
        )

    def assertSameWalk(self, walk: search.Walk, plain: search.Walk) -> None:
        self.assertEqual(
            (walk.ids, walk.found, walk.per_meeting, walk.per_year, walk.reserved),
            (plain.ids, plain.found, plain.per_meeting, plain.per_year, plain.reserved),
        )


class PhraseWalkTests(PhraseData):
    def test_it_finds_the_newest_matches_among_the_newest_candidates(self) -> None:
        with mock.patch.object(search, "PHRASE_TRIES", (2, 4)):
            walk, plain = self.walks(q='"ekonomisk uppföljning"')
        self.assertSameWalk(walk, plain)
        self.assertEqual(walk.ids, [self.rows[2].pk, self.rows[3].pk])
        self.assertEqual(walk.found, 3)  # limit + 1: more than the limit

    def test_it_tries_more_candidates_when_the_newest_hold_too_few(self) -> None:
        # The newest 3 candidates hold one match, the newest 6 three.
        filterset = self.filterset(q='"ekonomisk uppföljning"')
        with (
            mock.patch.object(search, "PHRASE_TRIES", (1, 2)),
            self.assertNumQueries(2),
        ):
            walk = search.walk_matches(filterset, 2)
        self.assertEqual(walk.ids, [self.rows[2].pk, self.rows[3].pk])
        self.assertEqual(walk.found, 3)

    def test_it_checks_every_candidate_when_the_tries_hold_too_few(self) -> None:
        # The newest 3 candidates hold one match, which is too few twice: the
        # third query checks them all.
        filterset = self.filterset(q='"ekonomisk uppföljning"')
        with (
            mock.patch.object(search, "PHRASE_TRIES", (1, 1)),
            self.assertNumQueries(3),
        ):
            walk = search.walk_matches(filterset, 2)
        self.assertEqual(walk.ids, [self.rows[2].pk, self.rows[3].pk])
        self.assertEqual(walk.found, 3)

    def test_later_tries_stop_at_phrase_candidates(self) -> None:
        # A second try would take 6 candidates, more than the 5 allowed.
        filterset = self.filterset(q='"ekonomisk uppföljning"')
        with (
            mock.patch.object(search, "PHRASE_TRIES", (1, 2)),
            mock.patch.object(search, "PHRASE_CANDIDATES", 5),
            self.assertNumQueries(2),
        ):
            walk = search.walk_matches(filterset, 2)
        self.assertEqual(walk.ids, [self.rows[2].pk, self.rows[3].pk])

    def test_a_try_that_matches_nothing_goes_straight_to_every_candidate(self) -> None:
        # The newest 2 candidates hold no match.
        filterset = self.filterset(q='"ekonomisk uppföljning"')
        with (
            mock.patch.object(search, "PHRASE_TRIES", (1, 10)),
            self.assertNumQueries(2),
        ):
            walk = search.walk_matches(filterset, 1)
        self.assertEqual(walk.ids, [self.rows[2].pk])
        self.assertEqual(walk.found, 2)

    def test_a_try_that_saw_every_candidate_is_the_answer(self) -> None:
        # 2019 has one candidate, which the first try sees: no second query.
        filterset = self.filterset(q='"ekonomisk uppföljning"', ar="2019")
        with (
            mock.patch.object(search, "PHRASE_TRIES", (1, 10)),
            self.assertNumQueries(1),
        ):
            walk = search.walk_matches(filterset, 2)
        self.assertEqual(walk.ids, [self.rows[5].pk])
        self.assertEqual(walk.seen, 1)

    def test_it_agrees_with_the_plain_walk_whatever_the_query(self) -> None:
        queries = [
            '"ekonomisk uppföljning"',
            '"ekonomiska ramen"',
            '"uppföljning ekonomisk"',
            '"ekonomisk uppföljning" kvartalets',
            'uppföljning -"ekonomisk uppföljning"',
            '"ekonomisk uppföljning" OR ramen',
            'ramen OR -"ekonomisk uppföljning"',
            '"finns inte"',
        ]
        for tries in [(1, 1), (1, 2), (1, 10)]:
            for q in queries:
                with self.subTest(q=q, tries=tries):
                    with mock.patch.object(search, "PHRASE_TRIES", tries):
                        walk, plain = self.walks(q=q)
                    self.assertSameWalk(walk, plain)

    def test_it_never_walks_confidential_rows(self) -> None:
        walk, _ = self.walks(q='"ekonomisk uppföljning"', ar="2019")
        self.assertNotIn(Paragraf.objects.get(confidential=True).pk, walk.ids)


class DensePhraseTests(PhraseData):
    """Words common together are walked newest first, not bitmapped."""

    def test_the_sample_counts_the_share_with_all_the_words(self) -> None:
        with mock.patch.object(plan, "SAMPLE_PERCENT", 100):
            share = plan.sampled_share_with_all_words(Query('"ekonomisk uppföljning"'))
            none = plan.sampled_share_with_all_words(Query('"lex Sarah"'))
        # 6 public rows hold both words, of 7 rows (one confidential).
        self.assertAlmostEqual(share, 6 / 7)
        self.assertEqual(none, 0.0)

    def test_a_dense_phrase_walks_its_candidates_with_the_same_answer(self) -> None:
        for query in ['"ekonomisk uppföljning"', '"uppföljning ekonomisk" ramen']:
            for tries in [(1, 10), (2, 4)]:
                plain_filterset = self.filterset(q=query)
                with (
                    mock.patch.object(plan, "SAMPLE_PERCENT", 100),
                    mock.patch.object(search, "PHRASE_TRIES", tries),
                ):
                    filterset = self.filterset(q=query)
                    self.assertTrue(filterset.dense_phrase)
                    with CaptureQueriesContext(connection) as queries:
                        walk = search.walk_matches(filterset, 2)
                tries = [
                    q["sql"]
                    for q in queries.captured_queries
                    if "count(*) OVER ()" in q["sql"]
                ]
                self.assertTrue(tries)
                for sql in tries:
                    self.assertIn("ts_match_vq", sql)
                plain = search.newest_matches(plain_filterset.scope(), 2)
                self.assertSameWalk(walk, plain)

    def test_walking_the_words_keeps_the_same_rows(self) -> None:
        for query in [
            '"ekonomisk uppföljning"',
            '"ekonomisk uppföljning" -ramen',
            'uppföljning -"ekonomisk uppföljning"',
            '"ekonomisk uppföljning" OR godkänns',
        ]:
            with self.subTest(query=query):
                rows = Paragraf.objects.all()
                self.assertEqual(
                    set(Query(query).with_all_words(rows, walk=True)),
                    set(Query(query).with_all_words(rows)),
                )
