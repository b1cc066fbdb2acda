"""The whole archive as one download: JSON Lines, gzip, and a manifest.

Written as a stream: paragraphs come in batches by id (decisions.records),
each line goes through gzip to disk, and the checksum is taken from the bytes
as they are written. Memory stays that of
one chunk whatever the archive's size (bench/dump.py measures it). The files
appear only when complete (written beside, then renamed), so a reader never
gets half an archive, and the same archive gives the same bytes (gzip without
a timestamp), so an unchanged checksum means unchanged data.

Beside the archive, each municipality as one Popolo document
(decisions.popolo: its boards, parties, people and their memberships, its
meetings with who attended, its published proposals and votes), listed in
the manifest with its bytes and checksum as the archive is. A document is
built in memory, one municipality at a time: the largest is a few megabytes.

The manifest's `created` is when writing began, to the microsecond: a
paragraph withdrawn after it may be in the file, which the download then
refuses (decisions.download.outdated()) until the next dump. Every write that
changes what is published calls schedule_archive_rebuild(), so that next dump
is the worker's (decisions.tasks.rebuild_archive), moments later.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from procrastinate.exceptions import AlreadyEnqueued

from .. import changes
from ..download import (
    ARCHIVE_NAME,
    CHANGES_DAYS,
    CHANGES_SCHEMA_NAME,
    CHANGES_SCHEMA_SOURCE,
    MANIFEST_NAME,
    POPOLO_FILE,
    SCHEMA_NAME,
    SCHEMA_SOURCE,
    changes_name,
    is_changes_name,
    popolo_name,
)
from ..models import Change, Municipality
from ..popolo import document
from ..records import TERMS, batches, records

# Paragraphs per batch: a query for them, one more per kind of statement.
BATCH = 2000
# zlib's default: level 9 took twice the time for 3 % fewer bytes.
COMPRESSION = 6


POPOLO_FORMAT = "Popolo JSON (popoloproject.com), one municipality, UTF-8"


@dataclass(frozen=True)
class PopoloFile:
    """A municipality's Popolo document in the download, described as the
    manifest describes the archive."""

    file: str
    # The municipality's page: its id in the records.
    municipality: str
    bytes: int
    sha256: str
    format: str = POPOLO_FORMAT


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
    popolo: list[PopoloFile] = field(default_factory=list)
    # The daily changes files beside it, oldest first (write_changes()),
    # and the JSON Schema their lines meet.
    changes: list[dict[str, Any]] = field(default_factory=list)
    changes_schema: str = CHANGES_SCHEMA_NAME


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
    """Write ARCHIVE_NAME, each municipality's Popolo document and
    MANIFEST_NAME into directory, replacing older ones only once all are
    complete; progress(n) is called every batch."""
    directory.mkdir(parents=True, exist_ok=True)
    started = timezone.now()
    archive = directory / ARCHIVE_NAME
    partial = archive.with_name(archive.name + ".partial")
    count = 0

    def archive_lines() -> Iterable[list[Any]]:
        nonlocal count
        for batch in batches(BATCH):
            lines = records(batch, site_url)
            count += len(lines)
            if progress:
                progress(count)
            yield lines

    hashing = _write_gzip(partial, archive_lines())
    popolo = _write_popolo(directory, site_url)
    changed = write_changes(directory, site_url, started)
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
        popolo=popolo,
        changes=changed,
    )
    schemas = {SCHEMA_NAME: SCHEMA_SOURCE, CHANGES_SCHEMA_NAME: CHANGES_SCHEMA_SOURCE}
    for name, source in schemas.items():
        (directory / (name + ".partial")).write_bytes(source.read_bytes())
    manifest_partial = directory / (MANIFEST_NAME + ".partial")
    manifest_partial.write_text(
        json.dumps(asdict(manifest), ensure_ascii=False, indent=2) + "\n"
    )
    os.replace(partial, archive)
    written = [*(p.file for p in popolo), *(c["file"] for c in changed), *schemas]
    for name in written:
        os.replace(directory / (name + ".partial"), directory / name)
    os.replace(manifest_partial, directory / MANIFEST_NAME)
    # A renamed or removed municipality's document, or a day's changes past
    # the window, is not in the manifest: gone with it, so no file outlives
    # what it describes.
    for path in directory.iterdir():
        listed = POPOLO_FILE.fullmatch(path.name) or is_changes_name(path.name)
        if listed and path.name not in written:
            path.unlink()
    return manifest


def _write_gzip(path: Path, chunks: Iterable[list[Any]]) -> _Hashing:
    """Write JSON Lines through gzip to path, chunk by chunk, and sync it to
    disk; the same lines give the same bytes (no timestamp, no name)."""
    with path.open("wb") as raw:
        hashing = _Hashing(raw)
        with gzip.GzipFile(
            fileobj=hashing, mode="wb", mtime=0, filename="", compresslevel=COMPRESSION
        ) as gz:
            for chunk in chunks:
                text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk)
                gz.write(text.encode())
        raw.flush()
        os.fsync(raw.fileno())
    return hashing


def write_changes(
    directory: Path, site_url: str, now: datetime.datetime
) -> list[dict[str, Any]]:
    """Write a changes file for each of the last CHANGES_DAYS days (UTC) up to
    now's, today's so far included, as .partial files that write_archive()
    puts in place with the rest; return what the manifest says of each.

    Each holds the addresses whose last change fell on its day, in the order
    they changed, as they are now (decisions.changes): so every file is
    written anew each time, and a paragraph withdrawn since is a tombstone
    in its day's file, never a record left in an earlier day's. Applying
    the files from the full download's day on, in order, to that download
    gives this one.
    """
    today = now.astimezone(datetime.UTC).date()
    days = [today - datetime.timedelta(days=n) for n in range(CHANGES_DAYS - 1, -1, -1)]
    listed = []
    for day in days:
        start = datetime.datetime.combine(day, datetime.time(), datetime.UTC)
        logged = Change.objects.filter(
            at__gte=start, at__lt=start + datetime.timedelta(days=1)
        ).order_by("seq")
        count = 0

        def chunks(logged: Any = logged) -> Iterable[list[Any]]:
            nonlocal count
            chunk: list[Any] = []
            for line in changes.lines(logged.iterator(BATCH), site_url, BATCH):
                chunk.append(line)
                count += 1
                if len(chunk) == BATCH:
                    yield chunk
                    chunk = []
            yield chunk

        name = changes_name(day)
        hashing = _write_gzip(directory / (name + ".partial"), chunks())
        listed.append(
            {
                "date": day.isoformat(),
                "file": name,
                "entries": count,
                "bytes": hashing.size,
                "sha256": hashing.sha256.hexdigest(),
            }
        )
    return listed


def _write_popolo(directory: Path, site_url: str) -> list[PopoloFile]:
    """Write each municipality's Popolo document beside the archive, as a
    .partial file that write_archive() puts in place with the rest."""
    out = []
    for municipality in Municipality.objects.order_by("slug"):
        with translation.override(settings.LANGUAGE_CODE):
            page = site_url + municipality.get_absolute_url()
        name = popolo_name(municipality.slug)
        text = json.dumps(document(municipality, site_url), ensure_ascii=False)
        data = text.encode()
        with (directory / (name + ".partial")).open("wb") as raw:
            raw.write(data)
            raw.flush()
            os.fsync(raw.fileno())
        out.append(
            PopoloFile(
                file=name,
                municipality=page,
                bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
    return out


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
