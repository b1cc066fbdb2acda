"""Properties of the parser on random and mangled text (hypothesis)."""

import json
import os
import re

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


paragraph_strategy = st.tuples(
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
@given(st.lists(paragraph_strategy, min_size=1, max_size=8), st.data())
def test_no_line_of_a_paragraph_is_lost_when_lines_break(paragraphs, data):
    blocks = []
    for number, (title, dnr, sentences) in enumerate(paragraphs, start=1):
        body = " ".join(_sentence(s) for s in sentences)
        blocks.append(
            f"§ {number}\n{' '.join(title).capitalize()}\nDnr KS 2024/{dnr}\n\n"
            f"Beslut\n{_mangle(body, data)}\n"
        )
    protocol = parse_protocol("\n".join(blocks), source="genererad.txt")
    assert [p.number for p in protocol.paragraphs] == [
        str(n) for n in range(1, len(paragraphs) + 1)
    ]
    for parsed, (title, dnr, sentences) in zip(
        protocol.paragraphs, paragraphs, strict=True
    ):
        assert parsed.title == " ".join(title).capitalize()
        assert parsed.dnr == f"KS 2024/{dnr}"
        found = re.sub(r"\s+", " ", parsed.text)
        for sentence in sentences:
            assert _sentence(sentence) in found
        assert re.sub(r"\s+", " ", parsed.decision) == " ".join(
            _sentence(s) for s in sentences
        )
