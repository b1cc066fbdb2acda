"""Searching the archive: one list of the newest matches serves it all.

A common word matches most of the archive, and every question asked of its
matches (how many, which are best, how many per board) reads the matching rows.
So each search fetches the ids of the newest matches once, in the order of the
index paragraf_newest_first, and answers the count, the page and the facets
from that list: the count stops at COUNT_LIMIT ("över 10 000 träffar"),
relevance ranks the newest RANKED, facets count among the newest FACET_LIMIT.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator

from .filters import ParagrafFilter
from .models import (
    NEWEST,
    RANKED,
    Meeting,
    Paragraf,
    ParagrafQuerySet,
    Word,
    search_query,
    snippet,
)

COUNT_LIMIT = 10_000
FACET_LIMIT = 10_000
# A phrase is checked against each candidate's word positions, reading its
# whole stored vector: its matches are counted (and faceted) to 1,000 only.
PHRASE_LIMIT = 1_000


@dataclass(frozen=True)
class FacetValue:
    """One value a facet offers: what goes in the URL, what is shown, how many."""

    value: str | int
    label: str
    n: int


@dataclass
class Facets:
    """Counts per facet value among the matches of every other filter."""

    namnder: list[FacetValue] = field(default_factory=list)
    kommuner: list[FacetValue] = field(default_factory=list)
    years: list[FacetValue] = field(default_factory=list)
    parties: list[FacetValue] = field(default_factory=list)
    with_reservation: int = 0


@dataclass
class SearchResult:
    page: Page
    # How many match, up to COUNT_LIMIT; `capped` when there are more.
    total: int
    capped: bool
    facets: Facets
    suggestion: str | None = None


class Match(NamedTuple):
    """A match as the count, the page and the facets need it."""

    pk: int
    meeting_id: int
    meeting_date: date | None
    has_reservation: bool
    reserving_parties: list[str]


def newest_matches(scope: ParagrafQuerySet, limit: int) -> list[Match]:
    """Return the newest `limit` rows of scope, walking the index.

    What the facets count comes with each id at no cost (the walk reads each
    row anyway), so that they need not look the rows up again.
    """
    rows = scope.order_by(*NEWEST).values_list(*Match._fields)
    return [Match(*row) for row in rows[:limit]]


def search_archive(filterset: ParagrafFilter, page_number: str | None) -> SearchResult:
    """Run a valid search: its page, count, facets and, if nothing matched, a
    suggestion. Raises InvalidPage for a page that is not there."""
    query = filterset.query
    limit = PHRASE_LIMIT if '"' in query else COUNT_LIMIT
    matches = newest_matches(filterset.scope(), limit + 1)
    total, capped = min(len(matches), limit), len(matches) > limit
    matches = matches[:limit]
    ids = [match.pk for match in matches]
    rows = Paragraf.objects.public()
    if query and filterset.chosen.get("ordning") != "nyast":
        ranked = rows.filter(pk__any=ids[:RANKED]).ranked(query)
        paginator = Paginator(ranked, settings.PAGE_SIZE)
        paginator.count = len(ids[:RANKED])  # known already: no COUNT query
        page = paginator.page(page_number or 1)
    else:
        page = Paginator(ids, settings.PAGE_SIZE).page(page_number or 1)
        if query:
            rows = rows.annotate(snippet=snippet(search_query(query)))
        found = {row.pk: row for row in rows.filter(pk__any=page.object_list)}
        page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return SearchResult(
        page=page,
        total=total,
        capped=capped,
        facets=facets(filterset, matches[:FACET_LIMIT], min(limit, FACET_LIMIT)),
        suggestion=suggest(query) if query and not total else None,
    )


def facets(filterset: ParagrafFilter, matches: list[Match], limit: int) -> Facets:
    """Count the matches per board, municipality, year and reserving party.

    A facet whose own filter is set counts among the matches of the others,
    so that its other values stay in view (their newest `limit`); the rest
    count among `matches`. Counting happens here rather than in one GROUP BY
    per facet: each of those would look up every match again.
    """
    chosen = filterset.chosen
    among_cache: dict[str | None, list[Match]] = {None: matches}

    def among(name: str) -> list[Match]:
        key = name if chosen.get(name) not in (None, "") else None
        if key not in among_cache:
            among_cache[key] = newest_matches(filterset.scope(without=name), limit)
        return among_cache[key]

    by_board, by_municipality = board_counts(among("namnd"), among("kommun"))
    years = Counter(m.meeting_date.year for m in among("ar") if m.meeting_date)
    parties = Counter(p for m in among("parti") for p in m.reserving_parties)
    return Facets(
        namnder=by_board[:15],
        kommuner=by_municipality,
        years=[
            FacetValue(year, str(year), n)
            for year, n in sorted(years.items(), reverse=True)
        ],
        parties=most_first(FacetValue(p, p, n) for p, n in parties.items()),
        with_reservation=sum(m.has_reservation for m in among("reservation")),
    )


def board_counts(
    for_boards: list[Match], for_municipalities: list[Match]
) -> tuple[list[FacetValue], list[FacetValue]]:
    """Count matches per board and per municipality, most first."""
    meetings = {m.meeting_id for rows in (for_boards, for_municipalities) for m in rows}
    board_of: dict[int, int] = {}
    label: dict[int, str] = {}
    municipality_of: dict[int, tuple[str, str]] = {}
    for meeting, board, name, slug, municipality in (
        Meeting.objects.filter(pk__any=sorted(meetings))
        .order_by()
        .values_list(
            "pk",
            "namnd_id",
            "namnd__name",
            "namnd__municipality__slug",
            "namnd__municipality__name",
        )
    ):
        board_of[meeting] = board
        label[board] = f"{name}, {municipality}"
        municipality_of[board] = (slug, municipality)
    boards = Counter(board_of[m.meeting_id] for m in for_boards)
    municipalities = Counter(
        municipality_of[board_of[m.meeting_id]] for m in for_municipalities
    )
    return (
        most_first(FacetValue(board, label[board], n) for board, n in boards.items()),
        most_first(
            FacetValue(slug, name, n) for (slug, name), n in municipalities.items()
        ),
    )


def most_first(values: Iterable[FacetValue]) -> list[FacetValue]:
    return sorted(values, key=lambda facet: (-facet.n, facet.label))


def suggest(query: str) -> str | None:
    """Propose the query with each word the archive lacks replaced by its nearest
    word ("Menade du: ..."); None when there is nothing better to propose."""
    words = query.split()
    changed = False
    for index, word in enumerate(words[:6]):
        bare = word.strip('"-').lower()
        if len(bare) < 3 or bare == "or" or Word.objects.filter(word=bare).exists():
            continue
        nearest = Word.objects.nearest(bare, limit=1)
        if nearest:
            words[index] = word.replace(word.strip('"-'), nearest[0])
            changed = True
    return " ".join(words) if changed else None
