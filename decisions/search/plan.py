"""The choices PostgreSQL's planner gets wrong for search, made here instead.

Its estimates for full-text queries are good on average and poor at the ends:
a common word among rows a board or dates already narrow, and a phrase whose
words it takes as independent. Each choice reads the archive once per search
(ParagrafFilter caches it) and says how to match: through the GIN index, or
row by row along the newest-first index.
"""

from __future__ import annotations

import json

from django.db import connection

from ..models import Paragraf
from .query import Query

# Filters an index walks (paragraf_newest_first's dates, a board's meetings).
NARROWING = {"namnd", "ar", "fran", "till"}
# A query PostgreSQL expects to match more than this share of paragraphs is a
# common one: among NARROWING filters, its words are checked row by row
# (Query.matching(walk_words=True)).
COMMON_SHARE = 0.1
# How much of the table sampled_share_with_all_words() reads: 0.2 % of the
# pages of a million paragraphs is ≈560 pages and ≈2,000 rows (≈5 ms).
SAMPLE_PERCENT = 0.2
# A phrase whose words are all in at least this share of paragraphs has its
# candidates walked newest first (Query.with_all_words(walk=True)): at 2 %,
# the newest 1,001 candidates lie within ≈50,000 rows (≈100 ms at most), and
# the planner already walks most such phrases itself.
DENSE_SHARE = 0.02


def common(query: Query) -> bool:
    """Whether the words match a large share of the archive."""
    return share_matching(query) > COMMON_SHARE


def dense(query: Query) -> bool:
    """Whether a phrase's words are common together (from a sample:
    PostgreSQL's own estimate assumes them independent)."""
    return sampled_share_with_all_words(query) >= DENSE_SHARE


def share_matching(query: Query) -> float:
    """The share of paragraphs PostgreSQL's own statistics expect the words
    to match: its row estimate (EXPLAIN) over the table's row count."""
    rows = Paragraf.objects.filter(lexemes=query.tsquery).order_by()
    sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [Paragraf._meta.db_table],
        )
        total = cursor.fetchone()[0]
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"] / total if total > 0 else 0.0


def sampled_share_with_all_words(query: Query) -> float:
    """The share of paragraphs that are published and hold all the words
    (Query.with_all_words()), counted on a fixed sample of the table's pages
    (SAMPLE_PERCENT).

    PostgreSQL estimates it as if the words were independent, and a prefix
    it guesses: `"motionen besvarad" skolskjuts`, 13,000 rows estimated of a
    million, 124,000 real, planned as a bitmap of them all (lossy, 100,000
    heap pages, 530 ms) where walking the newest rows finds the newest
    1,001 within 15,000 (≈30 ms). Counting a sample knows better.
    """
    rows = query.with_all_words(Paragraf.objects.published())
    compiler = rows.query.get_compiler(connection=connection)
    where, params = rows.query.where.as_sql(compiler, connection)
    table = connection.ops.quote_name(Paragraf._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE {where}), count(*) FROM {table} "
            f"TABLESAMPLE SYSTEM ({SAMPLE_PERCENT}) REPEATABLE (0)",
            params,
        )
        hits, sampled = cursor.fetchone()
    return hits / sampled if sampled else 0.0
