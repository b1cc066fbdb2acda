"""How well search finds what a person means: recall and precision per query word.

    .venv/bin/python bench/search_quality.py [--database-url URL] [--reuse]
        [--show-words] [--per-query] [--queries bench/search_queries.json]

Runs against a database of its own, `<name>_quality` on the server of
`--database-url` (default: $DATABASE_URL): dropped, created, migrated and filled
with the sample archive (samples/*.txt, samples/stockholm/*.txt as "Stockholms
stad", tests/fixtures/corpus/*.txt) each run. --reuse keeps it when a finished
run filled it from the same files and it has exactly the checkout's migrations:
for work on the queries, not on ingest or search code, which needs a fresh run.

bench/search_queries.json lists hand-written queries, each {"q", "relevant",
"kind"}, kind one of plain, inflection, compound, unaccented, name. `relevant` is
a Python regular expression (case-insensitive) for the word forms someone typing
q means: its inflections (verb forms of the same word too: "beslut" and
"beslutar", "yrkande" and "yrkar"), the compounds it is a part of ("nämnd" in
"Kulturnämnden", "skola" in "förskoleplatser"), for an unaccented query the
accented words, and never a look-alike of another meaning ("lov" but not
"lovade", "miljö" but not "Miljöpartiet", "motion" but not "motionsslingan").
An inflected query means what its base form means. It is matched against each
public paragraph's title + "\\n" + text. For every query, relevant = the public
paragraphs it matches, found = `Paragraf.objects.published().search(Query(q))`
(every hit, no pages):

    recall    = |found & relevant| / |relevant|
    precision = |found & relevant| / |found|  (1 when both are empty, 0 when
                only found is; "precision_found" averages over the queries that
                found something, so that a silent search is not imprecise)

Queries with no relevant paragraph in this archive are skipped and listed. Prints
a table per kind, the overall means and the 15 worst queries by recall (every
query with --per-query) with the words of the paragraphs missed, and ends with
one JSON object on its last line: queries, recall, precision, precision_found,
skipped, by_kind {kind: {queries, recall, precision}}. --show-words prints up to
10 distinct words each regex matched, with how many paragraphs hold each, to
check that the ground truth is honest.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import sys
from collections import Counter, defaultdict
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import database_name, recreate, server_params, sibling  # noqa: E402

QUERIES = ROOT / "bench" / "search_queries.json"
KINDS = ("plain", "inflection", "compound", "unaccented", "name")
WORD = re.compile(r"\w")


@dataclass
class Query:
    q: str
    kind: str
    pattern: re.Pattern[str]
    relevant: set[int] = field(default_factory=set)
    found: set[int] = field(default_factory=set)
    words: Counter[str] = field(default_factory=Counter)

    @property
    def hits(self) -> int:
        return len(self.found & self.relevant)

    @property
    def recall(self) -> float:
        return self.hits / len(self.relevant) if self.relevant else 1.0

    @property
    def precision(self) -> float:
        if not self.found:
            return 0.0 if self.relevant else 1.0
        return self.hits / len(self.found)


def load_queries(path: Path) -> list[Query]:
    """Read and check the query list: known kinds, valid regexes, no repeats."""
    queries = []
    seen = set()
    for index, item in enumerate(json.loads(path.read_text())):
        where = f"{path.name}[{index}] {item.get('q')!r}"
        if set(item) != {"q", "relevant", "kind"}:
            raise SystemExit(f"{where}: needs exactly the keys q, relevant, kind")
        if item["kind"] not in KINDS:
            raise SystemExit(f"{where}: kind must be one of {', '.join(KINDS)}")
        if item["q"].casefold() in seen:
            raise SystemExit(f"{where}: query given twice")
        seen.add(item["q"].casefold())
        try:
            pattern = re.compile(item["relevant"], re.IGNORECASE)
        except re.error as error:
            raise SystemExit(f"{where}: bad regex: {error}") from error
        queries.append(Query(q=item["q"], kind=item["kind"], pattern=pattern))
    return queries


def migrated_as_code() -> bool:
    """Whether the database has exactly the migrations this checkout has."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection)
    return set(loader.applied_migrations) == set(loader.graph.nodes)


def archive() -> list[tuple[list[Path], str | None]]:
    """The sample archive: batches of files, each with the --kommun it needs."""
    return [
        (sorted((ROOT / "samples").glob("*.txt")), None),
        (sorted((ROOT / "samples" / "stockholm").glob("*.txt")), "Stockholms stad"),
        (sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.txt")), None),
    ]


def fingerprint() -> str:
    """What a filled database was filled from: the archive's names and bytes."""
    digest = hashlib.sha256()
    for paths, kommun in archive():
        digest.update(f"{kommun}\n".encode())
        for path in paths:
            digest.update(f"{path.relative_to(ROOT)}\n".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"search_quality {digest.hexdigest()}"


def filled_from(url: str) -> str | None:
    """The fingerprint fill() left on the database, if it finished."""
    import psycopg

    name = database_name(url)
    try:
        with psycopg.connect(**server_params(url, "postgres")) as db:
            row = db.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                " WHERE datname = %s",
                [name],
            ).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def fill(url: str) -> None:
    """Migrate and ingest the sample archive; rejected files and warnings are fine.

    Marks the database with the archive's fingerprint when done, so that --reuse
    never takes a half-filled database or one filled from other files.
    """
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    for paths, kommun in archive():
        if not paths:
            continue
        options = {"kommun": kommun} if kommun else {}
        out, err = io.StringIO(), io.StringIO()
        try:
            with redirect_stdout(out), redirect_stderr(err):
                call_command(
                    "ingest", *map(str, paths), stdout=out, stderr=err, **options
                )
        except SystemExit:
            pass  # ingest exits 1 when a file was rejected; the rest went in
        rejected = [
            line.strip()
            for line in err.getvalue().splitlines() + out.getvalue().splitlines()
            if line.startswith("  ")
        ]
        summary = [line for line in out.getvalue().splitlines() if " filer, " in line]
        print(f"ingest {paths[0].parent.relative_to(ROOT)}: {' '.join(summary)}")
        for line in rejected:
            print(f"  rejected: {line}")
    name = database_name(url)
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{name}" IS %s', [fingerprint()])


def matched_words(pattern: re.Pattern[str], text: str) -> set[str]:
    """The whole words the pattern's matches lie in, lower-cased."""
    words = set()
    for match in pattern.finditer(text):
        start, end = match.start(), match.end()
        while start > 0 and WORD.match(text[start - 1]):
            start -= 1
        while end < len(text) and WORD.match(text[end]):
            end += 1
        words.add(text[start:end].lower())
    return words


def measure(queries: list[Query]) -> None:
    from decisions import search
    from decisions.models import Paragraf

    documents = [
        (pk, f"{title}\n{text}")
        for pk, title, text in Paragraf.objects.published()
        .order_by("pk")
        .values_list("pk", "title", "text")
    ]
    for query in queries:
        for pk, document in documents:
            if query.pattern.search(document):
                query.relevant.add(pk)
                query.words.update(matched_words(query.pattern, document))
        found = Paragraf.objects.published().search(search.Query(query.q))
        query.found = set(found.values_list("pk", flat=True))


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep <name>_quality when a finished run filled it from the same "
        "files and it has the checkout's migrations",
    )
    parser.add_argument(
        "--show-words",
        action="store_true",
        help="print up to 10 distinct words each query's regex matched",
    )
    parser.add_argument(
        "--per-query",
        action="store_true",
        help="print every query's figures, not only the 15 worst",
    )
    parser.add_argument("--queries", type=Path, default=QUERIES)
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (scripts/with-db.sh)")
    queries = load_queries(args.queries)

    url, _ = sibling(args.database_url, "quality")
    reused = args.reuse and filled_from(url) == fingerprint()
    if not reused:
        recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.db import connections

    from decisions.models import Meeting, Paragraf

    if reused and not migrated_as_code():
        print("reuse: the database's migrations differ from the code's; rebuilding")
        connections.close_all()
        recreate(url)
        reused = False
    if not reused:
        fill(url)
    public = Paragraf.objects.published().count()
    print(
        f"archive: {Meeting.objects.count()} meetings, "
        f"{Paragraf.objects.count()} paragraphs ({public} public)"
    )

    measure(queries)
    measured = [query for query in queries if query.relevant]
    skipped = [query for query in queries if not query.relevant]

    if args.show_words:
        print("\nmatched words (paragraphs holding each):")
        for query in queries:
            common = query.words.most_common()
            shown = ", ".join(f"{word} {n}" for word, n in common[:10])
            more = f" (+{len(common) - 10} more)" if len(common) > 10 else ""
            print(f"  {query.q:22} {shown}{more}")

    by_kind: dict[str, list[Query]] = defaultdict(list)
    for query in measured:
        by_kind[query.kind].append(query)
    print(f"\n{'kind':12} {'queries':>7} {'recall':>7} {'precision':>9}")
    for kind in KINDS:
        group = by_kind.get(kind, [])
        if group:
            print(
                f"{kind:12} {len(group):7} "
                f"{mean([q.recall for q in group]):7.3f} "
                f"{mean([q.precision for q in group]):9.3f}"
            )
    recall = mean([q.recall for q in measured])
    precision = mean([q.precision for q in measured])
    with_hits = [q.precision for q in measured if q.found]
    print(f"{'all':12} {len(measured):7} {recall:7.3f} {precision:9.3f}")
    print(
        f"precision over the {len(with_hits)} queries that found anything: "
        f"{mean(with_hits):.3f}; {len(measured) - len(with_hits)} found nothing"
    )
    if skipped:
        print(
            f"skipped, nothing relevant in this archive: "
            f"{', '.join(q.q for q in skipped)}"
        )

    print("\nevery query:" if args.per_query else "\nworst 15 by recall:")
    print(
        f"  {'query':22} {'kind':11} {'relevant':>8} {'found':>5} {'hits':>4} "
        f"{'recall':>6} {'prec.':>5}  words in missed paragraphs"
    )
    worst = sorted(measured, key=lambda q: (q.recall, -len(q.relevant), q.q))
    if not args.per_query:
        worst = worst[:15]
    documents = dict(Paragraf.objects.published().values_list("pk", "text"))
    titles = dict(Paragraf.objects.published().values_list("pk", "title"))
    for query in worst:
        missed: Counter[str] = Counter()
        for pk in query.relevant - query.found:
            missed.update(
                matched_words(query.pattern, f"{titles[pk]}\n{documents[pk]}")
            )
        print(
            f"  {query.q:22} {query.kind:11} {len(query.relevant):8} "
            f"{len(query.found):5} {query.hits:4} {query.recall:6.2f} "
            f"{query.precision:5.2f}  "
            + ", ".join(word for word, _ in missed.most_common(5))
        )

    print(
        json.dumps(
            {
                "queries": len(measured),
                "recall": round(recall, 4),
                "precision": round(precision, 4),
                "precision_found": round(mean(with_hits), 4),
                "skipped": [q.q for q in skipped],
                "by_kind": {
                    kind: {
                        "queries": len(of_kind),
                        "recall": round(mean([q.recall for q in of_kind]), 4),
                        "precision": round(mean([q.precision for q in of_kind]), 4),
                    }
                    for kind in KINDS
                    if (of_kind := by_kind.get(kind))
                },
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
