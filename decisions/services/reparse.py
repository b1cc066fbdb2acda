"""Reading a meeting's stored source text again, after a parser fix: the
archive needs no original files."""

from __future__ import annotations

from django.db import transaction

from ..models import Meeting, VersionCause
from ..parser import ParsedProtocol, parse_protocol
from .dump import schedule_archive_rebuild
from .ingest import fill_gaps, store_protocol


def protocol_reparse(*, meeting: Meeting) -> ParsedProtocol:
    """Parse a meeting's stored source text again and rewrite its paragraphs.

    For parser fixes: the archive needs no original files. The meeting keeps its
    board and address; what the text still lacks is taken from the stored meeting.
    A paragraph that now reads differently keeps its earlier record as a
    version (a re-reading), and a clerk's corrections stand.
    """
    # A single unnumbered item keeps the number it was given at ingest.
    numbers = list(meeting.paragrafer.values_list("number", flat=True)[:2])
    protocol = parse_protocol(
        meeting.source_text,
        source=meeting.source_name,
        number=numbers[0] if len(numbers) == 1 else None,
    )
    namnd = meeting.namnd
    fill_gaps(
        protocol,
        kommun=namnd.municipality.name,
        namnd=namnd.name,
        meeting_date=meeting.date,
    )
    with transaction.atomic():
        # The stored text's numbers are all already there, so the guard
        # stops only on what the parser would newly place.
        store_protocol(
            meeting,
            protocol,
            text=meeting.source_text,
            sha256=meeting.source_sha256,
            confirmed=(),
            cause=VersionCause.PARSER,
        )
        schedule_archive_rebuild()
    return protocol
