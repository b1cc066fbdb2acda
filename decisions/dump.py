"""The whole archive as one download: JSON Lines, gzip, and a manifest.

Written as a stream: rows come from a server-side cursor in chunks with their
reservations, proposals and votes, each line goes through gzip to disk, and
the checksum is taken from the bytes as they are written. Memory stays that of
one chunk whatever the archive's size (bench/dump.py measures it). The files
appear only when complete (written beside, then renamed), so a reader never
gets half an archive, and the same archive gives the same bytes (gzip without
a timestamp), so an unchanged checksum means unchanged data.
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

from django.utils import timezone

from .records import TERMS, published, record

ARCHIVE_NAME = "oppna-beslut.jsonl.gz"
MANIFEST_NAME = "manifest.json"
# Rows per round trip; each chunk's prefetches are one query per relation.
CHUNK = 2000


@dataclass(frozen=True)
class Manifest:
    file: str
    created: str
    paragraphs: int
    bytes: int
    sha256: str
    format: str
    terms: dict[str, str]


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
    ones only once both are complete; progress(n) is called every chunk."""
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / ARCHIVE_NAME
    partial = archive.with_name(archive.name + ".partial")
    count = 0
    with partial.open("wb") as raw:
        hashing = _Hashing(raw)
        with gzip.GzipFile(fileobj=hashing, mode="wb", mtime=0, filename="") as gz:
            for paragraf in published().iterator(chunk_size=CHUNK):
                line = json.dumps(record(paragraf, site_url), ensure_ascii=False)
                gz.write(line.encode() + b"\n")
                count += 1
                if progress and count % CHUNK == 0:
                    progress(count)
        raw.flush()
        os.fsync(raw.fileno())
    manifest = Manifest(
        file=ARCHIVE_NAME,
        created=timezone.now().isoformat(timespec="seconds"),
        paragraphs=count,
        bytes=hashing.size,
        sha256=hashing.sha256.hexdigest(),
        format="JSON Lines (one paragraph per line, UTF-8), gzip",
        terms=TERMS,
    )
    manifest_partial = directory / (MANIFEST_NAME + ".partial")
    manifest_partial.write_text(
        json.dumps(asdict(manifest), ensure_ascii=False, indent=2) + "\n"
    )
    os.replace(partial, archive)
    os.replace(manifest_partial, directory / MANIFEST_NAME)
    return manifest
