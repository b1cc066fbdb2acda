"""The walk: one list of the newest matches serves a whole search.

A common word matches most of the archive, and every question asked of its
matches (how many, which are best, how many per board) reads the matching rows.
So each search fetches the ids of the newest matches once, in the order of the
index paragraf_newest_first, and answers the count, the page and the facets
from that list: the count stops at COUNT_LIMIT ("över 10 000 träffar"),
relevance ranks the newest RANKED, facets count among the counted matches.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import connection

from ..models import NEWEST, ParagrafQuerySet
from .filters import ParagrafFilter

# How many of a search's newest matches its walk counts ("över 10 000").
COUNT_LIMIT = 10_000
# A phrase is checked against each candidate's word positions, reading its
# whole stored vector: its matches are counted (and faceted) to 1,000 only.
PHRASE_LIMIT = 1_000
# How many of a phrase's newest candidates each try of newest_phrase_matches()
# checks, before it checks them all: these times the walk's limit + 1, the
# first try always, a later one only up to PHRASE_CANDIDATES. Each candidate
# checked reads its stored vector (≈9 µs): a try that falls short costs its
# candidates again in the check of all (10,010: ≈90 ms at most).
PHRASE_TRIES = (1, 10)
PHRASE_CANDIDATES = 10 * (PHRASE_LIMIT + 1)


@dataclass
class Walk:
    """The newest matches of a scope, counted where they lie: in PostgreSQL.

    Moving 10,000 rows of five columns into Python cost more than finding
    them (≈20 ms a walk); the walk's one query returns its ids and the counts
    every facet needs instead.
    """

    ids: list[int]
    # How many match, up to the limit + 1 (the walk's own count).
    found: int
    per_meeting: dict[int, int]
    per_year: dict[int, int]
    reserved: int
    per_party: dict[str, int]
    # A phrase's try: how many candidates it had (None when nothing matched).
    seen: int | None = None


# {walk} is the ORM's SQL for the newest rows, {limit} how many of them count.
# The counted rows are grouped once, per meeting and year (a meeting has one
# date), and Python sums the groups per meeting, year and dissent; parties are
# unnested in the select list. A pass over the 10,000 rows per facet, with
# unnest() as a FROM item (a function scan set up again for every row), made
# up a third of a common word's walk: 62 ms, of which 41 ms the walk itself;
# now 56 ms.
_WALK = """
WITH found (id, meeting_id, meeting_date, has_reservation, reserving_parties)
    AS MATERIALIZED ({walk}),
counted AS (
    SELECT * FROM found ORDER BY meeting_date DESC NULLS LAST, id LIMIT {limit}
)
SELECT
    (SELECT count(*) FROM found),
    {ids},
    (SELECT json_agg(json_build_array(meeting_id, y, n, reserved)) FROM (
        SELECT meeting_id, extract(year FROM meeting_date)::int AS y,
            count(*) AS n, count(*) FILTER (WHERE has_reservation) AS reserved
        FROM counted GROUP BY 1, 2) c),
    {parties},
    {seen}
"""
# What only some walks need: the search's own walk its ids, and the `parti` facet's
# walk (and the search's own) the counts per party; a facet's walk without
# them is ≈10 ms faster at 10,000 rows (no sort of the ids, no unnest).
_IDS = "ARRAY(SELECT id FROM counted ORDER BY meeting_date DESC NULLS LAST, id)"
_PARTIES = """(SELECT json_object_agg(p, n) FROM (
        SELECT p, count(*) AS n
        FROM (SELECT unnest(reserving_parties) AS p FROM counted) u
        GROUP BY p) c)"""
_COLUMNS = ("pk", "meeting_id", "meeting_date", "has_reservation", "reserving_parties")
# {candidates} is the ORM's SQL for a phrase's newest candidates with `search`,
# {phrase} its tsquery. Every level keeps the order, so no Sort node waits for
# all candidates: the phrase is checked only until {limit} rows match.
_PHRASE_WALK = """
SELECT id, meeting_id, meeting_date, has_reservation, reserving_parties, seen
FROM (
    SELECT *, count(*) OVER () AS seen
    FROM ({candidates}) AS newest (
        id, meeting_id, meeting_date, has_reservation, reserving_parties, search)
    ORDER BY meeting_date DESC NULLS LAST, id
) AS candidate
WHERE search @@ ({phrase})
ORDER BY meeting_date DESC NULLS LAST, id
LIMIT {limit}
"""


def walk_limit(query: str) -> int:
    """How many of a search's newest matches its walk counts."""
    return PHRASE_LIMIT if '"' in query else COUNT_LIMIT


def walk_matches(
    filterset: ParagrafFilter, limit: int, without: str | None = None
) -> Walk:
    """The newest matches of the search, leaving out the filter `without`.

    A walk without a filter serves that filter's facet alone (decisions.search.
    facets): it
    has no ids, and counts per party only for `parti`.
    """
    if filterset.query and filterset.words.phrase:
        return newest_phrase_matches(filterset, limit, without)
    return newest_matches(filterset.scope(without=without), limit, facet=without)


def newest_matches(
    scope: ParagrafQuerySet, limit: int, *, facet: str | None = None
) -> Walk:
    """Walk the newest `limit` + 1 rows of scope (the index's order) and count
    the first `limit` of them per meeting, year and reserving party; for one
    `facet` only, see walk_matches()."""
    rows = scope.order_by(*NEWEST).values_list(*_COLUMNS)[: limit + 1]
    sql, params = rows.query.sql_with_params()
    return _walk(sql, params, limit, facet=facet)


def newest_phrase_matches(
    filterset: ParagrafFilter, limit: int, without: str | None = None
) -> Walk:
    """newest_matches() for a phrase, reading `search` for few rows.

    PostgreSQL cannot tell how many rows with a phrase's words hold the words
    in order; matching the phrase on `search` alone, it detoasted and checked
    every row its walk met (`"ekonomisk uppföljning"`: 36,000 rows, 175 ms
    at a million paragraphs). So the candidates, the rows with all the words
    (through `lexemes`, kept in the row: a plain words query, which the
    planner walks or bitmaps as well as any), are checked newest first: the
    newest `limit` + 1 of them (11-39 ms for the benchmark's phrases, whose
    words mostly come in order), then ten times as many (ekonomisk
    uppföljning: 117 of its newest 1,001 candidates match; ≈90 ms), and only
    when those hold too few matches, all of them as before. (Words the parser
    splits, like "e-post", count to COUNT_LIMIT: one try of 10,001.) A try that ends
    with fewer candidates than it may take has seen them all: its matches
    are all there are. One that matches nothing goes straight to all.
    Where a sample finds the words together in many rows (dense_phrase), the
    candidates are walked newest first whatever PostgreSQL estimates.
    """
    candidates = filterset.scope(without=without, all_words=True).order_by(*NEWEST)
    phrase = filterset.words.tsquery.resolve_expression(candidates.query)
    phrase_sql, phrase_params = candidates.query.get_compiler(
        connection=connection
    ).compile(phrase)
    tries = [times * (limit + 1) for times in PHRASE_TRIES]
    for first in [tries[0], *(n for n in tries[1:] if n <= PHRASE_CANDIDATES)]:
        rows = candidates.values_list(*_COLUMNS, "search")[:first]
        sql, params = rows.query.sql_with_params()
        walk = _walk(
            _PHRASE_WALK.replace("{candidates}", sql)
            .replace("{phrase}", phrase_sql)
            .replace("{limit}", str(limit + 1)),
            (*params, *phrase_params),
            limit,
            facet=without,
            seen=True,
        )
        if walk.found > limit or (walk.seen or first) < first:
            return walk
        if not walk.found:
            break
    return newest_matches(filterset.scope(without=without), limit, facet=without)


def _walk(
    sql: str,
    params: tuple,
    limit: int,
    *,
    facet: str | None = None,
    seen: bool = False,
) -> Walk:
    """Run _WALK around sql, the newest rows, counting the first `limit`."""
    with connection.cursor() as cursor:
        cursor.execute(
            _WALK.replace("{walk}", sql)
            .replace("{limit}", str(limit))
            .replace("{ids}", _IDS if facet is None else "NULL")
            .replace("{parties}", _PARTIES if facet in (None, "parti") else "NULL")
            .replace("{seen}", "(SELECT max(seen) FROM found)" if seen else "NULL"),
            params,
        )
        found, ids, groups, parties, candidates = cursor.fetchone()
    per_meeting: Counter[int] = Counter()
    per_year: Counter[int] = Counter()
    reserved = 0
    for meeting, year, n, with_reservation in _json(groups) or []:
        per_meeting[meeting] += n
        if year is not None:
            per_year[year] += n
        reserved += with_reservation
    return Walk(
        ids=list(ids or []),
        found=found,
        per_meeting=dict(per_meeting),
        per_year=dict(per_year),
        reserved=reserved,
        per_party=_json(parties) or {},
        seen=candidates,
    )


def _json(value: str | dict | list | None) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def newest_ids(filterset: ParagrafFilter, n: int) -> list[int]:
    """The ids of a search's newest n matches, found by the search page's own
    walk. Asked for only the newest 50, PostgreSQL walks the date index hoping
    to meet a rare word's few rows soon, and meets them last (fågeltornet:
    840 ms at a million paragraphs)."""
    return walk_matches(filterset, walk_limit(filterset.query)).ids[:n]
