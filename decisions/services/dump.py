"""The whole archive as one download: JSON Lines, gzip, and a manifest.

Written as a stream: paragraphs come in batches by id (decisions.records),
each line goes through gzip to disk, and the checksum is taken from the bytes
as they are written. Memory stays that of
one chunk whatever the archive's size (bench/dump.py measures it). The files
appear only when complete (written beside, then renamed), so a reader never
gets half an archive, and the same archive gives the same bytes (gzip without
a timestamp), so an unchanged checksum means unchanged data.

The manifest's `created` is when writing began, to the microsecond: a
paragraph withdrawn after it may be in the file, which the download then
refuses (decisions.download.outdated()) until the next dump. Every write that
changes what is published calls schedule_archive_rebuild(), so that next dump
is the worker's (decisions.tasks.rebuild_archive), moments later.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone
from procrastinate.exceptions import AlreadyEnqueued

from ..download import ARCHIVE_NAME, MANIFEST_NAME, SCHEMA_NAME, SCHEMA_SOURCE
from ..records import TERMS, batches, records

# Paragraphs per batch: a query for them, one more per kind of statement.
BATCH = 2000
# zlib's default: level 9 took twice the time for 3 % fewer bytes.
COMPRESSION = 6


@dataclass(frozen=True)
class Manifest:
    file: str
    created: str
    paragraphs: int
    bytes: int
    sha256: str
    format: str
    terms: dict[str, str]
    # The JSON Schema each line of `file` meets, beside it.
    schema: str = SCHEMA_NAME


class _Hashing:
    """A binary file that also hashes and counts what is written to it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def flush(self) -> None:
        self.raw.flush()


def write_archive(
    directory: Path,
    site_url: str,
    progress: Callable[[int], None] | None = None,
) -> Manifest:
    """Write ARCHIVE_NAME and MANIFEST_NAME into directory, replacing older
    ones only once both are complete; progress(n) is called every batch."""
    directory.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    archive = directory / ARCHIVE_NAME
    partial = archive.with_name(archive.name + ".partial")
    count = 0
    with partial.open("wb") as raw:
        hashing = _Hashing(raw)
        with gzip.GzipFile(
            fileobj=hashing, mode="wb", mtime=0, filename="", compresslevel=COMPRESSION
        ) as gz:
            for batch in batches(BATCH):
                lines = [
                    json.dumps(r, ensure_ascii=False) + "\n"
                    for r in records(batch, site_url)
                ]
                gz.write("".join(lines).encode())
                count += len(lines)
                if progress:
                    progress(count)
        raw.flush()
        os.fsync(raw.fileno())
    manifest = Manifest(
        file=ARCHIVE_NAME,
        # To the microsecond: a dump the worker starts in the same second as
        # the withdrawal that queued it must count as after it.
        created=started.isoformat(timespec="microseconds"),
        paragraphs=count,
        bytes=hashing.size,
        sha256=hashing.sha256.hexdigest(),
        format="JSON Lines (one paragraph per line, UTF-8), gzip",
        terms=TERMS,
    )
    schema_partial = directory / (SCHEMA_NAME + ".partial")
    schema_partial.write_bytes(SCHEMA_SOURCE.read_bytes())
    manifest_partial = directory / (MANIFEST_NAME + ".partial")
    manifest_partial.write_text(
        json.dumps(asdict(manifest), ensure_ascii=False, indent=2) + "\n"
    )
    os.replace(partial, archive)
    os.replace(schema_partial, directory / SCHEMA_NAME)
    os.replace(manifest_partial, directory / MANIFEST_NAME)
    return manifest


def schedule_archive_rebuild() -> None:
    """Have the worker write the download again once the current transaction
    commits (at once outside one), so that it never waits for a commit that
    may not come, and never reads the archive before the change.

    A burst of writes queues one rebuild: while one waits, the queueing lock
    refuses another, and the one waiting reads everything committed by the
    time it runs. A queue that cannot be reached is logged and does not undo
    the write, which is committed already; the download then stays as
    decisions.download.outdated() judges it until the next rebuild.
    """
    transaction.on_commit(_defer_rebuild, robust=True)


def _defer_rebuild() -> None:
    # Imported here: the task module imports write_archive from this one.
    from ..tasks import rebuild_archive

    try:
        # Its own transaction (a savepoint within a test's): a refused
        # insert must not spoil the connection for what follows.
        with transaction.atomic():
            rebuild_archive.defer()
    except AlreadyEnqueued:
        pass
