"""Facets: how many of a search's matches each board, municipality, year and
reserving party holds, counted from walks (decisions.search.walk)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from ..lookups import Ids
from ..models import Meeting
from .filters import ParagrafFilter
from .walk import Walk, walk_matches


@dataclass(frozen=True)
class FacetValue:
    """One value a facet offers: what goes in the URL, what is shown, how many,
    and the query string that chooses it."""

    value: str | int
    label: str
    n: int
    query: str = ""


@dataclass
class Facets:
    """Counts per facet value among the matches of every other filter."""

    namnder: list[FacetValue] = field(default_factory=list)
    kommuner: list[FacetValue] = field(default_factory=list)
    years: list[FacetValue] = field(default_factory=list)
    parties: list[FacetValue] = field(default_factory=list)
    with_reservation: int = 0


def facets(filterset: ParagrafFilter, walk: Walk, limit: int) -> Facets:
    """Count the matches per board, municipality, year and reserving party.

    A facet whose own filter is set counts among the matches of the others,
    so that its other values stay in view (their newest `limit`); the rest
    count among `walk`'s.
    """
    chosen = filterset.chosen
    walks: dict[str | None, Walk] = {None: walk}

    def among(name: str) -> Walk:
        key = name if chosen.get(name) not in (None, "") else None
        if key not in walks:
            walks[key] = walk_matches(filterset, limit, without=key)
        return walks[key]

    by_namnd, by_municipality = namnd_counts(among("namnd"), among("kommun"))
    years = among("ar").per_year
    parties = among("parti").per_party
    data = filterset.data or {}
    return Facets(
        namnder=choosing(data, "namnd", by_namnd[:15]),
        kommuner=choosing(data, "kommun", by_municipality),
        years=choosing(
            data,
            "ar",
            [FacetValue(y, str(y), years[y]) for y in sorted(years, reverse=True)],
        ),
        parties=choosing(
            data, "parti", most_first(FacetValue(p, p, n) for p, n in parties.items())
        ),
        with_reservation=among("reservation").reserved,
    )


def choosing(data: Any, name: str, values: list[FacetValue]) -> list[FacetValue]:
    """The values with the query string that chooses each: the search's own
    with `name` set and the page number left out, as {% querystring %} writes
    it (in place where `name` was, else last), but one urlencode each: the
    tag copied the query for each of the page's ≈60 facet links."""
    lists = data.lists() if hasattr(data, "lists") else data.items()
    pairs = [(k, vs if isinstance(vs, list) else [vs]) for k, vs in lists]
    if name not in data:
        pairs.append((name, []))
    out = []
    for value in values:
        query = urlencode(
            [
                (key, str(v))
                for key, vs in pairs
                if key != "sida"
                for v in ([value.value] if key == name else vs)
            ]
        )
        out.append(replace(value, query=f"?{query}"))
    return out


def namnd_counts(
    for_namnder: Walk, for_municipalities: Walk
) -> tuple[list[FacetValue], list[FacetValue]]:
    """Count matches per board and per municipality, most first."""
    meetings = {*for_namnder.per_meeting, *for_municipalities.per_meeting}
    namnd_of: dict[int, int] = {}
    label: dict[int, str] = {}
    # A board is chosen by its slugs, as every filter names it (Namnd.slug_path).
    value: dict[int, str] = {}
    municipality_of: dict[int, tuple[str, str]] = {}
    for meeting, namnd, name, namnd_slug, slug, municipality in (
        Meeting.objects.filter(pk__any=Ids(sorted(meetings)))
        .order_by()
        .values_list(
            "pk",
            "namnd_id",
            "namnd__name",
            "namnd__slug",
            "namnd__municipality__slug",
            "namnd__municipality__name",
        )
    ):
        namnd_of[meeting] = namnd
        label[namnd] = f"{name}, {municipality}"
        value[namnd] = f"{slug}/{namnd_slug}"
        municipality_of[namnd] = (slug, municipality)
    namnder: Counter[int] = Counter()
    for meeting, n in for_namnder.per_meeting.items():
        namnder[namnd_of[meeting]] += n
    municipalities: Counter[tuple[str, str]] = Counter()
    for meeting, n in for_municipalities.per_meeting.items():
        municipalities[municipality_of[namnd_of[meeting]]] += n
    return (
        most_first(
            FacetValue(value[namnd], label[namnd], n) for namnd, n in namnder.items()
        ),
        most_first(
            FacetValue(slug, name, n) for (slug, name), n in municipalities.items()
        ),
    )


def most_first(values: Iterable[FacetValue]) -> list[FacetValue]:
    """Most matches first; ties in Swedish alphabetical order."""
    return sorted(values, key=lambda facet: (-facet.n, swedish_key(facet.label)))


# Å, Ä, Ö after Z, as the database's sv-SE-x-icu collation sorts names; é and
# ü as the letters Swedish files them under.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e", "ü": "y"})


def swedish_key(text: str) -> str:
    """A sort key for Swedish names in Python: "Östra" after "Zinkgruvan"."""
    return text.lower().translate(_SWEDISH_ORDER)
