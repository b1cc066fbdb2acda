"""Score a parse against a hand-checked reading of real minutes.

The real corpus (tests/fixtures/real/, the format of its README) states for
each document its board, municipality and date, and for every paragraph of the
body its number, title, dnr, the decision's first sentence, reservations,
special statements, vote counts and, where given, jäv. Every stated value is a
check. A paragraph the minutes have and the parse lacks fails all its checks;
a paragraph the parse has and the minutes do not is one failed check of its
own ("extra"); a document the parser refuses fails every check it has.
Used by tests/test_real_minutes.py and bench/accuracy.py.
"""

from __future__ import annotations

from typing import Any

from .compare import Check
from .model import ParsedMember, ParsedParagraf, ParsedProtocol
from .text import first_sentence

# The checks of one paragraph, in the order the tables print them.
PARAGRAF_FIELDS = (
    "found",
    "title",
    "dnr",
    "decision",
    "reservations",
    "has_special_statement",
    "votes",
    "jav",
)


def _norm(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _same_name(expected: str | None, actual: str | None) -> bool:
    """A board or municipality: as printed, in any case."""
    return (_norm(expected) or "").casefold() == (_norm(actual) or "").casefold()


def _members(members: list[ParsedMember] | list[dict]) -> list[tuple[str, str | None]]:
    rows = [
        (m["name"], m["party"]) if isinstance(m, dict) else (m.name, m.party)
        for m in members
    ]
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))


def _reservations(paragraf: ParsedParagraf) -> list[dict]:
    out = []
    for statement in paragraf.reservations:
        parties = list(dict.fromkeys(m.party for m in statement.members if m.party))
        for party in statement.parties:
            if party not in parties:
                parties.append(party)
        out.append({"members": _members(statement.members), "parties": sorted(parties)})
    return out


def _expected_reservations(rows: list[dict]) -> list[dict]:
    return [
        {"members": _members(row["members"]), "parties": sorted(row["parties"])}
        for row in rows
    ]


def _votes(paragraf: ParsedParagraf) -> list[dict]:
    return [
        {
            "ja": vote.counts.get("ja", 0),
            "nej": vote.counts.get("nej", 0),
            "avstar": vote.counts.get("avstar", 0),
        }
        for vote in paragraf.votes
        if vote.counts
    ]


def _paragraf_checks(
    expected: dict, actual: ParsedParagraf | None, path: str
) -> list[Check]:
    if actual is None:
        return [
            Check(f"{path}.{name}", expected.get(name), None, False)
            for name in PARAGRAF_FIELDS
            if name != "jav" or "jav" in expected
        ]
    decision = first_sentence(actual.decision) or None
    values = {
        "found": (expected["number"], actual.number),
        "title": (_norm(expected["title"]), _norm(actual.title)),
        "dnr": (_norm(expected["dnr"]), _norm(actual.dnr)),
        "decision": (_norm(expected["decision"]), _norm(decision)),
        "reservations": (
            _expected_reservations(expected["reservations"]),
            _reservations(actual),
        ),
        "has_special_statement": (
            expected["has_special_statement"],
            bool(actual.special_statements),
        ),
        "votes": (expected.get("votes", []), _votes(actual)),
    }
    if "jav" in expected:
        values["jav"] = (
            _members(expected["jav"]),
            _members([m for s in actual.jav for m in s.members]),
        )
    return [
        Check(f"{path}.{name}", want, got, want == got)
        for name, (want, got) in values.items()
    ]


def score(expected: dict, actual: ParsedProtocol | None) -> list[Check]:
    """Every check of one document; `actual` None for a refused document."""
    if actual is None:
        checks = [
            Check(name, expected[name], None, False)
            for name in ("namnd", "organisation", "meeting_date")
        ]
        for index, paragraf in enumerate(expected["paragraphs"]):
            checks += _paragraf_checks(paragraf, None, f"paragraphs[{index}]")
        return checks
    kommun = actual.kommun or actual.kommun_mentioned
    date = actual.meeting_date.isoformat() if actual.meeting_date else None
    checks = [
        Check(
            "namnd",
            expected["namnd"],
            actual.namnd,
            _same_name(expected["namnd"], actual.namnd),
        ),
        Check(
            "organisation",
            expected["organisation"],
            kommun,
            _same_name(expected["organisation"], kommun),
        ),
        Check(
            "meeting_date",
            expected["meeting_date"],
            date,
            expected["meeting_date"] == date,
        ),
    ]
    found: dict[str, list[ParsedParagraf]] = {}
    for paragraf in actual.paragrafer:
        found.setdefault(paragraf.number, []).append(paragraf)
    for index, paragraf in enumerate(expected["paragraphs"]):
        same = found.get(paragraf["number"])
        first = same.pop(0) if same else None
        checks += _paragraf_checks(paragraf, first, f"paragraphs[{index}]")
    # What the expected paragraphs did not take is a paragraph the minutes lack.
    for number, rest in found.items():
        for paragraf in rest:
            checks.append(
                Check(
                    "paragraphs.extra",
                    None,
                    f"§ {number} {paragraf.title}".strip(),
                    False,
                )
            )
    return checks


def is_decision(check: Check) -> bool:
    return check.field == "paragraphs.decision"
