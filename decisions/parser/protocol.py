"""Read a protocol's text into its header and numbered paragraphs."""

from __future__ import annotations

import datetime
import re

from .members import parse_members
from .model import (
    ParsedParagraph,
    ParsedProposal,
    ParsedProtocol,
    ParsedSection,
    ParsedStatement,
    ParseError,
)
from .text import Line, clean_lines, join_lines

# "§ 7", "§7", "§§ 14-16", optionally followed by the title on the same line.
_PARAGRAPH = re.compile(r"^§§?\s*(\d{1,4})(?:\s*[-–]\s*(\d{1,4}))?(?:\s+(.*))?$")
_DNR = re.compile(
    r"^(?:dnr|diarienummer|ärendenummer|ärendenr)\.?\s*:?\s*(\S.*)$", re.IGNORECASE
)
# The posting block closes the minutes: nothing after it belongs to a paragraph.
_TRAILER = re.compile(
    r"^(anslag\s*/\s*bevis|anslagsbevis|bevis\s+om\s+anslag|justeringsbevis)\b",
    re.IGNORECASE,
)

_HEADINGS: dict[str, str] = {
    "beslut": "decision",
    "beslutet": "decision",
    "sammanfattning": "background",
    "sammanfattning av ärendet": "background",
    "ärendet": "background",
    "ärendebeskrivning": "background",
    "bakgrund": "background",
    "nämndens behandling av ärendet": "other",
    "handlingar i ärendet": "documents",
    "beslutsunderlag": "documents",
    "underlag": "documents",
    "förslag till beslut": "proposals",
    "framlagda förslag till beslut": "proposals",
    "framlagt förslag till beslut": "proposals",
    "yrkande": "proposals",
    "yrkanden": "proposals",
    "överläggning": "proposals",
    "beslutsgång": "procedure",
    "beslutsordning": "procedure",
    "propositionsordning": "procedure",
    "proposition": "procedure",
    "omröstning": "procedure",
    "omröstningsresultat": "procedure",
    "reservation": "reservation",
    "reservationer": "reservation",
    "särskilt uttalande": "special_statement",
    "särskilda uttalanden": "special_statement",
    "särskilt yttrande": "special_statement",
    "särskilda yttranden": "special_statement",
    "protokollsanteckning": "protocol_note",
    "protokollsanteckningar": "protocol_note",
    "jäv": "jav",
    "expedieras": "recipients",
    "expedieras till": "recipients",
    "beslutet skickas till": "recipients",
    "beslutet expedieras till": "recipients",
    "sändlista": "recipients",
}
# "Kulturnämndens beslut", "Kultur- och fritidsnämndens beslut".
_BOARD_DECISION = re.compile(r"^(.{3,80}?s) beslut$", re.IGNORECASE)
# "Kommunstyrelsens förslag till kommunfullmäktige": the decision put to the council.
_BOARD_PROPOSAL = re.compile(r"^.{3,80}?s förslag till \S+$", re.IGNORECASE)

_BOARD_WORD = r"(?:nämnd|styrelse|fullmäktige|utskott)"
# A board's name as it stands in running text: "kulturnämnden", "Kultur- och
# fritidsnämnden", "Kommunfullmäktige".
_BOARD_NAME = re.compile(
    rf"\b((?:[A-ZÅÄÖa-zåäö]+-\s(?:och|samt)\s)?[A-ZÅÄÖa-zåäö]*{_BOARD_WORD}"
    r"(?:en|et|e)?)s?\b"
)
_BOARD_LINE = re.compile(rf"^[A-ZÅÄÖ][\w\s-]*{_BOARD_WORD}(?:en|et|e)?$")
# "föreslår att kulturnämnden beslutar", "Socialnämnden beslutar".
_BOARD_DECIDES = re.compile(
    rf"\b((?:[A-ZÅÄÖa-zåäö]+-\s(?:och|samt)\s)?[A-ZÅÄÖa-zåäö]+{_BOARD_WORD}"
    r"(?:en|et|e)?) (?:beslutar|beslöt|beslutade)\b"
)
_MUNICIPALITY = re.compile(
    r"^(?:[A-ZÅÄÖ][\w-]*(?: [A-ZÅÄÖ][\w-]*)* (?:kommun|stad)|Region [A-ZÅÄÖ][\w -]*)$"
)
_MUNICIPALITY_MENTION = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö]+s stad|[A-ZÅÄÖ][a-zåäö]+ kommun)s?\b"
)
_PROTOCOL_NUMBER = re.compile(r"\bnr\.?\s*(\d{1,3}(?:\s*/\s*\d{2,4})?)", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTHS = {
    name: index
    for index, name in enumerate(
        "januari februari mars april maj juni juli augusti september oktober "
        "november december".split(),
        start=1,
    )
}
_WRITTEN_DATE = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE
)
_MEETING_DATE_LABEL = re.compile(
    r"^(?:sammanträdesdatum|sammanträdesdag|sammanträdets datum|datum|plats och tid"
    r"|tid och plats|tid)\b",
    re.IGNORECASE,
)
# A line that marks the item as secret: "Sekretess enligt 26 kap. 1 § OSL",
# "Sekretessärende". Capital S and line start, since the words also occur in
# running text about secrecy ("... omfattas av sekretess enligt 26 kap.").
_CONFIDENTIAL = re.compile(
    r"^(?:Sekretess(?:ärende[n]?)?|Sekretessbelagt(?: ärende)?)(?:\s+enligt\b.*)?$",
    re.MULTILINE,
)

# Where a proposer's sentence starts: "Rasmus Jonlund m.fl. (L) föreslår ...",
# "- 1) Ordförande Roger Mogert (S) föreslår ...", "Anna Berg (S) yrkar bifall ...".
_NO_SENTENCE_END = r"(?:(?![.!?:]\s+[A-ZÅÄÖ])(?!\s\d+\)\s)[^\n])"


def _speaker(verb: str) -> re.Pattern[str]:
    """Match a sentence opened by who speaks and the verb: "A (L) reserverar sig"."""
    return re.compile(
        r"(?:^|(?<=[.!?] ))(?:[-–•]\s*)?(?:\d{1,2}[.)]\s*)?"
        rf"(?P<who>[A-ZÅÄÖ]{_NO_SENTENCE_END}{{0,300}}?)\s{verb}\b",
        re.MULTILINE,
    )


_PROPOSER = _speaker(r"(?:föreslår|föreslog|yrkar|yrkade)")
_RESERVER = _speaker(r"(?:reserverar|reserverade)\s+sig")
_STATEMENT_BY = _speaker(
    r"(?:lämnar|lämnade|anför|anförde|avger|gör|framför|antecknar|vill|får)"
)
# A reservation "till förmån för sitt eget förslag" stands on the proposal made
# earlier under the proposals heading by the same members.
_OWN_PROPOSAL = re.compile(
    r"\b(?:sitt|sina|deras|eget|egna)\s+(?:eget\s+|egna\s+)?(?:förslag|yrkande[n]?)\b",
    re.IGNORECASE,
)
# "... till förmån för Camilla Dufvas yrkande": the proposal of a named member.
_NAMED_PROPOSAL = re.compile(
    r"till förmån för (?P<whose>[A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+){1,4})s "
    r"\w*(?:yrkande|förslag)\b"
)


def heading_kind(text: str) -> str | None:
    """Return the section kind a line opens, or None if it is not a heading."""
    if len(text) > 80 or text.endswith((".", ",")):
        return None
    key = " ".join(text.rstrip(":").split()).casefold()
    if key in _HEADINGS:
        return _HEADINGS[key]
    if _BOARD_DECISION.match(key) or _BOARD_PROPOSAL.match(key):
        return "decision"
    return None


def board_base_name(phrase: str) -> str:
    """Turn "Kulturnämndens"/"kulturnämnden" into the board's name, "Kulturnämnden"."""
    phrase = " ".join(phrase.split())
    if phrase.endswith(("ens", "ets", "es")):
        phrase = phrase[:-1]
    return phrase[:1].upper() + phrase[1:]


def parse_date(text: str) -> datetime.date | None:
    """Find a date written "2016-09-20" or "den 20 september 2016"."""
    for pattern, build in (
        (_ISO_DATE, lambda m: (int(m[1]), int(m[2]), int(m[3]))),
        (_WRITTEN_DATE, lambda m: (int(m[3]), _MONTHS[m[2].lower()], int(m[1]))),
    ):
        match = pattern.search(text)
        if match:
            try:
                return datetime.date(*build(match))
            except ValueError:
                return None
    return None


def parse_protocol(text: str, *, source: str) -> ParsedProtocol:
    """Read one protocol (a whole meeting or an extract) into plain data.

    Pure: no database, no files. Raises ParseError only when nothing can be read;
    anything odd but readable becomes a warning with its line number.
    """
    protocol = ParsedProtocol(source=source)
    lines = clean_lines(text)
    if not lines:
        raise ParseError("filen innehåller ingen text")
    starts = [i for i, line in enumerate(lines) if _PARAGRAPH.match(line.text)]
    if not starts:
        raise ParseError("ingen paragraf hittades (inget '§ N' i början av en rad)")
    end = next(
        (
            i
            for i, line in enumerate(lines)
            if i > starts[0] and _TRAILER.match(line.text)
        ),
        len(lines),
    )
    _read_header(protocol, lines[: starts[0]])
    seen: dict[str, int] = {}
    bounds = [*starts, end]
    for start, stop in zip(bounds, bounds[1:], strict=False):
        if start >= end:
            break
        paragraph = _read_paragraph(protocol, lines[start : min(stop, end)])
        if paragraph.number in seen:
            raise ParseError(
                f"§ {paragraph.number} förekommer två gånger "
                f"(först på rad {seen[paragraph.number]})",
                paragraph.line,
            )
        seen[paragraph.number] = paragraph.line
        protocol.paragraphs.append(paragraph)
    if protocol.namnd is None:
        protocol.namnd = _board_from_paragraphs(protocol.paragraphs)
    if protocol.kommun is None:
        named = {m[1] for m in _MUNICIPALITY_MENTION.finditer(text)}
        if len(named) == 1:
            protocol.kommun_mentioned = named.pop()
    return protocol


def _read_header(protocol: ParsedProtocol, lines: list[Line]) -> None:
    for line in lines:
        text = line.text
        if protocol.kommun is None and _MUNICIPALITY.match(text):
            protocol.kommun = text
        elif protocol.namnd is None and _BOARD_LINE.match(text) and len(text) < 80:
            protocol.namnd = board_base_name(text)
        if protocol.protocol_number is None and text.lower().startswith(
            ("protokoll", "sammanträdesprotokoll")
        ):
            match = _PROTOCOL_NUMBER.search(text)
            if match:
                protocol.protocol_number = re.sub(r"\s+", "", match[1])
        if protocol.meeting_date is None and _MEETING_DATE_LABEL.match(text):
            protocol.meeting_date = parse_date(text)


def _board_from_paragraphs(paragraphs: list[ParsedParagraph]) -> str | None:
    """Find the board where the minutes name it: "Socialnämndens beslut", "...

    "föreslår att kulturnämnden beslutar". Only decision sections are read, since
    the background names many other boards.
    """
    for paragraph in paragraphs:
        for section in paragraph.sections:
            if section.kind != "decision":
                continue
            match = _BOARD_DECISION.match(section.heading)
            if match and re.search(_BOARD_WORD, match[1], re.IGNORECASE):
                return board_base_name(match[1])
            match = _BOARD_DECIDES.search(section.text)
            if match:
                return board_base_name(match[1])
    return None


def _read_paragraph(protocol: ParsedProtocol, lines: list[Line]) -> ParsedParagraph:
    first = lines[0]
    match = _PARAGRAPH.match(first.text)
    assert match  # the caller split on this pattern
    number = match[1] if not match[2] else f"{match[1]}-{match[2]}"
    rest = lines[1:]
    title_parts = [match[3]] if match[3] else []
    dnr = None
    body_start = 0
    for index, line in enumerate(rest):
        dnr_match = _DNR.match(line.text)
        if dnr_match:
            dnr = dnr_match[1].strip().rstrip(".")
            body_start = index + 1
            break
        if (
            heading_kind(line.text)
            or _CONFIDENTIAL.search(line.text)
            or not _is_title_line(title_parts, line.text)
        ):
            break
        title_parts.append(line.text)
        body_start = index + 1
    paragraph = ParsedParagraph(
        number=number, title=_join_title(title_parts), line=first.number, dnr=dnr
    )
    if not paragraph.title:
        paragraph.title = f"§ {number}"
        protocol.warn(first.number, f"§ {number} saknar rubrik")
    paragraph.sections = _read_sections(rest[body_start:])
    body = "\n".join(line.text for line in lines)
    if _CONFIDENTIAL.search(body):
        # Secret content is never kept for publication: the number and title stay.
        paragraph.confidential = True
        paragraph.sections = []
        return paragraph
    _read_contents(protocol, paragraph)
    return paragraph


def _is_title_line(title_parts: list[str], text: str) -> bool:
    """Say whether a line still belongs to a title broken over lines."""
    if not title_parts:
        return True
    if len(title_parts) >= 3 or text.endswith(".") or len(text) > 120:
        return False
    return not title_parts[-1].endswith(".")


def _join_title(parts: list[str]) -> str:
    title = ""
    for part in parts:
        if not title:
            title = part
        elif part[:1].islower() or title.endswith(("-", "–", ":")):
            title = f"{title} {part}"
        else:
            title = f"{title} – {part}"
    return title.strip()


# Sections that are lists, one item a line: documents, recipients.
_LIST_KINDS = {"documents", "recipients"}


def _read_sections(lines: list[Line]) -> list[ParsedSection]:
    sections: list[ParsedSection] = []
    heading, kind, start, body = "", "other", lines[0].number if lines else 0, []

    def close() -> None:
        if body or heading:
            text = "\n".join(body) if kind in _LIST_KINDS else join_lines(body)
            sections.append(ParsedSection(kind, heading, text, start))

    for line in lines:
        new_kind = heading_kind(line.text)
        if new_kind:
            close()
            heading, kind, start, body = (
                line.text.rstrip(":"),
                new_kind,
                line.number,
                [],
            )
        else:
            body.append(line.text)
    close()
    return sections


def _read_contents(protocol: ParsedProtocol, paragraph: ParsedParagraph) -> None:
    sections = paragraph.sections
    decisions = [s for s in sections if s.kind == "decision"]
    if not decisions and len(sections) == 1 and not sections[0].heading:
        # A short item with no headings at all: its text is the decision.
        sections[0].kind = "decision"
        decisions = sections
    paragraph.decision = "\n\n".join(s.text for s in decisions if s.text)
    if not paragraph.decision:
        protocol.warn(paragraph.line, f"§ {paragraph.number}: inget beslut hittades")
    for section in sections:
        if section.kind == "other" and not section.heading and section.text:
            protocol.warn(
                section.line,
                f"§ {paragraph.number}: text före första rubriken finns bara i "
                "paragrafens fulltext",
            )
    paragraph.text = "\n\n".join(
        f"{s.heading}\n\n{s.text}" if s.heading else s.text for s in sections
    ).strip()
    for section in sections:
        if section.kind == "proposals":
            paragraph.proposals.extend(_split_proposals(section.text))
    for section in sections:
        if section.kind == "reservation":
            paragraph.reservations.extend(
                _read_reservations(protocol, paragraph, section)
            )
        elif section.kind == "special_statement" and section.text:
            speaker = _STATEMENT_BY.search(section.text)
            who = speaker["who"] if speaker else _first_sentence(section.text)
            members = parse_members(who)
            paragraph.special_statements.append(
                ParsedStatement(members=members, text=section.text, line=section.line)
            )


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?:])\s", text, maxsplit=1)[0]


# The numbering clerks put before each proposal: "- 1) ", "2. ".
_ENUMERATION = re.compile(r"^(?:[-–•]\s*)?(?:\d{1,2}[.)]\s*)?")


def _split_at(pattern: re.Pattern[str], text: str) -> list[tuple[str, str]]:
    """Cut text where pattern matches; return (who, text from there) pairs."""
    matches = list(pattern.finditer(text))
    pieces = []
    for match, nxt in zip(matches, [*matches[1:], None], strict=True):
        chunk = text[match.start() : nxt.start() if nxt else len(text)].strip()
        pieces.append((match["who"], _ENUMERATION.sub("", chunk, count=1)))
    return pieces


def _split_proposals(text: str) -> list[ParsedProposal]:
    return [
        ParsedProposal(members=parse_members(who), text=chunk)
        for who, chunk in _split_at(_PROPOSER, text)
    ]


def _read_reservations(
    protocol: ParsedProtocol, paragraph: ParsedParagraph, section: ParsedSection
) -> list[ParsedStatement]:
    found = _split_at(_RESERVER, section.text)
    if not found and section.text:
        # "Reservation, se bilaga 2" or a party reserving as a group: keep the text.
        found = [(_first_sentence(section.text), section.text)]
    statements = []
    for who, chunk in found:
        members = parse_members(who)
        if not members:
            protocol.warn(
                section.line,
                f"§ {paragraph.number}: reservation utan namngivna ledamöter",
            )
        text = chunk
        named = _NAMED_PROPOSAL.search(chunk)
        if named or _OWN_PROPOSAL.search(chunk):
            names = {named["whose"]} if named else {m.name for m in members}
            proposal = _proposal_of(paragraph.proposals, names)
            if proposal:
                text = f"{chunk}\n\n{proposal.text}"
            else:
                protocol.warn(
                    section.line,
                    f"§ {paragraph.number}: de reserverandes förslag hittades inte",
                )
        statements.append(
            ParsedStatement(members=members, text=text, line=section.line)
        )
    return statements


def _proposal_of(
    proposals: list[ParsedProposal], names: set[str]
) -> ParsedProposal | None:
    """Find the proposal made by any of the named members."""
    for proposal in proposals:
        if names & {m.name for m in proposal.members}:
            return proposal
    return None
