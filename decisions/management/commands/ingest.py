"""manage.py ingest FILE...: read minutes into the archive, one transaction a file."""

from __future__ import annotations

import datetime
import json
import sys
import time
import traceback
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections

from decisions.models import Meeting
from decisions.parser import ParseError, protocol_as_json
from decisions.sandbox import check_file_size
from decisions.services.ingest import IngestError, protocol_ingest
from decisions.services.reparse import protocol_reparse


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--date: {value!r} är inte ett datum (ÅÅÅÅ-MM-DD)"
        ) from error


class Command(BaseCommand):
    help = (
        "Read minutes (PDF, DOCX or UTF-8 text; files or folders) into the archive. "
        "Each file is one transaction: "
        "a file that fails leaves nothing behind, and re-ingesting a file changes "
        "nothing. With --dry-run --json, print what the parser found and write nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            metavar="FILE",
            help="minutes (PDF, DOCX or text, told apart by content), or folders",
        )
        parser.add_argument("--kommun", help="municipality, when the text lacks it")
        parser.add_argument("--namnd", help="board, when the text lacks it")
        parser.add_argument(
            "--date", type=str, help="meeting date YYYY-MM-DD, when the text lacks it"
        )
        parser.add_argument(
            "--paragraf",
            metavar="N",
            help="the number of a single agenda item the text shows without one "
            "(a web page with one decision)",
        )
        parser.add_argument("--dry-run", action="store_true", help="write nothing")
        guard = parser.add_mutually_exclusive_group()
        guard.add_argument(
            "--mask-identity-numbers",
            dest="identity_numbers",
            action="store_const",
            const="mask",
            default="refuse",
            help="mask personnummer (XXXXXX-XXXX) instead of refusing the file",
        )
        guard.add_argument(
            "--keep-identity-numbers",
            dest="identity_numbers",
            action="store_const",
            const="keep",
            help="keep them: you confirm they are no personal data (logged)",
        )
        parser.add_argument(
            "--reparse",
            action="store_true",
            help="parse every stored meeting's source text again (after a parser fix)",
        )
        parser.add_argument(
            "--json", action="store_true", help="print a JSON array, one object a file"
        )

    def handle(self, *args, **options) -> None:
        if options["reparse"]:
            if options["files"]:
                raise CommandError("--reparse reads the stored texts; name no files")
            self._reparse()
            return
        if not options["files"]:
            raise CommandError("name at least one FILE or DIR (or use --reparse)")
        meeting_date = iso_date(options["date"]) if options["date"] else None
        paths = list(_walk(options["files"]))
        progress = _Progress(self.stderr, total=len(paths))
        results: list[dict] = []
        rejected: list[str] = []
        counts = {"created": 0, "updated": 0, "unchanged": 0, "dry-run": 0}
        for path in paths:
            try:
                # Before reading: a file too large is refused unread.
                check_file_size(path.stat().st_size)
                result = protocol_ingest(
                    source_name=path.name,
                    data=path.read_bytes(),
                    kommun=options["kommun"],
                    namnd=options["namnd"],
                    meeting_date=meeting_date,
                    dry_run=options["dry_run"],
                    identity_numbers=options["identity_numbers"],
                    number=options["paragraf"],
                )
            except Exception as error:
                # Whatever went wrong with this file (a bad file, a lost
                # connection, a writer beside us), the others still go in.
                if isinstance(error, DatabaseError):
                    # The next file gets a fresh connection if this one died.
                    connections.close_all()
                if options["traceback"]:
                    self.stderr.write(traceback.format_exc())
                message = _describe(path, error)
                rejected.append(message)
                progress.clear()
                self.stderr.write(message)
                results.append({"source": path.name, "error": message})
                progress.step(0)
                continue
            counts[result.status] += 1
            results.append(protocol_as_json(result.protocol))
            progress.clear()
            for warning in result.protocol.warnings:
                self.stderr.write(f"{path}: varning: {warning}")
            if not options["json"] and result.meeting and not progress.live:
                self.stdout.write(
                    f"{path}: {result.status}, "
                    f"{len(result.protocol.paragrafer)} paragrafer, "
                    f"{result.meeting.get_absolute_url()}"
                )
            progress.step(len(result.protocol.paragrafer))
        progress.clear()
        if options["json"]:
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=2))
        out = self.stderr if options["json"] else self.stdout
        summary = [f"{n} {status}" for status, n in counts.items() if n]
        summary.append(f"{len(rejected)} rejected")
        out.write(
            f"{len(paths)} filer, {progress.paragrafer} paragrafer på "
            f"{progress.seconds:.1f} s: {', '.join(summary)}"
        )
        if rejected:
            out.write("Avvisade filer:")
            for message in rejected:
                out.write(f"  {message}")
            sys.exit(1)

    def _reparse(self) -> None:
        meetings = Meeting.objects.select_related("namnd__municipality")
        failed = 0
        for meeting in meetings.iterator():
            try:
                protocol = protocol_reparse(meeting=meeting)
            except ParseError as error:
                failed += 1
                self.stderr.write(f"{meeting.source_name}: {error}")
                continue
            for warning in protocol.warnings:
                self.stderr.write(f"{meeting.source_name}: varning: {warning}")
        self.stdout.write(f"{meetings.count()} sammanträden lästa om, {failed} fel")
        if failed:
            sys.exit(1)


def _walk(paths: list[Path]):
    """Yield the files named, and every file below each folder named, in order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(
                    part.startswith(".") for part in child.relative_to(path).parts
                )
                if child.is_file() and not hidden:
                    yield child
        else:
            yield path


class _Progress:
    """Files, paragraphs and rate on one line, rewritten in place on a terminal."""

    def __init__(self, stream, *, total: int) -> None:
        self.stream = stream
        self.total = total
        self.files = 0
        self.paragrafer = 0
        self.started = time.monotonic()
        self.live = stream.isatty()

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def step(self, paragrafer: int) -> None:
        self.files += 1
        self.paragrafer += paragrafer
        if self.live:
            rate = self.paragrafer / max(self.seconds, 1e-9)
            self.stream.write(
                f"\r{self.files}/{self.total} filer, {self.paragrafer} paragrafer, "
                f"{rate:.0f} paragrafer/s",
                ending="",
            )
            self.stream.flush()

    def clear(self) -> None:
        if self.live:
            self.stream.write("\r\033[K", ending="")


def _describe(path: Path, error: Exception) -> str:
    if isinstance(error, ParseError) and error.line:
        return f"{path}:{error.line}: {error.message}"
    if isinstance(error, OSError):
        return f"{path}: kan inte läsas: {error.strerror or error}"
    if isinstance(error, ParseError | IngestError):
        return f"{path}: {error}"
    # Unforeseen: its kind and first line, not a traceback (--traceback for that).
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{path}: {type(error).__name__}: {first}"
