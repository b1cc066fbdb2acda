"""From extracted text to numbered lines, and from lines back to readable prose.

Text extracted from PDFs breaks sentences at the page's line ends, puts blank lines
between every line, and runs bold headings into the next words ("ärendet**Framlagda
förslag**"). The parser works on the cleaned lines, each keeping the number of the
line it came from, so that every warning can point at the source.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .control import without_control


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    page: int = 1
    # The line as extracted: vote tables tell columns apart by position.
    raw: str = ""


@dataclass
class Cleaned:
    """The lines of a document, and what was taken out as page furniture."""

    lines: list[Line]
    # Running headers and footers removed from every page: the board or the
    # municipality is sometimes named only there.
    running: list[str] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)


# Spaces PDF and Word exports use that str.split() does not treat alike, and
# the other characters "\s" matches (vertical tab, line separator): left in a
# line, a run of them escapes the collapsing of spaces, and every "\s*" in the
# parser would rescan it from each of its characters.
_SPACES = re.compile(
    r"[\x0b\x1c-\x1f\x85\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000]+"
)
# A tab separates table cells (Word exports): a column gap, as three spaces are.
# Tried only where a run of whitespace starts: from inside a long run without a
# tab, each try would rescan the rest of the run.
_TABS = re.compile(r"(?<!\s)\s*\t\s*")
_INVISIBLE = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad\uf0b7\u25aa\u25cf]")
# Bold markers from converted documents, and HTML line breaks from web portals:
# each starts a new piece of the line.
_BREAKS = re.compile(r"\*\*|__|<br\s*/?>|</?p>", re.IGNORECASE)
_BROKEN_DATE = re.compile(r"\b((?:19|20)\d{2})- (\d{2}-\d{2})\b")
_MARKDOWN_ESCAPE = re.compile(r"\\([.\-*_#()\[\]+!`>|])")
_TAG = re.compile(r"</?[a-z][^>]{0,40}>", re.IGNORECASE)
# A Word template's unfilled field: "Klicka eller tryck här för att ange
# text.", "[Klicka här och skriv eventuell beslutsmotivering]".
_PLACEHOLDER = re.compile(
    r"[\"“”\[(]*(?:klicka\s+(?:eller\s+tryck\s+)?här|click\s+or\s+tap\s+here)"
    r"[^\]\n]{0,80}?(?:\.|\]|$)[\"“”\])]*",
    re.IGNORECASE,
)
# "(S)Anna Berg": a party glued to the next name.
_GLUED_PARTY = re.compile(r"\)(?=[A-ZÅÄÖ][a-zåäö])")
# "P R O T O K O L L": letter-spaced headings.
_LETTER_SPACED = re.compile(r"^(?:[A-ZÅÄÖ] ){3,}[A-ZÅÄÖ]$")

# Lines that are page furniture, not content of the minutes; a PDF's footer may
# put several on one line ("Justerandes sign Utdragsbestyrkande").
_FURNITURE = re.compile(
    r"""^(?:(?>
        justerandes\s+sign(?:atur)?\.?:?(?:\s+[A-ZÅÄÖ]{1,3}\b){0,6}
      | utdragsbestyrkande
      | utskrifts?datum\s*:?\s*\d{4}-\d{2}-\d{2}
      | (?:sida|blad)\s+\d+\s*(?:\(\s*\d+\s*\)|av\s+\d+)?
      | \d+\s*\(\s*\d+\s*\)
      | [_.\-–]{3,}
      # E-signature services stamp every page.
      | (?:det\s+här|detta)\s+dokument(?:et)?\s+är\s+(?:digitalt|elektroniskt)
        \s+(?:signerat|undertecknat)\.?
      | transaktions?(?:identitet|-?id)\s*:?\s*[\w-]{6,}
      | (?:justerare\s+)?expedierat\s*/\s*bestyrkt
    )\s*)+$""",
    re.IGNORECASE | re.VERBOSE,
)
# The page a signing service adds after the minutes: who signed when, the
# service's name, the organisation's address. Its names are no attendance.
_SIGNATURE_PAGE = re.compile(
    r"^(?:undertecknat\s+av\s+följande|dokumentet\s+är\s+signerat\s+av"
    r"|verifikat$|signeringsbevis|signaturer\s+och\s+verifiering)",
    re.IGNORECASE,
)
_PAGE_MARKER = re.compile(r"<!--\s*(?:sida|page|sidan)\s*\d+\s*-->", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.{0,200}?-->")
# A Markdown table's rule row: "| --- | :---: |".
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$")


def _table_row(raw: str) -> str:
    """Read a Markdown table row as a flattened table's line: cells apart by a
    column gap, a cell's own line breaks ("<br>") as spaces."""
    if _TABLE_RULE.match(raw):
        return ""
    cells = raw.strip().strip("|").split("|")
    return "   ".join(re.sub(r"<br\s*/?>", " ", cell).strip() for cell in cells)


# How many lines at the top and bottom of a page a running header or footer uses.
_RUNNING_ZONE = 5


def clean_text(text: str, *, content: Callable[[str], bool] | None = None) -> Cleaned:
    """Split text into stripped lines without page furniture.

    Pages are separated by form feeds ("\f", as PDF extraction gives them); line
    numbers count newlines, as an editor shows them.
    """
    # Ingest removed control characters with a warning (decisions.extract);
    # a text stored before that, read again, loses them here.
    text = without_control(text, page_breaks=True)
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    if "<!--" in text:
        # "<!-- sida 3 -->": a converter's page marker starts a page; other
        # comments are the converter's, not the minutes'.
        text = _PAGE_MARKER.sub("\f", text)
        text = _COMMENT.sub("", text)
    pages: list[list[Line]] = [[]]
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.startswith("|"):
            raw = _table_row(raw)
        for index, page_piece in enumerate(raw.split("\f")):
            if index:
                pages.append([])
            for raw_piece in _BREAKS.split(page_piece):
                piece = _clean_piece(raw_piece)
                if piece and not _FURNITURE.match(piece):
                    pages[-1].append(Line(number, piece, len(pages), raw_piece))
    cleaned = Cleaned(lines=[])
    for page in pages:
        if any(_SIGNATURE_PAGE.match(line.text) for line in page[:3]):
            cleaned.notes.append(
                (page[0].number, "underskriftssidan (digital signering) hoppas över")
            )
            page.clear()
    running = _running_lines(pages, content or (lambda text: False))
    running_texts: dict[str, None] = {}
    previous: list[str] | None = None
    for page in pages:
        texts = [line.text for line in page]
        if texts and texts == previous:
            cleaned.notes.append(
                (page[0].number, "samma sida två gånger; den andra hoppas över")
            )
            continue
        previous = texts
        for key, line in _edge_keys(page):
            if key is not None and key in running:
                # A dict keeps them in order and unique; a list looked up on
                # every page would cost the square of the page count.
                running_texts[line.text] = None
                continue
            cleaned.lines.append(line)
    cleaned.running = list(running_texts)
    return cleaned


def blank_between(a: Line, b: Line) -> bool:
    """Say whether the source had a blank line (or removed furniture) between."""
    return a.page == b.page and b.number > a.number + 1


def blank_after_every_line(lines: list[Line]) -> bool:
    """Some extractions put a blank line after every line: there a blank line
    says nothing."""
    pairs = list(zip(lines, lines[1:], strict=False))
    return bool(pairs) and sum(blank_between(a, b) for a, b in pairs) * 2 > len(pairs)


def clean_lines(text: str) -> list[Line]:
    """Return the cleaned lines of text (see clean_text)."""
    return clean_text(text).lines


def spaced_text(line: Line) -> str:
    """Return a line cleaned like its text, but with its spacing kept."""
    return _clean_piece(line.raw, keep_spacing=True) if line.raw else line.text


def _clean_piece(piece: str, *, keep_spacing: bool = False) -> str:
    # Each step is guarded by a cheap test: this runs on every line.
    if "licka" in piece or "tap here" in piece:
        piece = _PLACEHOLDER.sub("", piece)
    if "<" in piece:
        piece = _TAG.sub(" ", piece)
    if "&" in piece:
        piece = html.unescape(piece)
    if "- " in piece:
        # "daterad 2025- 02-04": a date broken at its dash, joined by a space.
        piece = _BROKEN_DATE.sub(r"\1-\2", piece)
    if "\\" in piece:
        # Markdown converters escape what would be markup: "1\." is "1.".
        piece = _MARKDOWN_ESCAPE.sub(r"\1", piece)
    if not piece.isprintable():
        piece = _SPACES.sub(" ", piece)
    if "\t" in piece:
        piece = _TABS.sub("   ", piece)
    if keep_spacing:
        piece = piece.rstrip()
    else:
        if "  " in piece:
            # A wide gap is a column boundary in a flattened table: keep it as
            # two spaces ("Sofia Hedman  Torbjörn Ek"); a run of two becomes one.
            piece = re.sub(
                r" {2,}", lambda gap: "  " if len(gap[0]) > 2 else " ", piece
            )
        piece = piece.strip()
        if " " in piece and _LETTER_SPACED.match(piece):
            piece = piece.replace(" ", "")
    return _GLUED_PARTY.sub(") ", piece) if ")" in piece else piece


def _shape(text: str) -> str:
    """Reduce a line to what repeats on every page: page numbers and dates vary."""
    return re.sub(r"\d+", "#", text.casefold())


def _edge_keys(page: list[Line]) -> list[tuple[tuple[str, int, str] | None, Line]]:
    """Key each line near a page's top or bottom by its place and its shape."""
    keyed: list[tuple[tuple[str, int, str] | None, Line]] = []
    for position, line in enumerate(page):
        from_end = len(page) - 1 - position
        if position < _RUNNING_ZONE:
            keyed.append((("top", position, _shape(line.text)), line))
        elif from_end < _RUNNING_ZONE:
            keyed.append((("bottom", from_end, _shape(line.text)), line))
        else:
            keyed.append((None, line))
    return keyed


# A running header's date line: "2024-04-11" or "Datum 2024-04-11" (shaped).
_DATE_SHAPE = re.compile(r"(?:datum:?\s*)?#-#-#|datum:?|(?:sida|blad)\s*#")


def _running_lines(
    pages: list[list[Line]], content: Callable[[str], bool]
) -> set[tuple[str, int, str]]:
    """Find lines repeated at the same place at the top or bottom of most pages.

    A running header stands at the same distance from the page's edge every
    time; content that happens to repeat ("Beslutet skickas till") does not.
    """
    if len(pages) < 3:
        return set()
    seen: dict[tuple[str, int, str], int] = {}
    for page in pages:
        keys = {key for key, line in _edge_keys(page) if key and not content(line.text)}
        for key in keys:
            seen[key] = seen.get(key, 0) + 1
    threshold = max(3, int(len(pages) * 0.6 + 0.5))
    # A "§" line or a lone heading word may open many pages; it is content.
    return {
        key
        for key, count in seen.items()
        if count >= threshold
        and "§" not in key[2]
        and not key[2].startswith("$")
        and (len(key[2]) > 12 or _DATE_SHAPE.fullmatch(key[2]))
    }


# The start of a list item: "1.", "2)", "- ", "• ", "a)".
# An "att-sats": "Att godkänna …" opens an item of the decision's list.
_LIST_ITEM = re.compile(
    r"^(?:[-–•*]\s|\d{1,2}[.)]\s|[a-z]\)\s|[-–]\s*\d{1,2}\)\s|Att\s)"
)
_SENTENCE_END = re.compile(r"[.!?:;\"”»]$")
# A word broken over a line end: "kommunfull-" + "mäktige".
_HYPHENATED = re.compile(r"[a-zåäöé]-$")
_CONJUNCTIONS = ("och ", "eller ", "samt ", "resp")
_SPAN_BROKEN = re.compile(r"\d[-–/]$")


def is_list_item(text: str) -> bool:
    return bool(_LIST_ITEM.match(text))


def is_table_row(text: str) -> bool:
    """A flattened table's row: cells apart by a column gap ("20 januari  16 juni")."""
    return "  " in text


def _continues(previous: str, line: str, *, blank: bool, last: str) -> bool:
    """Say whether `line` goes on the sentence whose end is `previous`.

    `last` is the line before, whole; `blank` says a blank line came between:
    after a line without a sentence's end, a capital there opens a new block
    ("klockan 9.10" / "Resultat ...").
    """
    if is_list_item(line) or is_table_row(line) or is_table_row(last):
        return False
    if previous.endswith(":"):
        # A lead-in goes on into the sentence it opens, not into a list, an
        # att-sats or a list's label ("Ledamöter", "Anna Berg (S)").
        if line.startswith("att "):
            return False
        return len(line.split()) >= 4 or line.endswith(".")
    if not _SENTENCE_END.search(previous):
        return not (blank and line[:1].isupper())
    # "... enligt 4 kap." followed by a lower-case word is still one sentence.
    return line[:1].islower()


def join_lines(lines: list[str]) -> str:
    """Join broken lines into prose: blocks split by blank lines, items by newlines.

    An empty string in `lines` stands for a blank line in the source.
    """
    # A block is kept in pieces and joined once: joining it line by line would
    # copy it once a line, and a block may be a whole page of unpunctuated lines.
    blocks: list[list[str]] = []
    blank = False
    last = ""
    for line in lines:
        if not line:
            blank = True
            continue
        ending = _ending(blocks[-1]) if blocks else ""
        if blocks and _continues(ending, line, blank=blank, last=last):
            block = blocks[-1]
            if _HYPHENATED.search(ending) and not line.startswith(_CONJUNCTIONS):
                block[-1] = block[-1][:-1]
                block.append(line)
            elif _SPAN_BROKEN.search(ending) and line[:1].isdigit():
                # "daterad 2025-" + "02-04": a date or span broken at its dash.
                block.append(line)
            else:
                block += (" ", line)
        else:
            blocks.append([line])
        blank = False
        last = line
    texts = ["".join(block) for block in blocks]
    out = []
    for index, text in enumerate(texts):
        if index:
            tight = is_list_item(text) and is_list_item(texts[index - 1])
            out.append("\n" if tight else "\n\n")
        out.append(text)
    return "".join(out)


def _ending(pieces: list[str]) -> str:
    """Return the last characters of a block kept in pieces: all that decides
    how the next line joins it."""
    end = ""
    for piece in reversed(pieces):
        end = piece[-3:] + end
        if len(end) >= 3:
            break
    return end[-3:]


# Abbreviations whose full stop ends no sentence.
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:m\.\s?fl|t\.\s?ex|bl\.\s?a|d\.\s?v\.\s?s|p\.\s?g\.\s?a|fr\.\s?o\.\s?m"
    r"|t\.\s?o\.\s?m|o\.\s?s\.\s?v|s\.\s?k|kap|nr|enl|ca|resp|jfr|st|kl|tel|dnr"
    r"|f\.\s?d|i\.\s?e|e\.\s?d|ang|mom|avd|bil|ev|inkl|exkl|tf|vol)"
    r")\.$|\b[A-ZÅÄÖ]\.$|(?:^|\n)\s*\d{1,2}\.$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[-–•*]\s+")
# A lead-in's colon ends the sentence before a list, on the next line or
# run into the same one ("… taxor för: 1. Biblioteken", "beslutar: Att …").
_SENTENCE_BREAK = re.compile(
    r"[.!?](?=[\s\"”»)]|$)|:(?=\s*\n|\s+(?:\d{1,2}[.)]\s|[-–•]\s|[Aa]tt\s))|\n"
)


def first_sentence(text: str | None) -> str:
    """Return the first sentence of prose as join_lines() gives it.

    A sentence ends at a full stop that ends no abbreviation, at a lead-in's
    colon before a list, or where its block ends (a list or table follows).
    """
    text = _BULLET.sub("", (text or "").strip())
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.end() if match[0] != "\n" else match.start()
        if match[0] == "." and _ends_in_abbreviation(text, end):
            # "m.fl." or "4 kap." — unless a capital opens a new sentence after
            # something longer than an abbreviation alone.
            continue
        candidate = text[:end].rstrip()
        if candidate:
            return " ".join(candidate.split())
    return " ".join(text.split())


def _ends_in_abbreviation(text: str, end: int) -> bool:
    """Say whether text[:end] ends in an abbreviation's full stop.

    Only the last characters can match (with the whitespace before them, which
    "\n 12." starts with): searching from the start of the text at every full
    stop would cost the square of a long text of them.
    """
    start = max(end - 12, 0)
    while start and text[start - 1].isspace():
        start -= 1
    return bool(_ABBREVIATIONS.search(text, start, end))
