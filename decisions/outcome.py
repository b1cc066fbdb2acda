"""A paragraph's outcome in one screen: what was decided, on whose proposal,
how the vote went, who reserved, who declared jäv.

A reader comes to a § page for these answers; the minutes give them in
sections that may be screens apart. Everything here is read from what the
parser already stored (the decision, the sections, the statements and the
votes), never guessed: where the minutes do not say, the strip says nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# "beslutar enligt förvaltningens förslag", "har därmed beslutat enligt
# kommunstyrelsens förslag", "bifaller Gunnar Ekholms yrkande": the proposal
# the decision followed, as the procedure or the vote names it.
_BASIS = re.compile(
    r"(?:\b(?:beslut(?:ar|at|ade|a)|antar|antagit)\b[^.;]{0,40}?\benligt\s+"
    r"|\bbifall(?:er|it)\s+(?:till\s+)?)"
    r"(?P<basis>(?:[\wÅÄÖåäö-]+\s+){0,4}?(?:förslag(?:et)?|yrkande(?:t)?))\b",
    re.IGNORECASE,
)
# A numbered point at a decision's start: "1. ", "1) ", "a) ".
_POINT = re.compile(r"^\s*(?:\d{1,2}|[a-h])[.)]\s+", re.MULTILINE)
DECISION_CHARS = 220


@dataclass
class Tally:
    ja: int | None
    nej: int | None
    avstar: int | None


@dataclass
class Outcome:
    decision: str = ""
    # How many more numbered points the decision has than the one shown.
    more_points: int = 0
    basis: str = ""
    tallies: list[Tally] = field(default_factory=list)
    # Parties in the order the reservations print them; members without a
    # party by name.
    reserving_parties: list[str] = field(default_factory=list)
    reserving_members: list[str] = field(default_factory=list)
    jav: list[str] = field(default_factory=list)
    # Reservations, named or not ("Reservation, se bilaga 1").
    reservations: int = 0

    @property
    def voted(self) -> bool:
        return bool(self.tallies)

    @property
    def reserved(self) -> bool:
        return self.reservations > 0


def decision_line(decision: str) -> tuple[str, int]:
    """The decision's first point or sentence, at most DECISION_CHARS long, and
    how many more numbered points follow it."""
    text = decision.strip()
    if not text:
        return "", 0
    points = _POINT.findall(text)
    # The first point whole, over the lines the minutes broke it on; or the
    # text, where it has no numbered points.
    first = _POINT.split(text)[1] if points else text
    first = " ".join(first.split())
    if len(first) > DECISION_CHARS:
        cut = first[:DECISION_CHARS].rsplit(" ", 1)[0].rstrip(",;:")
        first = cut + " …"
    return first, max(len(points) - 1, 0)


def basis(texts: list[str]) -> str:
    """The proposal the decision followed, as the last such phrase in texts
    (the procedure, then the vote) names it: "kommunstyrelsens förslag"."""
    found = ""
    for text in texts:
        for match in _BASIS.finditer(text):
            phrase = " ".join(match["basis"].split())
            # "fyra förslag till budget", "ett tilläggsyrkande": a count, not a basis.
            if not re.match(
                r"(?i)(?:ett|en|två|tre|fyra|fem|flera|samtliga)\b", phrase
            ):
                found = phrase
    return found


def outcome(
    decision: str,
    sections: Any,
    statements: list[Any],
    votes: list[Any],
) -> Outcome:
    """The outcome of one paragraph from its stored parts: decision (text),
    sections (the parser's list of {"kind", "text"}), statements (Reservation
    rows with `kind` and `reservationmember_set` rows of members) and votes
    (Vote rows with ja, nej, avstar)."""
    line, more = decision_line(decision)
    texts = [
        str(s.get("text") or "")
        for s in (sections if isinstance(sections, list) else [])
        if isinstance(s, dict) and s.get("kind") in ("procedure", "vote")
    ]
    result = Outcome(decision=line, more_points=more, basis=basis(texts))
    result.tallies = [Tally(v.ja, v.nej, v.avstar) for v in votes]
    for statement in statements:
        members = [row.member for row in statement.reservationmember_set.all()]
        if statement.kind == "reservation":
            result.reservations += 1
            for party in [m.party for m in members if m.party] + list(
                statement.parties
            ):
                if party not in result.reserving_parties:
                    result.reserving_parties.append(party)
            result.reserving_members += [m.name for m in members if not m.party]
        elif statement.kind == "jav":
            result.jav += [
                f"{m.name} ({m.party})" if m.party else m.name for m in members
            ]
    return result
