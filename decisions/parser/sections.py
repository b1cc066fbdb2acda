"""The headings clerks write inside a paragraph, and the sections they open."""

from __future__ import annotations

import re

from .model import ParsedSection
from .text import Line, blank_after_every_line, blank_between, join_lines, spaced_text

_HEADINGS: dict[str, str] = {
    "beslut": "decision",
    "beslutet": "decision",
    "sammanfattning": "background",
    "sammanfattning av ärendet": "background",
    "ärendet": "background",
    "ärendebeskrivning": "background",
    "bakgrund": "background",
    "beskrivning av ärendet": "background",
    "ärendets beredning": "background",
    "nämndens behandling av ärendet": "other",
    "handlingar i ärendet": "documents",
    "handlingar": "documents",
    "beslutsunderlag": "documents",
    "underlag": "documents",
    "underlag för beslut": "documents",
    # The attachments, one a line ("Bilaga 1 Tjänsteskrivelse"). Not
    # "Bilaga" alone: "Bilaga: Yttrande över …" is one item of a list.
    "bilagor": "documents",
    "bilagor till protokollet": "documents",
    "förslag till beslut": "proposals",
    "förslag till beslut på sammanträdet": "proposals",
    "framlagda förslag till beslut": "proposals",
    "framlagt förslag till beslut": "proposals",
    "framlagda förslag": "proposals",
    "yrkande": "proposals",
    "yrkanden": "proposals",
    "överläggning": "proposals",
    "beslutsgång": "procedure",
    "beslutsordning": "procedure",
    "propositionsordning": "procedure",
    "proposition": "procedure",
    "propositionsordning och beslut": "procedure",
    "omröstning": "vote",
    "omröstningsresultat": "vote",
    "omröstningslista": "vote",
    "votering": "vote",
    "reservation": "reservation",
    "reservationer": "reservation",
    "särskilt uttalande": "special_statement",
    "särskilda uttalanden": "special_statement",
    "särskilt yttrande": "special_statement",
    "särskilda yttranden": "special_statement",
    "protokollsanteckning": "protocol_note",
    "protokollsanteckningar": "protocol_note",
    "jäv": "jav",
    "anmäld jäv": "jav",
    "anmälan om jäv": "jav",
    "expedieras": "recipients",
    "expedieras till": "recipients",
    "beslutet skickas till": "recipients",
    "beslutet expedieras till": "recipients",
    "sändlista": "recipients",
    "för kännedom": "recipients",
}
# "Kulturnämndens beslut", "Kultur- och fritidsnämndens beslut".
NAMND_DECISION = re.compile(r"^(.{3,80}?s) beslut$", re.IGNORECASE)
# "Kommunstyrelsens förslag till kommunfullmäktige": the decision put to the
# council; in the council's own minutes it is the earlier stage.
_NAMND_PROPOSAL = re.compile(r"^(.{3,80}?)s förslag till (\S+)$", re.IGNORECASE)
# "Förvaltningens förslag till beslut": what the officials proposed.
_OFFICIALS_PROPOSAL = re.compile(r"^(.{3,60}?)s förslag till beslut$", re.IGNORECASE)
# "Yrkanden i kommunstyrelsen": a heading scoped to an earlier body's handling.
_STAGE = re.compile(
    r"^(?P<heading>.+?) (?:i|från) (?P<stage>[a-zåäö-]*(?:nämnd|styrelse|fullmäktige"
    r"|utskott)[a-zåäö]*)$",
    re.IGNORECASE,
)
# "Expedieras: Kommunstyrelsen": a heading with its first line on the same line.
_INLINE = re.compile(r"^(?P<heading>[A-ZÅÄÖ][^:]{2,44}):\s+(?P<rest>\S.*)$")

# Sections that are lists, one item a line.
_LIST_KINDS = {"documents", "recipients", "vote"}


# "Beslut – Förslag till kommunfullmäktige", "Förslag till beslut till
# kommunfullmäktige", "Förslag till beslut i kommunstyrelsen", "Beslut i
# kommunstyrelsens arbetsutskott": what this body decided, also when it is a
# proposal to the next body. "Förslag till beslut på sammanträdet" is a
# member's motion, and "Förslag till beslut" alone the officials' proposal.
_BODY = r"(?=.*(?:nämnd|styrelse|fullmäktige|utskott|revision|beredning))"
_OWN_DECISION = re.compile(
    r"^(?:beslut\s*[-–—]\s*\S.*"
    rf"|(?:förslag|förlag)\s+till\s+beslut\s+(?:i|till|för)\s+{_BODY}"
    r"(?!sammanträdet|mötet)\S.*"
    rf"|beslut\s+i\s+{_BODY}\S.*"
    r"|nämnden\s+för\s+.{2,60}?\s+förslag\s+till\s+\S+)$"
)


def heading_kind(text: str) -> tuple[str, str | None] | None:
    """Return (kind, stage) for a line that opens a section, else None."""
    # Clerks capitalise headings; a lone lower-case word is a broken sentence.
    if len(text) > 80 or text.endswith((".", ",")) or not text[:1].isupper():
        return None
    key = " ".join(text.rstrip(":").split()).casefold()
    kind = _kind_of(key)
    if kind:
        return kind, None
    if _OWN_DECISION.match(key):
        return "decision", None
    staged = _STAGE.match(key)
    if staged:
        kind = _kind_of(staged["heading"])
        if kind:
            return kind, staged["stage"]
    proposal = _NAMND_PROPOSAL.match(key)
    if proposal and not _OFFICIALS_PROPOSAL.match(key):
        return "decision", proposal[1].lower()
    return None


def _kind_of(key: str) -> str | None:
    if key in _HEADINGS:
        return _HEADINGS[key]
    if _OFFICIALS_PROPOSAL.match(key):
        return "background"
    if NAMND_DECISION.match(key):
        return "decision"
    return None


def split_heading(text: str) -> tuple[str, tuple[str, str | None], str] | None:
    """Split "Expedieras: Kommunstyrelsen" into heading, its kind, and the rest."""
    match = _INLINE.match(text)
    if match:
        kind = heading_kind(match["heading"])
        if kind:
            return match["heading"], kind, match["rest"]
    return None


def _with_blanks(lines: list[Line]) -> list[str]:
    """The lines' texts, with "" where the source had a blank line between."""
    if not lines or blank_after_every_line(lines):
        return [line.text for line in lines]
    out = [lines[0].text]
    for previous, line in zip(lines, lines[1:], strict=False):
        if blank_between(previous, line):
            out.append("")
        out.append(line.text)
    return out


def read_sections(lines: list[Line]) -> list[ParsedSection]:
    """Cut a paragraph's body into sections at its headings, keeping their order."""
    sections: list[ParsedSection] = []
    heading, kind, stage = "", "other", None
    start = lines[0].number if lines else 0
    body: list[Line] = []

    def close() -> None:
        if body or heading:
            if kind == "vote":
                # Vote tables mark choices by column: keep the spacing.
                text = "\n".join(spaced_text(line) for line in body)
            elif kind in _LIST_KINDS:
                text = "\n".join(line.text for line in body)
            else:
                text = join_lines(_with_blanks(body))
            sections.append(ParsedSection(kind, heading, text, start, stage))

    for line in lines:
        found = heading_kind(line.text)
        rest = None
        if found:
            title = line.text.rstrip(":")
        else:
            inline = split_heading(line.text)
            if inline:
                title, found, rest = inline
        if found:
            close()
            heading, (kind, stage), start, body = title, found, line.number, []
            if rest:
                body.append(Line(line.number, rest, line.page))
        else:
            body.append(line)
    close()
    return sections
