"""The search page's answer: a page of matches, their count, facets and, when
nothing matched, a suggestion, all from one walk (decisions.search.walk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator

from ..lookups import Ids
from ..models import Paragraf
from .facets import Facets, facets
from .filters import ParagrafFilter
from .query import RANKED
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
