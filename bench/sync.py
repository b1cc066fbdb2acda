"""What it costs a mirror to stay in sync for a day: `andrad_efter` against
downloading the whole archive again.

    .venv/bin/python bench/sync.py [--paragraphs 1000000] [--database-url URL]

On `<name>_search_<N>`, the generated archive bench/search.py fills and keeps
(filled first when missing, about 12 minutes for a million paragraphs), one
day of changes is made through the write layer: new minutes published
(--protocols of 25 paragraphs each), --corrections clerk's corrections and
--withdrawals withdrawals. Then, as a client would, in this process through
Django's test client with gzip accepted and the page cache and rate limits
off (they are not what is measured):

- sync: page through /api/v1/paragrafer/?andrad_efter=<when the day
  began>&antal=500 to the end, parse every page, upsert the records
  and drop the tombstones; the addresses it gets must be exactly the ones
  the day changed (else no figures);
- full: write the download (the server's work, reported apart), fetch
  oppna-beslut.jsonl.gz, decompress and parse every line, and count them
  against the manifest; also the day's changes file's size.

Everything runs in one transaction that is rolled back, so the archive stays
as filled for the next run. The last line is one JSON object: paragraphs,
changed, sync_seconds, sync_bytes, sync_requests, full_seconds, full_bytes,
dump_seconds, daily_file_bytes, daily_file_entries, bytes_ratio,
seconds_ratio (full over sync).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import random
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import add_archive_arguments, server_params, use_archive  # noqa: E402


class Rollback(Exception):
    """Raised to undo the day's changes once measured."""


def body(response: Any) -> bytes:
    """The bytes as they came over the wire: streamed or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def json_of(data: bytes, response: Any) -> Any:
    if response.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return json.loads(data)


def make_day(args: Any, clerk: Any) -> tuple[set[str], set[str]]:
    """Publish, correct and withdraw through the services; return the
    addresses changed and those withdrawn (paths)."""
    from bench.generate import protocol_text
    from decisions.models import Paragraf
    from decisions.services import ingest as services
    from decisions.services.corrections import (
        paragraf_save,
        paragrafer_before,
        paragrafer_corrected,
    )
    from decisions.services.withdrawal import paragraf_withdraw

    before = set(Paragraf.objects.values_list("pk", flat=True).order_by())
    for n in range(args.protocols):
        date = datetime.date(2026, 12, 1) + datetime.timedelta(n)
        text = protocol_text(25, seed=900_000 + n, date=date)
        services.protocol_ingest(
            source_name=f"dagens-protokoll-{n}.txt", data=text.encode()
        )
    new = Paragraf.objects.published().exclude(pk__in=before)
    changed = {p.get_absolute_url() for p in new}
    rng = random.Random(7)
    ids = sorted(before)
    picked = rng.sample(ids, args.corrections + args.withdrawals)
    public = Paragraf.objects.published()
    corrected = list(public.filter(pk__in=picked[: args.corrections]))
    for paragraf in corrected:
        earlier = paragrafer_before([paragraf.pk])
        paragraf.title = paragraf.title + " (rättad)"
        paragraf_save(paragraf=paragraf, changed={"title"}, user=clerk)
        paragrafer_corrected(earlier, user=clerk)
    changed |= {p.get_absolute_url() for p in corrected}
    withdrawn = list(public.filter(pk__in=picked[args.corrections :]))
    paragraf_withdraw(
        paragrafer=Paragraf.objects.filter(pk__in=[p.pk for p in withdrawn]),
        reason="Publicerad av misstag",
        user=clerk,
    )
    gone = {p.get_absolute_url() for p in withdrawn}
    return changed - gone, gone


def sync(client: Any, since: datetime.datetime, site: str) -> dict[str, Any]:
    stamp = since.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    address: str | None = f"/api/v1/paragrafer/?andrad_efter={stamp}&antal=500"
    copy: dict[str, Any] = {}
    removed: set[str] = set()
    requests = size = 0
    started = time.perf_counter()
    while address:
        response = client.get(
            address.removeprefix(site), headers={"Accept-Encoding": "gzip"}
        )
        if response.status_code != 200:
            sys.exit(f"sync: {address} answered {response.status_code}; no figures")
        data = body(response)
        requests += 1
        size += len(data)
        page = json_of(data, response)
        for record in page["results"]:
            copy[record["id"]] = record
        for tombstone in page["tombstones"]:
            copy.pop(tombstone["id"], None)
            removed.add(tombstone["id"])
        address = page["next"]
    return {
        "seconds": time.perf_counter() - started,
        "bytes": size,
        "requests": requests,
        "kept": {i.removeprefix(site) for i in copy},
        "removed": {i.removeprefix(site) for i in removed},
    }


def full(client: Any, folder: Path, site: str) -> dict[str, Any]:
    from django.test import override_settings

    from decisions.download import ARCHIVE_NAME, changes_name
    from decisions.services.dump import write_archive

    started = time.perf_counter()
    manifest = write_archive(folder, site)
    dump_seconds = time.perf_counter() - started
    with override_settings(OPEN_DATA_DIR=folder):
        started = time.perf_counter()
        response = client.get(f"/oppna-data/{ARCHIVE_NAME}")
        if response.status_code != 200:
            sys.exit(f"full: the archive answered {response.status_code}; no figures")
        # As a client reads it: decompressed and parsed while it arrives.
        inflate = zlib.decompressobj(wbits=31)
        pending = b""
        lines = size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            *complete, pending = (pending + inflate.decompress(chunk)).split(b"\n")
            for line in complete:
                json.loads(line)
                lines += 1
        if (pending + inflate.flush()).strip():
            sys.exit("full: the archive ends inside a line; no figures")
        seconds = time.perf_counter() - started
    if lines != manifest.paragraphs:
        sys.exit(f"full: {lines} lines, the manifest says {manifest.paragraphs}")
    today = changes_name(datetime.datetime.now(datetime.UTC).date())
    daily = next(c for c in manifest.changes if c["file"] == today)
    return {
        "seconds": seconds,
        "bytes": size,
        "lines": lines,
        "dump_seconds": dump_seconds,
        "daily_bytes": daily["bytes"],
        "daily_entries": daily["entries"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_archive_arguments(parser)
    parser.add_argument("--protocols", type=int, default=8)
    parser.add_argument("--corrections", type=int, default=100)
    parser.add_argument("--withdrawals", type=int, default=10)
    args = parser.parse_args()
    os.environ["PAGE_CACHE"] = "off"
    os.environ["RATELIMIT_SEARCH"] = os.environ["RATELIMIT_API"] = "0"
    url, name = use_archive(parser, args)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from bench import search as search_bench
    from decisions.download import CHANGES_DAYS

    site = settings.SITE_URL
    params = server_params(url)
    with search_bench.exclusive(params, name):
        if not search_bench.reusable(params, name, args.paragraphs):
            search_bench.fill(url, name, args.paragraphs, jobs=2)
        client = Client()
        try:
            with transaction.atomic():
                clerk = get_user_model().objects.create_superuser("bench-sync")
                # The archive as filled counts as changed before the changes
                # files' window, as a long-kept archive's would: today's file
                # holds the day's changes alone, and the dump writes no day
                # of a million lines.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE decisions_change SET at = at - interval '1 day' * %s",
                        [CHANGES_DAYS + 1],
                    )
                day_began = timezone.now()
                changed, withdrawn = make_day(args, clerk)
                # From the day's start exactly: the archive may have been
                # filled a minute before it (a client would overlap a little).
                got = sync(client, day_began, site)
                if got["kept"] != changed or got["removed"] != withdrawn:
                    sys.exit(
                        f"sync: {len(got['kept'] ^ changed)} records and "
                        f"{len(got['removed'] ^ withdrawn)} tombstones other than "
                        "the day's changes; no figures"
                    )
                with tempfile.TemporaryDirectory() as folder:
                    whole = full(client, Path(folder), site)
                raise Rollback
        except Rollback:
            pass
    print(
        f"a day of changes: {len(changed)} records changed or new, "
        f"{len(withdrawn)} withdrawn"
    )
    print(
        f"sync by andrad_efter: {got['requests']} requests, "
        f"{got['bytes'] / 1e3:.1f} kB, {got['seconds']:.2f} s"
    )
    print(
        f"full download: {whole['lines']} lines, {whole['bytes'] / 1e6:.1f} MB, "
        f"{whole['seconds']:.1f} s to fetch and parse "
        f"(writing it: {whole['dump_seconds']:.1f} s)"
    )
    print(
        f"the day's changes file: {whole['daily_entries']} entries, "
        f"{whole['daily_bytes'] / 1e3:.1f} kB"
    )
    print(
        json.dumps(
            {
                "paragraphs": whole["lines"],
                "changed": len(changed) + len(withdrawn),
                "sync_seconds": round(got["seconds"], 3),
                "sync_bytes": got["bytes"],
                "sync_requests": got["requests"],
                "full_seconds": round(whole["seconds"], 1),
                "full_bytes": whole["bytes"],
                "dump_seconds": round(whole["dump_seconds"], 1),
                "daily_file_bytes": whole["daily_bytes"],
                "daily_file_entries": whole["daily_entries"],
                "bytes_ratio": round(whole["bytes"] / got["bytes"], 1),
                "seconds_ratio": round(whole["seconds"] / got["seconds"], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
