"""Control characters: what no text of the archive keeps.

text, notes = strip_control(text, page_breaks=True)   # a file's text, with notes
clean = without_control(value)                         # a form field's value

A control character in minutes is debris (a copy from another program, an
escape sequence, a converter's marker): it means nothing to a reader, and XML
1.0 cannot carry most of them, so one in a title broke every Atom feed that
listed it. They are removed where text comes in (decisions.extract for every
file, the clerk's corrections, the admin's fields), before anything is stored.

Kept: tab and newline. A carriage return is a line end ("\r\n" and "\r"
become "\n"). A form feed in a file's text is its page break, which the parser
reads (decisions.parser.text) and never puts in a paragraph; in a typed value
it is a space. Those that separate words in some program (vertical tab: a
line break in Word; the separators U+001C–U+001F; NEL, U+0085; a form feed
where it is no page break) become a space, so that the words stay apart; the
others go.
"""

from __future__ import annotations

import re

__all__ = ["CONTROL", "strip_control", "without_control"]

# C0 but tab and newline (a carriage return is a line end by then), DEL, C1.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_BUT_PAGE_BREAK = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f]")
_SEPARATORS = frozenset("\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# Lines named one by one in the notes; past these, one note counts the rest.
_NOTED_LINES = 20


def _line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _replacement(match: re.Match[str]) -> str:
    return " " if match[0] in _SEPARATORS else ""


def without_control(text: str, *, page_breaks: bool = False) -> str:
    """Return text without control characters (tab and newline kept, and
    form feeds if `page_breaks`)."""
    text = _line_ends(text)
    pattern = _CONTROL_BUT_PAGE_BREAK if page_breaks else CONTROL
    return pattern.sub(_replacement, text) if pattern.search(text) else text


def strip_control(text: str, *, page_breaks: bool = False) -> tuple[str, list[str]]:
    """Return text without control characters, and a note for each line that
    had any ("rad 12: styrtecken borttagna: U+001B"), as protocol.warn()
    would word it. `page_breaks` keeps form feeds: a file's page breaks."""
    text = _line_ends(text)
    pattern = _CONTROL_BUT_PAGE_BREAK if page_breaks else CONTROL
    if not pattern.search(text):
        return text, []
    found: dict[int, set[str]] = {}
    line, counted = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        found.setdefault(line, set()).add(f"U+{ord(match[0]):04X}")
    notes = [
        f"rad {number}: styrtecken borttagna: {', '.join(sorted(chars))}"
        for number, chars in list(found.items())[:_NOTED_LINES]
    ]
    if len(found) > _NOTED_LINES:
        notes.append(
            f"styrtecken borttagna på ytterligare {len(found) - _NOTED_LINES} rader"
        )
    return pattern.sub(_replacement, text), notes
