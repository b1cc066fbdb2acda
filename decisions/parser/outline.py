"""Where the paragraphs start: the body's "§ N" headings, told apart from the
contents list, the front page's "Paragrafer §§ 48-62" and references in text.

A real protocol often opens with its contents (an ärendelista): the same "§ N
Dnr …" headings as the body, each with its title and a page number, with or
without dot leaders. Taken for the paragraphs, the contents would leave every
real heading "out of order" and the last paragraph would swallow the protocol.
So the contents are found by their shape (a run of numbered entries with
almost no text of their own, their numbers recurring later or their lines
ending in a page number) and kept apart, as a cross-check of the body.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .model import ParsedProtocol
from .sections import heading_kind
from .text import Line

# "§ 7", "§7", "§§ 14-16", "KS § 12", "§ 41/21", with the title or dnr after.
# Up to six digits: a board that never restarts its numbering passes § 9999
# (four digits once folded § 10000 into § 9999 as its text); a longer number
# is no paragraph's, and is warned of (_TOO_LONG).
_PARAGRAF = re.compile(
    r"^(?:(?P<prefix>[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,4})\s+)?§§?\s*(?P<start>\d{1,6})"
    r"(?:\s*/\s*\d{2,4})?(?:\s*[-–—]+\s*(?P<end>\d{1,6})(?:\s*/\s*\d{2,4})?)?"
    r"(?P<rest>(?:[\s.:]+.*)?)$"
)
_TOO_LONG = re.compile(r"^(?:[A-ZÅÄÖ][A-Za-zÅÄÖåäö]{0,4}\s+)?§§?\s*(\d{7,})\b")
# Scanned minutes read by OCR give "$ 13" or "$$ 13-31" for "§ 13", and "8 30"
# where a dnr follows ("8 30 Dnr GA-2026-00003").
_OCR_SIGN = re.compile(
    r"^(?:\${1,2}|§\$|\$§)(?=\s?\d)|^8(?=\s\d{1,4}\s+(?:dnr|diarienummer)\b)",
    re.IGNORECASE,
)
# A contents entry's end: dot leaders, or a page number after the title.
_LEADER = re.compile(r"(?:\.{3}|…|\s\.\s\.\s\.)[^.\d]{0,80}\d{0,4}\s*$")
_PAGE_NUMBER = re.compile(r"\D\s\d{1,3}$")
_PAGE_NUMBER_END = re.compile(r"\s\d{1,3}$")
# A later heading "§ 12 (forts.)" continues § 12; it is not its body.
_CONTINUED = re.compile(r"^\(?forts", re.IGNORECASE)
_DNR = re.compile(r"\b(?:dnr|diarienummer|ärendenummer)\b", re.IGNORECASE)
# How far under a heading its paragraph's first section heading may stand.
_LOOK_AHEAD = 12
# How many lines of its own a contents entry has at most: its title may wrap.
_ENTRY_LINES = 4


@dataclass
class Start:
    """A line that opens a paragraph (or a contents entry)."""

    index: int
    first: int
    last: int
    number: str
    rest: str
    # The lines up to the next candidate heading.
    following: list[Line]


def heading_text(text: str) -> tuple[str, bool]:
    """Return a line with an OCR'd "$" read as "§", and whether it was."""
    fixed = _OCR_SIGN.sub("§", text, count=1)
    return fixed, fixed != text


def find_starts(
    protocol: ParsedProtocol, lines: list[Line]
) -> tuple[list[Start], list[Start]]:
    """Return (the body's paragraph starts, the contents entries).

    What is neither contents nor a rising run of numbers (a reference such as
    "KS § 187, 2016-12-06" at a line's start) is read as text of the paragraph
    before, with a warning.
    """
    candidates = _candidates(protocol, lines)
    contents = _contents(candidates)
    body = [c for c in candidates if c.index not in contents]
    # The front page's presence notes ("§§ 62-66" under a name) stand before
    # the contents list ends; a heading there that opens no paragraph (no dnr,
    # no section headings under it) is one of them.
    if contents:
        end = max(contents)
        body = [c for c in body if c.index > end or _opens_paragraf(c)]
    chain = _longest_increasing(body)
    chosen = {candidate.index for candidate in chain}
    for candidate in body:
        if candidate.index not in chosen:
            protocol.warn(
                lines[candidate.index].number,
                f"'§ {candidate.number}' bryter paragrafernas ordning och läses som "
                "text i paragrafen före",
            )
    entries = [c for c in candidates if c.index in contents]
    return chain, entries


def _opens_paragraf(candidate: Start) -> bool:
    if _DNR.search(candidate.rest):
        return True
    return any(
        heading_kind(line.text) or _DNR.match(line.text)
        for line in candidate.following[:_LOOK_AHEAD]
    )


def _candidates(protocol: ParsedProtocol, lines: list[Line]) -> list[Start]:
    found: list[tuple[int, re.Match[str]]] = []
    ocr = 0
    for index, line in enumerate(lines):
        if "§" not in line.text[:8] and line.text[:1] not in "$8":
            continue
        text, fixed = heading_text(line.text)
        match = _PARAGRAF.match(text)
        if not match:
            too_long = _TOO_LONG.match(text)
            if too_long:
                protocol.warn(
                    line.number,
                    f"§ {too_long[1]}: för långt för ett paragrafnummer (högst sex "
                    "siffror); raden läses som text i paragrafen före",
                )
            continue
        rest = match["rest"].strip(" .:")
        if rest[:1] in (",", ";", ")") or rest[:1].islower():
            continue
        if re.match(r"\.\d", match["rest"]):
            # "§ 14.1, om brukningsavgift": a section of a by-law, cited.
            continue
        if int(match["end"] or match["start"]) < int(match["start"]):
            continue
        ocr += fixed
        found.append((index, match))
    if ocr:
        protocol.warn(
            lines[found[0][0]].number,
            f"'$' eller '8' läst som '§' på {ocr} rader (text från OCR)",
        )
    out = []
    for position, (index, match) in enumerate(found):
        stop = found[position + 1][0] if position + 1 < len(found) else len(lines)
        first = int(match["start"])
        last = int(match["end"] or first)
        number = str(first) if last == first else f"{first}-{last}"
        rest = match["rest"].strip(" .:")
        out.append(Start(index, first, last, number, rest, lines[index + 1 : stop]))
    return out


def _contents(candidates: list[Start]) -> set[int]:
    """Find the candidates that are contents entries, by index of their line.

    An entry is short and either ends in a page number or has its number
    heading a paragraph again later. A short candidate between two entries is
    an entry too: the contents list a paragraph the body leaves out (a secret
    item published elsewhere).
    """
    later: dict[int, int] = {}
    for position, candidate in enumerate(candidates):
        if not _CONTINUED.match(candidate.rest):
            later[candidate.first] = position
    shaped = []
    for position, candidate in enumerate(candidates):
        short = len(candidate.following) <= _ENTRY_LINES
        # A heading whose number recurs is an entry only if it has no sections
        # of its own: "§ 1 … Beslut … § 1" is a paragraph repeated by mistake.
        recurs = later.get(candidate.first, position) > position and not any(
            heading_kind(line.text) for line in candidate.following
        )
        leader = _LEADER.search(
            " ".join([candidate.rest, *(line.text for line in candidate.following[:3])])
        ) or any(_LEADER.search(line.text) for line in candidate.following[:3])
        last_line = candidate.following[-1] if candidate.following else None
        page = (
            last_line is not None
            and bool(_PAGE_NUMBER.search(last_line.text))
            and candidate.rest != ""
        )
        # The front page's "Paragrafer §§ 48-62": the body has those numbers.
        summary = candidate.first != candidate.last and any(
            candidate.first <= other.first <= candidate.last
            for other in candidates[position + 1 :]
        )
        # Dot leaders right under the heading make an entry whatever follows
        # (a page's footer, the next page's header).
        shaped.append(bool(leader) or short and (recurs or page or summary))
    entries = {
        c.index for c, is_entry in zip(candidates, shaped, strict=True) if is_entry
    }
    # Fill gaps: a short candidate between two entries belongs to the list.
    for position in range(1, len(candidates) - 1):
        if (
            not shaped[position]
            and shaped[position - 1]
            and shaped[position + 1]
            and len(candidates[position].following) <= _ENTRY_LINES
        ):
            entries.add(candidates[position].index)
    return entries


def _longest_increasing(candidates: list[Start]) -> list[Start]:
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


def listed_only(starts: list[Start], entries: list[Start]) -> list[tuple[Start, str]]:
    """Return the contents entries the body leaves out, with their titles.

    A secret item is often listed in the contents ("§ 23 Sekretess ..... 7")
    and left out of the published body. Only entries shaped as contents (a
    title, a page number) inside the body's run of numbers count: an extract's
    contents may list the whole meeting.
    """
    if not starts:
        return []
    present = {n for s in starts for n in range(s.first, s.last + 1)}
    low, high = starts[0].first, starts[-1].last
    out = []
    for entry in entries:
        if entry.first != entry.last or entry.first in present:
            continue
        if not low < entry.first < high:
            continue
        parts = [] if _DNR.match(entry.rest) else [entry.rest]
        for line in entry.following[:_ENTRY_LINES]:
            if _DNR.match(line.text):
                continue
            parts.append(line.text)
            if _LEADER.search(line.text):
                break
        title = _LEADER.sub("", " ".join(p for p in parts if p)).strip()
        title = _PAGE_NUMBER_END.sub("", title).strip(" .")
        if title or _LEADER.search(" ".join(parts)):
            out.append((entry, title))
            present.add(entry.first)
    return out
