"""What the parser finds in a protocol: plain data, no database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import msgspec


class ParseError(ValueError):
    """A protocol that cannot be read at all; `line` is 1-based, or None."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"rad {self.line}: {self.message}" if self.line else self.message


@dataclass(frozen=True)
class ParsedMember:
    name: str
    party: str | None = None


@dataclass(frozen=True)
class ParsedAttendee:
    """Someone the minutes list as present, in one of the attendance groups."""

    name: str
    party: str | None
    group: str  # beslutande, tjanstgorande_ersattare, ersattare, ovriga
    role: str | None = None
    replaces: str | None = None
    note: str | None = None


@dataclass
class ParsedStatement:
    """A reservation, statement, note or jäv: who stood behind it, what it says."""

    members: list[ParsedMember]
    text: str
    line: int
    # For a reservation against only some points of the decision.
    points: list[int] | None = None
    # For a written reservation given as an attachment: "bilaga 2".
    attachment: str | None = None
    # Parties that stand behind it as groups ("Liberalerna reserverar sig").
    parties: list[str] = field(default_factory=list)


@dataclass
class ParsedVote:
    """One omröstning: names by choice, and the counts as printed."""

    ja: list[ParsedMember] = field(default_factory=list)
    nej: list[ParsedMember] = field(default_factory=list)
    avstar: list[ParsedMember] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class ParsedSection:
    kind: str
    heading: str
    text: str
    line: int
    # The earlier body a stage-scoped heading names ("Yrkanden i kommunstyrelsen").
    stage: str | None = None


@dataclass(frozen=True)
class ParsedAttachment:
    """An attachment (bilaga) the minutes name: "Bilaga 1", or the list's
    heading ("Beslutsunderlag") for a document listed without a number, and
    its title when one is printed, else ""."""

    label: str
    title: str = ""


@dataclass
class ParsedProposal:
    members: list[ParsedMember]
    text: str


@dataclass
class ParsedParagraf:
    number: str
    title: str
    line: int
    dnrs: list[str] = field(default_factory=list)
    decision: str = ""
    text: str = ""
    procedure: str | None = None
    sections: list[ParsedSection] = field(default_factory=list)
    proposals: list[ParsedProposal] = field(default_factory=list)
    votes: list[ParsedVote] = field(default_factory=list)
    reservations: list[ParsedStatement] = field(default_factory=list)
    special_statements: list[ParsedStatement] = field(default_factory=list)
    protocol_notes: list[ParsedStatement] = field(default_factory=list)
    jav: list[ParsedStatement] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    # The attachments it names, in the order first named, each once.
    attachments: list[ParsedAttachment] = field(default_factory=list)
    confidential: bool = False
    # The law a secret item is withheld under, as its marker line prints it
    # ("26 kap. 1 § OSL"): public, and what a reader cites to ask for it.
    secrecy_ground: str = ""

    @property
    def dnr(self) -> str | None:
        return self.dnrs[0] if self.dnrs else None


@dataclass
class ParsedProtocol:
    source: str
    kommun: str | None = None
    # A municipality the text names in passing ("Stockholms stads verksamheter"):
    # used only when neither the header nor the caller says which it is.
    kommun_mentioned: str | None = None
    namnd: str | None = None
    meeting_date: datetime.date | None = None
    protocol_number: str | None = None
    place: str | None = None
    time: str | None = None
    attendance: list[ParsedAttendee] = field(default_factory=list)
    adjusters: list[ParsedMember] = field(default_factory=list)
    posting_date: datetime.date | None = None
    # What the bytes were ("text", "pdf", "docx"); the caller that extracted says.
    format: str = "text"
    paragrafer: list[ParsedParagraf] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(f"rad {line}: {message}" if line else message)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _members(members: list[ParsedMember]) -> list[dict]:
    return [{"name": m.name, "party": m.party} for m in members]


def _statements(statements: list[ParsedStatement]) -> list[dict]:
    return [{"members": _members(s.members), "text": s.text} for s in statements]


def _reservations(statements: list[ParsedStatement]) -> list[dict]:
    return [
        {
            "members": _members(s.members),
            "text": s.text,
            "points": s.points,
            "attachment": s.attachment,
            "parties": list(s.parties),
        }
        for s in statements
    ]


def _paragraf(p: ParsedParagraf) -> dict:
    return {
        "number": p.number,
        "line": p.line,
        "title": p.title,
        "dnr": p.dnr,
        "dnrs": list(p.dnrs),
        "decision": p.decision,
        "proposals": [
            {"members": _members(x.members), "text": x.text} for x in p.proposals
        ],
        "procedure": p.procedure,
        "votes": [
            {
                "ja": _members(v.ja),
                "nej": _members(v.nej),
                "avstar": _members(v.avstar),
                "counts": dict(v.counts),
            }
            for v in p.votes
        ],
        "reservations": _reservations(p.reservations),
        "special_statements": _statements(p.special_statements),
        "protocol_notes": _statements(p.protocol_notes),
        "jav": _statements(p.jav),
        "recipients": list(p.recipients),
        "attachments": [{"label": a.label, "title": a.title} for a in p.attachments],
        "confidential": p.confidential,
        "sections": [
            {"kind": s.kind, "heading": s.heading, "text": s.text, "stage": s.stage}
            for s in p.sections
        ],
    }


def protocol_as_json(protocol: ParsedProtocol) -> dict:
    """Shape the public ingest JSON (docs/ingest-json.md; keys are only added)."""
    return {
        "source": protocol.source,
        "format": protocol.format,
        "kommun": protocol.kommun,
        "namnd": protocol.namnd,
        "meeting_date": _date(protocol.meeting_date),
        "protocol_number": protocol.protocol_number,
        "place": protocol.place,
        "time": protocol.time,
        "attendance": [
            {
                "name": a.name,
                "party": a.party,
                "group": a.group,
                "role": a.role,
                "replaces": a.replaces,
                "note": a.note,
            }
            for a in protocol.attendance
        ],
        "adjusters": _members(protocol.adjusters),
        "posting_date": _date(protocol.posting_date),
        "paragraphs": [_paragraf(p) for p in protocol.paragrafer],
        "warnings": list(protocol.warnings),
    }


def protocol_to_data(protocol: ParsedProtocol) -> dict:
    """Everything parsed, as JSON-ready data that protocol_from_data() reads
    back unchanged: a draft waits in the database between upload and publish."""
    data = msgspec.to_builtins(protocol)
    # Stored drafts keep the key they were first written with.
    return {_STORED.get(key, key): value for key, value in data.items()}


def protocol_from_data(data: dict) -> ParsedProtocol:
    """The ParsedProtocol protocol_to_data() wrote."""
    named = {_FIELD.get(key, key): value for key, value in data.items()}
    return msgspec.convert(named, ParsedProtocol)


# A field's name in code and its key in a stored draft, where they differ.
_STORED = {"paragrafer": "paragraphs"}
_FIELD = {key: name for name, key in _STORED.items()}
