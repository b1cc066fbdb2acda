"""Read a protocol's text into its front matter and numbered paragraphs."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .contents import read_contents
from .header import BOARD_NAME, board_base_name, read_front_matter
from .model import ParsedParagraph, ParsedProtocol, ParseError
from .sections import BOARD_DECISION, heading_kind, read_sections, split_heading
from .text import Line, clean_text

# "§ 7", "§7", "§§ 14-16", "KS § 12", "§ 41/21", with the title or dnr after.
_PARAGRAPH = re.compile(
    r"^(?:(?P<prefix>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,4})\s+)?§§?\s*(?P<start>\d{1,4})"
    r"(?:\s*/\s*\d{2,4})?(?:\s*[-–]\s*(?P<end>\d{1,4})(?:\s*/\s*\d{2,4})?)?"
    r"(?P<rest>(?:[\s.:]+.*)?)$"
)
# A table of contents line: "§ 41 Budget 2021 ........ 5". Three dots are
# enough (a longer leader ends in three), and "\.{3,}" would rescan a long row
# of dots from each of its dots.
_TOC_LEADER = re.compile(r"(?:\.{3}|…|\s\.\s\.\s\.)\s*\d*$")
_DNR_LABEL = r"(?:dnr|diarienummer|ärendenummer|ärendenr|ärende\s+nr)\b\.?\s*:?"
_DNR_LINE = re.compile(rf"^{_DNR_LABEL}\s*(?P<value>\S.*)$", re.IGNORECASE)
# "Budget 2021 Dnr KS 2020/12": a dnr after the title on the same line.
_DNR_AFTER = re.compile(rf"\s+{_DNR_LABEL}\s*(?P<value>\S.*)$", re.IGNORECASE)
# "Detaljplan för Tallmon (RS/2210/2014)": a dnr in parentheses ending the title.
_DNR_PARENS = re.compile(
    r"\s*\((?P<value>[A-ZÅÄÖa-zåäö]{0,6}[ ./:-]?[\d][\w ./:-]{2,28})\)$"
)
# A case number on a line of its own without a label: "KS 2019/88", "RV190231".
_BARE_DNR = re.compile(
    r"^(?:[A-ZÅÄÖ][A-Za-zÅÄÖ]{0,5}[ ./-]?)?\d[\dA-Z ./:-]{1,24}$"
    r"|^[A-ZÅÄÖ]{2,5}\d{4,}$"
)
# The posting block closes the minutes: nothing after it belongs to a paragraph.
_TRAILER = re.compile(
    r"^(anslag\s*/\s*bevis|anslagsbevis|bevis\s+om\s+anslag|justeringsbevis"
    r"|tillkännagivande\s+av\s+justering|underskrifter\b|vid\s+protokollet"
    r"|rätt\s+utdraget\s+intygar|utdragsbestyrkande\s+\S|justerat\s+\d"
    r"|justeringsdatum|anslaget\s+(?:uppsatt|sätts)|justeringen\s+har\s+tillkännagivits"
    r"|protokollet\s+(?:är\s+justerat|justerades)|postadress)",
    re.IGNORECASE,
)
# A line that marks the item as secret: "Sekretess enligt 26 kap. 1 § OSL",
# "Sekretessärende". Capital S and line start, since the words also occur in
# running text about secrecy ("... omfattas av sekretess enligt 26 kap.").
_CONFIDENTIAL = re.compile(
    r"^(?:Sekretess(?:ärende)?|Sekretessbelagt(?: ärende)?|SEKRETESS)"
    r"(?:\s+(?:enligt|jämlikt)\b.*)?$",
    re.MULTILINE,
)
# A section of secret items: every paragraph under it is confidential.
_CONFIDENTIAL_SECTION = re.compile(r"^Sekretessärenden$", re.IGNORECASE)
# A title heading opening the body on the same line: "Budget 2021 Ärendet Nämnden".
_TITLE_HEADING = re.compile(
    r"\s(?=(?:Ärendet|Ärendebeskrivning|Sammanfattning|Bakgrund|Beslutsunderlag)"
    r"\s+[A-ZÅÄÖ0-9])"
)
_BOARD_WORD = r"(?:nämnd|styrelse|fullmäktige|utskott)"
# "föreslår att kulturnämnden beslutar", "Socialnämnden beslutar".
_BOARD_DECIDES = re.compile(
    rf"(?<![\w-])({BOARD_NAME}) (?:beslutar|beslöt|beslutade)\b"
)
_MUNICIPALITY_MENTION = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö]+s stad|[A-ZÅÄÖ][a-zåäö]+ kommun)s?\b"
)


@dataclass
class _Start:
    """A line that opens a paragraph."""

    index: int
    first: int
    last: int
    number: str
    rest: str


def parse_protocol(text: str, *, source: str) -> ParsedProtocol:
    """Read one protocol (a whole meeting or an extract) into plain data.

    Pure: no database, no files. Raises ParseError only when nothing can be read;
    anything odd but readable becomes a warning with its line number.
    """
    protocol = ParsedProtocol(source=source)
    cleaned = clean_text(text)
    lines = cleaned.lines
    for line, note in cleaned.notes:
        protocol.warn(line, note)
    if not lines:
        raise ParseError("filen innehåller ingen text")
    starts = _paragraph_starts(protocol, lines)
    if not starts:
        raise ParseError("ingen paragraf hittades (inget '§ N' i början av en rad)")
    end = next(
        (
            i
            for i, line in enumerate(lines)
            if i > starts[0].index and _TRAILER.match(line.text)
        ),
        len(lines),
    )
    starts = [s for s in starts if s.index < end]
    header = lines[: starts[0].index]
    read_front_matter(protocol, header, lines[end:], cleaned.running)
    secret_from = next(
        (i for i, line in enumerate(lines) if _CONFIDENTIAL_SECTION.match(line.text)),
        len(lines),
    )
    bounds = [s.index for s in starts] + [end]
    carried_dnr: list[str] = []
    for start, stop in zip(starts, bounds[1:], strict=True):
        body = [
            line
            for line in lines[start.index + 1 : stop]
            if not _CONFIDENTIAL_SECTION.match(line.text)
        ]
        # A dnr line just before the next "§" belongs to that paragraph.
        next_dnr: list[str] = []
        if body and stop != end and _dnr_values(body[-1].text):
            next_dnr = _dnr_values(body[-1].text)
            body = body[:-1]
        paragraph = _read_paragraph(protocol, start, lines[start.index], body)
        carried = set(carried_dnr)
        paragraph.dnrs = carried_dnr + [d for d in paragraph.dnrs if d not in carried]
        carried_dnr = next_dnr
        if start.index > secret_from and not paragraph.confidential:
            _make_confidential(paragraph)
        protocol.paragraphs.append(paragraph)
    if protocol.namnd is None:
        protocol.namnd = _board_from_paragraphs(protocol.paragraphs)
    if protocol.kommun is None:
        named = {m[1] for m in _MUNICIPALITY_MENTION.finditer(text)}
        if len(named) == 1:
            protocol.kommun_mentioned = named.pop()
    _drop_own_stage(protocol)
    return protocol


def _paragraph_starts(protocol: ParsedProtocol, lines: list[Line]) -> list[_Start]:
    """Find the lines that open paragraphs, leaving out look-alikes.

    A table of contents, an agenda or a reference in running text ("KS § 187,
    2016-12-06") also puts "§" at a line's start. What remains is the longest run
    of increasing numbers, preferring lines that have a body of their own.
    """
    candidates = []
    for index, line in enumerate(lines):
        match = _PARAGRAPH.match(line.text)
        if not match:
            continue
        rest = match["rest"].strip(" .:")
        if rest[:1] in (",", ";", ")") or rest[:1].islower():
            continue
        if _TOC_LEADER.search(line.text):
            continue
        first = int(match["start"])
        last = int(match["end"] or first)
        if last < first:
            continue
        number = str(first) if last == first else f"{first}-{last}"
        candidates.append(_Start(index, first, last, number, rest))
    # Agenda or contents lines without leaders: no body, and the number recurs.
    later_numbers: dict[str, int] = {}
    for position, candidate in enumerate(candidates):
        later_numbers[candidate.number] = position
    kept = []
    for position, candidate in enumerate(candidates):
        following = (
            candidates[position + 1].index if position + 1 < len(candidates) else None
        )
        empty = following is not None and following == candidate.index + 1
        if empty and later_numbers[candidate.number] > position:
            continue
        kept.append(candidate)
    chain = _longest_increasing(kept)
    chosen = {candidate.index for candidate in chain}
    for candidate in kept:
        if candidate.index not in chosen:
            protocol.warn(
                lines[candidate.index].number,
                f"'§ {candidate.number}' bryter paragrafernas ordning och läses som "
                "text i paragrafen före",
            )
    return chain


def _longest_increasing(candidates: list[_Start]) -> list[_Start]:
    """Keep the longest run of paragraphs whose numbers rise, in O(n log n).

    `ends[k]` is the smallest last number that a rising run of k + 1 paragraphs
    can end with; a group "§§ 14-16" ends at 16, so the next must be above it.
    """
    ends: list[int] = []
    tails: list[int] = []  # index into candidates of the run ending at ends[k]
    previous = [-1] * len(candidates)
    for i, candidate in enumerate(candidates):
        k = bisect.bisect_left(ends, candidate.first)
        previous[i] = tails[k - 1] if k else -1
        if k == len(ends):
            ends.append(candidate.last)
            tails.append(i)
        elif candidate.last < ends[k]:
            ends[k], tails[k] = candidate.last, i
    chain = []
    i = tails[-1] if tails else -1
    while i != -1:
        chain.append(candidates[i])
        i = previous[i]
    return chain[::-1]


def _dnr_values(text: str) -> list[str]:
    """Return the case numbers a "Dnr ..." line gives, else []."""
    match = _DNR_LINE.match(text)
    return _split_dnrs(match["value"]) if match else []


def _split_dnrs(value: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\boch\b|\bsamt\b)\s*", value.strip().rstrip("."))
    return [p.strip() for p in parts if p.strip()]


def _read_paragraph(
    protocol: ParsedProtocol, start: _Start, first: Line, body: list[Line]
) -> ParsedParagraph:
    paragraph = ParsedParagraph(number=start.number, title="", line=first.number)
    title_parts: list[str] = []
    rest = start.rest
    if rest:
        dnrs = _dnr_values(rest)
        if dnrs:
            paragraph.dnrs.extend(dnrs)
        else:
            after = _DNR_AFTER.search(rest)
            if after:
                paragraph.dnrs.extend(_split_dnrs(after["value"]))
                rest = rest[: after.start()]
            title_parts.append(rest)
    body_start = 0
    title_done = False
    # The dnrs as a set too: a page of dnr lines looked up in the list would
    # cost its square.
    known = set(paragraph.dnrs)
    for index, line in enumerate(body):
        dnrs = _dnr_values(line.text)
        if dnrs:
            added = [d for d in dict.fromkeys(dnrs) if d not in known]
            paragraph.dnrs.extend(added)
            known.update(added)
            body_start = index + 1
            title_done = bool(title_parts)
            continue
        if title_parts and not paragraph.dnrs and _BARE_DNR.match(line.text):
            paragraph.dnrs.append(line.text.strip())
            known.add(paragraph.dnrs[-1])
            body_start = index + 1
            title_done = True
            continue
        if (
            title_done
            or heading_kind(line.text)
            or split_heading(line.text)
            or _CONFIDENTIAL.match(line.text)
            or not _is_title_line(title_parts, line.text)
        ):
            break
        title_parts.append(line.text)
        body_start = index + 1
    body = body[body_start:]
    title = _join_title(title_parts)
    if title:
        # "Titel Ärendet Kommunstyrelsen har ...": the body starts in the title.
        head, *spill = _TITLE_HEADING.split(title, maxsplit=1)
        if spill:
            title = head
            body = [Line(first.number, spill[0], first.page), *body]
        parens = _DNR_PARENS.search(title)
        if parens and re.search(r"[/.:-]\d|\d[/.:-]", parens["value"]):
            paragraph.dnrs.append(parens["value"].strip())
            title = title[: parens.start()].rstrip()
        after = _DNR_AFTER.search(title)
        if after:
            paragraph.dnrs.extend(_split_dnrs(after["value"]))
            title = title[: after.start()].rstrip()
    paragraph.title = title
    if not title:
        protocol.warn(first.number, f"§ {start.number} saknar rubrik")
    paragraph.sections = read_sections(body)
    if any(_CONFIDENTIAL.match(line.text) for line in body):
        _make_confidential(paragraph)
        return paragraph
    read_contents(protocol, paragraph)
    return paragraph


def _make_confidential(paragraph: ParsedParagraph) -> None:
    """Keep only number and title: secret content is never kept for publication."""
    paragraph.confidential = True
    for name in ("sections", "proposals", "votes", "reservations", "recipients"):
        setattr(paragraph, name, [])
    for name in ("special_statements", "protocol_notes", "jav"):
        setattr(paragraph, name, [])
    paragraph.decision = paragraph.text = ""
    paragraph.procedure = None


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
        elif re.search(r"[a-zåäö]-$", title) and part[:1].islower():
            # "förfrågnings-" + "underlaget": a word broken over the line end.
            title = title[:-1] + part
        elif part[:1].islower() or title.endswith(("-", "–", ":")):
            title = f"{title} {part}"
        else:
            title = f"{title} – {part}"
    return title.strip()


def _board_from_paragraphs(paragraphs: list[ParsedParagraph]) -> str | None:
    """Find the board where the minutes name it: "Socialnämndens beslut", or

    "föreslår att kulturnämnden beslutar". Only decision sections are read, since
    the background names many other boards.
    """
    for paragraph in paragraphs:
        for section in paragraph.sections:
            if section.kind != "decision" or section.stage:
                continue
            match = BOARD_DECISION.match(section.heading)
            if match and re.search(_BOARD_WORD, match[1], re.IGNORECASE):
                return board_base_name(match[1])
            match = _BOARD_DECIDES.search(section.text)
            if match:
                return board_base_name(match[1])
    return None


def _drop_own_stage(protocol: ParsedProtocol) -> None:
    """A "Kommunstyrelsens förslag ..." heading in the board's own minutes is its
    own stage, not an earlier one."""
    if not protocol.namnd:
        return
    own = protocol.namnd.casefold()
    for paragraph in protocol.paragraphs:
        for section in paragraph.sections:
            if section.stage and board_base_name(section.stage).casefold() == own:
                section.stage = None
