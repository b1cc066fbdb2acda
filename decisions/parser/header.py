"""The parts of a protocol around its paragraphs: front page and posting block.

The front page names the municipality, board, date, place and time, who was
present in which capacity and who adjusts the minutes; the posting block
("ANSLAG/BEVIS") says when the adjusted minutes were posted, which starts the
three weeks in which a decision can be appealed. PDF tables flatten these into
label and value on one line, on separate lines, or several labels on one line.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from .members import (
    PARTY_CODE,
    leading_name,
    normalize_party,
    parse_members,
    parse_name,
)
from .model import ParsedAttendee, ParsedProtocol
from .text import Line

_MONTHS = {
    name: index
    for index, name in enumerate(
        "januari februari mars april maj juni juli augusti september oktober "
        "november december".split(),
        start=1,
    )
}
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WRITTEN_DATE = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE
)
_TIME = re.compile(
    r"(?:\bkl(?:ockan)?\.?\s*)?\b\d{1,2}[.:]\d{2}"
    r"(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?(?:\s*,\s*\d{1,2}[.:]\d{2}\s*[-–]\s*\d{1,2}[.:]\d{2})*",
    re.IGNORECASE,
)

# Front page and posting block labels, longest first within each kind.
_LABELS: list[tuple[str, str]] = [
    (r"plats och tid|tid och plats|plats och datum", "place_time"),
    (r"sammanträdesdatum|sammanträdesdag|sammanträdets datum|mötesdatum", "date"),
    (r"beslutande ledamöter|närvarande ledamöter|beslutande|ledamöter", "beslutande"),
    # "Tjänstgörande" alone: a table cell broken before "ersättare".
    (r"tjänstgörande ersättare|tjänstgörande", "tjanstgorande_ersattare"),
    (r"ej tjänstgörande ersättare|närvarande ersättare|ersättare", "ersattare"),
    (
        r"övriga deltagande|övriga närvarande|närvarande tjänstemän|övriga"
        r"|tjänstemän|tjänstepersoner",
        "ovriga",
    ),
    (
        r"utses att justera|protokollsjusterare|protokolljusterare|justerare"
        r"|justerande",
        "adjusters",
    ),
    (r"justeringens plats och tid|justeringens tid och plats|justering", "other"),
    (r"underskrifter|paragrafer|ordförande", "other"),
    (r"sekreterare", "secretary"),
    (r"nämnd\s*/\s*styrelse|organ|instans", "organ"),
    (
        r"datum då anslaget sätts upp|datum för anslags uppsättande|anslaget uppsatt"
        r"|justeringen har tillkännagivits genom anslag(?: den)?"
        r"|anslaget sätts upp|datum för anslag|anslagsdatum|uppsättande"
        r"|anslaget|anslag",
        "posting",
    ),
    (
        r"datum då anslaget tas ned|datum för anslags nedtagande|anslaget tas ned"
        r"|anslaget nedtas|nedtagande",
        "other",
    ),
    (r"förvaringsplats för protokollet|förvaringsplats", "other"),
    (r"plats|lokal", "place"),
    (r"tid", "time"),
]
_LABEL = re.compile(
    r"^(?P<label>"
    + "|".join(f"(?:{p})" for p, _ in _LABELS)
    + r")\b\s*:?\s*(?P<value>.*)$",
    re.IGNORECASE,
)
# A second label inside a flattened table row: "Anna Berg (S) Ersättare Per Ek (S)".
_INNER_LABEL = re.compile(
    r"(?<=\S)\s+(?=(?:Tjänstgörande ersättare|Ej tjänstgörande ersättare|Ersättare"
    r"|Övriga deltagande|Övriga närvarande|Tjänstemän|Utses att justera|Justerare)\b)"
)
_ADJUSTERS_MAX = 50
_ATTENDANCE_GROUPS = {"beslutande", "tjanstgorande_ersattare", "ersattare", "ovriga"}
_MUNICIPALITY = re.compile(
    r"^(?:[A-ZÅÄÖ][\w-]*(?: [A-ZÅÄÖ][\w-]*)* (?:kommun|stad)|Region [A-ZÅÄÖ][\w -]*)$"
)
_MUNICIPALITY_IN = re.compile(
    r"\b((?:[A-ZÅÄÖ][a-zåäö-]+ )?[A-ZÅÄÖ][a-zåäö-]+ (?:kommun|stad)"
    r"|Region [A-ZÅÄÖ][a-zåäö]+)\b"
)
_BOARD_WORD = r"(?:nämnd|styrelse|fullmäktige|utskott)"
# A board's name as it stands in running text or a heading: "Kulturnämnden",
# "Kultur- och fritidsnämnden", "Tekniska nämnden", "Södermalms stadsdelsnämnd",
# "Kommunstyrelsens arbetsutskott"; any case, possibly in the genitive.
BOARD_NAME = (
    r"(?:[A-ZÅÄÖa-zåäö][a-zåäö]*-\s(?:och|samt)\s[a-zåäö]*"
    r"|(?:[A-ZÅÄÖ][a-zåäö]+\s)?[A-ZÅÄÖ][a-zåäö]+[as]\s[a-zåäö]*"
    r"|[A-ZÅÄÖa-zåäö][a-zåäö-]*)"
    rf"{_BOARD_WORD}(?:ens|ets|es|ns|en|et|e|n|s)?(?:\s(?:arbetsutskott|utskott)(?:et)?)?"
)
_BOARD_NAME = re.compile(rf"(?<![\w-])({BOARD_NAME})(?![a-zåäö])")
# The words reach for the date no further than the next such words: each would
# otherwise read to the sentence's end, and a line of them would cost its
# square. The date found is the same (the nearest before the sentence ends).
_POSTED_WORDS = (
    r"\b(?:anslogs|anslaget\s+(?:uppsatt|sattes\s+upp)"
    r"|tillkännagivits\s+genom\s+anslag)"
)
_POSTED = re.compile(
    rf"{_POSTED_WORDS}(?:(?!{_POSTED_WORDS})[^.])*?"
    r"(?:\d{4}-\d{2}-\d{2}|\d{1,2}\s+[a-zåäö]+\s+\d{4})",
    re.IGNORECASE,
)
_PROTOCOL_NUMBER = re.compile(
    r"(?:\bnr\.?|protokoll)\s*(\d{4}:\d{1,3}|\d{1,3}(?:\s*/\s*\d{2,4})?)(?![-\d])",
    re.IGNORECASE,
)

# Partial presence: "§§ 12-18", "ej § 14", "fr.o.m. § 20", "(t.o.m. § 9)".
_PRESENCE = re.compile(
    r"\(?\s*(?:(?:ej|ej\s+närvarande|fr\.?\s?o\.?\s?m\.?|t\.?\s?o\.?\s?m\.?)\s+)?"
    r"§§?\s*\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|och)\s*\d+)*\s*\)?"
)
# "tjg för Mats Ring (M)", "ersätter", "istf", "i stället för".
_REPLACES = re.compile(
    r"(?:[,(]?\s*\b(?:tjg\.?|tjänstgör|tjänstgörande|ersätter|istf\.?|i\s+stället)"
    r"(?:\s+för)?|(?<=\))\s*för)\s+(?P<who>.+?)\s*$",
    re.IGNORECASE,
)


def parse_date(text: str) -> datetime.date | None:
    """Find a date written "2016-09-20" or "(måndagen) den 20 september 2016"."""
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


def board_base_name(phrase: str) -> str:
    """Turn "Kulturnämndens"/"kulturnämnden" into the board's name, "Kulturnämnden"."""
    phrase = " ".join(phrase.split())
    if phrase.endswith(("ens", "ets", "es")):
        phrase = phrase[:-1]
    return phrase[:1].upper() + phrase[1:]


def find_board(text: str) -> str | None:
    match = _BOARD_NAME.search(text)
    return board_base_name(match[1]) if match else None


def read_front_matter(
    protocol: ParsedProtocol,
    header: list[Line],
    trailer: list[Line],
    running: list[str],
) -> None:
    """Fill the protocol's header fields from the lines around its paragraphs."""
    cells = _split_inner_labels(_cells(header + trailer))
    blocks = _unflatten(_label_blocks(cells))
    for kind, first, values in blocks:
        _apply(protocol, kind, first, values)
    _title_block(
        protocol, [line for line in _cells(header) if not _LABEL.match(line.text)]
    )
    for line in trailer:
        if protocol.kommun is None and _MUNICIPALITY.match(line.text):
            protocol.kommun = line.text
    if protocol.posting_date is None:
        # "... och anslogs på kommunens digitala anslagstavla 2020-02-17."
        for line in header + trailer:
            match = _POSTED.search(line.text)
            if match:
                protocol.posting_date = parse_date(match[0])
                break
    for text in running:
        if protocol.kommun is None:
            match = _MUNICIPALITY_IN.search(text)
            if match:
                protocol.kommun = match[1]
        if protocol.namnd is None:
            protocol.namnd = find_board(text)
        if protocol.meeting_date is None and re.search("protokoll", text, re.I):
            protocol.meeting_date = parse_date(text)
    _dedupe_attendance(protocol)


def _cells(lines: list[Line]) -> list[Line]:
    """Split lines at wide gaps: a flattened table's cells, each a line of its own."""
    out = []
    for line in lines:
        cells = [cell.strip() for cell in line.text.split("  ") if cell.strip()]
        # A party column before the name ("S    Eva Hallgren") belongs to it.
        if len(cells) > 1 and _PARTY_FIRST.match(f"{cells[0]} {cells[1]}"):
            cells[:2] = [f"{cells[0]} {cells[1]}"]
        out.extend(Line(line.number, cell, line.page) for cell in cells)
    return out


def _split_inner_labels(lines: list[Line]) -> list[Line]:
    out = []
    for line in lines:
        for piece in _INNER_LABEL.split(line.text):
            if piece.strip():
                out.append(Line(line.number, piece.strip(), line.page))
    return out


def _label_blocks(lines: list[Line]) -> list[tuple[str, Line, list[str]]]:
    """Group lines under the label above them: (kind, label line, values)."""
    blocks: list[tuple[str, Line, list[str]]] = []
    kinds = dict(_LABELS)
    for line in lines:
        match = _LABEL.match(line.text)
        if match and _is_label(match):
            label = match["label"].lower()
            kind = next(k for p, k in kinds.items() if re.fullmatch(p, label))
            blocks.append((kind, line, [match["value"]] if match["value"] else []))
        elif blocks:
            blocks[-1][2].append(line.text)
    return blocks


def _unflatten(
    blocks: list[tuple[str, Line, list[str]]],
) -> list[tuple[str, Line, list[str]]]:
    """Sort values under their labels when a flattened table lists labels first.

    "Plats och tid / Beslutande / Tjänstgörande ersättare / ... " followed by all
    the values: each value goes to the label its content fits, in order.
    """
    out: list[tuple[str, Line, list[str]]] = []
    run: list[tuple[str, Line, list[str]]] = []
    for block in blocks:
        run.append(block)
        if block[2]:
            if len(run) >= 3 and not any(values for _, _, values in run[:-1]):
                out.extend(_distribute(run))
            else:
                out.extend(run)
            run = []
    return out + run


def _distribute(
    run: list[tuple[str, Line, list[str]]],
) -> list[tuple[str, Line, list[str]]]:
    kinds = [kind for kind, _, _ in run]
    sorted_values: dict[str, list[str]] = {kind: [] for kind in kinds}
    seen_names: set[str] = set()

    def put(kind: str, value: str) -> bool:
        if kind in sorted_values:
            sorted_values[kind].append(value)
            return True
        return False

    for value in run[-1][2]:
        people = parse_attendees(value, "beslutande")
        if not people:
            if _TIME.search(value) and not sorted_values.get("place_time"):
                put("place_time", value) or put("time", value)
            else:
                put("other", value)
            continue
        person = people[0]
        if person.replaces and put("tjanstgorande_ersattare", value):
            pass
        elif person.party is None and put("ovriga", value):
            pass
        elif person.name in seen_names and put("adjusters", value):
            pass
        else:
            put("beslutande", value) or put("ersattare", value)
        seen_names.add(person.name)
    return [(kind, line, sorted_values[kind]) for kind, line, _ in run]


def _is_label(match: re.Match[str]) -> bool:
    """A label word opening prose ("Tid för ...") is no label; a short line is."""
    value = match["value"]
    text = match.string
    if ":" in text[: match.end("label") + 2]:
        return True
    return not value or not value[:1].islower()


def _apply(protocol: ParsedProtocol, kind: str, first: Line, values: list[str]) -> None:
    joined = " ".join(values)
    if kind in _ATTENDANCE_GROUPS:
        for value in values:
            protocol.attendance.extend(parse_attendees(value, kind))
    elif kind == "adjusters":
        for value in values:
            for member in parse_members(_PRESENCE.sub(" ", value)):
                # The signature block names the adjusters again, without party
                # and maybe run together: "Ulf Nordmark Amira Hassan". Minutes
                # have a handful of adjusters; a longer list is no front page,
                # and comparing each of its names with all before would cost
                # the square of its length.
                if len(protocol.adjusters) < _ADJUSTERS_MAX and all(
                    m.name not in member.name for m in protocol.adjusters
                ):
                    protocol.adjusters.append(member)
    elif kind == "secretary":
        for value in values[:1]:
            for attendee in parse_attendees(value, "ovriga"):
                protocol.attendance.append(
                    ParsedAttendee(
                        attendee.name, attendee.party, "ovriga", "sekreterare"
                    )
                )
    elif kind in ("date", "place_time", "place", "time"):
        if protocol.meeting_date is None and kind in ("date", "place_time"):
            protocol.meeting_date = parse_date(joined)
        if kind in ("place_time", "time") and protocol.time is None:
            match = _TIME.search(joined)
            if match:
                protocol.time = match[0].strip()
        if kind in ("place_time", "place") and protocol.place is None:
            protocol.place = _place(joined)
    elif kind == "organ":
        if protocol.namnd is None and joined:
            protocol.namnd = find_board(joined) or joined.strip()
    elif kind == "posting":
        if protocol.posting_date is None:
            protocol.posting_date = parse_date(joined)


def _place(text: str) -> str | None:
    text = _TIME.sub(" ", text)
    text = _ISO_DATE.sub(" ", text)
    text = re.sub(
        r"\b(?:(?:mån|tis|ons|tors|fre|lör|sön)dag(?:en)?\s+)?(?:den\s+)?\d{1,2}\s+(?:"
        + "|".join(_MONTHS)
        + r")\s+\d{4}\b",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\s*,\s*(?=,|$)|^\s*,\s*", "", " ".join(text.split()))
    text = text.strip(" ,.-–")
    return text or None


def _title_block(protocol: ParsedProtocol, lines: list[Line]) -> None:
    """Read municipality, board, number and date from the unlabelled title lines."""
    dates = []
    for line in lines[:12]:
        text = line.text
        cells = text.split("  ")
        municipality = next((c for c in cells if _MUNICIPALITY.match(c)), None)
        if protocol.kommun is None and municipality:
            protocol.kommun = municipality
            continue
        if protocol.namnd is None and len(text) < 80:
            board = find_board(text)
            if board and re.fullmatch(
                rf"[\w\s-]*{_BOARD_WORD}[\w\s-]*", text, re.IGNORECASE
            ):
                protocol.namnd = board
        if protocol.protocol_number is None and re.search(
            r"protokoll", text, re.IGNORECASE
        ):
            match = _PROTOCOL_NUMBER.search(text)
            if match:
                protocol.protocol_number = re.sub(r"\s+", "", match[1])
        date = parse_date(text)
        if date:
            dates.append(date)
    if protocol.namnd is None:
        # "Protokoll ... fört vid sammanträde med Västra Lindhamns stadsdelsnämnd".
        # Each word reaches no further than the next (the same board is found):
        # reading on to the sentence's end from each would cost its square.
        joined = " ".join(line.text for line in lines[:12])
        words = r"\b(?:sammanträde|protokoll)"
        match = re.search(
            rf"{words}(?:(?!{words})[^.])*?\b(?:med|för|i)\s+({BOARD_NAME})",
            joined,
            re.IGNORECASE,
        )
        if match:
            protocol.namnd = board_base_name(match[1])
    # A lone date in the title block is the meeting's ("Borås 4 mars 2015");
    # several dates there say nothing certain.
    if protocol.meeting_date is None and len(set(dates)) == 1:
        protocol.meeting_date = dates[0]


def parse_attendees(text: str, group: str) -> list[ParsedAttendee]:
    """Read one attendance line: "Maria Lind (L), tjg för Mats Ring (M) §§ 12-18"."""
    note = None
    presence = _PRESENCE.search(text)
    if presence:
        note = presence[0].strip(" ()")
        text = text[: presence.start()] + " " + text[presence.end() :]
    replaces = None
    replacement = _REPLACES.search(text)
    if replacement:
        replaces = parse_name(_PARTY_PARENS.sub(" ", replacement["who"]).strip("() "))
        text = text[: replacement.start()]
    if replaces:
        # Whoever serves in a member's place is a serving substitute, wherever
        # the list puts them.
        group = "tjanstgorande_ersattare"
    attendees = [
        ParsedAttendee(name, party, group, role, replaces, note)
        for name, party, role in _people(text)
    ]
    if len(attendees) > 1:
        # A substitution or presence note belongs to the line's one person.
        attendees = [
            ParsedAttendee(a.name, a.party, a.group, a.role) for a in attendees
        ]
    return attendees


_PARTY_PARENS = re.compile(r"\(\s*[A-Za-zÅÄÖåäö]{1,4}(?:-gruppen)?\s*\)")
_PARTY_FIRST = re.compile(
    r"^([A-ZÅÄÖ]{1,4}|[A-ZÅÄÖ][a-zåäö][A-ZÅÄÖ])\s+(?=[A-ZÅÄÖ][a-zåäö])"
)


def _people(text: str) -> Iterable[tuple[str, str | None, str | None]]:
    """Split a line into (name, party, role): "Anna Berg (S), ordförande, Per Ek"."""
    # A new person starts after a party in parentheses followed by a capital.
    chunks = re.split(r"(?<=\))\s*[,;]?\s+(?=[A-ZÅÄÖ])", text)
    for chunk in chunks:
        yield from _chunk_people(chunk)


def _chunk_people(chunk: str) -> Iterable[tuple[str, str | None, str | None]]:
    party = None
    match = _PARTY_PARENS.search(chunk)
    if match:
        party = normalize_party(match[0].strip("() ").removesuffix("-gruppen"))
        chunk = chunk[: match.start()] + "," + chunk[match.end() :]
    first = _PARTY_FIRST.match(chunk)
    if first and party is None:
        party = normalize_party(first[1])
        chunk = chunk[first.end() :]
    name = None
    roles = []
    for part in (p.strip(" .") for p in re.split(r"\s*[,;]\s*", chunk)):
        if not part:
            continue
        if party is None and name and re.fullmatch(PARTY_CODE, part):
            party = normalize_party(part)
            continue
        candidate, rest = leading_name(part) if not part[:1].islower() else (None, "")
        if candidate:
            if name:
                yield name, party, " ".join(roles) or None
                party, roles = None, []
            name = candidate
            if rest:
                roles.append(rest.lower())
        elif name:
            roles.append(part.lower())
    if name:
        yield name, party, " ".join(roles) or None


def _dedupe_attendance(protocol: ParsedProtocol) -> None:
    seen: set[str] = set()
    kept = []
    for attendee in protocol.attendance:
        if attendee.name not in seen:
            seen.add(attendee.name)
            kept.append(attendee)
    protocol.attendance = kept
