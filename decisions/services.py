"""Writes to the archive. The ingest command, the admin and any API call these.

Each service parses and validates everything first, then writes in one short
transaction, so that a protocol is either wholly in the archive or not at all.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from .models import (
    Arende,
    Meeting,
    Member,
    Municipality,
    Namnd,
    Paragraf,
    Reservation,
    ReservationMember,
)
from .parser import ParsedProtocol, ParsedStatement, ParseError, parse_protocol


class IngestError(ValueError):
    """A protocol that cannot go into the archive; the message says why and where."""


@dataclass
class IngestResult:
    protocol: ParsedProtocol
    meeting: Meeting | None
    status: Literal["created", "updated", "unchanged", "dry-run"]


def decode_text(data: bytes) -> str:
    """Decode a text file's bytes, naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            f"inte giltig UTF-8 (byte {error.start}); spara filen som UTF-8", line
        ) from error


def meeting_slug(date: datetime.date | None, source_sha256: str) -> str:
    """Name a meeting in addresses: its date, or for undated minutes its source.

    The source's hash is as stable as a date: the same file always gives the same
    address, however often it is ingested.
    """
    return date.isoformat() if date else f"utan-datum-{source_sha256[:8]}"


def protocol_ingest(
    *,
    source_name: str,
    data: bytes,
    kommun: str | None = None,
    namnd: str | None = None,
    meeting_date: datetime.date | None = None,
    dry_run: bool = False,
) -> IngestResult:
    """Read a protocol file and write its meeting, paragraphs and reservations.

    What the text says wins; `kommun`, `namnd` and `meeting_date` supply what it
    lacks. Re-ingesting the same bytes changes nothing; a changed file for the same
    meeting replaces that meeting's paragraphs, keeping their addresses.
    """
    text = decode_text(data)
    protocol = parse_protocol(text, source=source_name)
    _fill_gaps(protocol, kommun=kommun, namnd=namnd, meeting_date=meeting_date)
    if dry_run:
        return IngestResult(protocol=protocol, meeting=None, status="dry-run")
    if not protocol.kommun:
        raise IngestError("kommunen framgår inte av texten; ange --kommun")
    if not protocol.namnd:
        raise IngestError("nämnden framgår inte av texten; ange --namnd")
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        meeting, status = _write_meeting(protocol, text=text, sha256=sha256)
    return IngestResult(protocol=protocol, meeting=meeting, status=status)


def _fill_gaps(
    protocol: ParsedProtocol,
    *,
    kommun: str | None,
    namnd: str | None,
    meeting_date: datetime.date | None,
) -> None:
    for field, given in (
        ("kommun", kommun),
        ("namnd", namnd),
        ("meeting_date", meeting_date),
    ):
        found = getattr(protocol, field)
        if given is None:
            continue
        if found is None:
            setattr(protocol, field, given)
        elif found != given:
            protocol.warn(
                None, f"{field}: texten säger {found}, angivet {given}; texten används"
            )
    if protocol.kommun is None and protocol.kommun_mentioned:
        protocol.kommun = protocol.kommun_mentioned
        protocol.warn(
            None,
            f"kommun saknas i protokollhuvudet; {protocol.kommun} används eftersom "
            "texten nämner den (ange --kommun för att välja)",
        )


def _write_meeting(
    protocol: ParsedProtocol, *, text: str, sha256: str
) -> tuple[Meeting, Literal["created", "updated", "unchanged"]]:
    assert protocol.kommun and protocol.namnd
    municipality, _ = Municipality.objects.get_or_create(
        slug=slugify(protocol.kommun), defaults={"name": protocol.kommun}
    )
    namnd, _ = Namnd.objects.get_or_create(
        municipality=municipality,
        slug=slugify(protocol.namnd),
        defaults={"name": protocol.namnd},
    )
    slug = meeting_slug(protocol.meeting_date, sha256)
    meeting = Meeting.objects.select_for_update().filter(namnd=namnd, slug=slug).first()
    if meeting and meeting.source_sha256 == sha256:
        return meeting, "unchanged"
    status: Literal["created", "updated"] = "updated" if meeting else "created"
    meeting = meeting or Meeting(namnd=namnd, slug=slug)
    _store(meeting, protocol, text=text, sha256=sha256)
    return meeting, status


def protocol_reparse(*, meeting: Meeting) -> ParsedProtocol:
    """Parse a meeting's stored source text again and rewrite its paragraphs.

    For parser fixes: the archive needs no original files. The meeting keeps its
    board and address; what the text still lacks is taken from the stored meeting.
    """
    protocol = parse_protocol(meeting.source_text, source=meeting.source_name)
    namnd = meeting.namnd
    _fill_gaps(
        protocol,
        kommun=namnd.municipality.name,
        namnd=namnd.name,
        meeting_date=meeting.date,
    )
    with transaction.atomic():
        _store(
            meeting, protocol, text=meeting.source_text, sha256=meeting.source_sha256
        )
    return protocol


def _store(
    meeting: Meeting, protocol: ParsedProtocol, *, text: str, sha256: str
) -> None:
    meeting.date = protocol.meeting_date
    meeting.protocol_number = protocol.protocol_number or ""
    meeting.source_name = protocol.source
    meeting.source_sha256 = sha256
    meeting.source_text = text
    meeting.save()
    _write_paragraphs(meeting, protocol)


def _write_paragraphs(meeting: Meeting, protocol: ParsedProtocol) -> None:
    municipality = meeting.namnd.municipality
    existing = {p.number: p for p in meeting.paragrafer.all()}
    numbers = [p.number for p in protocol.paragraphs]
    meeting.paragrafer.exclude(number__in=numbers).delete()
    # Positions are unique per meeting: move kept rows out of the way first.
    meeting.paragrafer.update(position=F("position") + 100_000)
    Reservation.objects.filter(paragraf__meeting=meeting).delete()
    for position, parsed in enumerate(protocol.paragraphs, start=1):
        arende = None
        if parsed.dnr:
            arende, _ = Arende.objects.get_or_create(
                municipality=municipality,
                dnr=parsed.dnr,
                defaults={"title": parsed.title},
            )
        paragraf = existing.get(parsed.number) or Paragraf(
            meeting=meeting, number=parsed.number
        )
        paragraf.arende = arende
        paragraf.position = position
        paragraf.title = parsed.title
        paragraf.decision = parsed.decision
        paragraf.text = parsed.text
        paragraf.sections = [
            {"kind": s.kind, "heading": s.heading, "text": s.text}
            for s in parsed.sections
            if s.heading or s.text
        ]
        paragraf.confidential = parsed.confidential
        paragraf.save()
        statements = [
            (Reservation.Kind.RESERVATION, s) for s in parsed.reservations
        ] + [(Reservation.Kind.SPECIAL_STATEMENT, s) for s in parsed.special_statements]
        for index, (kind, statement) in enumerate(statements, start=1):
            _write_statement(paragraf, kind, index, statement)


def _write_statement(
    paragraf: Paragraf, kind: str, position: int, statement: ParsedStatement
) -> None:
    reservation = Reservation.objects.create(
        paragraf=paragraf, kind=kind, position=position, text=statement.text
    )
    municipality = paragraf.meeting.namnd.municipality
    for index, parsed in enumerate(statement.members, start=1):
        member, _ = Member.objects.get_or_create(
            municipality=municipality, name=parsed.name, party=parsed.party or ""
        )
        ReservationMember.objects.create(
            reservation=reservation, member=member, position=index
        )
