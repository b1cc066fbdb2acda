"""Writes to the archive. The ingest command, the admin and any API call these.

Each service parses and validates everything first, then writes in one short
transaction, so that a protocol is either wholly in the archive or not at all.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from django.utils.text import slugify

from .. import sandbox
from ..dates import date_warnings
from ..guard import ALL, PersonalDataError, guard, lines
from ..models import (
    Arende,
    Attendance,
    Meeting,
    Member,
    Municipality,
    MunicipalityName,
    Namnd,
    NamndAlias,
    NamndName,
    Paragraf,
    Proposal,
    ProposalMember,
    Reservation,
    ReservationMember,
    Tombstone,
    VersionCause,
    Vote,
    VoteCast,
)
from ..parser import (
    ParsedMember,
    ParsedParagraf,
    ParsedProtocol,
    ParseError,
)
from ..personal_data import (
    find_identity_numbers,
    without_last_four,
)
from ..referrals import referral_slug
from ..search.lexicon import search_terms
from . import versions
from .corrections import keep_corrections, words_add
from .dump import schedule_archive_rebuild
from .withdrawal import keep_tombstones

logger = logging.getLogger(__name__)


class IngestError(ValueError):
    """A protocol that cannot go into the archive; the message says why and where."""


@dataclass
class IngestResult:
    protocol: ParsedProtocol
    meeting: Meeting | None
    status: Literal["created", "updated", "unchanged", "dry-run"]


def meeting_slug(date: datetime.date | None, source_sha256: str) -> str:
    """Name a meeting in addresses: its date, or for undated minutes its source.

    The source's hash is as stable as a date: the same file always gives the same
    address, however often it is ingested.
    """
    return date.isoformat() if date else f"utan-datum-{source_sha256[:8]}"


# What ingest does with a personal identity number in a protocol: refuse the
# file (the default), mask the numbers, or keep them because the clerk has
# confirmed they are no personal data.
IdentityNumbers = Literal["refuse", "mask", "keep"]


def protocol_ingest(
    *,
    source_name: str,
    data: bytes,
    kommun: str | None = None,
    namnd: str | None = None,
    meeting_date: datetime.date | None = None,
    dry_run: bool = False,
    identity_numbers: IdentityNumbers = "refuse",
    number: str | None = None,
) -> IngestResult:
    """Read a protocol file and write its meeting, paragraphs and reservations.

    What the text says wins; `kommun`, `namnd` and `meeting_date` supply what it
    lacks, and `number` the number of a single item shown without one (a web
    page with one decision). Re-ingesting the same bytes changes nothing; a
    changed file for the same meeting replaces that meeting's paragraphs,
    keeping their addresses. A personnummer in the text stops the file unless
    `identity_numbers` says otherwise (guard_identity_numbers()).
    """
    extracted, protocol = sandbox.read(data, name=source_name, number=number)
    text, masked = guard_identity_numbers(
        extracted.text, identity_numbers, source_name=source_name
    )
    if masked:
        # Parsed again from the masked text: no copy of a number is kept.
        protocol = sandbox.parse_protocol(text, source=source_name, number=number)
    for note in extracted.notes:
        protocol.warn(None, note)
    if masked:
        protocol.warn(None, f"{masked} personnummer maskerade")
    fill_gaps(protocol, kommun=kommun, namnd=namnd, meeting_date=meeting_date)
    for warning in date_warnings(
        protocol.meeting_date, protocol.posting_date, today=timezone.localdate()
    ):
        protocol.warn(None, warning)
    if dry_run:
        return IngestResult(protocol=protocol, meeting=None, status="dry-run")
    sha256 = hashlib.sha256(data).hexdigest()
    confirmed = ALL if identity_numbers == "keep" else ()
    return protocol_write(
        protocol=protocol,
        text=text,
        sha256=sha256,
        confirmed=confirmed,
        # A file whose identity numbers were masked is never kept: its
        # masked text is what the meeting offers for download.
        source_file=None if masked else keep_original(data, source_name, sha256),
    )


def safe_file_name(name: str) -> str:
    """A file's name for storage: its stem and suffix as slugs."""
    stem, dot, suffix = name.rpartition(".")
    return f"{slugify(stem or suffix)[:80]}{dot}{slugify(suffix)[:8] if dot else ''}"


def keep_original(data: bytes, source_name: str, sha256: str) -> str:
    """Store the protocol file as published, under its checksum (the same
    bytes are one file, however often ingested), and return its name in
    storage. A file is written before the transaction that refers to it:
    one left by a rolled-back ingest is the same bytes the next one keeps."""
    name = f"original/{sha256[:2]}/{sha256[:16]}-{safe_file_name(source_name)}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name


def guard_identity_numbers(
    text: str, policy: IdentityNumbers, *, source_name: str
) -> tuple[str, int]:
    """The text to ingest and how many identity numbers were masked in it.

    Masking happens before parsing, so no copy of a number reaches a
    paragraph, the stored source text or the search index. Refusing names the
    line of the first number and shows it with its last four digits hidden.
    """
    found = find_identity_numbers(text)
    if found and policy == "keep":
        logger.warning(
            "%s: %d identity numbers kept: confirmed as no personal data",
            source_name,
            len(found),
        )
    if not found or policy == "keep":
        return text, 0
    if policy == "mask":
        masked = guard({"text": (source_name, text)}, policy="mask")["text"]
        return masked, len(found)
    first = found[0]
    more = f" (och {len(found) - 1} till)" if len(found) > 1 else ""
    shown = without_last_four(first.text)
    raise ParseError(
        f"{first.kind} {shown}{more}: personuppgifter publiceras "
        "inte; maskera med --mask-identity-numbers, eller bekräfta med "
        "--keep-identity-numbers att det inte är personuppgifter",
        line=text.count("\n", 0, first.start) + 1,
    )


def protocol_write(
    *,
    protocol: ParsedProtocol,
    text: str,
    sha256: str,
    confirmed: Collection[str] | str = (),
    source_file: str | None = None,
) -> IngestResult:
    """Write a parsed protocol in one transaction; the same source twice is a no-op.

    `sha256` identifies the source bytes, `text` is what the parser read.
    Every text is checked for personal data first (decisions.guard), since
    the rows are written in bulk, past the models' own check: an identity
    number is refused unless `confirmed` (a clerk's list, or ALL for
    ingest --keep-identity-numbers) or already in the stored meeting.
    """
    if not protocol.kommun:
        raise IngestError("kommunen framgår inte av texten; ange --kommun")
    if not protocol.namnd:
        raise IngestError("nämnden framgår inte av texten; ange --namnd")
    for paragraf in protocol.paragrafer:
        if not paragraf.number:
            raise IngestError(
                f"rad {paragraf.line}: punkten saknar paragrafnummer; ange --paragraf N"
            )
    with transaction.atomic():
        meeting, status = _write_meeting(
            protocol,
            text=text,
            sha256=sha256,
            confirmed=confirmed,
            source_file=source_file,
        )
        if status != "unchanged":
            schedule_archive_rebuild()
    return IngestResult(protocol=protocol, meeting=meeting, status=status)


# The parsed protocol's parts as a clerk knows them, for the guard's messages.
_LABELS = {
    "title": "rubrik",
    "dnrs": "diarienummer",
    "decision": "beslut",
    "text": "text",
    "procedure": "beslutsgång",
    "sections": "avsnitt",
    "proposals": "yrkanden",
    "votes": "omröstningar",
    "reservations": "reservationer",
    "special_statements": "särskilda uttalanden",
    "protocol_notes": "protokollsanteckningar",
    "jav": "jäv",
    "recipients": "expedieras till",
    "attachments": "bilagor",
}


def protocol_texts(protocol: ParsedProtocol) -> dict[str, tuple[str, object]]:
    """Every text of a parsed protocol that may be written, as guard() texts:
    the head and the attendance ("head.place"), and each paragraph's parts
    ("p3.title" for the fourth paragraph's)."""
    source = protocol.source
    texts: dict[str, tuple[str, object]] = {}
    for key, value in vars(protocol).items():
        if key not in ("paragrafer", "warnings", "source"):
            texts[f"head.{key}"] = (f"{source}: {key}", value)
    for index, paragraf in enumerate(protocol.paragrafer):
        for key, value in vars(paragraf).items():
            label = _LABELS.get(key, key)
            place = f"{source} § {paragraf.number}, {label}"
            texts[f"p{index}.{key}"] = (place, value)
    return texts


def _check_personal_data(
    meeting: Meeting,
    protocol: ParsedProtocol,
    *,
    text: str,
    confirmed: Collection[str] | str,
) -> None:
    if confirmed == ALL:
        return
    texts = {**lines(text, source=protocol.source), **protocol_texts(protocol)}
    stored = [meeting.source_text] if meeting.pk else []
    try:
        guard(texts, confirmed=confirmed, stored=stored)
    except PersonalDataError as error:
        raise IngestError(str(error)) from error


def fill_gaps(
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
    protocol: ParsedProtocol,
    *,
    text: str,
    sha256: str,
    confirmed: Collection[str] | str,
    source_file: str | None = None,
) -> tuple[Meeting, Literal["created", "updated", "unchanged"]]:
    assert protocol.kommun and protocol.namnd
    day = protocol.meeting_date
    municipality = _named(
        Municipality.objects.all(),
        MunicipalityName.objects.all(),
        "municipality",
        protocol.kommun,
        day,
    ) or _create(Municipality, name=protocol.kommun, slug=slugify(protocol.kommun))
    namnd = _named(
        municipality.namnder.all(),
        NamndName.objects.all(),
        "namnd",
        protocol.namnd,
        day,
        aliases=NamndAlias.objects.all(),
    ) or _create(
        Namnd,
        municipality=municipality,
        name=protocol.namnd,
        slug=slugify(protocol.namnd),
    )
    slug = meeting_slug(protocol.meeting_date, sha256)
    lock_meeting(namnd, slug)
    meeting = Meeting.objects.select_for_update().filter(namnd=namnd, slug=slug).first()
    if meeting and meeting.source_sha256 == sha256:
        return meeting, "unchanged"
    status: Literal["created", "updated"] = "updated" if meeting else "created"
    meeting = meeting or Meeting(namnd=namnd, slug=slug)
    if source_file is not None:
        meeting.source_file.name = source_file
    store_protocol(meeting, protocol, text=text, sha256=sha256, confirmed=confirmed)
    return meeting, status


def _named(
    rows: QuerySet,
    earlier: QuerySet,
    owner: str,
    name: str,
    day: datetime.date | None,
    aliases: QuerySet | None = None,
) -> Any:
    """Of rows (municipalities or boards), the one the minutes of day call
    name, in one query; earlier is the model of their earlier names, owner
    its field to the row, aliases old addresses with the same field.

    A name is looked up on the meeting's date: first whoever held it that
    day (an earlier name, decisions.services.rename), then whoever holds it
    now, then whoever held it last, then an old address (the board another
    merged into, say). So minutes printed under an old name join the
    renamed board, and a board that took the name over later gets only the
    minutes of its own days. Names match as written or as slugs (a rename
    keeps both), which forgives case and accents.
    """
    slug = slugify(name)
    same = Q(slug=slug) | Q(name=name)
    mine = earlier.filter(same, **{owner: OuterRef("pk")})
    held: Any = Value(False)
    if day is not None:
        held = Exists(
            mine.filter(
                Q(valid_from=None) | Q(valid_from__lte=day), valid_until__gte=day
            )
        )
    aliased: Any = Value(False)
    if aliases is not None:
        aliased = Exists(aliases.filter(slug=slug, **{owner: OuterRef("pk")}))
    return (
        rows.annotate(
            held=held,
            now=ExpressionWrapper(same, output_field=BooleanField()),
            last=Subquery(mine.order_by("-valid_until").values("valid_until")[:1]),
            aliased=aliased,
        )
        .filter(Q(held=True) | Q(now=True) | Q(last__isnull=False) | Q(aliased=True))
        .order_by(
            F("held").desc(),
            F("now").desc(),
            F("last").desc(nulls_last=True),
        )
        .first()
    )


def _create(model: type[Municipality] | type[Namnd], **fields: Any) -> Any:
    """Create a municipality or board _named() did not find; if a concurrent
    ingest just created it, take that one (as get_or_create would, without
    asking first what _named() just asked)."""
    try:
        with transaction.atomic():
            return model.objects.create(**fields)
    except IntegrityError:
        key = {k: v for k, v in fields.items() if k != "name"}
        return model.objects.get(**key)


def lock_meeting(namnd: Namnd, slug: str) -> None:
    """Make every other writer of this meeting wait until this transaction ends.

    A meeting not yet written has no row to lock (SELECT ... FOR UPDATE finds
    nothing), so two ingests of one file, or an ingest beside a clerk's
    publish, would both insert it and the second would fail on the unique
    constraint. A transaction-level advisory lock on the meeting's natural key
    (board and slug) lets one write while the other waits, then finds the
    meeting there. Taken again by the same transaction, it is a no-op.
    """
    digest = hashlib.blake2b(
        f"meeting {namnd.pk} {slug}".encode(), digest_size=8
    ).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [int.from_bytes(digest, "big", signed=True)],
        )


def store_protocol(
    meeting: Meeting,
    protocol: ParsedProtocol,
    *,
    text: str,
    sha256: str,
    confirmed: Collection[str] | str,
    cause: VersionCause = VersionCause.MINUTES,
) -> None:
    """Write a parsed protocol over the meeting's rows: a new version of its
    minutes (`cause` MINUTES) or the same minutes read again (PARSER).

    Each published paragraph whose public record this changes keeps the
    record it replaces as a version of that cause; a clerk's corrections
    are put back over what the minutes say (corrections.keep_corrections).
    """
    _check_personal_data(meeting, protocol, text=text, confirmed=confirmed)
    # A new meeting has no paragraphs to keep versions of.
    ids = meeting.paragrafer.values_list("pk", flat=True) if meeting.pk else ()
    earlier = versions.before(ids)
    meeting.date = protocol.meeting_date
    meeting.protocol_number = protocol.protocol_number or ""
    meeting.source_name = protocol.source
    meeting.source_sha256 = sha256
    meeting.source_text = text
    meeting.source_format = protocol.format
    meeting.place = protocol.place or ""
    meeting.time = protocol.time or ""
    meeting.posting_date = protocol.posting_date
    # Its save also moves the archive's validators (decisions.caching), and
    # checks its texts again: with what was confirmed above.
    meeting.confirmed_personal_data = confirmed
    meeting.save()
    same_source = cause == VersionCause.PARSER
    _ProtocolWriter(meeting, protocol, same_source=same_source).write()
    versions.keep_versions(earlier, cause=cause)


_PARAGRAF_FIELDS = [
    "meeting_date",
    "reservation_text",
    "search_terms",
    "arende",
    "referral",
    "has_reservation",
    "reserving_parties",
    "position",
    "title",
    "decision",
    "text",
    "sections",
    "case_numbers",
    "procedure",
    "recipients",
    "attachments",
    "confidential",
    "secrecy_ground",
    "withdrawn_at",
    "withdrawal_reason",
    "corrections",
    "conflicts",
]


class _ProtocolWriter:
    """Write one parsed protocol's rows with a fixed number of bulk queries.

    Paragraphs are updated in place (their rows, like their addresses, outlive a
    re-ingest); the rows that hang off them are replaced.
    """

    def __init__(
        self, meeting: Meeting, protocol: ParsedProtocol, *, same_source: bool
    ) -> None:
        self.meeting = meeting
        self.protocol = protocol
        # Whether the text is the one the rows were read from (a reparse).
        self.same_source = same_source
        self.municipality = meeting.namnd.municipality
        self.members: dict[tuple[str, str], Member] = {}
        # Paragraphs of this meeting once withdrawn: written withdrawn again.
        self.tombstones = {t.number: t for t in Tombstone.objects.of_meeting(meeting)}

    def write(self) -> None:
        self._load_members()
        rows = self._write_paragrafer()
        self._write_attendance()
        self._write_statements(rows)
        self._write_proposals(rows)
        self._write_votes(rows)

    def member(self, parsed: ParsedMember) -> Member:
        return self.members[(parsed.name, parsed.party or "")]

    def _load_members(self) -> None:
        protocol = self.protocol
        wanted = {(a.name, a.party or "") for a in protocol.attendance}
        wanted |= {(m.name, m.party or "") for m in protocol.adjusters}
        for paragraf in protocol.paragrafer:
            for group in (
                paragraf.reservations,
                paragraf.special_statements,
                paragraf.protocol_notes,
                paragraf.jav,
                paragraf.proposals,
            ):
                for statement in group:
                    wanted |= {(m.name, m.party or "") for m in statement.members}
            for vote in paragraf.votes:
                for members in (vote.ja, vote.nej, vote.avstar):
                    wanted |= {(m.name, m.party or "") for m in members}
        names = {name for name, _ in wanted}
        existing = Member.objects.filter(municipality=self.municipality, name__in=names)
        self.members = {(m.name, m.party): m for m in existing}
        missing = wanted - set(self.members)
        if missing:
            Member.objects.bulk_create(
                [
                    Member(municipality=self.municipality, name=name, party=party)
                    for name, party in sorted(missing)
                ],
                ignore_conflicts=True,
            )
            created = Member.objects.filter(
                municipality=self.municipality, name__in={n for n, _ in missing}
            )
            self.members.update({(m.name, m.party): m for m in created})

    def _arenden(self) -> dict[str, Arende]:
        titles: dict[str, str] = {}
        for paragraf in self.protocol.paragrafer:
            if not paragraf.dnr:
                continue
            # A new case is titled after its first paragraph that is public.
            if paragraf.number in self.tombstones:
                titles.setdefault(paragraf.dnr, "")
            elif not titles.get(paragraf.dnr):
                titles[paragraf.dnr] = paragraf.title
        if not titles:
            return {}
        Arende.objects.bulk_create(
            [
                Arende(municipality=self.municipality, dnr=dnr, title=title)
                for dnr, title in titles.items()
            ],
            ignore_conflicts=True,
        )
        found = Arende.objects.filter(municipality=self.municipality, dnr__in=titles)
        return {arende.dnr: arende for arende in found}

    def _write_paragrafer(self) -> list[Paragraf]:
        meeting = self.meeting
        arenden = self._arenden()
        existing = {p.number: p for p in meeting.paragrafer.all()}
        numbers = [p.number for p in self.protocol.paragrafer]
        dropped = meeting.paragrafer.exclude(number__in=numbers)
        # A withdrawn one keeps its tombstone, which answers at its address.
        keep_tombstones(dropped)
        dropped.delete()
        # Positions are unique per meeting: move kept rows out of the way first.
        meeting.paragrafer.update(position=F("position") + 100_000)
        rows = []
        for position, parsed in enumerate(self.protocol.paragrafer, start=1):
            row = existing.get(parsed.number) or Paragraf(
                meeting=meeting, number=parsed.number
            )
            row.arende = arenden.get(parsed.dnr) if parsed.dnr else None
            row.referral = referral_slug(parsed.title, self.municipality.name)
            row.has_reservation = bool(parsed.reservations)
            row.reserving_parties = sorted(
                {m.party for r in parsed.reservations for m in r.members if m.party}
                | {party for r in parsed.reservations for party in r.parties}
            )
            row.meeting_date = meeting.date
            row.reservation_text = "\n\n".join(
                statement.text
                for group in (
                    parsed.reservations,
                    parsed.special_statements,
                    parsed.protocol_notes,
                    parsed.jav,
                )
                for statement in group
            )
            row.position = position
            row.title = parsed.title
            row.decision = parsed.decision
            row.text = parsed.text
            row.sections = [
                {
                    "kind": s.kind,
                    "heading": s.heading,
                    "text": s.text,
                    "stage": s.stage,
                }
                for s in parsed.sections
                if s.heading or s.text
            ]
            row.case_numbers = list(parsed.dnrs)
            row.procedure = parsed.procedure or ""
            row.recipients = list(parsed.recipients)
            row.attachments = [
                {"label": a.label, "title": a.title} for a in parsed.attachments
            ]
            self._keep_withdrawn(row, parsed)
            row.confidential = parsed.confidential
            row.secrecy_ground = parsed.secrecy_ground
            if row.corrections:
                keep_corrections(
                    row,
                    same_source=self.same_source,
                    warn=functools.partial(self.protocol.warn, parsed.line),
                )
            # A withdrawn paragraph stays hidden whatever the minutes say
            # (decisions.services.withdrawal; the constraint paragraf_withdrawn_is_
            # confidential would refuse the write).
            row.confidential = row.confidential or row.withdrawn_at is not None
            row.search_terms = search_terms(row.searchable_text)
            rows.append(row)
        Paragraf.objects.bulk_update([r for r in rows if r.pk], _PARAGRAF_FIELDS)
        Paragraf.objects.bulk_create([r for r in rows if not r.pk])
        words_add(rows)
        return rows

    def _keep_withdrawn(self, row: Paragraf, parsed: ParsedParagraf) -> None:
        """A paragraph once withdrawn is written withdrawn again, as its
        tombstone says, when its row was deleted since (the database refuses
        it public: trigger paragraf_withdrawn_forever); the protocol says so."""
        tombstone = self.tombstones.get(parsed.number)
        if row.withdrawn_at is None and tombstone is not None:
            row.withdrawn_at = tombstone.withdrawn_at
            row.withdrawal_reason = tombstone.reason
        if row.withdrawn_at is not None:
            self.protocol.warn(
                parsed.line,
                f"§ {parsed.number} återkallades {row.withdrawn_at:%Y-%m-%d} "
                f"({row.withdrawal_reason}) och skrivs som återkallad: den "
                "publiceras aldrig igen",
            )

    def _write_attendance(self) -> None:
        meeting = self.meeting
        Attendance.objects.filter(meeting=meeting).delete()
        seen: set[int] = set()
        rows = []
        for position, attendee in enumerate(self.protocol.attendance, start=1):
            member = self.members[(attendee.name, attendee.party or "")]
            if member.pk in seen:
                continue
            seen.add(member.pk)
            rows.append(
                Attendance(
                    meeting=meeting,
                    member=member,
                    group=attendee.group,
                    role=attendee.role or "",
                    replaces=attendee.replaces or "",
                    note=attendee.note or "",
                    position=position,
                )
            )
        Attendance.objects.bulk_create(rows)
        meeting.adjusters.set([self.member(m) for m in self.protocol.adjusters])

    def _write_statements(self, rows: list[Paragraf]) -> None:
        Reservation.objects.filter(paragraf__meeting=self.meeting).delete()
        statements: list[tuple[Reservation, list[ParsedMember]]] = []
        for row, parsed in zip(rows, self.protocol.paragrafer, strict=True):
            kinds = (
                (Reservation.Kind.RESERVATION, parsed.reservations),
                (Reservation.Kind.SPECIAL_STATEMENT, parsed.special_statements),
                (Reservation.Kind.PROTOCOL_NOTE, parsed.protocol_notes),
                (Reservation.Kind.JAV, parsed.jav),
            )
            position = 0
            for kind, group in kinds:
                for statement in group:
                    position += 1
                    reservation = Reservation(
                        paragraf=row,
                        kind=kind,
                        position=position,
                        text=statement.text,
                        points=statement.points,
                        attachment=statement.attachment or "",
                        parties=list(statement.parties),
                    )
                    statements.append((reservation, statement.members))
        Reservation.objects.bulk_create([r for r, _ in statements])
        ReservationMember.objects.bulk_create(
            ReservationMember(reservation=r, member=member, position=index)
            for r, members in statements
            for index, member in self._distinct(members)
        )

    def _write_proposals(self, rows: list[Paragraf]) -> None:
        Proposal.objects.filter(paragraf__meeting=self.meeting).delete()
        proposals: list[tuple[Proposal, list[ParsedMember]]] = []
        for row, parsed in zip(rows, self.protocol.paragrafer, strict=True):
            for position, proposal in enumerate(parsed.proposals, start=1):
                proposals.append(
                    (
                        Proposal(paragraf=row, position=position, text=proposal.text),
                        proposal.members,
                    )
                )
        Proposal.objects.bulk_create([p for p, _ in proposals])
        ProposalMember.objects.bulk_create(
            ProposalMember(proposal=p, member=member, position=index)
            for p, members in proposals
            for index, member in self._distinct(members)
        )

    def _write_votes(self, rows: list[Paragraf]) -> None:
        Vote.objects.filter(paragraf__meeting=self.meeting).delete()
        votes = []
        for row, parsed in zip(rows, self.protocol.paragrafer, strict=True):
            for position, vote in enumerate(parsed.votes, start=1):
                votes.append(
                    (
                        Vote(
                            paragraf=row,
                            position=position,
                            ja=vote.counts.get("ja"),
                            nej=vote.counts.get("nej"),
                            avstar=vote.counts.get("avstar"),
                        ),
                        vote,
                    )
                )
        Vote.objects.bulk_create([v for v, _ in votes])
        casts = []
        for vote_row, parsed_vote in votes:
            seen: set[int] = set()
            for choice, members in (
                (VoteCast.Choice.JA, parsed_vote.ja),
                (VoteCast.Choice.NEJ, parsed_vote.nej),
                (VoteCast.Choice.AVSTAR, parsed_vote.avstar),
            ):
                for member in map(self.member, members):
                    if member.pk not in seen:
                        seen.add(member.pk)
                        casts.append(
                            VoteCast(vote=vote_row, member=member, choice=choice)
                        )
        VoteCast.objects.bulk_create(casts)

    def _distinct(self, members: list[ParsedMember]) -> list[tuple[int, Member]]:
        """Number the members in order, each once (a name may be printed twice)."""
        out: list[tuple[int, Member]] = []
        for parsed in members:
            member = self.member(parsed)
            if all(member.pk != m.pk for _, m in out):
                out.append((len(out) + 1, member))
        return out
