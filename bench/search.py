"""How fast search is on a big archive: the /sok/ view, and the SQL it runs.

    .venv/bin/python bench/search.py [--paragraphs 1000000] [--database-url URL]
        [--jobs 2] [--refill]

Runs against `<name>_search_<N>` on the server of --database-url (default:
$DATABASE_URL), which is kept between runs: a run reuses it when its marker table
says it holds bench/archive.py's archive of N paragraphs under the current
migrations and columns, and otherwise (or with --refill) drops, creates, migrates
and fills it. The fill COPYs rows through the models' own columns (every concrete
field but generated ones, so schema changes need no change here), lets PostgreSQL
compute the generated search vector as the paragraphs arrive (--jobs streams at
once), builds Paragraf's Meta.indexes after the COPY rather than during it, then
runs VACUUM ANALYZE. It prints each phase's seconds. What ingest derives from a
paragraph (search_terms, the Word list) comes from decisions.search.lexicon as
ingest calls it; a change to decisions/search/lexicon.py alone does not refill:
give --refill.

Then QUERIES, 50 of six kinds: rare words (< 0.1 % of paragraphs), common words
(most of the archive), "phrases", words with board or year filters, diarienummer,
and filters without words. Each goes through the real view with Django's test
client (GET /sok/ with the query string the form takes): one run warms the caches
and captures the SQL the view runs, three are timed; then the captured statements
run as they are on a raw psycopg connection, three times. A query's time is the
median of its runs. Prints every query, p50/p95 per kind and overall for the view
and the raw SQL, the view/raw ratio, and EXPLAIN (ANALYZE, BUFFERS) of the slowest
statement of the slowest raw query; the last line is one JSON object:
paragraphs, p50_ms, p95_ms, raw_p50_ms, raw_p95_ms, ratio_p95, fill_seconds (of
the fill that made the database, also when reused), fill_reused, queries,
redirects, cpu_reference_ms (this machine's time for a fixed Python loop: the
same run on another machine scales by about its ratio). An error answer (4xx,
5xx) stops it without figures; a redirect (a case number sent on to its case
page) is counted. The kept-page cache and the rate limits are off (PAGE_CACHE,
RATELIMIT_*): it measures search. The raw statements run under the view's
session settings (jit off, the statement timeout).

Static URLs are rendered without whitenoise's manifest, so no collectstatic is
needed; CONN_MAX_AGE defaults to an hour so the view keeps one connection, as a
busy server would.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import json
import math
import multiprocessing
import os
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import archive as generated  # noqa: E402
from bench.databases import (  # noqa: E402
    add_archive_arguments,
    recreate,
    server_params,
    use_archive,
)

SEED = 1
REPEATS = 3
MARKER = "bench_search_archive"
# The walk decisions.search.walk.newest_matches() runs, and the number it counts.
NEWEST_MATCHES = re.compile(r"^\s*WITH found .* LIMIT (\d+)\s*\)\s*SELECT", re.S)

# (kind, query string). A board is (municipality, board) and becomes its id; the
# boards, diarienummer shapes and rare words are those bench/archive.py makes.
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("rare", {"q": "bäverdamm"}),
    ("rare", {"q": "kanotled"}),
    ("rare", {"q": "hundrastgård"}),
    ("rare", {"q": "solcellsparken"}),
    ("rare", {"q": "fågeltornet"}),
    ("rare", {"q": "skyfallskartering"}),
    ("rare", {"q": "laxtrappa"}),
    ("rare", {"q": "fladdermusinventering"}),
    ("rare", {"q": "myggbekämpning kommunen"}),
    ("rare", {"q": "sälskador OR isvak"}),
    ("common", {"q": "beslut"}),
    ("common", {"q": "kommun"}),
    ("common", {"q": "nämnden"}),
    ("common", {"q": "förvaltningen"}),
    ("common", {"q": "kommunens beslut"}),
    ("common", {"q": "budget"}),
    ("common", {"q": "förslag"}),
    ("common", {"q": "hemtjänst"}),
    ("phrase", {"q": '"reserverar sig mot beslutet"'}),
    ("phrase", {"q": '"ekonomisk uppföljning"'}),
    ("phrase", {"q": '"gång- och cykelvägar"'}),
    ("phrase", {"q": '"plan- och bygglagen"'}),
    ("phrase", {"q": '"lex Sarah"'}),
    ("phrase", {"q": '"kommunens fortsatta arbete"'}),
    ("phrase", {"q": '"särskilt uttalande"'}),
    ("phrase", {"q": '"motionen besvarad" skolskjuts'}),
    ("filter", {"q": "beslut", "namnd": ("Sjöbacka kommun", "Socialnämnden")}),
    ("filter", {"q": "beslut", "ar": "2016"}),
    (
        "filter",
        {
            "q": "detaljplan",
            "namnd": ("Norrvikens kommun", "Miljö- och byggnadsnämnden"),
        },
    ),
    ("filter", {"q": "hemtjänst", "ar": "2020"}),
    (
        "filter",
        {"q": "kommun", "namnd": ("Ålunda kommun", "Kommunstyrelsen"), "ar": "2010"},
    ),
    (
        "filter",
        {
            "q": "skolskjuts",
            "namnd": ("Hammarby kommun", "Barn- och utbildningsnämnden"),
            "ar": "2005",
        },
    ),
    ("filter", {"q": "bäverdamm", "ar": "2012"}),
    (
        "filter",
        {
            "q": '"reserverar sig mot beslutet"',
            "namnd": ("Björkede kommun", "Kommunfullmäktige"),
        },
    ),
    (
        "filter",
        {"q": "förskoleplatser", "namnd": ("Östra Lövsta kommun", "Socialnämnden")},
    ),
    ("filter", {"q": "budget OR investering", "ar": "1999"}),
    ("dnr", {"q": "KS 2016/3"}),
    ("dnr", {"q": "KS/2009:2"}),
    ("dnr", {"q": "MBN 2001.004"}),
    ("dnr", {"q": "1.1.1-5/2018"}),
    ("dnr", {"q": "KFN-2012-0002"}),
    ("dnr", {"q": "Dnr VON 2020/1"}),
    ("empty", {}),
    ("empty", {"ar": "2024"}),
    ("empty", {"ar": "1995"}),
    ("empty", {"namnd": ("Sjöbacka kommun", "Kommunstyrelsen")}),
    ("empty", {"namnd": ("Sjöbacka kommun", "Socialnämnden"), "ar": "2015"}),
    ("empty", {"namnd": ("Fjällstrands kommun", "Kommunfullmäktige")}),
    ("empty", {"ar": "2010", "sida": "10"}),
    ("empty", {"q": "", "ar": "2000"}),
]
KINDS = ["rare", "common", "phrase", "filter", "dnr", "empty"]


# The server and the database.


def fingerprint() -> dict[str, Any]:
    """What the filled rows depend on: generator, migrations, columns, indexes."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        "version": generated.VERSION,
        "seed": SEED,
        "migrations": sorted(
            f"{app}.{name}" for app, name in loader.graph.leaf_nodes()
        ),
        "columns": {
            model._meta.db_table: [f.column for f in model._meta.concrete_fields]
            for model in filled_models()
        },
        "indexes": {
            model._meta.db_table: sorted(index.name for index in model._meta.indexes)
            for model in filled_models()
        },
    }


def filled_models() -> list[Any]:
    """The models the fill writes (Word where it exists)."""
    from django.apps import apps

    names = [
        "Municipality",
        "Namnd",
        "Member",
        "Meeting",
        "Arende",
        "Paragraf",
        "Reservation",
        "ReservationMember",
        "Word",
    ]
    return [
        m for m in apps.get_app_config("decisions").get_models() if m.__name__ in names
    ]


def _one(cursor: Any) -> Any:
    """The row of a query that always returns one (psycopg says Row | None)."""
    row = cursor.fetchone()
    assert row is not None
    return row


def reusable(
    params: dict[str, Any], name: str, paragrafer: int
) -> tuple[float, dict] | None:
    """(fill seconds, phases) of a filled database to reuse, else None (says why)."""
    import psycopg

    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as db:
        if not db.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            print(f"{name} does not exist: filling it")
            return None
    with psycopg.connect(**params, autocommit=True) as db:
        if not _one(db.execute("SELECT to_regclass(%s)", [MARKER]))[0]:
            print(f"{name} has no marker (an unfinished fill?): filling it again")
            return None
        marker, stored = _one(
            db.execute(f"SELECT paragraphs, fingerprint FROM {MARKER}")
        )
        wanted = fingerprint()
        if marker != paragrafer or stored != wanted:
            changed = [k for k in wanted if stored.get(k) != wanted[k]]
            print(f"{name} was filled otherwise ({', '.join(changed)}): filling again")
            return None
        count = _one(db.execute("SELECT count(*) FROM decisions_paragraf"))[0]
        if count != paragrafer:
            print(f"{name} holds {count} paragraphs, not {paragrafer}: filling again")
            return None
        return db.execute(f"SELECT fill_seconds, phases FROM {MARKER}").fetchone()


# The fill.

# Values COPY takes as they are; other fields' values go through the field.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


class Copier:
    """COPY rows (dicts by attname) into a model's table, through its own columns.

    The columns are the model's concrete fields but generated ones, so PostgreSQL
    computes those. A field the rows lack gets its default, an automatic
    primary key the rows lack its sequence and a field with a database default
    that; the first row says which, once.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.generated]
        # (attname or None for the default, default, adapter or None) per column.
        self.plan: list[tuple[str | None, Any, Any]] = []
        self.sql = ""

    def _prepare(self, row: dict) -> None:
        from django.db import connection

        quote = connection.ops.quote_name
        columns = []
        for f in self.fields:
            key = f.attname if f.attname in row else None
            # An automatic key takes its sequence, a database default its
            # expression (ChangeStamped.changed_at: now()).
            if key is None and (
                (f.primary_key and f.get_internal_type().endswith("AutoField"))
                or f.has_db_default()
            ):
                continue
            if key is None:
                print(
                    f"  {self.model.__name__}.{f.name}: {f.get_default()!r} (default)"
                )
            adapt: Callable[[Any], Any] | None = None
            if f.get_internal_type() not in PLAIN_TYPES:
                adapt = functools.partial(f.get_db_prep_save, connection=connection)

            # A default goes through the field as a value would ({} for a
            # JSONField is no COPY value as it is).
            default = None
            if key is None:
                default = adapt(f.get_default()) if adapt else f.get_default()
            self.plan.append((key, default, adapt))
            columns.append(quote(f.column))
        self.sql = (
            f"COPY {quote(self.model._meta.db_table)} ({', '.join(columns)}) FROM STDIN"
        )

    def copy(self, db: Any, rows: Iterable[dict]) -> int:
        """COPY rows on db (a psycopg connection) and return how many."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        if not self.sql:
            self._prepare(first)
        count = 0
        with db.cursor() as cursor, cursor.copy(self.sql) as copy:
            for row in itertools.chain([first], rows):
                copy.write_row(
                    [
                        (adapt(row[key]) if adapt else row[key])
                        if key is not None
                        else default
                        for key, default, adapt in self.plan
                    ]
                )
                count += 1
        return count


_TOKEN = re.compile(r"\w+")


@functools.cache
def _token_terms(token: str) -> tuple[str, ...]:
    from decisions.search.lexicon import search_terms

    return tuple(search_terms(token).split())


class Derived:
    """What ingest computes from a paragraph's text (services._write_paragrafer).

    decisions.search.lexicon's search_terms(text) and words(text) are unions over the
    text's words (runs of \\w), so they are computed word by word and remembered:
    the generated archive has a few thousand distinct words, and this is several
    times faster than calling them on every text, with the same result.
    """

    def __init__(self) -> None:
        from decisions.search import lexicon

        self.lexicon = lexicon
        self.words: set[str] = set()
        self.seen: set[str] = set()
        if hasattr(lexicon, "search_terms"):
            lexicon.search_terms("förskoleplatser")  # read the word list once

    def __call__(self, row: dict) -> dict:
        tokens = set(_TOKEN.findall(f"{row['title']}\n{row['text']}".lower()))
        if hasattr(self.lexicon, "search_terms"):
            found: set[str] = set()
            for token in tokens:
                found.update(_token_terms(token))
            row["search_terms"] = " ".join(sorted(found))
        if hasattr(self.lexicon, "words") and not row["confidential"]:
            for token in tokens - self.seen:
                self.words |= self.lexicon.words(token)
            self.seen |= tokens
        return row


@contextlib.contextmanager
def phase(phases: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    phases[name] = round(time.perf_counter() - started, 1)
    print(f"  {name}: {phases[name]:.1f} s", flush=True)


def fill_share(
    params: dict[str, Any], paragrafer: int, share: int, shares: int
) -> dict:
    """COPY one share of the meetings' paragraphs, then their reservations."""
    import psycopg

    from decisions.models import Paragraf, Reservation, ReservationMember

    archive = generated.Archive(paragrafer, seed=SEED)
    reservations: list[dict] = []
    members: list[dict] = []
    derive = Derived()
    started = time.perf_counter()
    counted = {"paragraphs": 0, "text_bytes": 0}

    def rows() -> Iterator[dict]:
        for row, statements in archive.paragraf_rows(share, shares):
            for reservation, reservation_members in statements:
                reservations.append(reservation)
                members.extend(reservation_members)
            counted["paragraphs"] += 1
            counted["text_bytes"] += len(row["text"])
            if counted["paragraphs"] % 100_000 == 0:
                print(
                    f"    share {share}: {counted['paragraphs']} paragraphs, "
                    f"{time.perf_counter() - started:.0f} s",
                    flush=True,
                )
            yield derive(row)

    with psycopg.connect(**params) as db:
        db.execute("SET synchronous_commit = off")
        Copier(Paragraf).copy(db, rows())
        db.commit()
        paragrafer_done = time.perf_counter()
        Copier(Reservation).copy(db, reservations)
        Copier(ReservationMember).copy(db, members)
        db.commit()
    return {
        **counted,
        "reservations": len(reservations),
        "reservation_members": len(members),
        "paragraph_seconds": paragrafer_done - started,
        "statement_seconds": time.perf_counter() - paragrafer_done,
        "words": derive.words,
    }


def fill(url: str, name: str, paragrafer: int, jobs: int) -> tuple[float, dict]:
    """Drop, create, migrate and fill the database; return seconds and phases."""
    import psycopg
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, connections

    from decisions.models import Paragraf

    params = server_params(url)
    archive = generated.Archive(paragrafer, seed=SEED)
    filled_by = fingerprint()  # before: a migration may appear while this runs
    phases: dict[str, float] = {}
    started = time.perf_counter()
    print(
        f"filling {name}: {paragrafer} paragraphs, {len(archive.namnder)} boards, "
        f"{len(list(generated.YEARS))} years, {archive.meetings_per_year} "
        f"meetings a board a year, {jobs} COPY streams",
        flush=True,
    )
    with phase(phases, "create and migrate"):
        connections.close_all()
        recreate(url)
        call_command("migrate", verbosity=0)
        # Built after the COPY: one sort is far cheaper than a million inserts.
        with connection.cursor() as cursor:
            for index in Paragraf._meta.indexes:
                cursor.execute(
                    f"DROP INDEX IF EXISTS {connection.ops.quote_name(index.name)}"
                )
    models = {m.__name__: m for m in filled_models()}
    with psycopg.connect(**params) as db:
        db.execute("SET synchronous_commit = off")
        with phase(phases, "municipalities, boards, members"):
            Copier(models["Municipality"]).copy(db, archive.municipality_rows())
            Copier(models["Namnd"]).copy(db, archive.namnd_rows())
            Copier(models["Member"]).copy(db, archive.member_rows())
            db.commit()
        with phase(phases, "meetings, cases"):
            meetings: list[dict] = []

            def arenden() -> Iterator[dict]:
                for meeting in archive.plan():
                    meetings.append(archive.meeting_row(meeting))
                    yield from archive.arende_rows(meeting)

            cases = Copier(models["Arende"]).copy(db, arenden())
            Copier(models["Meeting"]).copy(db, meetings)
            db.commit()
            print(f"  {len(meetings)} meetings, {cases} cases")
    with phase(phases, "paragraphs with vectors, reservations"):
        Derived()  # reads the word list once, before forking
        connections.close_all()  # the workers are forked: share no connection
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=fork) as pool:
            results = list(
                pool.map(
                    fill_share,
                    [params] * jobs,
                    [paragrafer] * jobs,
                    range(jobs),
                    [jobs] * jobs,
                )
            )
        words = sorted(set().union(*(r.pop("words") for r in results)))
        if "Word" in models:
            with psycopg.connect(**params) as db:
                Copier(models["Word"]).copy(
                    db, ({"id": i, "word": w} for i, w in enumerate(words, start=1))
                )
        totals = {k: sum(r[k] for r in results) for k in results[0]}
        print(
            f"  {totals['paragraphs']} paragraphs "
            f"({totals['text_bytes'] / max(1, totals['paragraphs']):.0f} characters "
            f"of text on average), {totals['reservations']} reservations and "
            f"statements, {totals['reservation_members']} reservation members, "
            f"{len(words)} words; "
            f"paragraph COPY {max(r['paragraph_seconds'] for r in results):.0f} s"
        )
    with phase(phases, "sequences"), connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), filled_models()):
            cursor.execute(sql)
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '2GB'")
    for index in Paragraf._meta.indexes:
        with phase(phases, f"index {index.name}"), connection.schema_editor() as editor:
            editor.add_index(Paragraf, index)
    connections.close_all()
    with psycopg.connect(**params, autocommit=True) as db:
        with phase(phases, "vacuum analyze"):
            db.execute("VACUUM (ANALYZE)")
        size = db.execute("SELECT pg_size_pretty(pg_database_size(%s))", [name])
        print(f"  database size {_one(size)[0]}")
        seconds = round(time.perf_counter() - started, 1)
        db.execute(
            f"CREATE TABLE {MARKER} (paragraphs integer, fingerprint jsonb, "
            "fill_seconds float8, phases jsonb, filled_at timestamptz DEFAULT now())"
        )
        from psycopg.types.json import Jsonb

        db.execute(
            f"INSERT INTO {MARKER} (paragraphs, fingerprint, fill_seconds, phases) "
            "VALUES (%s, %s, %s, %s)",
            [paragrafer, Jsonb(filled_by), seconds, Jsonb(phases)],
        )
    print(f"filled in {seconds:.1f} s", flush=True)
    return seconds, phases


# The queries.


@dataclass
class Result:
    kind: str
    label: str
    status: int = 0
    view_ms: float = 0.0
    raw_ms: float = 0.0
    # The largest COUNT(*) the view ran: its (capped) number of matches.
    hits: int | None = None
    # (sql, median ms) of every statement the view ran, in order.
    statements: list[tuple[str, float]] = field(default_factory=list)


def resolve(params: dict[str, Any]) -> dict[str, str]:
    """The query string for params: boards by id, as the form takes them."""
    from decisions.models import Namnd

    out = {}
    for key, value in params.items():
        if key == "namnd":
            municipality, namnd = value
            value = str(
                Namnd.objects.get(municipality__name=municipality, name=namnd).pk
            )
        out[key] = value
    return out


def label(params: dict[str, Any]) -> str:
    parts = []
    for key, value in params.items():
        if key == "namnd":
            value = f"{value[1]} ({value[0].split()[0]})"
        parts.append(f"{key}={value}")
    return " ".join(parts) or "(no parameters)"


# Django reads a ModelChoiceField's choices through a server-side cursor; run its
# query to the end instead, as the view fetches every row.
_DECLARE = re.compile(r"DECLARE \S+ NO SCROLL CURSOR WITH(OUT)? HOLD FOR ", re.I)


@contextlib.contextmanager
def raw_connection(params: dict[str, Any]) -> Iterator[Any]:
    """A psycopg connection with the session settings of the view's.

    jit off and the statement timeout (portal/settings.py) and UTC, as Django
    sets them: the ratio compares Python's share, not two configurations.
    """
    import psycopg
    from django.conf import settings

    options = settings.DATABASES["default"]["OPTIONS"].get("options", "")
    with psycopg.connect(**params, autocommit=True, options=options) as db:
        db.execute("SET TIME ZONE 'UTC'")
        yield db


def run_raw(db: Any, sql: str) -> tuple[float, list]:
    """Run one statement and fetch its rows; return milliseconds and rows."""
    sql = _DECLARE.sub("", sql, count=1)
    started = time.perf_counter()
    with db.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall() if cursor.description else []
    return (time.perf_counter() - started) * 1000, rows


def run_query(client: Any, db: Any, kind: str, params: dict[str, Any]) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(kind=kind, label=label(params))
    query = resolve(params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/sok/", query)
    result.status = response.status_code
    sql = [q["sql"] for q in captured.captured_queries]
    # The view's count: the first walk's own count (decisions.search.walk._WALK
    # returns it first), capped at the number it counts.
    newest, newest_limit = next(
        (
            (index, int(limit[1]))
            for index, statement in enumerate(sql)
            if (limit := NEWEST_MATCHES.search(statement))
        ),
        (-1, 0),
    )
    view = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get("/sok/", query)
        view.append((time.perf_counter() - started) * 1000)
    result.view_ms = statistics.median(view)
    totals = []
    per_statement: list[list[float]] = [[] for _ in sql]
    for _ in range(REPEATS):
        total = 0.0
        for index, statement in enumerate(sql):
            ms, rows = run_raw(db, statement)
            per_statement[index].append(ms)
            total += ms
            if index == newest:
                result.hits = min(rows[0][0], newest_limit)
        totals.append(total)
    result.raw_ms = statistics.median(totals)
    result.statements = [
        (s, statistics.median(t)) for s, t in zip(sql, per_statement, strict=True)
    ]
    return result


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, interpolated between the nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    k = (len(ordered) - 1) * p / 100
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def check_queries() -> None:
    """Say which diarienummer of QUERIES the archive lacks (a smaller archive)."""
    from decisions.models import Arende

    for kind, params in QUERIES:
        if kind == "dnr":
            dnr = params["q"].removeprefix("Dnr ")
            if not Arende.objects.filter(dnr=dnr).exists():
                print(f"note: no case {dnr!r} in this archive")


def benchmark(params: dict[str, Any]) -> list[Result]:
    from django.test import Client, override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    results = []
    with override_settings(STORAGES=storages), raw_connection(params) as db:
        check_queries()
        client = Client()
        client.get("/sok/")  # templates, connection
        print(
            f"\n{'kind':7} {'view ms':>9} {'raw ms':>9} {'sql':>3} {'count':>8}  query"
        )
        for kind, query in QUERIES:
            result = run_query(client, db, kind, query)
            results.append(result)
            hits = "-" if result.hits is None else str(result.hits)
            status = "" if result.status == 200 else f"  (HTTP {result.status})"
            print(
                f"{kind:7} {result.view_ms:9.1f} {result.raw_ms:9.1f} "
                f"{len(result.statements):3} {hits:>8}  {result.label}{status}",
                flush=True,
            )
    return results


def report(results: list[Result], params: dict[str, Any]) -> dict[str, float]:

    def row(name: str, group: list[Result]) -> dict[str, float]:
        view = [r.view_ms for r in group]
        raw = [r.raw_ms for r in group]
        figures = {
            "p50_ms": percentile(view, 50),
            "p95_ms": percentile(view, 95),
            "raw_p50_ms": percentile(raw, 50),
            "raw_p95_ms": percentile(raw, 95),
        }
        figures["ratio_p95"] = figures["p95_ms"] / figures["raw_p95_ms"]
        print(
            f"{name:8} {len(group):3} {figures['p50_ms']:10.1f} "
            f"{figures['p95_ms']:10.1f} {figures['raw_p50_ms']:10.1f} "
            f"{figures['raw_p95_ms']:10.1f} {figures['ratio_p95']:7.2f}"
        )
        return figures

    print(
        f"\n{'kind':8} {'n':>3} {'view p50':>10} {'view p95':>10} {'raw p50':>10} "
        f"{'raw p95':>10} {'ratio':>7}"
    )
    for kind in KINDS:
        row(kind, [r for r in results if r.kind == kind])
    overall = row("all", results)
    failed = [r for r in results if r.status >= 400]
    if failed:
        print(f"{len(failed)} queries failed: see HTTP above")

    slowest_query = max(results, key=lambda r: r.raw_ms)
    sql, ms = max(slowest_query.statements, key=lambda s: s[1])
    print(
        f"\nslowest raw query: {slowest_query.kind} {slowest_query.label} "
        f"({slowest_query.raw_ms:.1f} ms); its slowest statement ({ms:.1f} ms):\n"
        f"{sql}\n"
    )
    with raw_connection(params) as db:
        plan = db.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}").fetchall()
    print("\n".join(line for (line,) in plan))
    return overall


@contextlib.contextmanager
def exclusive(params: dict[str, Any], name: str) -> Iterator[None]:
    """Hold the server's advisory lock for name: one run per database at a time.

    A second run would drop a database being filled, and two runs measuring at
    once on two cores measure each other; the later one waits instead.
    """
    import psycopg

    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as db:
        key = f"bench/search.py {name}"
        if not _one(db.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key]))[0]:
            print(f"another run holds {name}: waiting for it", flush=True)
            db.execute("SELECT pg_advisory_lock(hashtext(%s))", [key])
        yield


def cpu_reference_ms() -> float:
    """Milliseconds this machine takes for a fixed pure-Python loop (median
    of five): the same code and data measured on two machines differ by
    about this ratio, so figures from different machines can be compared."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10_000_000))
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def code_state() -> str:
    """The commit measured, and which tracked files differ from it."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    changed = git("diff", "HEAD", "--name-only").split()
    return git("rev-parse", "--short", "HEAD") + (
        f" with uncommitted changes to {', '.join(changed)}" if changed else ""
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_archive_arguments(parser)
    parser.add_argument(
        "--jobs", type=int, default=2, help="COPY streams while filling (default 2)"
    )
    parser.add_argument(
        "--refill", action="store_true", help="fill afresh even if reusable"
    )
    args = parser.parse_args()
    # Measured: search itself. Not the kept-page cache (after one run every
    # query would be a file read) nor the rate limit (its 429s are no
    # timings); set before Django reads its settings.
    os.environ["PAGE_CACHE"] = "off"
    os.environ["RATELIMIT_SEARCH"] = os.environ["RATELIMIT_API"] = "0"
    url, name = use_archive(parser, args)

    print(f"code: {code_state()}")
    reference_ms = cpu_reference_ms()
    print(f"this machine's CPU: {reference_ms:.1f} ms for sum(range(10**7))")
    params = server_params(url)
    with exclusive(params, name):
        marker = None if args.refill else reusable(params, name, args.paragraphs)
        if marker:
            fill_seconds, phases = marker
            print(f"reusing {name}, filled in {fill_seconds:.1f} s: {phases}")
        else:
            fill_seconds, _ = fill(url, name, args.paragraphs, max(1, args.jobs))
        results = benchmark(params)
        overall = report(results, params)
    failed = [r for r in results if r.status >= 400]
    if failed:
        sys.exit(f"{len(failed)} of {len(results)} queries failed; no figures")
    print(
        json.dumps(
            {
                "paragraphs": args.paragraphs,
                **{k: round(v, 2) for k, v in overall.items()},
                "fill_seconds": fill_seconds,
                "fill_reused": marker is not None,
                "queries": len(results),
                "cpu_reference_ms": round(reference_ms, 1),
                # A case number the view sends on to its case page (302): its
                # time is the redirect's, not a result list's.
                "redirects": sum(r.status == 302 for r in results),
            }
        )
    )


if __name__ == "__main__":
    main()
