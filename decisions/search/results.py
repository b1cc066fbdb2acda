"""The search page's answer: a page of matches, their count, facets and, when
nothing matched, a suggestion, all from one walk (decisions.search.walk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator

from ..lookups import Ids
from ..models import Arende, Paragraf, ParagrafQuerySet
from .facets import Facets, facets
from .filters import ParagrafFilter
from .query import RANKED, Reference
from .suggest import suggest
from .walk import walk_limit, walk_matches

# What a page of matches never prints of a paragraph: its whole text (the
# snippet is cut from it in PostgreSQL) and the parsed parts beside it, which
# were most of what a page read and decoded (sections is JSON).
_NOT_LISTED = (
    "text",
    "sections",
    "procedure",
    "recipients",
    "attachments",
    "case_numbers",
    "corrections",
    "conflicts",
)


@dataclass
class SearchResult:
    page: Page
    # How many match, up to COUNT_LIMIT; `capped` when there are more.
    total: int
    capped: bool
    facets: Facets
    suggestion: str | None = None


def search_archive(filterset: ParagrafFilter, page_number: str | None) -> SearchResult:
    """Run a valid search: its page, count, facets and, if nothing matched, a
    suggestion. Raises InvalidPage for a page that is not there."""
    query = filterset.query
    words = filterset.words
    limit = walk_limit(query)
    walk = walk_matches(filterset, limit)
    total, capped = min(walk.found, limit), walk.found > limit
    ids = walk.ids
    rows = Paragraf.objects.published().with_badges().defer(*_NOT_LISTED)
    page: Page[Any]
    if query and not filterset.newest_first:
        # Ranked on the paragraphs alone; only the page's rows are joined and
        # highlighted (joining all 1,000 first hashed every meeting: 36 → 20 ms).
        ranked = words.ranked(Paragraf.objects.filter(pk__any=Ids(ids[:RANKED])))
        paginator = Paginator(ranked.values("pk"), settings.PAGE_SIZE)
        paginator.count = len(ids[:RANKED])  # known already: no COUNT query
        page = paginator.page(page_number or 1)
        page.object_list = words.ranked(rows.filter(pk__in=page.object_list))
    else:
        page = Paginator(ids, settings.PAGE_SIZE).page(page_number or 1)
        if query:
            rows = words.with_snippets(rows)
        found = {row.pk: row for row in rows.filter(pk__any=Ids(page.object_list))}
        page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return SearchResult(
        page=page,
        total=total,
        capped=capped,
        facets=facets(filterset, walk, limit),
        suggestion=suggest(query) if query and not total else None,
    )


@dataclass
class ReferenceResult:
    # The paragraphs the reference names, newest first.
    paragrafer: ParagrafQuerySet
    # For a dnr: the cases it names that have a published paragraph, each
    # with its municipality, for the line above the paragraphs.
    cases: list[Arende]
    # The one page the reference names, to go straight to; None for a list.
    destination: str | None


def find_reference(reference: Reference) -> ReferenceResult | None:
    """Find what a typed dnr or paragraph names; None when no published
    paragraph carries it (the words are then searched as words).

    Where it goes: a dnr that names one case, and no paragraph outside that
    case, goes to the case's page, which lists every paragraph of the case
    in order with its decision: the case is what the reader named, and the
    list of search results would show the same paragraphs with less. When
    the dnr names several cases (the same number in several municipalities)
    or other paragraphs also cite it, the results list them, with a link to
    each case above. A paragraph cited alone ("KS 2024-03-11 § 39") goes to
    that paragraph; several candidates ("KS § 39" in every year) are listed,
    the newest first.
    """
    found = Paragraf.objects.published().with_badges().search(reference)
    hits = list(found[:2])
    if not hits:
        return None
    cases = list(
        reference.cases()
        .filter(pk__in=found.values("arende"))
        .select_related("municipality")
        .order_by("municipality__name", "dnr")
    )
    destination = None
    if len(cases) == 1 and not found.exclude(arende=cases[0]).exists():
        destination = cases[0].get_absolute_url()
    elif reference.dnr is None and len(hits) == 1:
        destination = hits[0].get_absolute_url()
    return ReferenceResult(
        paragrafer=found.newest(), cases=cases, destination=destination
    )
