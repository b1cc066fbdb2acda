"""Searching the archive: one list of the newest matches serves it all.

A common word matches most of the archive, and every question asked of its
matches (how many, which are best, how many per board) reads the matching rows.
So each search fetches the ids of the newest matches once, in the order of the
index paragraf_newest_first, and answers the count, the page and the facets
from that list: the count stops at COUNT_LIMIT ("över 10 000 träffar"),
relevance ranks the newest RANKED, facets count among the newest FACET_LIMIT.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.db.models.functions import ExtractYear

from .filters import ParagrafFilter, has_reservation
from .models import (
    NEWEST,
    RANKED,
    Paragraf,
    ParagrafQuerySet,
    Reservation,
    ReservationMember,
    Word,
    search_query,
    snippet,
)

COUNT_LIMIT = 10_000
FACET_LIMIT = 10_000
# A phrase is checked against each candidate's word positions, reading its
# whole stored vector: its matches are counted (and faceted) to 1,000 only.
PHRASE_LIMIT = 1_000


@dataclass
class Facets:
    """Counts per facet value among the matches of every other filter."""

    namnder: list[dict] = field(default_factory=list)
    kommuner: list[dict] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)
    parties: list[dict] = field(default_factory=list)
    with_reservation: int = 0


@dataclass
class SearchResult:
    page: Page
    # How many match, up to COUNT_LIMIT; `capped` when there are more.
    total: int
    capped: bool
    facets: Facets
    suggestion: str | None = None


def newest_ids(scope: ParagrafQuerySet, limit: int) -> list[int]:
    """Return the ids of the newest `limit` rows of scope, walking the index."""
    return list(scope.order_by(*NEWEST).values_list("pk", flat=True)[:limit])


def search_archive(filterset: ParagrafFilter, page_number: str | None) -> SearchResult:
    """Run a valid search: its page, count, facets and, if nothing matched, a
    suggestion. Raises InvalidPage for a page that is not there."""
    query = filterset.query
    limit = PHRASE_LIMIT if '"' in query else COUNT_LIMIT
    ids = newest_ids(filterset.scope(), limit + 1)
    total, capped = min(len(ids), limit), len(ids) > limit
    ids = ids[:limit]
    rows = Paragraf.objects.public()
    if query and filterset.chosen.get("ordning") != "nyast":
        ranked = rows.filter(pk__any=ids[:RANKED]).ranked(query)
        page = Paginator(ranked, settings.PAGE_SIZE).page(page_number or 1)
    else:
        page = Paginator(ids, settings.PAGE_SIZE).page(page_number or 1)
        if query:
            rows = rows.annotate(snippet=snippet(search_query(query)))
        found = {row.pk: row for row in rows.filter(pk__in=page.object_list)}
        page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return SearchResult(
        page=page,
        total=total,
        capped=capped,
        facets=facets(filterset, ids[:FACET_LIMIT], min(limit, FACET_LIMIT)),
        suggestion=suggest(query) if query and not total else None,
    )


def facets(filterset: ParagrafFilter, ids: list[int], limit: int) -> Facets:
    """Count the matches per board, municipality, year and reserving party.

    A facet whose own filter is set counts among the matches of the others,
    so that its other values stay in view (its newest `limit`); the rest count
    among `ids`.
    """
    chosen = filterset.chosen

    def among(name: str) -> list[int]:
        if chosen.get(name) in (None, ""):
            return ids
        return newest_ids(filterset.scope(without=name), limit)

    namnd = "meeting__namnd"
    municipality = "meeting__namnd__municipality"
    result = Facets()
    result.namnder = list(
        Paragraf.objects.filter(pk__any=among("namnd"))
        .values(namnd, f"{namnd}__name", f"{municipality}__name")
        .annotate(n=Count("id"))
        .order_by("-n", f"{namnd}__name")[:15]
    )
    result.kommuner = list(
        Paragraf.objects.filter(pk__any=among("kommun"))
        .values(f"{municipality}__slug", f"{municipality}__name")
        .annotate(n=Count("id"))
        .order_by("-n", f"{municipality}__name")
    )
    result.years = list(
        Paragraf.objects.filter(pk__any=among("ar"))
        .annotate(year=ExtractYear("meeting_date"))
        .exclude(year=None)
        .values("year")
        .annotate(n=Count("id"))
        .order_by("-year")
    )
    result.parties = list(
        ReservationMember.objects.filter(
            reservation__paragraf__id__any=among("parti"),
            reservation__kind=Reservation.Kind.RESERVATION,
        )
        .exclude(member__party="")
        .values("member__party")
        .annotate(n=Count("reservation__paragraf", distinct=True))
        .order_by("-n", "member__party")
    )
    result.with_reservation = (
        Paragraf.objects.filter(pk__any=among("reservation"))
        .filter(has_reservation())
        .count()
    )
    return result


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
