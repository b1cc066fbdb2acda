"""The attachments (bilagor) a paragraph names, each once, in the order named.

Minutes name them in three ways, and a reader wants one list of them:
- a list of documents under "Beslutsunderlag", "Handlingar i ärendet" or
  "Bilagor", one a line (a line may wrap): each is an attachment, labelled
  by its own "Bilaga 1" where it carries one, else by the list's heading;
- "bilaga 2" in the text: "fastställs enligt bilaga 1", "Reservation, se
  bilaga 2", "(bilaga 3)", "bilagorna 1 och 2", "bilaga 1-19";
- the protocol's own list of attachments by paragraph, "§ 12 Bilaga A
  Yttrande", on the front page or after the last paragraph
  (listed_by_paragraf()).
Only what is printed is kept: the label, and the title where the minutes
print one beside the label; never a title guessed from the sentence around
a mention. A paragraph's attachment of another body's paragraph ("KS § 12
bilaga 3") or of a collective agreement ("AB:s bilaga J") is no attachment
of this paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import ParsedAttachment, ParsedParagraf, ParsedSection
from .sections import heading_kind
from .text import Line

# One attachment's number or letter: "1", "1a", "A" (a capital alone, so
# that "bilaga i protokollet" names none).
_ID = r"(?:\d{1,3}[a-z]?|[A-Z])(?![\wåäöÅÄÖ])"
# "1-19", "1–3", "1 till 3": a range stays one label, as printed.
_RANGE = rf"{_ID}(?:\s*[-–]\s*{_ID}|\s+till\s+{_ID})?"
_MENTION = re.compile(
    r"(?<![\wåäöÅÄÖ])(?:[Bb]ilag(?:a|an|or|orna)|BILAG(?:A|OR)|[Bb]il\.)\s*"
    r"(?:nr\.?\s*|nummer\s+)?"
    rf"(?P<ids>{_RANGE}(?:\s*(?:,|och|samt|&)\s*(?:[Bb]ilaga\s+)?{_RANGE})*)"
)
_SEPARATOR = re.compile(r"\s*(?:,|och|samt|&)\s*(?:[Bb]ilaga\s+)?")
_RANGE_MARK = re.compile(r"\s*[-–]\s*|\s+till\s+")
# "bilaga 2 till stadsledningskontorets tjänsteutlåtande": another
# document's attachment, named with it. A genitive or a document's name
# after "till", not a recipient ("överlämnas som bilaga 1 till
# kommunfullmäktige") or this protocol ("till protokollet").
_DOCUMENT = (
    r"(?:tjänsteutlåtande|tjänsteskrivelse|ansökan|avtal|reglemente|yttrande"
    r"|rapport|skrivelse|utredning|promemoria|motion|remiss|förslag|plan)\w*"
)
_OWNER = re.compile(
    r"\s+till\s+(?P<owner>(?:[\wåäöÅÄÖ-]+s\s+){0,2}"
    rf"(?i:{_DOCUMENT})[^,.;:()\n]{{0,80}}?)(?=\s*(?:[,.;:()\n]|$))"
)
# "AB:s bilaga J", "LAS:s bilaga": an agreement's or a law's own attachment.
_AGREEMENT = re.compile(r"\b[A-ZÅÄÖ]{2,6}:s\s+$")
# "KS § 12 bilaga 3", "§ 12, bilaga A", "bilaga A (§ 12)": the attachment of
# the paragraph named (another body's, or one listed by paragraph).
_PARAGRAF_BEFORE = re.compile(r"§\s*(?P<number>\d{1,6})[^\n§]{0,12}$")
_PARAGRAF_AFTER = re.compile(r"^\s*[,:(]?\s*(?:till\s+)?§\s*(?P<number>\d{1,6})\b")
# A list item's opening mark: "- ", "• ", "1. ", "2) ".
_ITEM_MARK = re.compile(r"^(?:[-–•*]\s*|\d{1,2}[.)]\s+)")
# "Bilaga: Yttrande över …", "Bilaga, Avgifter 2025": an attachment named
# without a number.
_UNNUMBERED = re.compile(r"^(?:[Bb]ilaga|BILAGA)\s*[:,–]\s*(?=\S)")
# What stands between a label and its title: "Bilaga 1: Taxa", "Bilaga A - Taxa".
_BETWEEN = re.compile(r"^[\s:.,–—-]+")
# A title this long is a sentence, not a document's name; a list item this
# long is prose the list ran into.
_LONGEST_TITLE = 150
_LONGEST_ITEM = 300
# Headings of lists that are the attachments themselves.
_ATTACHMENT_HEADINGS = {"bilaga", "bilagor", "bilagor till protokollet"}
# "Inga", "Saknas": a list that lists nothing.
_NOTHING = re.compile(r"^(?:inga|ingen|saknas|inget|[-–])\.?$", re.IGNORECASE)
# Words and marks a wrapped line ends on: the item goes on on the next line.
_OPEN_END = re.compile(
    r"(?:[,–—(/&-]|\b(?:och|eller|samt|i|av|för|med|om|till|på|över|från|mellan"
    r"|inom|vid|under|enligt|mot|efter|inför|gällande|avseende|angående|hos|ur"
    r"|den|det|de|en|ett))$"
)
# A line that only finishes a date or number the line before began: "2025-04-25",
# "29.", "2025, 2025-02-20.pdf", "2023:103)", "2024 – Göteborg, Mölndal".
_TAIL = re.compile(r"^\d[\d:/.–—-]*(?:[,.;:)]|\s+[–-]\s|$)")
# "Andersson (M), 2025-05-30": a name cut from its first name on the line before.
_NAME_TAIL = re.compile(
    r"^[A-ZÅÄÖ][\wåäö-]+(?:\s[A-ZÅÄÖ][\wåäö-]+)?\s\([A-ZÅÄÖa-zåäö]{1,4}\)"
)
# A full date closing an item: "…, 2025-04-04".
_DATED = re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\.?$")
# A page's running header left in a list: "KUNGSBACKA KOMMUN  PROTOKOLL  4 (4)".
_PAGE_COUNT = re.compile(r"\d+\s*\(\d+\)$|PROTOKOLL")


def read_attachments(paragraf: ParsedParagraf) -> None:
    """Fill the paragraph's attachments from its sections, in their order."""
    found = _Found()
    for section in paragraf.sections:
        if section.kind == "documents":
            _read_list(found, section, paragraf.number)
        else:
            _read_text(found, section.text, paragraf.number)
    paragraf.attachments = found.attachments


def listed_by_paragraf(
    paragrafer: list[ParsedParagraf], lines: Iterable[Line], skip: set[int]
) -> None:
    """Add what a list of the protocol's attachments by paragraph names
    ("§ 12 Bilaga A Yttrande", "Bilaga 1 § 14 Reservation") to the paragraph
    it names. `skip` holds the numbers of the lines that open paragraphs.
    """
    by_number = {p.number: p for p in paragrafer if not p.confidential}
    if not by_number:
        return
    # One list per paragraph, kept while the lines are read: made again
    # for each line, a long list by paragraph would cost its square.
    found: dict[str, _Found] = {}
    for line in lines:
        if line.number in skip or "§" not in line.text or len(line.text) > 150:
            continue
        text = _ITEM_MARK.sub("", line.text.strip())
        number, mention, rest = _by_paragraf(text)
        if number not in by_number or mention is None:
            continue
        if number not in found:
            found[number] = _Found(by_number[number].attachments)
        title = _title(rest)
        for label in _labels(mention):
            found[number].add(label, title)
    for number, named in found.items():
        by_number[number].attachments = named.attachments


def _by_paragraf(text: str) -> tuple[str | None, re.Match[str] | None, str]:
    """("12", the mention, what follows) for "§ 12 Bilaga A Yttrande" or
    "Bilaga A, § 12: Yttrande"; (None, None, "") for any other line."""
    before = re.match(r"§\s*(\d{1,6})\s*[,:.–-]?\s*", text)
    if before:
        mention = _MENTION.match(text, before.end())
        if mention:
            return before[1], mention, text[mention.end() :]
        return None, None, ""
    mention = _MENTION.match(text)
    if mention:
        after = _PARAGRAF_AFTER.match(text[mention.end() :])
        if after:
            rest = text[mention.end() + after.end() :].lstrip(")")
            return after["number"], mention, rest
    return None, None, ""


class _Found:
    """Attachments kept once each, in the order first named: a numbered one
    by its number (within a paragraph "bilaga 1" and "bilaga 1 till
    tjänsteutlåtandet" are one: the case's document's attachment, listed
    in its basis), one without a number by its label and title. A later
    mention may give the title, or the document it belongs to, that an
    earlier one lacked."""

    def __init__(self, attachments: Iterable[ParsedAttachment] = ()) -> None:
        self.attachments: list[ParsedAttachment] = []
        self.index: dict[tuple[str, str], int] = {}
        for attachment in attachments:
            self.add(attachment.label, attachment.title)

    def add(self, label: str, title: str) -> None:
        number = _NUMBERED.match(label)
        if number:
            key = (number[0].casefold(), "")
        else:
            key = (label.casefold(), title.casefold())
        at = self.index.get(key)
        if at is None:
            self.index[key] = len(self.attachments)
            self.attachments.append(ParsedAttachment(label, title))
            return
        kept = self.attachments[at]
        self.attachments[at] = ParsedAttachment(
            max(kept.label, label, key=len), kept.title or title
        )


# A numbered label's number, without the document it belongs to.
_NUMBERED = re.compile(r"^Bilaga (?!till\b)\S+")


def _labels(mention: re.Match[str], owner: str = "") -> list[str]:
    """One label per attachment a mention names: "bilagorna 1 och 2" names
    two; "bilaga 1-19" one, its range as printed (with an en dash)."""
    labels = []
    for part in _SEPARATOR.split(mention["ids"]):
        if part:
            number = _RANGE_MARK.sub("–", part.strip())
            labels.append(f"Bilaga {number}{f' till {owner}' if owner else ''}")
    return labels


def _owner(text: str, end: int) -> tuple[str, int]:
    """The document an attachment belongs to, named after "till", and where
    its name ends; ("", end) when none is named."""
    match = _OWNER.match(text, end)
    if not match:
        return "", end
    return " ".join(match["owner"].split()), match.end()


def _title(text: str) -> str:
    """A title as printed: without what stands between it and its label,
    without a closing full stop; "" for a sentence's lower-case rest."""
    title = " ".join(_BETWEEN.sub("", text).split()).rstrip(".,;:–- ")
    if not title or not (title[:1].isupper() or title[:1].isdigit()):
        return ""
    return title if len(title) <= _LONGEST_TITLE else ""


def _elsewhere(text: str, start: int, end: int, number: str) -> bool:
    """Whether the mention at text[start:end] is another paragraph's ("KS §
    12 bilaga 3") or an agreement's ("AB:s bilaga J")."""
    before = text[max(0, start - 30) : start]
    if _AGREEMENT.search(before):
        return True
    named = _PARAGRAF_BEFORE.search(before) or _PARAGRAF_AFTER.match(text[end:])
    return named is not None and named["number"] != number.split("-")[0]


def _read_text(found: _Found, text: str, number: str) -> None:
    """The mentions in running text. A mention opening a line gives the rest
    of the line as its title ("Bilaga 3 Tjänsteskrivelse", "Bilaga: Yttrande
    över …"); a short name opening the sentence does too ("Reservation, se
    bilaga 2.")."""
    named: list[tuple[int, list[str], str]] = []
    for unnumbered in _UNNUMBERED_LINE.finditer(text):
        named.append(
            (unnumbered.start(), ["Bilaga"], _title(_rest(text, unnumbered.end())))
        )
    for mention in _MENTION.finditer(text):
        start, end = mention.span()
        if _elsewhere(text, start, end, number):
            continue
        owner, end = _owner(text, end)
        # Only the mention's surroundings are read (_REACH): a long line of
        # mentions read whole for each would cost its square.
        begin = max(0, start - _REACH)
        newline = text.rfind("\n", begin, start)
        line_start = newline + 1 if newline >= 0 or begin == 0 else None
        before = text[begin if line_start is None else line_start : start]
        if line_start is not None and not _ITEM_MARK.sub("", before).strip():
            rest = _rest(text, end)
            following = _MENTION.search(rest)
            title = _title(rest[: following.start()] if following else rest)
        else:
            title = _named_before(before, line_start is not None)
        named.append((start, _labels(mention, owner), title))
    for _, labels, title in sorted(named, key=lambda entry: entry[0]):
        for label in labels:
            found.add(label, title)


# How far before and after a mention its line is read: farther than a title
# (_LONGEST_TITLE) or the name before a label runs.
_REACH = 200


def _rest(text: str, start: int) -> str:
    """What follows on the line, as far as a title may run."""
    return text[start : start + _REACH].split("\n", 1)[0]


_UNNUMBERED_LINE = re.compile(
    r"^(?:[-–•*]\s*)?(?:[Bb]ilaga|BILAGA)\s*[:,–]\s*(?=\S)", re.MULTILINE
)


# "Reservation, se bilaga 2.": a short name opening the sentence (or the
# line), then the label.
_NAMED_BEFORE = re.compile(
    r"(?:^|(?<=[.!?]\s))(?P<name>[A-ZÅÄÖ][^()\n,.!?:;]{1,60}),\s*(?:se\s+)?$"
)
_NAMED_AFTER_SENTENCE = re.compile(
    r"(?<=[.!?]\s)(?P<name>[A-ZÅÄÖ][^()\n,.!?:;]{1,60}),\s*(?:se\s+)?$"
)


def _named_before(text: str, at_line_start: bool) -> str:
    """The name before a label, where text is what stands before it on its
    line (`at_line_start`) or a stretch of a longer line."""
    pattern = _NAMED_BEFORE if at_line_start else _NAMED_AFTER_SENTENCE
    match = pattern.search(text)
    if not match or len(match["name"].split()) > 5:
        return ""
    return match["name"].strip()


def _read_list(found: _Found, section: ParsedSection, number: str) -> None:
    """Each item of a documents list; an item without a label of its own is
    labelled by the list's heading ("Beslutsunderlag")."""
    heading = " ".join(section.heading.rstrip(":").split())
    if heading.casefold() in _ATTACHMENT_HEADINGS or not heading:
        heading = "Bilaga"
    for item in _documents(_items(section.text)):
        if _NOTHING.match(item):
            continue
        unnumbered = _UNNUMBERED.match(item)
        if unnumbered:
            found.add("Bilaga", _title(item[unnumbered.end() :]))
            continue
        mentions = [
            m
            for m in _MENTION.finditer(item)
            if not _elsewhere(item, m.start(), m.end(), number)
        ]
        if not mentions:
            found.add(heading, _title(item) or item.rstrip("."))
            continue
        first = mentions[0]
        if first.start() == 0:
            # "Bilaga A - Vatten & Avloppstaxa 2027", "Bilaga 1 till Ansökan …".
            owner, end = _owner(item, first.end())
            rest = item[end:]
            following = _MENTION.search(rest)
            title = _title(rest[: following.start()] if following else rest)
            for label in _labels(first, owner):
                found.add(label, title)
            mentions = mentions[1:]
            if not mentions:
                continue
        # "Tjänsteskrivelse, bilaga 1-19, 2025-01-31", "Yttrande (bilaga 2)":
        # the item without its labels is their title.
        title = _title(_without(item, mentions))
        for mention in mentions:
            for label in _labels(mention):
                found.add(label, title)


def _documents(items: list[str]) -> list[str]:
    """The items that name documents: up to where the list runs into prose
    (a long item of sentences, members who propose) under a heading the
    parser does not know ("Ärendets behandling på sammanträdet"), which
    goes too, or into a heading run into its first line ("Beslutet skickas
    till Kommunstyrelsen"); without a short page's running header."""
    kept: list[str] = []
    for item in items:
        if _is_prose(item):
            if kept and _HEADING_LIKE.match(kept[-1]):
                kept.pop()
            break
        if _opens_with_heading(item):
            break
        if not _RUNNING_HEADER.match(item):
            kept.append(item)
    return kept


def _is_prose(item: str) -> bool:
    if len(item) > _LONGEST_ITEM or _SPEAKS.search(item):
        return True
    return len(item) > _LONGEST_TITLE and bool(_SENTENCES.search(item))


def _opens_with_heading(item: str) -> bool:
    """Whether the item opens with a heading that lists no documents:
    "Beslutet skickas till …", "Beslutsgång Ordföranden …"."""
    words = item.split()
    for count in range(1, min(len(words), 5) + 1):
        found = heading_kind(" ".join(words[:count]))
        if found and found[0] in ("recipients", "procedure"):
            return True
    return False


# Members who speak: "Anna Berg (S) yrkar …", "Ordföranden föreslår …".
_SPEAKS = re.compile(
    r"(?:\)|\bOrdförande[n]?)\s+(?:yrkar|yrkade|föreslår|föreslog|instämmer"
    r"|instämde|ställer\s+sig|anför|anförde|reserverar|finner|fann|stödjer)\b"
)
# A page's running header in a short document (too few pages for it to be
# taken out as one): "Sida", "Sammanträdesdatum 2026-02-27", "Förbundsstyrelsen".
_RUNNING_HEADER = re.compile(
    r"^(?:(?:sida|datum|sammanträdesdatum|sammanträdesdag|justerandes\s+sign\w*)"
    r"\b[\s\d:()-]*"
    r"|[A-ZÅÄÖ][\wåäö-]*(?:nämnd|styrelse|fullmäktige|utskott)\w*)$",
    re.IGNORECASE,
)


# Two sentences: ". De reviderade handlingarna …".
_SENTENCES = re.compile(r"[\wåäö)][.!?] [A-ZÅÄÖ]")
# A heading's shape: a few words, no digits, no punctuation.
_HEADING_LIKE = re.compile(r"^[A-ZÅÄÖ][a-zåäöA-ZÅÄÖ ]{2,60}$")


def _without(item: str, mentions: list[re.Match[str]]) -> str:
    """The item with its mentions and their commas or parentheses cut out."""
    out = item
    for mention in reversed(mentions):
        start, end = mention.span()
        before, after = out[:start], out[end:]
        if before.rstrip().endswith("(") and after.lstrip().startswith(")"):
            before, after = before.rstrip()[:-1], after.lstrip()[1:]
        out = before.rstrip(" ,") + (", " if after.strip(" ,.") else "")
        out += after.lstrip(" ,")
    return " ".join(out.split()).strip(" ,")


def _items(text: str) -> list[str]:
    """A list's items, a wrapped item's lines joined."""
    items: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line or (not re.search(r"[a-zåäö]", line) and _PAGE_COUNT.search(line)):
            continue
        marked = _ITEM_MARK.match(line)
        if marked:
            items.append(line[marked.end() :])
        elif items and _continues(items[-1], line):
            items[-1] = _join(items[-1], line)
        else:
            items.append(line)
        if len(items[-1]) > _LONGEST_ITEM:
            # Prose, where _documents() stops: joined on, it would be copied
            # once a line.
            break
    return [item for item in items if any(c.isalnum() for c in item)]


def _continues(previous: str, line: str) -> bool:
    """Whether a line goes on the item the line before began."""
    if line[:1].islower() or line[:1] == "(" or _OPEN_END.search(previous):
        return True
    if previous.count("(") > previous.count(")"):
        return True
    if previous.endswith("."):
        return False
    if _TAIL.match(line):
        return True
    if not previous[-1:].isalpha():
        return False
    if _NAME_TAIL.match(line) and len(previous) >= 50:
        return True
    # "… vattenförsörjningsplan för Västra" + "Götalands län, 2026-06-24": a
    # line wrapped at the page's width, finished by a short line with the
    # date the other items end on.
    return (
        len(previous) >= 60
        and len(line) < 60
        and bool(_DATED.search(line))
        and not _DATED.search(previous)
    )


def _join(previous: str, line: str) -> str:
    if re.search(r"[a-zåäöé]-$", previous) and line[:1].islower():
        # "förfrågnings-" + "underlaget": a word broken over the line end.
        return previous[:-1] + line
    if re.search(r"\d[-–/]$", previous) and line[:1].isdigit():
        # "2026-04-" + "29.": a date broken at its dash.
        return previous + line
    return f"{previous} {line}"
