"""Give flattened minutes their lines back, and read what a web page wraps.

Minutes often reach us without the line breaks the parser reads them by: a PDF's
text joined into one line a page (or one line in all) by a web archive or an
aggregator, the "§" lost on the way ("SN 13 Bidrag till ... Dnr 31/16"), or a
municipality's web page that shows one agenda item, without a number, inside
its menus, cookie banner and footer. A person reads all of these; so should
the parser, saying in a warning what it had to guess.

unflatten() works on the text before clean_text() reads it, and keeps every
source line where it was: a recovered line break is an HTML "<br>" inside the
source line and a recovered page break a form feed, both of which clean_text()
already reads as new lines of the same line number, so that each warning still
points at the line a reader finds in the file. Nothing is taken out but web
page chrome, and that with a warning. lone_item() then finds the heading of a
single unnumbered item among the cleaned lines, for parse_protocol().

Every pattern here is anchored and free of nested quantifiers, and every
look-ahead is bounded, so a text of megabytes costs time in proportion to it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice, pairwise

from .sections import _HEADINGS, heading_kind
from .text import Line

# Fewer line breaks than this per 1000 characters (lines of 200 characters on
# average): the text was flattened. Extracted PDF text has 10 to 20.
_BREAKS_PER_1000 = 5
# How far around a page number a running header or footer may reach, in words.
_RUNNING_WORDS = 24
# How many pages show what a running header is.
_SAMPLE_PAGES = 200
# How far after "SN 13 Bidrag till ..." its "Dnr" may stand, in words.
_TITLE_WORDS = 40

_DIGITS = re.compile(r"\d+")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[.,:;]?$")
_DATE_LABEL = re.compile(r"^(?:sammanträdes)?datum:?$", re.IGNORECASE)
# "2 (27)" as two words or one, and the "(27)" alone.
_PAGE_NUMBER = re.compile(r"^(\d{1,4})\((\d{1,4})\)$")
_PAGE_TOTAL = re.compile(r"^\((\d{1,4})\)$")
_NUMBER = re.compile(r"^\d{1,4}$")
# The number after "§": "7", "7:", "41/21", "14-16".
_PARAGRAF_NUMBER = re.compile(r"^\d{1,4}(?:/\d{2,4})?(?:[-–]\d{1,4}(?:/\d{2,4})?)?:?$")
_GLUED_PARAGRAF = re.compile(r"^(?:§§?|\$\$?)\d{1,6}(?:/\d{2,4})?(?:[-–]\d{1,6})?:?$")
# A body's abbreviation in place of a lost "§": "KS 12", "SN 13", "BUN 4"; not
# the words of a vote's count ("JA 7 NEJ 4").
_ORGAN = re.compile(r"^[A-ZÅÄÖ]{2,6}$")
_NOT_ORGANS = frozenset({"JA", "NEJ", "SIDA", "BLAD", "NR", "KAP", "BILAGA"})
# A body's abbreviation before "§" ("KS § 12", "Kf § 88") or a case number's.
_PREFIX = re.compile(r"^(?:[A-ZÅÄÖ]{2,6}|[A-ZÅÄÖ][a-zåäö]{1,2})$")
_DNR_LABEL = re.compile(
    r"^(?:dnr|diarienummer|diarienr|ärendenummer|ärendenr)[.:]{0,2}$", re.IGNORECASE
)
# A word of a case number: "KS", "2018/14", "KS-2025-00098", "BUN/2017:412", "/".
_DNR_WORD = re.compile(r"^(?:[A-ZÅÄÖ]{1,8}[/.:-]?|[/:–-])$")
_NAMND_WORD = re.compile(r"(?:nämnd|styrelse|fullmäktige|utskott)[a-zåäö]*$")
# Words after which a capitalised heading word is still inside a sentence.
_FUNCTION_WORDS = frozenset(
    "och eller samt i om till för av med på enligt att som en ett den det de "
    "från mot vid under över inom utan efter genom hos per se ur än så är var "
    "har hade kan ska skall får bör the and".split()
)
# Words inside a body's name: "Nämnden för Vård & Omsorg".
_NAME_JOINS = frozenset({"för", "och", "&", "-", "–"})
_SENTENCE_END = tuple('.!?:;)]"”»')
# Words "§ N" follows without opening a paragraph: "4 kap. § 5", the front
# page's "Paragrafer § 49".
_NOT_BEFORE_HEADING = frozenset(
    {"kap.", "kap", "paragraf", "paragrafer", "paragraferna", "justerade"}
)
# A scrambled front page's labels: "Andrea Egerlundh § 368 Paragrafer".
_FRONT_PAGE_LABELS = frozenset(
    {
        "paragrafer",
        "ordförande",
        "sekreterare",
        "protokolljusterare",
        "underskrifter",
        "beslutande",
        "ledamöter",
        "tjänstemän",
    }
)
_PARTY = re.compile(r"^\([A-ZÅÄÖa-zåäö]{1,4}\)$")


def _by_first_word(phrases: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """Phrases as words, found by their first word, the longest first: a text
    is matched against "Beslutet skickas till" before "Beslutet"."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=lambda phrase: -len(phrase.split())):
        words = tuple(phrase.split())
        found.setdefault(words[0], []).append(words)
    return found


# The headings sections.py knows, as they may stand inside a flattened line.
_PHRASES = _by_first_word(_HEADINGS)

# How many words at the start and end of a flattened text may be a web page's
# menus, cookie banner and footer.
_WEB_ZONE = 80
# A web page's chrome as words, for text that lost its lines: cut out, then
# taken out with the lines _CHROME describes.
_CHROME_PHRASES = _by_first_word(
    (
        "hoppa över navigering",
        "hoppa över navigeringen",
        "hoppa till huvudinnehåll",
        "hoppa till innehållet",
        "till innehållet",
        "till innehåll på sidan",
        "till huvudinnehåll",
        "gå direkt till innehåll",
        "meny",
        "stäng meny",
        "sök",
        "sök på webbplatsen",
        "lyssna",
        "lyssna på sidan",
        "läs upp",
        "dela",
        "dela sidan",
        "skriv ut",
        "kontakta oss",
        "kontakt",
        "tillgänglighetsredogörelse",
        "om webbplatsen",
        "webbkarta",
        "till toppen",
        "kakor",
        "cookies",
        "om kakor",
        "inställningar för kakor",
        "godkänn alla kakor",
        "godkänn alla cookies",
        "godkänn kakor",
        "acceptera alla kakor",
        "acceptera alla cookies",
        "endast nödvändiga",
        "endast nödvändiga kakor",
        "neka",
        "fick du hjälp av informationen på sidan",
        "senast uppdaterad",
        "sidan uppdaterades",
        "facebook",
        "instagram",
        "linkedin",
        "youtube",
        "twitter",
        "english",
    )
)
_CRUMB_SEPARATORS = frozenset({">", "›", "»", "/"})

# Page furniture that a PDF's footer puts between two pages' words.
_FURNITURE_WORDS = {"utdragsbestyrkande"}
_BULLETS = {"•", "▪", "●", "◦", "–•"}
_INITIALS = re.compile(r"^[A-ZÅÄÖ]{1,3}$")

# A heading that opens a paragraph in the text already.
_REAL_PARAGRAF = re.compile(
    r"^(?:[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,4}\s+)?§§?\s*(\d{1,6})(?:\s*[-–]\s*(\d{1,6}))?"
)
# "SN 13 Bidrag till föreningar Dnr 31/16": a body's paragraph without its "§".
_ORGAN_PARAGRAF = re.compile(
    r"^(?P<organ>[A-ZÅÄÖ]{2,6})\s+(?P<number>\d{1,4})"
    r"\s+(?P<rest>[A-ZÅÄÖ].*)$"
)
# "26 Dnr KS 2018/14 Information": a number directly followed by its case number.
_NUMBER_DNR = re.compile(
    r"^(?P<number>\d{1,3})\s+(?P<rest>(?:Dnr|DNR|Diarienummer)\b.*)$"
)
# "5 Val av revisorer" over a "Dnr ..." line, as web pages list an agenda.
_NUMBER_TITLE = re.compile(r"^(?P<number>\d{1,3})\s+(?P<rest>[A-ZÅÄÖ][a-zåäö].*)$")
_DNR_LINE = re.compile(r"^(?:Dnr|DNR|Diarienummer)\b[.:]{0,2}\s*\S")
_DNR_IN_TITLE = re.compile(r"(?:^|\s)(?:Dnr|DNR|dnr|Diarienummer)\b")

# Web page chrome: whole lines that belong to the site, not to the minutes.
_CHROME = re.compile(
    r"""^(?:
        hoppa\s(?:över|till)\s(?:navigering(?:en)?|huvudinnehåll(?:et)?
            |innehåll(?:et)?|huvudmeny(?:n)?|meny(?:n)?|sidans\sinnehåll)
      | hoppa\still:\s?navigering,\s?sök
      | (?:gå\s|direkt\s|gå\sdirekt\s)?till\s(?:huvud)?innehåll(?:et)?(?:\spå\ssidan)?
      | (?:öppna\s|stäng\s|visa\s)?(?:huvud)?meny(?:n)?
      | sök(?:\spå\swebbplatsen|\spå\ssidan)?|sökfält|sökord|search
      | cookies?|kakor|om\s(?:kakor|cookies)|cookie-?inställningar
      | (?:inställningar\sför|hantera)\s(?:kakor|cookies)
      | (?:jag\s)?(?:godkänn|godkänner|acceptera|accepterar|neka|avvisa|tillåt)
            (?:\salla)?(?:\s(?:kakor|cookies|nödvändiga\s(?:kakor|cookies)))?
      | endast\snödvändiga(?:\s(?:kakor|cookies))?
      | dela(?:\ssidan|\spå\s[a-z]{1,12})?|skriv\sut(?:\ssidan)?
      | lyssna(?:\spå\ssidan)?|läs\supp(?:\ssidan)?|talande\swebb
      | senast\s(?:uppdaterad|ändrad|granskad)\b.{0,60}
      | sidan\s(?:uppdaterades|publicerades|granskades)\b.{0,60}
      | publicerad:?\s\d.{0,40}
      | fick\sdu\shjälp\sav\sinformationen\spå\s(?:sidan|den\shär\ssidan)\?.{0,40}
      | var\sinformationen\spå\ssidan\still\shjälp\?.{0,40}
      | (?:upp\s|tillbaka\s)?till\stoppen|tillbaka
      | facebook|instagram|twitter|linkedin|youtube
      | kontakta\soss|kontakt|kontaktcenter|tillgänglighetsredogörelse
      | om\swebbplatsen|webbkarta|english|other\slanguages|lättläst|teckenspråk
      | läs\smer|visa\s(?:mer|fler|alla)|ärendedokument|läs\sdokument(?:\s\(pdf\))?
      | logga\sin|e-tjänster|självservice
      | question_answer\s.{0,80}
    )[\s:.!?]*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Du är här: Start > Kommun och politik > Protokoll", "Din position: Hem > ...".
_BREADCRUMB_LABEL = re.compile(
    r"^(?:du\sär\shär|din\sposition|sökväg|här\sär\sdu)\s?:", re.IGNORECASE
)
_CRUMB = re.compile(r"\s[>›»/]\s")
_CRUMB_START = re.compile(r"^(?:start|startsida|hem|home)\s[>›»/]\s", re.IGNORECASE)
# "Vi använder kakor (cookies) för att ...": a cookie banner's sentence.
_COOKIE_BANNER = re.compile(
    r"^(?:vi|den\shär\swebbplatsen|denna\swebbplats|webbplatsen|[\w.-]{2,40}\.se)"
    r"\s(?:använder|sparar)\s",
    re.IGNORECASE,
)
# A web page is chrome from two such lines on; one alone may be the minutes'.
_CHROME_MIN = 2


@dataclass
class _Piece:
    """A stretch of one source line that is a line of its own."""

    line: int
    text: str
    page: bool = False  # a page starts here
    dropped: bool = False


@dataclass
class Unflattened:
    text: str
    notes: list[tuple[int, str]] = field(default_factory=list)


def unflatten(text: str) -> Unflattened:
    """Return text with the line breaks flattening lost, chrome taken out and
    lost "§" signs put back, and a note (line, message) for every guess."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    raw = text.split("\n")
    notes: list[tuple[int, str]] = []
    rows = [[_Piece(number, line)] for number, line in enumerate(raw, start=1)]
    changed: set[int] = set()
    if _is_flattened(raw):
        _cut_flattened(raw, rows, changed, notes)
    pieces = [piece for row in rows for piece in row]
    _drop_chrome(pieces, changed, notes)
    _restore_paragraf_signs(rows, changed, notes)
    if not changed:
        return Unflattened(text, notes)
    out = []
    for index, row in enumerate(rows):
        if index not in changed:
            out.append(row[0].text)
            continue
        out.append(
            "<br>".join(
                ("\f" if piece.page else "") + piece.text
                for piece in row
                if not piece.dropped
            )
        )
    return Unflattened("\n".join(out), notes)


def _is_flattened(raw: list[str]) -> bool:
    lines = [line for line in raw if line.strip()]
    chars = sum(len(line.strip()) for line in lines)
    return chars >= 300 and len(lines) * 1000 < _BREAKS_PER_1000 * chars


# Flattened text: where the lines were -------------------------------------


@dataclass
class _Words:
    """The words of the text in order, and where each stands."""

    text: list[str] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    start: list[int] = field(default_factory=list)

    def at(self, index: int) -> str | None:
        return self.text[index] if 0 <= index < len(self.text) else None


class _Cuts:
    """Where new lines start: a word's index, and whether a page does too."""

    def __init__(self, words: int) -> None:
        self.words = words
        self.pages: dict[int, bool] = {}

    def __call__(self, index: int, page: bool = False) -> None:
        if 0 < index < self.words:
            self.pages[index] = self.pages.get(index, False) or page


def _cut_flattened(
    raw: list[str],
    rows: list[list[_Piece]],
    changed: set[int],
    notes: list[tuple[int, str]],
) -> None:
    words = _Words()
    for row, line in enumerate(raw):
        if line.lstrip().startswith("|"):
            continue  # a Markdown table row: its cells are not run-on text
        for match in re.finditer(r"\S+", line):
            words.text.append(match[0])
            words.row.append(row)
            words.start.append(match.start())
    cut = _Cuts(len(words.text))
    _cut_pages(words, cut)
    next_dnr = _next_dnr_labels(words)
    for index in range(len(words.text)):
        _cut_at(words, index, next_dnr, cut)
        if index < _WEB_ZONE or index >= len(words.text) - _WEB_ZONE:
            _cut_web(words, index, cut)
    cut_rows: dict[int, list[tuple[int, bool]]] = {}
    for index, page in sorted(cut.pages.items()):
        row = words.row[index]
        if not page and words.row[index - 1] != row:
            continue  # the line starts there already
        cut_rows.setdefault(row, []).append((words.start[index], page))
    if not cut_rows:
        return
    for row, offsets in cut_rows.items():
        line = raw[row]
        bounds = [(0, False), *offsets, (len(line), False)]
        rows[row] = [
            _Piece(row + 1, line[begin:stop].strip(), page)
            for (begin, page), (stop, _) in pairwise(bounds)
            if line[begin:stop].strip()
        ]
        changed.add(row)
    first_row = min(cut_rows)
    made = sum(len(rows[row]) for row in cut_rows)
    notes.append(
        (
            first_row + 1,
            f"texten har få radbrytningar (hopslagen); {len(cut_rows)} långa rader "
            f"delas i {made} vid sidnummer, §, Dnr och rubriker",
        )
    )


def _page_marker(words: _Words, index: int) -> tuple[int, int, int] | None:
    """Return (page, total, words used) for a page number starting at index."""
    word = words.text[index]
    glued = _PAGE_NUMBER.match(word)
    if glued:
        return int(glued[1]), int(glued[2]), 1
    following = words.at(index + 1) or ""
    if _NUMBER.match(word):
        total = _PAGE_TOTAL.match(following)
        if total:
            return int(word), int(total[1]), 2
        return None
    if word in ("Sida", "SIDA", "Blad", "sida") and _NUMBER.match(following):
        after = words.at(index + 2) or ""
        total = _PAGE_TOTAL.match(after)
        if total:
            return int(following), int(total[1]), 3
        if after == "av" and _NUMBER.match(words.at(index + 3) or ""):
            return int(following), int(words.text[index + 3]), 4
    return None


def _shape(word: str) -> str:
    return _DIGITS.sub("#", word.casefold())


def _stops_context(words: _Words, index: int) -> bool:
    """Whether a running header may not take in the word at index: it opens
    content ("§ 7", "Dnr", a paragraph that lost its "§": "SN 13", "26 Dnr")."""
    word = words.text[index]
    following = words.at(index + 1) or ""
    return (
        word.startswith("§")
        or bool(_DNR_LABEL.match(word))
        or bool(_ORGAN.match(word) and _NUMBER.match(following))
        or bool(_NUMBER.match(word) and _DNR_LABEL.match(following))
    )


def _cut_pages(words: _Words, cut: _Cuts) -> None:
    """Put page numbers on lines of their own, and start a page before the
    header or footer that stands around them on most pages.

    A running header repeats the same words (dates and numbers aside) next to
    the page number on every page; content does not. Those words become lines
    of their own at a page's top, where clean_text() recognises running lines.
    """
    found = []
    for index in range(len(words.text)):
        marker = _page_marker(words, index)
        if marker:
            found.append((index, *marker))
    totals = Counter(total for _, _, total, _ in found)
    if not totals:
        return
    total, count = totals.most_common(1)[0]
    if count < 2:
        return
    markers = [
        (index, used)
        for index, page, seen, used in found
        if seen == total and page <= total
    ]
    before = _common_context(words, [index for index, _ in markers], -1)
    after = _common_context(words, [index + used - 1 for index, used in markers], 1)
    for index, used in markers:
        start, end = index, index + used
        for distance, shape in enumerate(before, start=1):
            word = words.at(index - distance)
            if word is None or _shape(word) != shape:
                break
            start = index - distance
        for distance, shape in enumerate(after, start=1):
            word = words.at(index + used - 1 + distance)
            if word is None or _shape(word) != shape:
                break
            end = index + used + distance
        cut(start, page=True)
        cut(index)
        cut(index + used)
        cut(end)


def _common_context(words: _Words, anchors: list[int], step: int) -> list[str]:
    """The shapes of the words next to most anchors, going outward by step."""
    shapes: list[str] = []
    if len(anchors) < 2:
        return shapes
    # A header on every page shows in a few hundred of them as well as in all.
    anchors = anchors[:: len(anchors) // _SAMPLE_PAGES + 1]
    needed = max(2, (len(anchors) * 3 + 4) // 5)
    for distance in range(1, _RUNNING_WORDS + 1):
        seen: Counter[str] = Counter()
        for anchor in anchors:
            at = anchor + step * distance
            word = words.at(at)
            if word is not None and not _stops_context(words, at):
                seen[_shape(word)] += 1
        if not seen:
            break
        shape, count = seen.most_common(1)[0]
        if count < needed:
            break
        shapes.append(shape)
    return shapes


def _next_dnr_labels(words: _Words) -> list[int]:
    """For each word, the index of the next "Dnr" at or after it (or len)."""
    following = [len(words.text)] * (len(words.text) + 1)
    for index in range(len(words.text) - 1, -1, -1):
        if _DNR_LABEL.match(words.text[index]):
            following[index] = index
        else:
            following[index] = following[index + 1]
    return following


def _opens_heading(previous: str | None, before: str | None = None) -> bool:
    """Whether a paragraph heading may start after this word: after a
    sentence, a page number, a name or a header, not inside a sentence
    ("enligt § 5", "2021-11-22, § 98", "arbetsutskott 2024-02-01 § 3")."""
    if previous is None:
        return True
    if (
        previous.endswith((",", "("))
        or previous.casefold().rstrip(":") in _NOT_BEFORE_HEADING
        # "Anna Berg (M) § 36": present for one paragraph only.
        or _PARTY.match(previous)
        # "arbetsutskott 2024-02-01 § 3": a reference to another body's
        # minutes; "Datum 2024-11-18 § 13" is a page's header.
        or (_DATE.match(previous) and not _DATE_LABEL.match(before or ""))
    ):
        return False
    return (
        previous.endswith(_SENTENCE_END)
        or previous[:1].isdigit()
        or previous[:1].isupper()
    )


def _opens_section(previous: str | None) -> bool:
    """Whether a section heading may start after this word: also after a
    title's last word, but not after "och" or a comma."""
    if previous is None or previous.endswith(_SENTENCE_END):
        return True
    if previous.endswith((",", "(", "-", "–", "/", "&")):
        return False
    return previous.casefold() not in _FUNCTION_WORDS


def _starts_content(word: str | None) -> bool:
    """Whether a word can open a title, a paragraph or a list after a heading."""
    if word is None:
        return True
    return (
        word[:1].isupper()
        or word[:1] in '"”«•-–'
        or bool(re.match(r"^\d{1,2}[.)]$", word))
        or bool(_DNR_LABEL.match(word))
    )


def _dnr_end(words: _Words, index: int) -> int | None:
    """The index after the case number that follows a "Dnr" at index, if any."""
    end = index + 1
    digits = False
    while end < len(words.text) and end - index <= 8:
        word = words.text[end]
        if any(char.isdigit() for char in word):
            digits = True
        elif not _DNR_WORD.match(word) and not (
            # "Ks 01-512 006": a body's abbreviation before the number.
            _PREFIX.match(word) and re.search(r"\d", words.at(end + 1) or "")
        ):
            break
        end += 1
    return end if digits else None


def _section_heading(words: _Words, index: int) -> int | None:
    """The index after a section heading that starts at index, if one does."""
    word = words.text[index]
    if not word[:1].isupper():
        return None
    end = None
    for phrase in _PHRASES.get(word.casefold().rstrip(":"), ()):
        if all(
            (words.at(index + offset) or "").casefold().rstrip(":") == part
            for offset, part in enumerate(phrase)
        ):
            end = index + len(phrase)
            break
    if end is None:
        return None
    if words.text[end - 1].endswith(":"):
        return end
    end = _heading_continues(words, end)
    return end if _starts_content(words.at(end)) else None


def _namnd_heading(words: _Words, index: int) -> tuple[int, int] | None:
    """(start, end) of a body's decision or proposal as a heading whose
    "beslut" or "förslag" stands at index: "Kulturnämndens beslut", "Nämnden
    för Vård & Omsorgs förslag till kommunfullmäktige", "Förvaltningens
    förslag till beslut"."""
    word = words.text[index]
    if word == "beslut":
        end = index + 1
    elif word == "förslag" and words.at(index + 1) == "till":
        target = (words.at(index + 2) or "").casefold().rstrip(":")
        if target != "beslut" and not _NAMND_WORD.search(target):
            return None
        end = index + 3
    else:
        return None
    owner = words.at(index - 1) or ""
    if len(owner) < 4 or not owner.endswith("s") or not owner[:1].isalpha():
        return None
    # Back over the body's name to its first, capitalised word: "Nämnden för
    # Vård & Omsorgs", "Bygg- och miljönämndens", "Kommunstyrelsens
    # arbetsutskotts".
    start = index - 1
    for _ in range(4):
        joined = words.at(start - 1) or ""
        if joined in _NAME_JOINS and (words.at(start - 2) or "")[:1].isupper():
            start -= 2
        elif not words.text[start][:1].isupper() and (
            joined[:1].isupper() and joined.endswith("s")
        ):
            start -= 1
        else:
            break
    if not words.text[start][:1].isupper():
        return None
    return start, end


def _heading_continues(words: _Words, end: int) -> int:
    """Take in what scopes a heading: "Beslut – Förslag till kommunfullmäktige",
    "Yrkanden i kommunstyrelsen": a few words ending in a body's name."""
    word = words.at(end)
    if word not in ("–", "-", "i", "från", "till"):
        return end
    for stop in range(end + 1, min(end + 6, len(words.text))):
        part = words.text[stop]
        if stop > end + 1 and not part.islower():
            return end
        if _NAMND_WORD.search(part.casefold().rstrip(":")):
            # "i kommunstyrelsens arbetsutskott": the body's name goes on.
            while (following := words.at(stop + 1) or "").islower() and (
                _NAMND_WORD.search(following.rstrip(":"))
            ):
                stop += 1
            return stop + 1
    return end


def _cut_at(words: _Words, index: int, next_dnr: list[int], cut: _Cuts) -> None:
    """Cut before and after whatever stands on a line of its own at index."""
    word = words.text[index]
    previous = words.at(index - 1)
    # A table of contents' leader and page: "styrelsen ........ 4".
    if word.endswith("....") and _NUMBER.match(words.at(index + 1) or ""):
        cut(index + 2)
        return
    # "§ 7", "§§ 14-16", "KS § 12", "§7": a paragraph heading.
    number_at = None
    # "$" is OCR's "§" (outline.py reads it so at a line's start).
    if word in ("§", "§§", "$", "$$") and _PARAGRAF_NUMBER.match(
        words.at(index + 1) or ""
    ):
        number_at = index + 1
    elif _GLUED_PARAGRAF.match(word):
        number_at = index
    if number_at is not None:
        after = number_at + 1
        if words.at(after) in ("-", "–") and _NUMBER.match(words.at(after + 1) or ""):
            after += 2
        following = words.at(after)
        if not _starts_content(following) or (
            following and following.casefold().rstrip(":") in _FRONT_PAGE_LABELS
        ):
            return
        start = index
        if previous and _PREFIX.match(previous) and index > 0:
            start = index - 1
        before = words.at(start - 1)
        if _opens_heading(before, words.at(start - 2)) and (
            # "Angela Lyrhagen § 159 Hanna Tengelin": attendance, unless a
            # case number follows as it does a heading.
            not before or not before[:1].isupper() or _DNR_LABEL.match(following or "")
        ):
            cut(start)
        return
    # "SN 13 Bidrag till ... Dnr 31/16": the "§" lost; read again later.
    if (
        _ORGAN.match(word)
        and word not in _NOT_ORGANS
        and _NUMBER.match(words.at(index + 1) or "")
        and (words.at(index + 2) or "")[:1].isupper()
        and next_dnr[index] - index <= _TITLE_WORDS
        and _opens_heading(previous)
        and not any(
            words.text[title].endswith((".", "!", "?"))
            for title in range(index + 2, next_dnr[index])
        )
    ):
        cut(index)
        return
    # "26 Dnr KS 2018/14 Information": a number and its case number.
    if (
        _NUMBER.match(word)
        and len(word) <= 3
        and _DNR_LABEL.match(words.at(index + 1) or "")
        and (
            previous is None
            or previous.endswith(_SENTENCE_END)
            or _DATE.match(previous)
        )
    ):
        cut(index)
        return
    if _DNR_LABEL.match(word):
        end = _dnr_end(words, index)
        if end is not None and (words.at(end) or "")[:1].isupper():
            cut(end)
        # After a sentence or a title's last word ("... för pensionärer Dnr KS
        # 2018/412"), not after "§ 130" or a date: there it is the heading's.
        if (
            word[:1].isupper()
            and previous
            and (
                previous.endswith((".", "!", "?"))
                or (previous[:1].isalpha() and previous[-1:].isalpha())
            )
        ):
            cut(index)
        return
    # "Justerandes sign AB CD", "Utdragsbestyrkande": a page's footer.
    if word.casefold() == "justerandes" and (
        words.at(index + 1) or ""
    ).casefold().startswith("sign"):
        end = index + 2
        while end - index < 8 and _INITIALS.match(words.at(end) or ""):
            end += 1
        cut(index)
        cut(end)
        return
    if word.casefold() in _FURNITURE_WORDS:
        cut(index)
        cut(index + 1)
        return
    # "… ärenden, • Delegation …": a list's bullet opens a line.
    if word in _BULLETS and index > 0:
        cut(index)
        return
    if _opens_section(previous):
        end = _section_heading(words, index)
        if end is not None:
            cut(index)
            cut(end)
            return
    namnd = _namnd_heading(words, index)
    if namnd and _opens_section(words.at(namnd[0] - 1)):
        start, end = namnd
        end = _heading_continues(words, end)
        if _starts_content(words.at(end)):
            cut(start)
            cut(end)


def _cut_web(words: _Words, index: int, cut: _Cuts) -> None:
    """Cut out a web page's chrome near the start or end of a flattened text:
    menu words, a cookie banner's sentence, breadcrumbs, and the date that
    ends a page's heading ("Kommunfullmäktige 2019-03-25 Motion om ...")."""
    word = words.text[index]
    if not word[:1].isupper():
        if _DATE.match(word) and index < _WEB_ZONE:
            if (words.at(index + 1) or "")[:1].isupper():
                cut(index + 1)
        return
    key = word.casefold().rstrip(":.!?")
    for phrase in _CHROME_PHRASES.get(key, ()):
        if all(
            (words.at(index + offset) or "").casefold().rstrip(":.!?") == part
            for offset, part in enumerate(phrase)
        ):
            end = index + len(phrase)
            if _DATE.match(words.at(end) or ""):
                end += 1  # "Senast uppdaterad: 2019-04-02"
            if _starts_content(words.at(end)):
                cut(index)
                cut(end)
            return
    following = (words.at(index + 1) or "").casefold()
    if key in ("vi", "webbplatsen") and following == "använder":
        # "Vi använder kakor (cookies) för att ...": to the sentence's end.
        for end in range(index + 1, min(index + 40, len(words.text))):
            if words.text[end].endswith((".", "!")):
                cut(index)
                cut(end + 1)
                return
        return
    if key in ("start", "startsida", "hem", "home") and following in _CRUMB_SEPARATORS:
        _cut_breadcrumbs(words, index, cut)


def _cut_breadcrumbs(words: _Words, index: int, cut: _Cuts) -> None:
    """ "Du är här: Start > Kommun och politik > Protokoll 2019-03-25": from
    its label to the last crumb's words."""
    label = words.at(index - 1) or ""
    start = index
    if label.casefold() in ("här:", "position:") and index >= 3:
        start = index - 3 if label.casefold() == "här:" else index - 2
    last = index
    for at in range(index + 1, min(index + 40, len(words.text))):
        if words.text[at] in _CRUMB_SEPARATORS:
            last = at
        elif at - last > 6:
            break
    end = last + 2
    while (
        end < len(words.text) and end - last < 8 and not words.text[end][:1].isupper()
    ):
        end += 1
    cut(start)
    cut(end)


# Web page chrome ----------------------------------------------------------


def _is_chrome(text: str) -> bool:
    if not text or len(text) > 300:
        return False
    if _CHROME.match(text) or _BREADCRUMB_LABEL.match(text):
        return True
    if _CRUMB_START.match(text):
        return True
    crumbs = _CRUMB.split(text)
    if len(crumbs) >= 3 and all(0 < len(c) <= 60 and c[:1].isupper() for c in crumbs):
        return True
    low = text.casefold()
    return bool(_COOKIE_BANNER.match(text)) and ("kakor" in low or "cookie" in low)


def _drop_chrome(
    pieces: list[_Piece], changed: set[int], notes: list[tuple[int, str]]
) -> None:
    """Take out a web page's navigation, cookie banner and footer lines.

    Only where at least two such lines stand: a web page has many, while
    minutes may have a lone "Kontakt" of their own.
    """
    chrome = {id(piece) for piece in pieces if _is_chrome(piece.text.strip())}
    if len(chrome) < _CHROME_MIN:
        return
    block: list[_Piece] = []
    blocks = []
    for piece in pieces:
        if id(piece) in chrome:
            block.append(piece)
        elif piece.text.strip() and block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    for block in blocks:
        for piece in block:
            piece.dropped = True
            changed.add(piece.line - 1)
        shown = ", ".join(f"'{piece.text.strip()[:40]}'" for piece in block[:4])
        more = f" och {len(block) - 4} till" if len(block) > 4 else ""
        notes.append(
            (
                block[0].line,
                f"webbsidans meny, kakor eller sidfot hoppas över: {shown}{more}",
            )
        )


# Paragraphs that lost their "§" --------------------------------------------


def _restore_paragraf_signs(
    rows: list[list[_Piece]], changed: set[int], notes: list[tuple[int, str]]
) -> None:
    """Read "SN 13 Titel Dnr ...", "26 Dnr KS 2018/14 Titel" and "5 Titel" over
    a "Dnr" line as paragraph headings whose "§" was lost.

    Only where the number fits the sequence the paragraphs run in, with or
    without "§" signs of their own; a page number, a list item or a date
    has no "Dnr" after it in this way.
    """
    order = [
        (row_index, position)
        for row_index, row in enumerate(rows)
        for position, piece in enumerate(row)
        if not piece.dropped and piece.text.strip()
    ]
    headings: list[tuple[int, int, bool]] = []  # (first, last, real), in order
    lost = []
    for place, (row_index, position) in enumerate(order):
        text = rows[row_index][position].text.strip()
        match = _REAL_PARAGRAF.match(text)
        if match:
            first = int(match[1])
            headings.append((first, max(first, int(match[2] or first)), True))
            continue
        following = ""
        if place + 1 < len(order):
            row, at = order[place + 1]
            following = rows[row][at].text.strip()
        recovered = _lost_sign(text, following)
        if recovered:
            lost_number = int(recovered[1])
            lost.append((len(headings), row_index, position, recovered))
            headings.append((lost_number, lost_number, False))
    if not lost:
        return
    # The numbers that run through the minutes: a heading that lost its "§"
    # must be one of them, whether the others kept theirs or not. A number
    # twice (the table of contents and the paragraph) counts.
    chain = {headings[i][0] for i in _rising(headings)}
    found = [
        (row_index, position, recovered)
        for at, row_index, position, recovered in lost
        if headings[at][0] in chain
    ]
    for row_index, position, (prefix, number, rest) in reversed(found):
        piece = rows[row_index][position]
        lead = piece.text[: len(piece.text) - len(piece.text.lstrip())]
        heading, title = _split_after_dnr(rest)
        if not title[:1].isupper():
            heading, title = rest, ""
        piece.text = f"{lead}{prefix}§ {number} {heading}".rstrip()
        if title:
            rows[row_index].insert(position + 1, _Piece(piece.line, title))
        changed.add(row_index)
        shown = f"{prefix}{number}"
        notes.append(
            (
                piece.line,
                f"'{shown}' saknar §-tecken men står som en paragrafrubrik; "
                f"läses som § {number}",
            )
        )
    notes.sort(key=lambda note: note[0])


def _lost_sign(text: str, following: str) -> tuple[str, str, str] | None:
    """(prefix, number, rest) of a heading that lost its "§", else None."""
    match = _ORGAN_PARAGRAF.match(text)
    if (
        match
        and match["organ"] not in _NOT_ORGANS
        and (_dnr_in_title(match["rest"]) or _DNR_LINE.match(following))
    ):
        return f"{match['organ']} ", match["number"], match["rest"]
    match = _NUMBER_DNR.match(text)
    if match and not _split_after_dnr(match["rest"])[1][:1].islower():
        return "", match["number"], match["rest"]
    match = _NUMBER_TITLE.match(text)
    if match and _DNR_LINE.match(following) and len(text) <= 200:
        return "", match["number"], match["rest"]
    return None


def _dnr_in_title(rest: str) -> bool:
    """Whether a "Dnr" follows within the title, before any sentence ends."""
    found = _DNR_IN_TITLE.search(rest[:400])
    return found is not None and not re.search(r"[.!?]\s", rest[: found.start()])


def _rising(headings: list[tuple[int, int, bool]]) -> list[int]:
    """The indexes of the longest run of headings whose numbers rise ("§§
    14-16" ends at 16), as parse_protocol() keeps them; of runs as long, the
    one with most headings that kept their "§".

    A Fenwick tree over the numbers gives each heading the best run ending
    below its first number, in O(n log n).
    """
    size = max((last for _, last, _ in headings), default=0) + 2
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)  # (score, heading)

    def best_below(number: int) -> tuple[int, int]:
        found, at = (0, -1), number  # positions 1..number hold numbers 0..number-1
        while at > 0:
            found = max(found, tree[at])
            at -= at & -at
        return found

    def offer(number: int, value: tuple[int, int]) -> None:
        at = number + 1
        while at <= size:
            tree[at] = max(tree[at], value)
            at += at & -at

    previous = [-1] * len(headings)
    scores = [0] * len(headings)
    for index, (first, last, real) in enumerate(headings):
        below, previous[index] = best_below(first)
        scores[index] = below + (1001 if real else 1000)
        offer(last, (scores[index], index))
    chain = []
    index = max(range(len(headings)), key=scores.__getitem__, default=-1)
    while index != -1:
        chain.append(index)
        index = previous[index]
    return chain


def _split_after_dnr(rest: str) -> tuple[str, str]:
    """Split "Dnr KS 2018/14 Information" after its case number, and "Titel
    Dnr 31/16 Ärendet ..." after the same: (up to the case number, after it)."""
    words = _Words()
    for match in islice(re.finditer(r"\S+", rest), _TITLE_WORDS + 10):
        words.text.append(match[0])
        words.start.append(match.start())
        words.row.append(0)
    for index, word in enumerate(words.text):
        if _DNR_LABEL.match(word):
            end = _dnr_end(words, index)
            if end is not None and end < len(words.text):
                cut = words.start[end]
                return rest[:cut].rstrip(), rest[cut:]
            break
    return rest, ""


# A single item without a number --------------------------------------------

# Kinds of section only minutes have: a decision alone is not enough.
_MINUTES_KINDS = {
    "procedure",
    "proposals",
    "reservation",
    "vote",
    "recipients",
    "jav",
    "protocol_note",
    "special_statement",
    "documents",
}
# A single item may have "Beslut" and its board's "Kommunstyrelsens förslag".
_LONE_ITEM_REPEATS = 2
_LABEL = re.compile(r"^[A-ZÅÄÖ][\wåäö ]{0,30}:\s")
_DATE_LINE = re.compile(r"^[\d\s:.-]{6,20}$")


def lone_item(lines: list[Line]) -> int | None:
    """Find the heading of a single agenda item shown without a number.

    A web page may show one item of the minutes: its title, then sections
    such as Överläggning, Beslutsgång, Beslut and Reservation. Return the
    index of the title line, or None when the lines are not such an item:
    it needs a decision and another section only minutes have, and no kind
    of section many times over (whole minutes whose "§" could not be read).
    """
    kinds: dict[str, int] = {}
    seen: Counter[str] = Counter()
    for index, line in enumerate(lines):
        found = heading_kind(line.text)
        if found:
            kinds.setdefault(found[0], index)
            seen[found[0]] += 1
    if "decision" not in kinds or not _MINUTES_KINDS & kinds.keys():
        return None
    if max(seen.values()) > _LONE_ITEM_REPEATS:
        return None
    first = min(kinds.values())
    for index in range(first - 1, max(first - 12, -1), -1):
        text = lines[index].text
        if (
            _DNR_LINE.match(text)
            or _DATE_LINE.match(text)
            or _LABEL.match(text)
            or text.endswith((".", ","))
            or len(text) > 200
        ):
            continue
        if (text[:1].isupper() or text[:1].isdigit()) and re.search("[a-zåäö]", text):
            return index
    return None


def lone_item_note(number: str | None) -> str:
    if number:
        return (
            f"punkten saknar paragrafnummer; läses som en paragraf med det angivna "
            f"numret § {number}"
        )
    return (
        "punkten saknar paragrafnummer och läses som en paragraf utan nummer; "
        "ange numret (ingest --paragraf N)"
    )
