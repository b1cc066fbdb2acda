"""How fast ingest is: one long PDF protocol, then a folder of many minutes.

    .venv/bin/python bench/ingest.py [--pages 500] [--files 1000] [--database-url URL]

Runs against a database of its own, `<name>_bench` on the server of
`--database-url` (default: $DATABASE_URL), created afresh each run. Prints its
figures and ends with one JSON object on its last line: pages, paragraphs,
seconds, paragraphs_per_s, parse_share, extract_share, db_share, peak_mb (peak
resident memory of the process that ingested the PDF), and the folder's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from databases import start_django_on_fresh  # noqa: E402
from generate import BOARDS, paragraphs_for_pages, protocol_text  # noqa: E402


def make_pdf_file(path: Path, pages: int) -> None:
    """Typeset the generated protocol (run in a child, so its memory is not ours)."""
    from tests.documents import make_pdf

    text = protocol_text(paragraphs_for_pages(pages), seed=7)
    path.write_bytes(
        make_pdf(
            text,
            header="Sjöbacka kommun   SAMMANTRÄDESPROTOKOLL",
            footer="Justerandes sign   Utdragsbestyrkande   Sida {page} ({pages})",
        )
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--make-pdf", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_pdf:
        make_pdf_file(args.make_pdf, args.pages)
        return
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL (make bench does)")

    start_django_on_fresh(args.database_url, "bench")
    from django.core.management import call_command

    from decisions.extract import extract
    from decisions.parser import parse_protocol
    from decisions.services import protocol_write

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

        protocol_write(
            protocol=protocol,
            text=extracted.text,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        t3 = time.perf_counter()
        peak = peak_mb()
        total = t3 - t0
        paragraphs = len(protocol.paragraphs)

        folder = Path(scratch) / "protokoll"
        folder.mkdir()
        generated = 0
        for index in range(args.files):
            count = 5 + index % 11
            text = protocol_text(
                count, seed=1000 + index, board=BOARDS[index % len(BOARDS)], first=1
            )
            (folder / f"{index:04d}.txt").write_text(text)
            generated += count
        t4 = time.perf_counter()
        call_command("ingest", str(folder), stdout=open(os.devnull, "w"))
        folder_seconds = time.perf_counter() - t4

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
        f"{extracted.pages} pages, {paragraphs} paragraphs in {total:.2f} s: "
        f"{paragraphs / total:.0f} paragraphs/s; peak memory {peak:.0f} MB"
    )
    print(
        f"folder: {args.files} files, {generated} paragraphs "
        f"in {folder_seconds:.1f} s: "
        f"{generated / folder_seconds:.0f} paragraphs/s, "
        f"{args.files / folder_seconds:.1f} files/s"
    )
    print(
        json.dumps(
            {
                "pages": extracted.pages,
                "paragraphs": paragraphs,
                "seconds": round(total, 3),
                "paragraphs_per_s": round(paragraphs / total, 1),
                "parse_share": round(shares["parse"], 3),
                "extract_share": round(shares["extract"], 3),
                "db_share": round(shares["db"], 3),
                "peak_mb": round(peak, 1),
                "folder_files": args.files,
                "folder_paragraphs": generated,
                "folder_seconds": round(folder_seconds, 2),
                "folder_paragraphs_per_s": round(generated / folder_seconds, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
