"""What the parser finds in a protocol: plain data, no database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


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


@dataclass
class ParsedStatement:
    """A reservation or special statement: who stood behind it, and what it says."""

    members: list[ParsedMember]
    text: str
    line: int


@dataclass
class ParsedSection:
    kind: str
    heading: str
    text: str
    line: int


@dataclass
class ParsedProposal:
    members: list[ParsedMember]
    text: str


@dataclass
class ParsedParagraph:
    number: str
    title: str
    line: int
    dnr: str | None = None
    decision: str = ""
    text: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    proposals: list[ParsedProposal] = field(default_factory=list)
    reservations: list[ParsedStatement] = field(default_factory=list)
    special_statements: list[ParsedStatement] = field(default_factory=list)
    confidential: bool = False


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
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(f"rad {line}: {message}" if line else message)


def _members(members: list[ParsedMember]) -> list[dict]:
    return [{"name": m.name, "party": m.party} for m in members]


def _statements(statements: list[ParsedStatement]) -> list[dict]:
    return [{"members": _members(s.members), "text": s.text} for s in statements]


def protocol_as_json(protocol: ParsedProtocol) -> dict:
    """Shape the public ingest JSON (documented in the README; keep it stable)."""
    return {
        "source": protocol.source,
        "kommun": protocol.kommun,
        "namnd": protocol.namnd,
        "meeting_date": (
            protocol.meeting_date.isoformat() if protocol.meeting_date else None
        ),
        "protocol_number": protocol.protocol_number,
        "paragraphs": [
            {
                "number": p.number,
                "line": p.line,
                "title": p.title,
                "dnr": p.dnr,
                "decision": p.decision,
                "reservations": _statements(p.reservations),
                "special_statements": _statements(p.special_statements),
                "confidential": p.confidential,
            }
            for p in protocol.paragraphs
        ],
        "warnings": list(protocol.warnings),
    }
