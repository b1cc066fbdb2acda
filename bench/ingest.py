"""How fast ingest is: one long PDF protocol, a folder of many minutes, and the
parser alone on every real protocol.

    .venv/bin/python bench/ingest.py [--pages 500] [--files 1000] [--database-url URL]
    .venv/bin/python bench/ingest.py --real-only

Runs against a database of its own, `<name>_bench` on the server of
`--database-url` (default: $DATABASE_URL), created afresh each run. Prints its
figures and ends with one JSON object on its last line: pages, paragraphs,
seconds, paragraphs_per_s, parse_share, extract_share, db_share, peak_mb (peak
resident memory of the process that ingested the PDF), the folder's figures,
and the real corpus's (tests/fixtures/real, pages counted by their "<!-- sida N
-->" markers): real_ms_per_page_median, real_slowest_ms_per_page,
real_slowest_document. --real-only times the real corpus alone, without a
database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import start_django_on_fresh  # noqa: E402
from bench.generate import NAMNDER, paragrafer_for_pages, protocol_text  # noqa: E402


def make_pdf_file(path: Path, pages: int) -> None:
    """Typeset the generated protocol (run in a child, so its memory is not ours)."""
    from tests.documents import make_pdf

    text = protocol_text(paragrafer_for_pages(pages), seed=7)
    path.write_bytes(
        make_pdf(
            text,
            header="Sjöbacka kommun   SAMMANTRÄDESPROTOKOLL",
            footer="Justerandes sign   Utdragsbestyrkande   Sida {page} ({pages})",
        )
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


REAL = ROOT / "tests" / "fixtures" / "real"
_PAGE_MARKER = re.compile(r"<!--\s*sida\s*\d+\s*-->", re.IGNORECASE)


def real_speed(corpus: Path = REAL, repeats: int = 3) -> dict[str, float | str]:
    """Parse every real protocol; print milliseconds per page for each.

    Each document's time is the best of `repeats` runs: whatever else the
    machine does only ever adds time. A document the parser refuses is timed
    as well; refusing must be quick too.
    """
    from decisions.parser import ParseError, parse_protocol

    per_page: dict[str, float] = {}
    print(f"{'real document':52} {'pages':>5} {'ms':>8} {'ms/page':>8}")
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text()
        pages = max(1, len(_PAGE_MARKER.findall(text)))
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            try:
                parse_protocol(text, source=path.name)
            except ParseError:
                pass
            best = min(best, time.perf_counter() - started)
        per_page[path.name] = best * 1000 / pages
        print(f"{path.name:52} {pages:5} {best * 1000:8.1f} {per_page[path.name]:8.2f}")
    slowest = max(per_page, key=per_page.__getitem__)
    median = statistics.median(per_page.values())
    print(
        f"real corpus: {len(per_page)} documents, median {median:.2f} ms/page, "
        f"slowest {slowest} {per_page[slowest]:.2f} ms/page"
    )
    return {
        "real_ms_per_page_median": round(median, 3),
        "real_slowest_ms_per_page": round(per_page[slowest], 3),
        "real_slowest_document": slowest,
    }


def expect(what: str, written: int, meant: int) -> None:
    """Stop the benchmark when ingest wrote other than it was given: a figure
    for work not done would be a false one."""
    if written != meant:
        sys.exit(f"{what}: {written} written, {meant} expected; no figures")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--make-pdf", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--real-only", action="store_true", help="time the real corpus alone"
    )
    args = parser.parse_args()
    if args.make_pdf:
        make_pdf_file(args.make_pdf, args.pages)
        return
    if args.real_only:
        print(json.dumps(real_speed()))
        return
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (make bench does)")

    start_django_on_fresh(args.database_url, "bench")
    from django.core.management import call_command

    from decisions.extract import extract
    from decisions.models import Paragraf
    from decisions.parser import parse_protocol
    from decisions.services.ingest import protocol_write

    call_command("migrate", verbosity=0)

    with tempfile.TemporaryDirectory() as scratch:
        pdf_path = Path(scratch) / "protokoll.pdf"
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--make-pdf",
                str(pdf_path),
                "--pages",
                str(args.pages),
            ],
            check=True,
        )
        print(f"typeset {args.pages} pages in {time.perf_counter() - started:.1f} s")
        data = pdf_path.read_bytes()

        t0 = time.perf_counter()
        extracted = extract(data, name=pdf_path.name)
        t1 = time.perf_counter()
        protocol = parse_protocol(extracted.text, source=pdf_path.name)
        protocol.format = extracted.format
        t2 = time.perf_counter()
        import hashlib

        written = protocol_write(
            protocol=protocol,
            text=extracted.text,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        t3 = time.perf_counter()
        peak = peak_mb()
        total = t3 - t0
        # What the archive holds, not what the parser or the generator meant.
        paragrafer = Paragraf.objects.filter(meeting=written.meeting).count()
        expect("the PDF's paragraphs", paragrafer, len(protocol.paragrafer))

        folder = Path(scratch) / "protokoll"
        folder.mkdir()
        generated = 0
        for index in range(args.files):
            count = 5 + index % 11
            text = protocol_text(
                count, seed=1000 + index, namnd=NAMNDER[index % len(NAMNDER)], first=1
            )
            (folder / f"{index:04d}.txt").write_text(text)
            generated += count
        t4 = time.perf_counter()
        before = Paragraf.objects.count()
        call_command("ingest", str(folder), stdout=open(os.devnull, "w"))
        folder_seconds = time.perf_counter() - t4
        written_by_folder = Paragraf.objects.count() - before
        expect("the folder's paragraphs", written_by_folder, generated)
        generated = written_by_folder

    shares = {
        "extract": (t1 - t0) / total,
        "parse": (t2 - t1) / total,
        "db": (t3 - t2) / total,
    }
    print(f"{'step':10} {'seconds':>8} {'share':>7}")
    for step, start, end in (
        ("extract", t0, t1),
        ("parse", t1, t2),
        ("db write", t2, t3),
    ):
        print(f"{step:10} {end - start:8.2f} {(end - start) / total:7.1%}")
    print(
        f"{extracted.pages} pages, {paragrafer} paragraphs in {total:.2f} s: "
        f"{paragrafer / total:.0f} paragraphs/s; peak memory {peak:.0f} MB"
    )
    print(
        f"folder: {args.files} files, {generated} paragraphs "
        f"in {folder_seconds:.1f} s: "
        f"{generated / folder_seconds:.0f} paragraphs/s, "
        f"{args.files / folder_seconds:.1f} files/s"
    )
    real = real_speed()
    print(
        json.dumps(
            {
                "pages": extracted.pages,
                "paragraphs": paragrafer,
                "seconds": round(total, 3),
                "paragraphs_per_s": round(paragrafer / total, 1),
                "parse_share": round(shares["parse"], 3),
                "extract_share": round(shares["extract"], 3),
                "db_share": round(shares["db"], 3),
                "peak_mb": round(peak, 1),
                "folder_files": args.files,
                "folder_paragraphs": generated,
                "folder_seconds": round(folder_seconds, 2),
                "folder_paragraphs_per_s": round(generated / folder_seconds, 1),
                **real,
            }
        )
    )


if __name__ == "__main__":
    main()
