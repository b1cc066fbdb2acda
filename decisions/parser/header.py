"""The parts of a protocol around its paragraphs: front page and posting block.

The front page names the municipality, board, date, place and time, who was
present in which capacity and who adjusts the minutes; the posting block
("ANSLAG/BEVIS") says when the adjusted minutes were posted, which starts the
three weeks in which a decision can be appealed. PDF tables flatten these into
label and value on one line, on separate lines, or several labels on one line;
an attendance table of two columns ("Ledamöter | Tjänstgörande ersättare")
runs each row's cells together. Some templates name the board and the
municipality only in the running header printed on every page.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

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

# Front page and posting block labels, longest first within each kind, and a
# kind that begins with a longer label ahead of one that begins with a shorter.
_LABELS: list[tuple[str, str]] = [
    (
        r"plats och tid för justering|justeringens plats och tid"
        r"|justeringens tid och plats|justering",
        "other",
    ),
    # "Plats och tid för Kungsbackarummet ... / sammanträde": the label's last
    # word broken onto the line after the value.
    (
        r"plats och tid för sammanträdet?|plats och tid för|plats och tid"
        r"|tid och plats|plats och datum",
        "place_time",
    ),
    (r"sammanträdesdatum|sammanträdesdag|sammanträdets datum|mötesdatum", "date"),
    (r"beslutande ledamöter|närvarande ledamöter|beslutande|ledamöter", "beslutande"),
    # "Tjänstgörande" alone: a table cell broken before "ersättare".
    (r"tjänstgörande ersättare|tjänstgörande", "tjanstgorande_ersattare"),
    (r"ej tjänstgörande ersättare|närvarande ersättare|ersättare", "ersattare"),
    (
        r"övriga deltagande|övriga närvarande|närvarande tjänstemän|övriga"
        r"|tjänstemän|tjänstepersoner|personalföreträdare",
        "ovriga",
    ),
    # "Protokolljustarare": OCR.
    (
        r"utses att justera|protokolls?just[a-zåäö]*re|justerare|justerande",
        "adjusters",
    ),
    (r"underskrifter|paragrafer|paragraf|ordförande", "other"),
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
    # The list of contents ends the front page.
    (
        r"innehållsförteckning|innehåll|ärendelista|föredragningslista|dagordning",
        "contents",
    ),
    # "Datum" alone: on the front page the meeting's date, unless a more
    # telling label gives one; after the paragraphs it may date anything.
    (r"datum", "datum"),
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
    r"|Övriga deltagande|Övriga närvarande|Tjänstemän|Utses att justera|Justerare"
    r"|Paragrafer)\b)"
)
_ADJUSTERS_MAX = 50
_ATTENDANCE_GROUPS = {"beslutande", "tjanstgorande_ersattare", "ersattare", "ovriga"}
_MUNICIPALITY = re.compile(
    r"^(?:[A-ZÅÄÖ][\w-]*(?: [A-ZÅÄÖ][\w-]*)* (?:kommun|stad)|Region [A-ZÅÄÖ][\w -]*)$"
)
_MUNICIPALITY_IN = re.compile(
    r"\b((?:[A-ZÅÄÖ][a-zåäö-]+ )?[A-ZÅÄÖ][a-zåäö-]+ (?:kommun|stad)"
    r"|Region [A-ZÅÄÖ][a-zåäö]+"
    r"|(?:[A-ZÅÄÖ][A-ZÅÄÖ-]+ )?[A-ZÅÄÖ][A-ZÅÄÖ-]+ (?:KOMMUN|STAD)|REGION [A-ZÅÄÖ]+)\b"
)
# What a title line puts after the municipality or the board: "KUNGSBACKA
# KOMMUN SAMMANTRÄDESPROTOKOLL 3 (9)", "Nämnden för Kultur & Fritid Datum".
_TITLE_HEAD = re.compile(
    r"^(?:(?:sammanträdes)?protokoll(?:sutdrag)?|utdrag)\s+(?=\S)", re.IGNORECASE
)
_TITLE_TAIL = re.compile(
    r"\s+(?:(?:sammanträdes)?protokoll(?:sutdrag)?|utdrag|sammanträdesdatum"
    r"|sammanträdesdag|datum)\b.*$|\s+\d+\s*\(\s*\d+\s*\)$"
    r"|\s+\d{4}-\d{2}-\d{2}$",
    re.IGNORECASE,
)
_NAMND_WORD = r"(?:nämnd|styrelse|fullmäktige|utskott)"
# A board's name as it stands in running text or a heading: "Kulturnämnden",
# "Kultur- och fritidsnämnden", "Tekniska nämnden", "Södermalms stadsdelsnämnd",
# "Kommunstyrelsens arbetsutskott"; any case, possibly in the genitive.
NAMND_NAME = (
    r"(?:[A-ZÅÄÖa-zåäö][a-zåäö]*-\s(?:och|samt)\s[a-zåäö]*"
    r"|(?:[A-ZÅÄÖ][a-zåäö]+\s)?[A-ZÅÄÖ][a-zåäö]+[as]\s[a-zåäö]*"
    r"|[A-ZÅÄÖa-zåäö][a-zåäö-]*)"
    rf"{_NAMND_WORD}(?:ens|ets|es|ns|en|et|e|n|s)?(?:\s(?:arbetsutskott|utskott)(?:et)?)?"
)
_NAMND_NAME = re.compile(rf"(?<![\w-])({NAMND_NAME})(?![a-zåäö])")
# A line that is a body's name as printed: it ends in what the body is
# ("Valnämnd", "Kommunstyrelsens arbetsutskott", "Kommunrevisionen",
# "Individ- och familjeomsorgsutskottet", "De förtroendevalda revisorerna") or
# opens with it ("Nämnden för Individ & Familjeomsorg", "Forum Kommunstyrelsen").
_BODY_END = re.compile(
    r"(?:nämnd|styrelse|fullmäktige|utskott|beredning|revision|revisorer|direktion"
    r"|delegation|kommitté)(?:en|et|na|n|e)?$|(?:presidiet|presidium|rådet)$",
    re.IGNORECASE,
)
_BODY_START = re.compile(
    r"^(?:(?:[A-ZÅÄÖ][a-zåäö]+\s+)?(?:nämnd|nämnden|styrelsen|utskottet|beredningen"
    r"|direktionen|delegationen)\s+för|forum)\s+\S",
    re.IGNORECASE,
)
_CONNECTORS = {"och", "&", "samt", "-", "–"}
# What a board does in a sentence that opens with its name: "Nämnden för
# Teknik antar taxan" is no title.
_VERBS_OF_NAMNDER = {
    "antar",
    "avslår",
    "beslutar",
    "beslöt",
    "beviljar",
    "bifaller",
    "fastställer",
    "föreslår",
    "förklarar",
    "ger",
    "godkänner",
    "har",
    "noterar",
    "ska",
    "tillstyrker",
    "uppdrar",
    "yttrar",
    "är",
    "överlämnar",
}
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
# A contents or agenda line that the paragraph finder left before the first
# paragraph: "§ 368 Dnr KS-2024-00720", "§ 41 Budget 2021". The front page
# ends before it.
_CONTENTS_ENTRY = re.compile(r"^§§?\s*\d+(?:\s*[-–]\s*\d+)?\s+(?:Dnr\b|[A-ZÅÄÖ])")

# Partial presence: "§§ 12-18", "ej § 14", "fr.o.m. § 20", "(t.o.m. § 9)".
_PRESENCE = re.compile(
    r"\(?\s*(?:(?:ej|ej\s+närvarande|fr\.?\s?o\.?\s?m\.?|t\.?\s?o\.?\s?m\.?)\s+)?"
    r"§§?\s*\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|och)\s*\d+(?:\s*[-–]\s*\d+)?)*\s*\)?"
)
# Where a note on presence begins: "§§ 25-35, 37-65", "ej § 47", "fr.o.m. § 2",
# "deltar ej p.g.a. jäv", "vid § 130", "från punkt 4 18:00", "del av §§ 35-38",
# "klockan 11.45". Names are capitalised, so these never begin inside one.
_NOTE = re.compile(
    r"§|\b(?:ej|deltar|deltog|närvarar|jäv)\b|\butan\s+ersättare\b"
    r"|\b(?:från|fr\.\s?o\.\s?m\.|t\.\s?o\.\s?m\.|till\s+och\s+med|under|vid)\s+"
    r"(?:punkt|§|kl)|\bdel\s+av\b|\bp\.\s?g\.\s?a\b|\bklockan\b|\bkl\.?\s*\d",
    re.IGNORECASE,
)
# "tjg för Mats Ring (M)", "ersätter", "istf", "i stället för", "(M) för".
_REPLACES = re.compile(
    r"(?:[,(]?\s*\b(?:tjg\.?|tjänstgör|tjänstgörande|ersätter|istf\.?|i\s+stället)"
    r"(?:\s+för)?|(?<=\))\s*,?\s*för)(?:\s+|$)",
    re.IGNORECASE,
)
# An entry that ends where the name of whom someone replaces should follow:
# "Marie Wadström (KD) ersätter", "Bo Barknertz (M) för Maria".
_AWAITS_NAME = re.compile(
    r"(?:\b(?:ersätter|tjänstgör\s+för|tjg\.?\s+för|istf\.?|i\s+stället\s+för)"
    r"|\)\s*,?\s*för)(?:\s*\([A-Za-zÅÄÖåäö]{1,4}\))?(?:\s+[A-ZÅÄÖ][\w-]*)?$",
    re.IGNORECASE,
)
# An entry broken mid-phrase: "Nina Magnusson,", "HR- och", "2:e vice",
# "§§ 46-", "rösträknare §§".
_UNFINISHED = re.compile(
    r"(?:[,&\-–]|\b(?:och|samt|vice|ej|i|vid|av|kl|klockan|biträdande)|§)$",
    re.IGNORECASE,
)
_PARTY_TOKEN = re.compile(r"^\([A-Za-zÅÄÖåäö]{1,4}\)[,.;]?$")
_PARTY_SPACED = re.compile(r"\(\s*([A-Za-zÅÄÖåäö]{1,4})\s*\)")
# "Marie-Louise Alfvegren ersätter (M) Paul Blomdahl (M)": the party of the
# one who serves, printed after the verb.
# The entry is spaced singly: one space, never a run, keeps this linear.
_PARTY_AFTER_VERB = re.compile(
    r"^(?P<name>[^()§]+?) (?P<verb>ersätter|tjänstgör för|tjg\.? för|istf\.?)"
    r" (?P<party>\([A-Za-zÅÄÖåäö]{1,4}\))",
    re.IGNORECASE,
)
# Words that may stand before a name without being part of it.
_NOT_NAMES = {
    "ordförande",
    "ordf",
    "vice",
    "förste",
    "andre",
    "ledamot",
    "ledamöter",
    "ersättare",
    "tjänstgörande",
    "sekreterare",
    "justerare",
}
_PARTICLES = {"von", "af", "de", "van", "der", "el", "al", "bin", "da", "di"}
_VERBS = {"ersätter", "för", "istf", "tjg"}


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


def namnd_base_name(phrase: str) -> str:
    """Turn "Kulturnämndens"/"kulturnämnden" into the board's name, "Kulturnämnden"."""
    phrase = " ".join(phrase.split())
    if phrase.endswith(("ens", "ets", "es")):
        phrase = phrase[:-1]
    return phrase[:1].upper() + phrase[1:]


def find_namnd(text: str) -> str | None:
    match = _NAMND_NAME.search(text)
    return namnd_base_name(match[1]) if match else None


def namnd_line(text: str) -> str | None:
    """Return the body a title or running-header line names, as printed.

    The line must be nothing but the name: a body word at its end or a
    "Nämnden för ..." at its start, no digits, no sentence. A name printed in
    capitals is given in normal case.
    """
    text = _TITLE_TAIL.sub("", " ".join(text.split())).strip(" ,")
    # "SAMMANTRÄDESPROTOKOLL Kommunrevisionen": a header flattened into one line.
    text = _TITLE_HEAD.sub("", text)
    if text.isupper():
        text = text.capitalize()
    words = text.split()
    if not words or len(words) > 8 or len(text) > 80:
        return None
    if any(c.isdigit() for c in text) or re.search(r"[.:;!?()§/]", text):
        return None
    if _BODY_START.match(text):
        if any(word.lower() in _VERBS_OF_NAMNDER for word in words):
            return None
        return text[:1].upper() + text[1:]
    if not _BODY_END.search(words[-1]) or not words[0][:1].isupper():
        return None
    for index, word in enumerate(words[:-1]):
        if not (
            word[:1].isupper()
            or word in _CONNECTORS
            or _BODY_END.search(word.removesuffix("s"))
            # "De förtroendevalda revisorerna".
            or (word.endswith("a") and index == len(words) - 2)
        ):
            return None
    return text


def municipality(text: str) -> str | None:
    """Return the municipality or region a title cell names, in normal case:
    "KUNGSBACKA KOMMUN" is "Kungsbacka kommun", "REGION HALLAND" "Region Halland".
    """
    text = _TITLE_TAIL.sub("", " ".join(text.split())).strip(" ,")
    if text.isupper():
        text = " ".join(
            word.lower()
            if word in ("KOMMUN", "STAD")
            else "-".join(part.capitalize() for part in word.split("-"))
            for word in text.split()
        )
    return text if _MUNICIPALITY.match(text) else None


def read_front_matter(
    protocol: ParsedProtocol,
    header: list[Line],
    trailer: list[Line],
    running: list[str],
) -> None:
    """Fill the protocol's header fields from the lines around its paragraphs.

    The board is read as printed: from the running header, which the clerk's
    template fills in on every page, before the posting block's "Organ" and
    the title lines, whose flattening may have lost it.
    """
    header, trailer = _ocr_sections(header), _ocr_sections(trailer)
    front = _front_page(header)
    rows, tables = _tables(front)
    blocks = sorted(
        _unflatten(_label_blocks(_split_inner_labels(_cells(rows)))) + tables,
        key=lambda block: block.line.number,
    )
    for block in _unflatten(_label_blocks(_split_inner_labels(_cells(trailer)))):
        if block.kind != "datum":
            blocks.append(block)
    datum = None
    for block in blocks:
        if block.kind == "datum":
            # "Datum" alone may also date a signature: a sammanträdesdatum or
            # the date beside the place and time comes first.
            datum = datum or parse_date(" ".join(block.values))
        else:
            _apply(protocol, block)
    if protocol.meeting_date is None:
        protocol.meeting_date = datum
    for text in running:
        # The running header prints the board as its clerk names it.
        namnd = next(filter(None, map(namnd_line, text.split("  "))), None)
        if namnd:
            protocol.namnd = namnd
            break
    _title_block(
        protocol,
        [line for line in _cells(front) if not _LABEL.match(line.text)],
    )
    for line in trailer:
        if protocol.kommun is None:
            protocol.kommun = municipality(line.text)
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
                protocol.kommun = municipality(match[1])
        if protocol.namnd is None:
            protocol.namnd = find_namnd(text)
        if protocol.meeting_date is None and re.search(
            r"protokoll|^(?:datum:?\s*)?\d{4}-\d{2}-\d{2}$"
            r"|^(?:sammanträdesdatum|sammanträdesdag|mötesdatum)\b",
            text,
            re.I,
        ):
            # The running header's date, alone or labelled, is the meeting's.
            protocol.meeting_date = parse_date(text)
    _dedupe_attendance(protocol)


# "$ 80", "$$ 48-56": OCR reads "§" as "$"; minutes print no dollar sign
# beside a number.
_OCR_SECTION = re.compile(r"\${1,2}(?=\s?\d)")


def _ocr_sections(lines: list[Line]) -> list[Line]:
    return [
        Line(
            line.number,
            _OCR_SECTION.sub(lambda signs: "§" * len(signs[0]), line.text),
            line.page,
            line.raw,
        )
        if "$" in line.text
        else line
        for line in lines
    ]


def _shape(text: str) -> str:
    text = re.sub(r"\s*\d+\s*\(\s*\d+\s*\)$", "", text)
    return re.sub(r"\d+", "#", " ".join(text.casefold().split()))


def _front_page(lines: list[Line]) -> list[Line]:
    """The lines of the front page: up to a list of contents, without the title
    lines that later pages repeat ("KUNGSBACKA KOMMUN ... 2 (3)", "Datum")."""
    if not lines:
        return lines
    first = lines[0].page
    title = {_shape(line.text) for line in lines[:6] if line.page == first}
    out = []
    for line in lines:
        match = _LABEL.match(line.text)
        if _CONTENTS_ENTRY.match(line.text) or (
            match and not match["value"] and _label_kind(match["label"]) == "contents"
        ):
            break
        if line.page != first and _shape(line.text) in title:
            continue
        out.append(line)
    return out


@dataclass
class _Block:
    """A label and the values under it; `entries` when they are already whole
    attendance entries, read from a table's columns."""

    kind: str
    line: Line
    values: list[str]
    entries: bool = False


def _cells(lines: list[Line]) -> list[Line]:
    """Split lines at wide gaps: a flattened table's cells, each a line of its own."""
    out: list[Line] = []
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


def _label_kind(label: str) -> str:
    label = " ".join(label.lower().split())
    return next(kind for pattern, kind in _LABELS if re.fullmatch(pattern, label))


def _label_blocks(lines: list[Line]) -> list[_Block]:
    """Group lines under the label above them."""
    blocks: list[_Block] = []
    for line in lines:
        match = _LABEL.match(line.text)
        if match and _is_label(match):
            kind = _label_kind(match["label"])
            blocks.append(
                _Block(kind, line, [match["value"]] if match["value"] else [])
            )
        elif (
            blocks
            and blocks[-1].kind == "place_time"
            and line.text in ("sammanträde", "sammanträdet")
        ):
            # The rest of "Plats och tid för / sammanträde", under its value.
            continue
        elif (
            blocks
            and blocks[-1].kind == "place_time"
            and blocks[-1].line.text.rstrip().endswith(" för")
            and line.text.split(" ")[0] in ("justering", "justeringen")
        ):
            # "Plats och tid för / justering": the adjustment's, not the
            # meeting's; its values say when the minutes were adjusted.
            blocks[-1] = _Block("other", blocks[-1].line, blocks[-1].values)
            blocks[-1].values.append(line.text)
        elif blocks:
            blocks[-1].values.append(line.text)
    return blocks


def _unflatten(blocks: list[_Block]) -> list[_Block]:
    """Sort values under their labels when a flattened table lists labels first.

    "Plats och tid / Beslutande / Tjänstgörande ersättare / ... " followed by all
    the values: each value goes to the label its content fits, in order.
    """
    out: list[_Block] = []
    run: list[_Block] = []
    for block in blocks:
        run.append(block)
        if block.values:
            if len(run) >= 3 and not any(b.values for b in run[:-1]):
                out.extend(_distribute(run))
            else:
                out.extend(run)
            run = []
    return out + run


def _distribute(run: list[_Block]) -> list[_Block]:
    kinds = [block.kind for block in run]
    sorted_values: dict[str, list[str]] = {kind: [] for kind in kinds}
    seen_names: set[str] = set()

    def put(kind: str, value: str) -> bool:
        if kind in sorted_values:
            sorted_values[kind].append(value)
            return True
        return False

    for value in run[-1].values:
        people = parse_attendees(value, "beslutande")
        if (
            not seen_names
            and not _TIME.search(value)
            and not parse_date(value)
            and not (people and people[0].party)
            and "place_time" in sorted_values
            and not sorted_values["place_time"]
        ):
            # The values come in the labels' order, and the place first:
            # "Elof Lindälvs Gymnasium, sal A67" is no person.
            put("place_time", value)
            continue
        if not people:
            if _TIME.search(value) and not sorted_values.get("place_time"):
                put("place_time", value) or put("time", value)
            elif parse_date(value) and not value.strip(" 0123456789-"):
                put("date", value) or put("datum", value) or put("other", value)
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
    return [_Block(b.kind, b.line, sorted_values[b.kind]) for b in run]


def _is_label(match: re.Match[str]) -> bool:
    """A label word opening prose ("Tid för ...") is no label; a short line is."""
    value = match["value"]
    text = match.string
    if ":" in text[: match.end("label") + 2]:
        return True
    return not value or not value[:1].islower()


def _apply(protocol: ParsedProtocol, block: _Block) -> None:
    kind, values = block.kind, block.values
    joined = " ".join(values)
    if kind in _ATTENDANCE_GROUPS:
        entries = values if block.entries else _entries(values)
        for entry in entries:
            protocol.attendance.extend(parse_attendees(entry, kind))
    elif kind == "adjusters":
        for value in values:
            for member in parse_members(_PRESENCE.sub(" ", value)):
                # The signature block names the adjusters again, without party
                # and maybe run together: "Ulf Nordmark Amira Hassan". Minutes
                # have a handful of adjusters; a longer list is no front page,
                # and comparing each of its names with all before would cost
                # the square of its length.
                if (
                    not _shouted(member.name)
                    and len(protocol.adjusters) < _ADJUSTERS_MAX
                    and all(m.name not in member.name for m in protocol.adjusters)
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
            protocol.place = _place(values)
    elif kind == "organ":
        if protocol.namnd is None and joined:
            protocol.namnd = namnd_line(joined) or find_namnd(joined) or joined.strip()
    elif kind == "posting":
        if protocol.posting_date is None:
            protocol.posting_date = parse_date(joined)


def _place(values: list[str]) -> str | None:
    """The place in "Kungsbackarummet, Storgatan 37 Klockan 08:30-12:15": before
    the time when something stands there, else after it ("den 9 maj 2017
    kl. 08.30–12.00, Kommunhuset"); a place broken after "och" goes on below."""
    joined = " ".join(values)
    first = _TIME.search(values[0]) if values else None
    if first:
        before = _without_dates(values[0][: first.start()])
        if before:
            if re.search(r"(?:\boch|,)$", before) and len(values) > 1:
                following = values[1]
                if not _TIME.search(following) and following[:1].isupper():
                    before = f"{before} {following}"
            return before
    return _without_dates(joined)


def _without_dates(text: str) -> str | None:
    # "Paus 18:50-19:10", "ajournering mellan klockan 16.58 – 17.05".
    text = re.sub(r"\b(?:paus|ajournering|ajournerat)\b.*", "", text, flags=re.I)
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
        found = next(filter(None, map(municipality, cells)), None)
        if protocol.kommun is None and found:
            protocol.kommun = found
            continue
        if protocol.namnd is None and len(text) < 80:
            protocol.namnd = next(filter(None, map(namnd_line, cells)), None)
        if protocol.namnd is None and len(text) < 80:
            namnd = find_namnd(text)
            if namnd and re.fullmatch(
                rf"[\w\s-]*{_NAMND_WORD}[\w\s-]*", text, re.IGNORECASE
            ):
                protocol.namnd = namnd
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
            rf"{words}(?:(?!{words})[^.])*?\b(?:med|för|i)\s+({NAMND_NAME})",
            joined,
            re.IGNORECASE,
        )
        if match:
            protocol.namnd = namnd_base_name(match[1])
    # A lone date in the title block is the meeting's ("Borås 4 mars 2015");
    # several dates there say nothing certain.
    if protocol.meeting_date is None and len(set(dates)) == 1:
        protocol.meeting_date = dates[0]


# Attendance tables --------------------------------------------------------

# Column headings of an attendance table and the row labels printed before them:
# "Beslutande  Ledamöter  Tjänstgörande ersättare", "Övriga närvarande
# Ersättare  Tjänstepersoner", "Personalföreträdare  Övriga".
_COLUMN = re.compile(
    r"(?P<label>"
    + "|".join(
        f"(?:{pattern})" for pattern, kind in _LABELS if kind in _ATTENDANCE_GROUPS
    )
    + r")(?:\s+|$)",
    re.IGNORECASE,
)
_ROW_LABEL = re.compile(r"beslutande|övriga\s+(?:närvarande|deltagande)", re.IGNORECASE)


def _column_heading(text: str) -> tuple[list[str], str] | None:
    """The groups of the columns a heading line names, and what follows them on
    the line (a first row); None when the line is no such heading."""
    labels = []
    position = 0
    while match := _COLUMN.match(text, position):
        if not match["label"][:1].isupper():
            break
        labels.append(match["label"])
        position = match.end()
    rest = text[position:].strip()
    if len(labels) < 2 or rest[:1].islower():
        return None
    if _ROW_LABEL.fullmatch(labels[0]):
        labels = labels[1:]
    # A first row on the heading's line can only be told apart in one column;
    # three columns are left to the labels' own reading.
    if (rest and len(labels) > 1) or len(labels) > 2:
        return None
    return [_label_kind(label) for label in labels], rest


def _ends_table(text: str) -> bool:
    """A label at the start of a line, or one inside it ("Anna Berg (S)
    Ersättare Per Ek (S)"), ends a table."""
    match = _LABEL.match(text)
    return bool(match and text[:1].isupper() and _is_label(match)) or bool(
        _INNER_LABEL.search(text)
    )


def _tables(lines: list[Line]) -> tuple[list[Line], list[_Block]]:
    """Take out the attendance tables under a heading of columns; return the
    other lines and a block of entries per column."""
    rest: list[Line] = []
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        heading = _column_heading(lines[index].text)
        if heading is None:
            rest.append(lines[index])
            index += 1
            continue
        groups, first = heading
        rows = [first] if first else []
        end = index + 1
        while end < len(lines) and not _ends_table(lines[end].text):
            rows.append(lines[end].text)
            end += 1
        for group, entries in zip(groups, _columns(rows, groups), strict=True):
            blocks.append(_Block(group, lines[index], entries, entries=True))
        index = end
    return rest, blocks


class _Column:
    """The entries of one column, each kept as the pieces it was read from."""

    def __init__(self) -> None:
        self.entries: list[list[str]] = []

    def end(self) -> str:
        """The end of the last entry: enough to see whether it goes on."""
        return " ".join(self.entries[-1][-2:])[-120:] if self.entries else ""

    def awaits_name(self) -> bool:
        return bool(_AWAITS_NAME.search(self.end()))

    def unfinished(self) -> bool:
        return self.awaits_name() or bool(_UNFINISHED.search(self.end()))

    def add(self, piece: str) -> None:
        """Start an entry with a new person, else go on with the last one."""
        if self.entries and (self.awaits_name() or not _opens_entry(piece)):
            self.entries[-1].append(piece)
        else:
            self.entries.append([piece])

    def texts(self) -> list[str]:
        return [" ".join(pieces) for pieces in self.entries]


def _columns(rows: list[str], groups: list[str]) -> list[list[str]]:
    """Read a flattened table's rows into each column's entries.

    A row holds a left cell, a right cell or both, each a new entry or the
    continuation of one broken over rows ("Marie Wadström (KD) ersätter" /
    "Fredrik Kollberg (KD) vid § 130"). A wide gap parts the cells; without
    one, the right cell begins where a second person does.
    """
    columns = [_Column() for _ in groups]
    last = 0
    for row in rows:
        row = _PARTY_SPACED.sub(r"(\1)", row)
        if len(groups) == 1:
            pieces = [(0, " ".join(row.split()))]
        elif "  " in row:
            left, right = row.split("  ", 1)
            pieces = [(0, left.strip()), (1, " ".join(right.split()))]
        else:
            cut = _second_cell(row)
            if cut:
                pieces = [(0, row[:cut].strip()), (1, row[cut:].strip())]
            elif _opens_entry(row):
                pieces = [(_column_for(row, groups, last), row)]
            else:
                pieces = [(_continued_column(row, columns, last), row)]
        for index, piece in pieces:
            if piece:
                columns[index].add(piece)
                last = index
    return [column.texts() for column in columns]


def _entries(values: list[str]) -> list[str]:
    """Join a column's lines into entries (see _columns)."""
    column = _Column()
    for value in values:
        column.add(" ".join(value.split()))
    return column.texts()


def _is_name(word: str) -> bool:
    """A capitalised word that may be part of a person's name."""
    bare = word.rstrip(",;.").replace("-", "").replace("'", "").replace("’", "")
    return (
        bare.isalpha()
        and word[0].isupper()
        and not (len(bare) > 1 and bare.isupper())
        and bare.lower() not in _NOT_NAMES
    )


def _name_length(words: list[str], start: int) -> int:
    end = start
    while end < len(words) and (
        _is_name(words[end]) or (end > start and words[end] in _PARTICLES)
    ):
        end += 1
        if words[end - 1].endswith(","):
            break
    return end - start


def _opens_entry(text: str) -> bool:
    """A new person: two or more name words first ("Anna Berg (S)", "Anna
    Berg, rektor"), or a party code before them ("S Eva Hallgren")."""
    words = text[:200].split()
    start = 1 if _PARTY_FIRST.match(text) else 0
    return _name_length(words, start) >= 2


def _second_cell(row: str) -> int | None:
    """Where the right cell of a row without a gap begins, or None.

    After the left cell's person, a second person begins the right cell:
    "Lisa Andersson (M), Ordförande | Marie Wadström (KD) ersätter"; so does a
    party or a surname left over from the row above ("1:e vice ordförande |
    (M)", "Ulrika Jörgensen (M) | Gathendahl (M) § 80"), and whatever follows a
    role broken at the row's end ("2:e vice | p.g.a. jäv").
    """
    tokens = [(m.start(), m[0]) for m in re.finditer(r"\S+", row)]
    words = [word for _, word in tokens]
    party_seen = bool(words) and bool(_PARTY_TOKEN.match(words[0]))
    for index in range(1, len(tokens)):
        start, word = tokens[index]
        previous = words[index - 1]
        after_party = bool(_PARTY_TOKEN.match(previous))
        if _PARTY_TOKEN.match(word):
            if party_seen and not _is_name(previous):
                return start
            party_seen = True
            continue
        if previous.lower().rstrip(".,") in _VERBS:
            continue
        if previous.lower() == "vice" and word.lower().rstrip(".,") not in (
            "ordförande",
            "ordf",
        ):
            return start
        if not _is_name(word) or (_is_name(previous) and not after_party):
            continue
        if after_party and not previous.endswith(","):
            return start
        if previous.endswith(",") and not any(c.isdigit() for c in previous):
            # "Frida Hagelin, Sveriges Lärare": a role, not a second person.
            continue
        length = _name_length(words, index)
        following = words[index + length] if index + length < len(words) else None
        if following is not None and _PARTY_TOKEN.match(following):
            return start
        if length >= 2 and (
            words[index + length - 1].endswith(",")
            or following is None
            or not following[:1].isupper()
        ):
            return start
    return None


def _column_for(piece: str, groups: list[str], last: int) -> int:
    """The column a new entry in a row of its own belongs to: members have a
    party, officials a title; a substitute serves for someone."""
    officials = [group == "ovriga" for group in groups]
    if officials[0] != officials[1]:
        return officials.index(_PARTY_PARENS.search(piece) is None)
    if "tjanstgorande_ersattare" in groups and _REPLACES.search(piece):
        return groups.index("tjanstgorande_ersattare")
    return last if officials[0] else 0


def _continued_column(piece: str, columns: list[_Column], last: int) -> int:
    """The column a continuation goes on: the one whose entry is unfinished,
    else the one written last."""
    unfinished = [i for i, column in enumerate(columns) if column.unfinished()]
    awaiting = [i for i in unfinished if columns[i].awaits_name()]
    if awaiting and (piece[:1].isupper() or piece.startswith("(")):
        return awaiting[0]
    if len(unfinished) == 1 or (unfinished and last not in unfinished):
        return unfinished[0]
    return last


# Attendance entries -------------------------------------------------------


def parse_attendees(text: str, group: str) -> list[ParsedAttendee]:
    """Read one attendance entry: "Maria Lind (L), tjg för Mats Ring (M) §§ 12-18"."""
    text = _PARTY_SPACED.sub(r"(\1)", " ".join(text.split()))
    text = _PARTY_AFTER_VERB.sub(r"\g<name> \g<party> \g<verb>", text)
    notes = []
    replaces = None
    verb = _REPLACES.search(text)
    head, tail = (text[: verb.start()], text[verb.end() :]) if verb else (text, "")
    head, note = _split_note(head)
    notes.append(note)
    if verb:
        who, note = _split_note(tail)
        notes.append(note)
        replaces = parse_name(_PARTY_PARENS.sub(" ", who).strip("(), "))
    if replaces:
        # Whoever serves in a member's place is a serving substitute, wherever
        # the list puts them.
        group = "tjanstgorande_ersattare"
    note = ", ".join(n for n in notes if n) or None
    attendees = [
        ParsedAttendee(name, party, group, role, replaces, note)
        for name, party, role in _people(head, group)
        if not _shouted(name)
    ]
    if len(attendees) > 1:
        # A substitution or presence note belongs to the line's one person.
        attendees = [
            ParsedAttendee(a.name, a.party, a.group, a.role) for a in attendees
        ]
    return attendees


def _split_note(text: str) -> tuple[str, str | None]:
    """Part "Dick Andersson (M) §§ 25-35, deltar ej § 36" into the person and
    the note on presence."""
    match = _NOTE.search(text)
    if not match:
        return text, None
    note = " ".join(text[match.start() :].split()).strip(" ,.;()")
    # "§§ 25-" / "26": a range broken over rows.
    note = re.sub(r"(?<=\d[-–]) (?=\d)", "", note)
    return text[: match.start()], note or None


def _shouted(name: str) -> bool:
    """A name in capitals is a heading or a signature, not an attendee."""
    letters = [word for word in name.split() if len(word) > 1]
    return bool(letters) and all(word.isupper() for word in letters)


_PARTY_PARENS = re.compile(r"\(\s*[A-Za-zÅÄÖåäö]{1,4}(?:-gruppen)?\s*\)")
_PARTY_FIRST = re.compile(
    r"^([A-ZÅÄÖ]{1,4}|[A-ZÅÄÖ][a-zåäö][A-ZÅÄÖ])\s+(?=[A-ZÅÄÖ][a-zåäö])"
)


def _people(text: str, group: str) -> Iterable[tuple[str, str | None, str | None]]:
    """Split a line into (name, party, role): "Anna Berg (S), ordförande, Per Ek"."""
    # A new person starts after a party in parentheses followed by a name;
    # "(M), Ordförande" goes on with a role.
    start = 0
    for gap in re.finditer(r"(?<=\))\s*[,;]?\s+(?=[A-ZÅÄÖ])", text):
        if _opens_entry(text[gap.end() : gap.end() + 200]):
            yield from _chunk_people(text[start : gap.start()], group)
            start = gap.end()
    yield from _chunk_people(text[start:], group)


def _chunk_people(
    chunk: str, group: str
) -> Iterable[tuple[str, str | None, str | None]]:
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
        # Officials have titles, not parties: "Lotta Kjellner, MAS".
        if (
            party is None
            and name
            and group != "ovriga"
            and re.fullmatch(PARTY_CODE, part)
        ):
            party = normalize_party(part)
            continue
        if name:
            # After the name come its roles, whatever their case: "Nadja
            # Briefe, Sveriges Lärare"; a second person starts a chunk of its own.
            roles.append(_role(part))
            continue
        candidate, rest = leading_name(part) if not part[:1].islower() else (None, "")
        if candidate:
            name = candidate
            if rest:
                roles.append(_role(rest))
    if name:
        yield name, party, " ".join(roles) or None


def _role(text: str) -> str:
    """A role as printed, but a title that opens a cell in lower case:
    "Ordförande" is "ordförande", "Sveriges Lärare" stays."""
    first, _, rest = text.partition(" ")
    if first[1:].islower() and not rest[:1].isupper():
        first = first.lower()
    return f"{first} {rest}".strip()


def _dedupe_attendance(protocol: ParsedProtocol) -> None:
    """One entry a person: the first, unless a later one says they served in
    someone's place (a substitute listed among the substitutes present and
    again as serving)."""
    kept: dict[str, ParsedAttendee] = {}
    for attendee in protocol.attendance:
        first = kept.get(attendee.name)
        if first is None or (attendee.replaces and first.group == "ersattare"):
            kept[attendee.name] = attendee
    protocol.attendance = list(kept.values())
