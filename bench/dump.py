"""How the archive download scales: time, size and memory of writing it.

    .venv/bin/python bench/dump.py [--paragraphs 1000000] [--database-url URL]

Writes the download (decisions.services.dump.write_archive, as `manage.py dump_archive`
does) from `<name>_search_<N>`, the generated archive bench/search.py fills and
keeps; when that database is missing or was filled under other migrations, this
script fills it the same way first (about 12 minutes for a million paragraphs).
While writing it samples the process's resident memory every 10 % of the rows:
a flat line is the claim (the rows stream from a server-side cursor in chunks,
each line goes through gzip to disk). The last line is one JSON object:
paragraphs, seconds, bytes, rss_mb_at_10pct, rss_mb_at_end, peak_rss_mb.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import add_archive_arguments, server_params, use_archive  # noqa: E402


def rss_mb() -> float:
    """The resident memory of this process now, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_archive_arguments(parser)
    args = parser.parse_args()
    url, name = use_archive(parser, args)
    from bench import search as search_bench
    from decisions.models import Paragraf
    from decisions.services.dump import write_archive

    params = server_params(url)
    with search_bench.exclusive(params, name):
        if not search_bench.reusable(params, name, args.paragraphs):
            search_bench.fill(url, name, args.paragraphs, jobs=2)
        published = Paragraf.objects.published().count()
        step = max(1, published // 10)
        samples: list[tuple[int, float]] = []
        next_sample = step

        def progress(n: int) -> None:
            nonlocal next_sample
            if n >= next_sample:
                samples.append((n, rss_mb()))
                next_sample += step

        start_rss = rss_mb()
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            manifest = write_archive(
                Path(folder), "https://oppnabeslut.example", progress
            )
            seconds = time.perf_counter() - started
    end_rss = rss_mb()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{manifest.paragraphs} paragraphs in {seconds:.1f} s "
        f"({manifest.paragraphs / seconds:.0f}/s), {manifest.bytes / 1e6:.1f} MB gzip"
    )
    print(f"resident memory: {start_rss:.0f} MB before writing")
    for n, mb in samples:
        print(f"  after {n:>9} paragraphs: {mb:.0f} MB")
    print(f"  at the end: {end_rss:.0f} MB; peak {peak:.0f} MB")
    first = samples[0][1] if samples else end_rss
    print(
        json.dumps(
            {
                "paragraphs": manifest.paragraphs,
                "seconds": round(seconds, 1),
                "bytes": manifest.bytes,
                "rss_mb_at_10pct": round(first, 1),
                "rss_mb_at_end": round(end_rss, 1),
                "peak_rss_mb": round(peak, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
