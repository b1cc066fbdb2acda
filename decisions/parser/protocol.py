"""Read a protocol's text into its front matter and numbered paragraphs."""

from __future__ import annotations

import re

from .attachments import listed_by_paragraf, read_attachments
from .contents import DECIDES, STUB, read_contents
from .header import (
    NAMND_NAME,
    find_namnd,
    namnd_base_name,
    parse_date,
    read_front_matter,
)
from .model import ParsedParagraf, ParsedProtocol, ParseError
from .outline import Start, find_starts, listed_only
from .sections import NAMND_DECISION, heading_kind, read_sections, split_heading
from .text import Line, blank_after_every_line, blank_between, clean_text
from .unflatten import lone_item, lone_item_note, unflatten

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
# "0123/19 Yttrande över …", "KS 2019/88 Budget": a case number opening the
# heading's rest, before a capitalised title.
_LEADING_DNR = re.compile(
    r"^(?P<dnr>(?:[A-ZÅÄÖ]{1,5}[ -]?)?\d{1,6}[-/.:]\d{2,6}(?:[-/.:]\d{1,6})*)"
    r"\s+(?=[A-ZÅÄÖ])"
)
# "00545/20241.1.1": a case number run into the archive's filing code.
_GLUED_CODE = re.compile(r"^(.*/(?:19|20)\d{2})\d{1,2}(?:\.\d{1,2}){1,3}\.?$")
_CAPITAL_AFTER_SPACE = re.compile(r"(?<=\s)[A-ZÅÄÖ]")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The posting block closes the minutes: nothing after it belongs to a paragraph.
_TRAILER = re.compile(
    r"^(anslag\s*/\s*bevis|anslagsbevis|bevis\s+om\s+anslag|justeringsbevis"
    r"|tillkännagivande\s+av\s+justering|underskrifter\b|vid\s+protokollet"
    r"|rätt\s+utdraget\s+intygar|utdragsbestyrkande\s+\S|justerat\s+\d"
    r"|justeringsdatum|anslaget\s+(?:uppsatt|sätts)|justeringen\s+har\s+tillkännagivits"
    r"|undertecknat\s+av\s+följande|dokumentet\s+är\s+signerat\s+av|verifikat\b"
    r"|protokollet\s+(?:är\s+justerat|justerades)|postadress)",
    re.IGNORECASE,
)
# A line that marks the item as secret: "Sekretess enligt 26 kap. 1 § OSL",
# "Sekretessärende". Capital S and line start, since the words also occur in
# running text about secrecy ("... omfattas av sekretess enligt 26 kap.").
_CONFIDENTIAL = re.compile(
    r"^(?:Sekretess(?:ärende)?|Sekretessbelagt(?: ärende)?|SEKRETESS)"
    r"(?:\s+(?:enligt|jämlikt)\b\s*(?P<ground>.*))?$",
    re.MULTILINE,
)
# A section of secret items: every paragraph under it is confidential.
_CONFIDENTIAL_SECTION = re.compile(r"^Sekretessärenden$", re.IGNORECASE)
# A title heading opening the body on the same line: "Budget 2021 Ärendet Nämnden".
_TITLE_HEADING = re.compile(
    r"\s(?=(?:Ärendet|Ärendebeskrivning|Sammanfattning|Bakgrund|Beslutsunderlag)"
    r"\s+[A-ZÅÄÖ0-9])"
)
_NAMND_WORD = r"(?:nämnd|styrelse|fullmäktige|utskott)"
# "föreslår att kulturnämnden beslutar", "Socialnämnden beslutar".
_NAMND_DECIDES = re.compile(
    rf"(?<![\w-])({NAMND_NAME}) (?:beslutar|beslöt|beslutade)\b"
)
_NAMND_OPENS = re.compile(rf"^(?:[-–•*]\s*)?({NAMND_NAME}) [a-zåäö]+r\b")
_DATE_LABEL = re.compile(
    r"\b(?:sammanträdesdatum|sammanträdesdag|mötesdatum)\s*:?\s*\d{4}-\d{2}-\d{2}",
    re.IGNORECASE,
)
_NAMND_BEFORE_PROTOCOL = re.compile(
    rf"(?:^|\(\d+\)\s)({NAMND_NAME})\s+(?:sammanträdes)?protokoll\s+nr\b",
    re.IGNORECASE,
)
_PROTOCOL_LABEL = re.compile(r"^(?:sammanträdes)?protokoll\b", re.IGNORECASE)
# A municipality named in the text: "Mölndals stad", "Kungsbacka kommun".
_MUNICIPALITY_MENTION = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö]+s [Ss]tad|[A-ZÅÄÖ][a-zåäö]+ [Kk]ommun)s?\b"
)
# A region or kommunalförbund: named as the organisation only by its own
# bodies' minutes (regionstyrelsen, förbundsstyrelsen), since every
# municipality's minutes name them in passing.
_REGION_MENTION = re.compile(r"\b(Region [A-ZÅÄÖ][a-zåäö]+)s?\b")
_FEDERATION_MENTION = re.compile(
    r"\b([A-ZÅÄÖ][a-zåäö]+regionen|[A-ZÅÄÖ][a-zåäö]+förbundet [A-ZÅÄÖ][a-zåäö]+)s?\b"
)


def parse_protocol(
    text: str, *, source: str, number: str | None = None
) -> ParsedProtocol:
    """Read one protocol (a whole meeting or an extract) into plain data.

    Pure: no database, no files. Raises ParseError only when nothing can be read;
    anything odd but readable becomes a warning with its line number. `number`
    numbers a single agenda item the text shows without one (a web page).
    """
    protocol = ParsedProtocol(source=source)
    unflattened = unflatten(text)
    for line, note in unflattened.notes:
        protocol.warn(line, note)
    # A heading that opens every page (one paragraph a page) is content.
    cleaned = clean_text(
        unflattened.text, content=lambda line: heading_kind(line) is not None
    )
    lines = cleaned.lines
    for line, note in cleaned.notes:
        protocol.warn(line, note)
    if not lines:
        raise ParseError("filen innehåller ingen text")
    starts, contents = find_starts(protocol, lines)
    item = None if starts else lone_item(lines)
    if item is not None:
        following = lines[item + 1 :]
        starts = [Start(item, 0, 0, number or "", lines[item].text, following)]
        protocol.warn(lines[item].number, lone_item_note(number))
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
        paragraf = _read_paragraf(protocol, start, lines[start.index], body)
        carried = set(carried_dnr)
        paragraf.dnrs = carried_dnr + [d for d in paragraf.dnrs if d not in carried]
        carried_dnr = next_dnr
        if start.index > secret_from and not paragraf.confidential:
            _make_confidential(paragraf)
        protocol.paragrafer.append(paragraf)
    _add_listed_only(protocol, starts, contents, lines)
    listed_by_paragraf(
        protocol.paragrafer, lines, {lines[s.index].number for s in starts}
    )
    if protocol.namnd is None or protocol.meeting_date is None:
        _header_leftovers(protocol, lines)
    if protocol.namnd is None:
        protocol.namnd = _namnd_from_paragrafer(protocol.paragrafer)
    if protocol.kommun is None:
        protocol.kommun_mentioned = _most_named(text, protocol.namnd or "")
    _drop_own_stage(protocol)
    return protocol


def _dnr_values(text: str) -> list[str]:
    """Return the case numbers a "Dnr ..." line gives, else []."""
    match = _DNR_LINE.match(text)
    return _split_dnrs(match["value"]) if match else []


def _split_dnrs(value: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\boch\b|\bsamt\b)\s*", value.strip().rstrip("."))
    return [_GLUED_CODE.sub(r"\1", p.strip()) for p in parts if p.strip()]


def _read_paragraf(
    protocol: ParsedProtocol, start: Start, first: Line, body: list[Line]
) -> ParsedParagraf:
    paragraf = ParsedParagraf(number=start.number, title="", line=first.number)
    title_parts: list[str] = []
    rest = start.rest
    leading = _LEADING_DNR.match(rest)
    if leading and not _ISO_DAY.match(leading["dnr"]):
        # "§ 5 0123/19 Yttrande över …": an unlabelled case number first.
        paragraf.dnrs.append(leading["dnr"])
        rest = rest[leading.end() :].strip()
    if rest:
        dnrs = _dnr_values(rest)
        if dnrs:
            paragraf.dnrs.extend(dnrs)
        elif (
            not paragraf.dnrs
            and _BARE_DNR.match(rest)
            # "Budget 2027" is a title: a case number has a separator.
            and re.search(r"\d[-/.:]\d|^[A-ZÅÄÖ]{2,5}\d{4,}$", rest)
        ):
            paragraf.dnrs.append(rest)
        else:
            after = _DNR_AFTER.search(rest)
            if after:
                paragraf.dnrs.extend(_split_dnrs(after["value"]))
                rest = rest[: after.start()]
            title_parts.append(rest)
    body_start = 0
    title_done = False
    # A blank line ends a title, unless every line has one after it.
    spaced = blank_after_every_line(body[:12])
    # The dnrs as a set too: a page of dnr lines looked up in the list would
    # cost its square.
    known = set(paragraf.dnrs)
    for index, line in enumerate(body):
        dnrs = _dnr_values(line.text)
        if dnrs:
            added = [d for d in dict.fromkeys(dnrs) if d not in known]
            paragraf.dnrs.extend(added)
            known.update(added)
            body_start = index + 1
            title_done = bool(title_parts)
            continue
        if title_parts and not paragraf.dnrs and _BARE_DNR.match(line.text):
            paragraf.dnrs.append(line.text.strip())
            known.add(paragraf.dnrs[-1])
            body_start = index + 1
            title_done = True
            continue
        previous = body[index - 1] if index else first
        if (
            title_done
            or (title_parts and not spaced and blank_between(previous, line))
            or (title_parts and DECIDES.match(line.text))
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
        # "Årsredovisning 2024 Omedelbar justering. Se separat protokoll.": a
        # stub run into the title (flattened text) is the body.
        stub = next(
            (
                m.start()
                for m in _CAPITAL_AFTER_SPACE.finditer(title)
                if STUB.match(title[m.start() :])
            ),
            None,
        )
        if stub:
            body = [Line(first.number, title[stub:], first.page), *body]
            title = title[:stub].rstrip()
        parens = _DNR_PARENS.search(title)
        # "(SOU 2024:98)" after a title whose heading gave the dnr is the title's.
        if (
            parens
            and not paragraf.dnrs
            and re.search(r"[/.:-]\d|\d[/.:-]", parens["value"])
        ):
            paragraf.dnrs.append(parens["value"].strip())
            title = title[: parens.start()].rstrip()
        after = _DNR_AFTER.search(title)
        if after and not paragraf.dnrs:
            # With the heading's dnr known, a "Dnr" in the title cites another
            # case ("Överklagande av § 43/24 Dnr 2024-00239 - …").
            paragraf.dnrs.extend(_split_dnrs(after["value"]))
            title = title[: after.start()].rstrip()
    paragraf.title = title
    if not title:
        protocol.warn(first.number, f"§ {start.number} saknar rubrik")
    paragraf.sections = read_sections(body)
    markers = [m for line in body if (m := _CONFIDENTIAL.match(line.text))]
    if markers:
        _make_confidential(paragraf)
        paragraf.secrecy_ground = next(
            (_ground(m["ground"]) for m in markers if m["ground"]), ""
        )
        return paragraf
    read_contents(protocol, paragraf)
    read_attachments(paragraf)
    return paragraf


def _add_listed_only(
    protocol: ParsedProtocol,
    starts: list[Start],
    contents: list[Start],
    lines: list[Line],
) -> None:
    """Keep a paragraph the contents list and the body leaves out as a
    confidential placeholder: its number and title, nothing else."""
    for entry, title in listed_only(starts, contents):
        line = lines[entry.index].number
        protocol.warn(
            line,
            f"§ {entry.number} står i innehållsförteckningen men inte i protokollet; "
            "den läses som sekretessbelagd",
        )
        placeholder = ParsedParagraf(
            number=entry.number, title=title or "Sekretess", line=line
        )
        _make_confidential(placeholder)
        after = next(
            (
                i
                for i, p in enumerate(protocol.paragrafer)
                if p.number[:1].isdigit() and int(p.number.split("-")[0]) > entry.first
            ),
            len(protocol.paragrafer),
        )
        protocol.paragrafer.insert(after, placeholder)


def _ground(text: str) -> str:
    """The law a secrecy marker cites, as printed, without a closing period:
    "26 kap. 1 § OSL", "26 kap. 1 § offentlighets- och sekretesslagen"."""
    return " ".join(text.split()).rstrip(".")[:200]


def _make_confidential(paragraf: ParsedParagraf) -> None:
    """Keep only number and title: secret content is never kept for publication."""
    paragraf.confidential = True
    for name in (
        "sections",
        "proposals",
        "votes",
        "reservations",
        "recipients",
        "attachments",
    ):
        setattr(paragraf, name, [])
    for name in ("special_statements", "protocol_notes", "jav"):
        setattr(paragraf, name, [])
    paragraf.decision = paragraf.text = ""
    paragraf.procedure = None


def _is_title_line(title_parts: list[str], text: str) -> bool:
    """Say whether a line still belongs to a title broken over lines."""
    if not title_parts:
        return True
    if len(title_parts) >= 6 or text.endswith(".") or len(text) > 120:
        return False
    if not any(c.isalnum() for c in text):
        return False
    previous = title_parts[-1]
    if previous.endswith("."):
        return False
    if not text[:1].isupper():
        # "…likalydande kapitel" + "3 i reglementena …": a wrapped line.
        return True
    # A capital goes on a title only early, and not after a closed one
    # ("… Jenny Perez Grannas (V)" + "Länsstyrelsen har …" is the body).
    return len(title_parts) < 3 and not previous.endswith(")")


# A subtitle on a line of its own names the kind of case: "Svar på remiss
# från Region Västerby" under the referral's title.
_SUBTITLE = re.compile(r"^(?:Svar på remiss|Remiss från|Remissvar)\b")


def _join_title(parts: list[str]) -> str:
    """Join a title broken over lines: by a space, as the line only wrapped."""
    title = ""
    for part in parts:
        if not title:
            title = part
        elif re.search(r"[a-zåäö]-$", title) and part[:1].islower():
            # "förfrågnings-" + "underlaget": a word broken over the line end.
            title = title[:-1] + part
        elif re.search(r"\d[-–/]$", title) and part[:1].isdigit():
            # "2025/2026–" + "2027/2028": a span broken after its dash.
            title += part
        elif _SUBTITLE.match(part) and not title.endswith(("-", "–", ":")):
            title = f"{title} – {part}"
        else:
            title = f"{title} {part}"
    return title.strip()


def _namnd_from_paragrafer(paragrafer: list[ParsedParagraf]) -> str | None:
    """Find the board where the minutes name it: "Socialnämndens beslut", or

    "föreslår att kulturnämnden beslutar". Only decision sections are read, since
    the background names many other boards.
    """
    for paragraf in paragrafer:
        for section in paragraf.sections:
            if section.kind != "decision" or section.stage:
                continue
            match = NAMND_DECISION.match(section.heading)
            if match and re.search(_NAMND_WORD, match[1], re.IGNORECASE):
                return namnd_base_name(match[1])
            match = _NAMND_DECIDES.search(section.text)
            if match:
                return namnd_base_name(match[1])
            # "Kommunfullmäktige avslår motionen.": the decision opens with
            # who decides, unless it is a proposal to another body.
            match = _NAMND_OPENS.match(section.text)
            if match and "förslag" not in section.heading.lower():
                return namnd_base_name(match[1])
    return None


def _most_named(text: str, namnd: str) -> str | None:
    """The organisation the text names most often, if one does."""
    pattern = _MUNICIPALITY_MENTION
    if re.match(r"region", namnd, re.IGNORECASE):
        pattern = _REGION_MENTION
    elif "förbund" in namnd.lower():
        pattern = _FEDERATION_MENTION
    counts: dict[str, int] = {}
    for match in pattern.finditer(text):
        name = match[1]
        if name.endswith((" Stad", " Kommun")):
            head, _, tail = name.rpartition(" ")
            name = f"{head} {tail.lower()}"
        counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def _header_leftovers(protocol: ParsedProtocol, lines: list[Line]) -> None:
    """Read board and date from a page header left inside the text.

    Text cut out of a whole protocol keeps, mid-paragraph, what stood at a
    page's top: "Kommunfullmäktige / Protokoll nr 7 / Sammanträdesdatum:
    2026-09-03". The labels are never prose, so they are safe to read.
    """
    for index, line in enumerate(lines):
        if protocol.meeting_date is None:
            labelled = _DATE_LABEL.search(line.text)
            if labelled:
                protocol.meeting_date = parse_date(labelled[0])
        if protocol.namnd is None:
            # Flattened: "… 5 (101) Kommunfullmäktige Protokoll nr 9 …".
            inline = _NAMND_BEFORE_PROTOCOL.search(line.text)
            if inline:
                protocol.namnd = namnd_base_name(inline[1])
        if protocol.namnd is None and _PROTOCOL_LABEL.match(line.text):
            for before in reversed(lines[max(0, index - 2) : index]):
                namnd = find_namnd(before.text)
                if (
                    namnd
                    and len(before.text) < 60
                    and namnd_base_name(before.text).startswith(namnd)
                ):
                    protocol.namnd = namnd
                    break


def _drop_own_stage(protocol: ParsedProtocol) -> None:
    """A "Kommunstyrelsens förslag ..." heading in the board's own minutes is its
    own stage, not an earlier one."""
    if not protocol.namnd:
        return
    own = protocol.namnd.casefold()
    for paragraf in protocol.paragrafer:
        for section in paragraf.sections:
            if section.stage and namnd_base_name(section.stage).casefold() == own:
                section.stage = None
