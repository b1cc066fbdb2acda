"""Properties of the parser on random and mangled text (hypothesis)."""

import functools
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.parser import ParseError, parse_protocol, protocol_as_json
from decisions.parser.sections import heading_kind

SWEDISH = "abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖé"
NOISE = SWEDISH + '0123456789 §.,:;()-–/\n\f\t\u00a0*_<>"”'
# Words that cannot be mistaken for headings, roles, labels or furniture.
WORD = st.text(
    alphabet="bcdfghjklmnprstvxz" + "aeiouyåäö", min_size=3, max_size=9
).filter(
    # Not words a line break could turn into a heading or a case number line.
    lambda word: not word.startswith("dnr") and not heading_kind(word.capitalize())
)
SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(st.text(alphabet=NOISE, max_size=3000))
def test_random_text_gives_valid_json_or_a_clear_error(text):
    try:
        protocol = parse_protocol(text, source="slump.txt")
    except ParseError as error:
        assert str(error)
        return
    json.dumps(protocol_as_json(protocol), ensure_ascii=False)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(
            [
                "§ 1",
                "§§ 2-3",
                "Beslut",
                "Reservation",
                "Dnr 1/2",
                "Anna Berg (S) reserverar sig.",
                "Yrkanden",
                "Omröstning",
                "Ja: Per Ek (M)",
                "X",
                "\f",
                "Sekretess enligt 26 kap. 1 § OSL",
                "ANSLAG/BEVIS",
                "Justerare",
                "Per Holm (M)",
                "§ 99/21 Titel",
            ]
        ),
        max_size=80,
    )
)
def test_minutes_shaped_noise_never_crashes(lines):
    try:
        protocol = parse_protocol("\n".join(lines), source="brus.txt")
    except ParseError:
        return
    json.dumps(protocol_as_json(protocol), ensure_ascii=False)


def _sentence(words: list[str]) -> str:
    return " ".join(words).capitalize() + "."


paragraf_strategy = st.tuples(
    st.lists(WORD, min_size=2, max_size=6),  # title
    st.integers(min_value=1, max_value=9999),  # dnr number
    st.lists(st.lists(WORD, min_size=3, max_size=12), min_size=1, max_size=4),
)


def _mangle(text: str, data: st.DataObject) -> str:
    """Break lines at random spaces, add blank lines and odd spaces, as PDFs do."""
    out = []
    for line in text.split("\n"):
        words = line.split(" ")
        pieces, current = [], []
        for word in words:
            current.append(word)
            if len(current) > 2 and data.draw(st.booleans()):
                pieces.append(" ".join(current))
                current = []
        pieces.append(" ".join(current))
        for piece in pieces:
            out.append(piece + data.draw(st.sampled_from(["", " ", "\u00a0", "  "])))
            if data.draw(st.booleans()):
                out.append(data.draw(st.sampled_from(["", " ", "\u00a0 "])))
    return "\n".join(out)


@SETTINGS
@given(st.lists(paragraf_strategy, min_size=1, max_size=8), st.data())
def test_no_line_of_a_paragraph_is_lost_when_lines_break(paragrafer, data):
    blocks = []
    for number, (title, dnr, sentences) in enumerate(paragrafer, start=1):
        body = " ".join(_sentence(s) for s in sentences)
        blocks.append(
            f"§ {number}\n{' '.join(title).capitalize()}\nDnr KS 2024/{dnr}\n\n"
            f"Beslut\n{_mangle(body, data)}\n"
        )
    protocol = parse_protocol("\n".join(blocks), source="genererad.txt")
    assert [p.number for p in protocol.paragrafer] == [
        str(n) for n in range(1, len(paragrafer) + 1)
    ]
    for parsed, (title, dnr, sentences) in zip(
        protocol.paragrafer, paragrafer, strict=True
    ):
        assert parsed.title == " ".join(title).capitalize()
        assert parsed.dnr == f"KS 2024/{dnr}"
        found = re.sub(r"\s+", " ", parsed.text)
        for sentence in sentences:
            assert _sentence(sentence) in found
        assert re.sub(r"\s+", " ", parsed.decision) == " ".join(
            _sentence(s) for s in sentences
        )


# -- bounded time -----------------------------------------------------------------
#
# No input may make the parser run away. Each document below is parsed in a
# child interpreter allowed CPU_SECONDS of CPU, far more than any of them needs
# (a megabyte takes a second or two): a parse that costs the square of its
# input's length, or worse, is killed and fails the test instead of hanging the
# suite. No test measures time itself.

CPU_SECONDS = 60
ROOT = Path(__file__).resolve().parent.parent
REAL = sorted((ROOT / "tests" / "fixtures" / "real").glob("*.txt"))
_CHILD = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_CPU, ({CPU_SECONDS}, {CPU_SECONDS + 1}))
from decisions.parser import ParseError, parse_protocol
try:
    parse_protocol(sys.stdin.buffer.read().decode("utf-8"), source="lang.txt")
except ParseError:
    sys.exit(3)
"""
MEGABYTE = 1_000_000


def _parses_in_bounded_time(text: str) -> None:
    """Parse text in a child limited in CPU; it must read it or refuse it."""
    child = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=text.encode(),
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    assert child.returncode not in (-signal.SIGXCPU, -signal.SIGKILL), (
        f"the parser ran away: killed after {CPU_SECONDS} s of CPU "
        f"on {len(text):,} characters"
    )
    assert child.returncode in (0, 3), child.stderr.decode()[-3000:]


@functools.cache
def _real(path: Path) -> str:
    return path.read_text()


def _insert(text: str, at: float, block: str) -> str:
    """Put block on lines of its own at a place in text (0 = start, 1 = end)."""
    lines = text.split("\n")
    index = int(at * len(lines))
    return "\n".join([*lines[:index], block, *lines[index:]])


def _pages(text: str, at: float, size: int) -> str:
    pages = re.split(r"(?=<!-- sida \d+ -->)", text)
    page = pages[int(at * len(pages))] or text
    return text + page * (size // len(page) + 1)


def _line_repeated(text: str, at: float, size: int) -> str:
    lines = [line for line in text.split("\n") if line.strip()]
    line = lines[int(at * len(lines))]
    return _insert(text, at, "\n".join([line] * (size // (len(line) + 1) + 1)))


def _one_line(text: str, at: float, size: int) -> str:
    """The whole document, its line breaks gone, as one line of `size`."""
    flat = " ".join(text.split("\n"))
    return (flat * (size // len(flat) + 1))[:size]


def _paragraf_lines(text: str, at: float, size: int) -> str:
    count = size // 8
    numbers = [range(1, count + 1), range(count, 0, -1), [7] * count]
    chosen = numbers[int(at * 3)]
    return _insert(text, at, "\n".join(f"§ {n}" for n in chosen))


def _headings(text: str, at: float, size: int) -> str:
    headings = ["Beslut", "Yrkanden", "Reservation", "Omröstning", "Jäv", "Ärendet"]
    cycle = headings[: 1 + int(at * len(headings))]
    return _insert(text, at, "\n".join(cycle * (size // 40 + 1)))


def _parties(text: str, at: float, size: int) -> str:
    runs = ["(S) " * (size // 4), "Anna Berg (S), " * (size // 15)]
    run = runs[int(at * 2)]
    return _insert(text, at, f"Reservation\n{run}reserverar sig.\nBeslutande\n{run}")


def _vote_rows(text: str, at: float, size: int) -> str:
    marks = ["X", "        X"]  # under Ja, under Nej
    rows = "\n".join(
        f"Ledamot{n} Berg (S)      {marks[n % 2]}" for n in range(size // 40)
    )
    return _insert(text, at, f"Omröstning\nLedamot   Ja   Nej   Avstår\n{rows}")


SHAPES = {
    "pages repeated": _pages,
    "a line repeated": _line_repeated,
    "one line": _one_line,
    "'§ N' lines": _paragraf_lines,
    "headings": _headings,
    "parties": _parties,
    "vote rows": _vote_rows,
}
# The characters of rows no clerk types: leaders, rules, runs of whitespace.
ROWS = [".", "_", "-", " ", ". ", "…", "\t", "\x0b", "\u2028", "(S)", "§ 1 "]
LONG_SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_LONG_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@LONG_SETTINGS
@given(
    st.sampled_from(REAL),
    st.sampled_from(sorted(SHAPES)),
    st.floats(min_value=0, max_value=0.999),
    st.integers(min_value=10_000, max_value=MEGABYTE),
)
def test_long_real_shaped_text_is_read_in_bounded_time(path, shape, at, size):
    _parses_in_bounded_time(SHAPES[shape](_real(path), at, size))


@LONG_SETTINGS
@given(
    st.sampled_from(REAL),
    st.sampled_from(ROWS),
    st.sampled_from(["", "§ 5 Budget ", "Anna Berg (S) ", "Dnr ", "Justerare "]),
    st.sampled_from(["", "x", " 12"]),
    st.floats(min_value=0, max_value=0.999),
    st.integers(min_value=10_000, max_value=MEGABYTE),
)
def test_a_long_row_in_real_minutes_is_read_in_bounded_time(
    path, row, before, after, at, size
):
    line = before + row * (size // len(row)) + after
    _parses_in_bounded_time(_insert(_real(path), at, line))


def _names(count: int) -> list[str]:
    """Distinct names: Anna Berga, Anna Bergb, ..., Anna Bergba, ..."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    names = []
    for number in range(count):
        suffix = ""
        while True:
            number, digit = divmod(number, 26)
            suffix += letters[digit]
            if not number:
                break
        names.append(f"Anna{suffix} Berg{suffix}")
    return names


HEAD = "Kungsbacka kommun\nProtokoll\nSammanträdesdatum 2025-02-20\n"
ITEM = "§ 5 Budget 2025\nDnr KS 2024/1\nBeslut\nNämnden beslutar.\n"
NAMES = _names(40_000)
# Each once cost the square of its length or worse: a megabyte ran for minutes
# to hours.
RUNAWAYS = {
    "a table of contents leader": "§ 5 Budget " + "." * MEGABYTE + "x\n" + ITEM,
    # Dots, then more than a contents line's end may hold after them.
    "a leader that ends no contents line": "§ 5 Budget\n"
    + "." * MEGABYTE
    + "x" * 100
    + "\n"
    + ITEM,
    "hyphenated lines": ITEM + "Aa-\n" * (MEGABYTE // 4),
    "unpunctuated lines": ITEM + "aaa bbb ccc\n" * (MEGABYTE // 12),
    "'reserverar sig' without a sentence end": ITEM
    + "Reservation\nx "
    + "reserverar sig A " * (MEGABYTE // 17)
    + ":\nBbb\n",
    "'protokoll' in the title block": "protokoll " * (MEGABYTE // 10) + "x\n" + ITEM,
    "'sammanträde med' in the title block": "sammanträde med " * (MEGABYTE // 16)
    + "x\n"
    + ITEM,
    "'anslogs' in the posting block": HEAD
    + ITEM
    + "ANSLAG/BEVIS\n"
    + "anslogs " * (MEGABYTE // 8)
    + "x\n",
    "parties without names": ITEM + "Reservation\n" + "(S) " * (MEGABYTE // 4),
    "a vertical tab run in a title": "§ 5 Budget" + "\x0b" * MEGABYTE + "x\n" + ITEM,
    "a vertical tab run in attendance": "Beslutande\nAnna Berg (S)"
    + "\x0b" * MEGABYTE
    + "x\n"
    + ITEM,
    "spaces before a tab": ITEM + "a" + " " * MEGABYTE + "b\tc\n",
    "many adjusters": "Justerare\n" + "".join(f"{n} (S)\n" for n in NAMES) + ITEM,
    "reservations on own proposals": "§ 5 Budget\nBeslut\nx.\nYrkanden\n"
    + "".join(f"{n} (S) yrkar bifall.\n" for n in NAMES[:15_000])
    + "Reservation\n"
    + "".join(
        f"{n} (S) reserverar sig till förmån för sitt eget förslag.\n"
        for n in NAMES[:15_000]
    ),
    "a line of dnrs": "§ 5 Budget\nDnr "
    + ", ".join(f"KS {n}" for n in range(MEGABYTE // 8))
    + "\nBeslut\nx.\n",
    "dnr lines": "§ 5 Budget\n"
    + "".join(f"Dnr KS {n}\n" for n in range(MEGABYTE // 12))
    + "Beslut\nx.\n",
    "names without parties": ITEM
    + "Reservation\n"
    + " och ".join(NAMES)
    + " (S) reserverar sig.\n",
    "a vote list over many lines": ITEM
    + "Omröstning\nJa:\n"
    + "".join(f"{n} (S),\n" for n in NAMES),
    # The attachments a paragraph names (decisions.parser.attachments).
    "'bilaga' mentions on one line": ITEM
    + "Ärendet\n"
    + "Reservation, se bilaga 2 och " * (MEGABYTE // 29)
    + "\n",
    "a documents list's lines all lower case": ITEM
    + "Beslutsunderlag\nTjänsteskrivelse\n"
    + "och mer text här\n" * (MEGABYTE // 17),
    "a long documents list": ITEM
    + "Beslutsunderlag\n"
    + "".join(f"Tjänsteskrivelse {n}, 2024-01-01\n" for n in range(MEGABYTE // 32)),
    "a long list of attachments by paragraph": "".join(
        f"§ 5 Bilaga {n % 900} Titel\n" for n in range(MEGABYTE // 22)
    )
    + ITEM,
    "many pages": "\f".join(
        f"Kungsbacka kommun protokoll blad {n}\nText {n}.\n§ {n + 1} T\nBeslut\nx.\n"
        for n in range(MEGABYTE // 60)
    ),
}


@pytest.mark.parametrize("text", RUNAWAYS.values(), ids=RUNAWAYS.keys())
def test_inputs_that_once_ran_away_are_read_in_bounded_time(text):
    _parses_in_bounded_time(text)
