"""From extracted text to numbered lines, and from lines back to readable prose.

Text extracted from PDFs breaks sentences at the page's line ends, puts blank lines
between every line, and runs bold headings into the next words ("ärendet**Framlagda
förslag**"). The parser works on the cleaned lines, each keeping the number of the
line it came from, so that every warning can point at the source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    number: int
    text: str


# Spaces PDF and Word exports use that str.split() does not treat alike.
_SPACES = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000\t]+")
_INVISIBLE = re.compile(r"[\u200c\u200d\u2060\ufeff\u00ad]")
# Bold markers from converted documents; a heading sits between them.
_EMPHASIS = re.compile(r"\*\*|__")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)

# Lines that are page furniture, not content of the minutes; a PDF's footer may
# put several on one line ("Justerandes sign Utdragsbestyrkande").
_FURNITURE = re.compile(
    r"""^(?:(?:
        justerandes\s+sign(?:atur)?\.?
      | utdragsbestyrkande
      | (?:sida|blad)\s+\d+\s*(?:\(\s*\d+\s*\)|av\s+\d+)?
      | \d+\s*\(\s*\d+\s*\)
      | _{3,}
    )\s*)+$""",
    re.IGNORECASE | re.VERBOSE,
)


def clean_lines(text: str) -> list[Line]:
    """Split text into non-empty, stripped lines, dropping page furniture."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _HTML_BREAK.sub("\n", text)
    lines: list[Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        for piece in _EMPHASIS.split(raw):
            piece = _SPACES.sub(" ", piece).strip()
            if piece and not _FURNITURE.match(piece):
                lines.append(Line(number, re.sub(r" {2,}", " ", piece)))
    return lines


# The start of a list item: "1.", "2)", "- ", "• ", "a)".
_LIST_ITEM = re.compile(r"^(?:[-–•*]\s|\d{1,2}[.)]\s|[a-z]\)\s|[-–]\s*\d{1,2}\)\s)")
_SENTENCE_END = re.compile(r"[.!?:;\"”»]$")
# A word broken over a line end: "kommunfull-" + "mäktige".
_HYPHENATED = re.compile(r"[a-zåäöé]-$")
_CONJUNCTIONS = ("och ", "eller ", "samt ", "resp")


def is_list_item(text: str) -> bool:
    return bool(_LIST_ITEM.match(text))


def _continues(previous: str, line: str) -> bool:
    """Say whether `line` goes on the sentence `previous` left unfinished."""
    if is_list_item(line):
        return False
    if not _SENTENCE_END.search(previous):
        return True
    # "... enligt 4 kap." followed by a lower-case word is still one sentence.
    return line[:1].islower()


def join_lines(lines: list[str]) -> str:
    """Join broken lines into prose: blocks split by blank lines, items by newlines."""
    blocks: list[str] = []
    for line in lines:
        if blocks and _continues(blocks[-1], line):
            previous = blocks[-1]
            if _HYPHENATED.search(previous) and not line.startswith(_CONJUNCTIONS):
                blocks[-1] = previous[:-1] + line
            else:
                blocks[-1] = f"{previous} {line}"
        else:
            blocks.append(line)
    out = ""
    for index, block in enumerate(blocks):
        if index:
            tight = is_list_item(block) and is_list_item(blocks[index - 1])
            out += "\n" if tight else "\n\n"
        out += block
    return out
