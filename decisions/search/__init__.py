"""Search: PostgreSQL full-text search over the published paragraphs.

The door is one queryset method, as djangoproject.com's docs search has it:

    Paragraf.objects.published().search(Query("bygglov"))
    Paragraf.objects.published().search(Reference.parse("KS 2016/123"))

It takes the search already parsed, because the models may not import this
package (pyproject.toml's import contracts: search reads the models, never
the other way). A `Query` or `Reference` knows how to filter and order rows
(its `apply()`); the door hands it the queryset. What may be found is the
caller's start, Paragraf.objects.published() (ParagrafFilter applies it to
whatever queryset it is handed). So models.py keeps the data
and its stored vector (SEARCH_VECTOR, the indexes), and everything that reads
a search lives here:

- query.py: the search box's language (words, phrases, OR, -word, base forms,
  prefixes; diarienummer and "§ 13"), ranking and snippets;
- filters.py: the search's form (ParagrafFilter), shared by the page, the
  feed and the API, and the rows it chooses (scope());
- plan.py: the choices PostgreSQL's planner gets wrong (common words, dense
  phrases), read once per search;
- walk.py: one walk over the newest matches answers count, page and facets;
- facets.py, suggest.py, results.py: what the search page shows;
- lexicon.py: Swedish base forms and compound parts, indexed at write time
  (decisions.services) and applied to the words typed.

Pages use search_archive() and find_reference(); the search feed newest_ids(); the
API and the CSV ParagrafFilter.scope().
"""

from .facets import Facets, FacetValue
from .filters import ParagrafFilter
from .query import Query, Reference
from .results import ReferenceResult, SearchResult, find_reference, search_archive
from .walk import COUNT_LIMIT, newest_ids

__all__ = [
    "COUNT_LIMIT",
    "FacetValue",
    "Facets",
    "ParagrafFilter",
    "Query",
    "Reference",
    "ReferenceResult",
    "SearchResult",
    "find_reference",
    "newest_ids",
    "search_archive",
]
