"""Real minutes, as municipalities published them, read as a person reads them.

tests/fixtures/real/ holds real protocols with hand-checked readings (its
README); decisions/parser/score.py says what is checked. The targets are the
issue's: nine in ten fields and decisions right is not enough; a refused
document or a paragraph the minutes do not have is never acceptable.
"""

import json
import re
from pathlib import Path

import pytest

from decisions.parser import ParseError, parse_protocol
from decisions.parser.score import is_decision, score

REAL = Path(__file__).parent / "fixtures" / "real"
READINGS = sorted((REAL / "expected").glob("*.json"))


def _read(path: Path):
    expected = json.loads(path.read_text())
    text = (REAL / expected["file"]).read_text()
    return expected, parse_protocol(text, source=expected["file"])


def test_the_real_corpus_is_there():
    assert len(READINGS) >= 30
    assert all((REAL / json.loads(p.read_text())["file"]).exists() for p in READINGS)


@pytest.mark.parametrize("path", READINGS, ids=[p.stem[:40] for p in READINGS])
def test_every_paragraph_of_the_body_and_no_other(path: Path):
    try:
        expected, protocol = _read(path)
    except ParseError as error:
        pytest.fail(f"refused: {error}")
    numbers = [p.number for p in protocol.paragrafer if not p.confidential]
    wanted = [p["number"] for p in expected["paragraphs"]]
    assert [n for n in numbers if n in wanted] == wanted
    assert [n for n in numbers if n not in wanted] == []


def test_the_score_on_real_minutes_meets_the_targets():
    checks = []
    for path in READINGS:
        expected, protocol = _read(path)
        checks += score(expected, protocol)
    right = sum(check.ok for check in checks) / len(checks)
    decisions = [check.ok for check in checks if is_decision(check)]
    wrong = [str(check) for check in checks if not check.ok]
    assert right >= 0.95, "\n".join(wrong)
    assert sum(decisions) / len(decisions) >= 0.95, "\n".join(
        str(c) for c in checks if is_decision(c) and not c.ok
    )
    assert not [c for c in checks if c.field == "paragraphs.extra"]


def _flattened(text: str) -> str:
    """Each page on one line, as web archives and aggregators pass PDF text on."""
    pages = re.split(r"<!--\s*sida\s*\d+\s*-->", text)
    return "\n".join(
        " ".join(line.split()) for line in (p.replace("\n", " ") for p in pages)
    )


def test_the_real_corpus_flattened_page_by_page_still_reads():
    checks = []
    for path in READINGS:
        expected = json.loads(path.read_text())
        text = _flattened((REAL / expected["file"]).read_text())
        checks += score(expected, parse_protocol(text, source=expected["file"]))
    right = sum(check.ok for check in checks) / len(checks)
    decisions = [check.ok for check in checks if is_decision(check)]
    assert right >= 0.93
    assert sum(decisions) / len(decisions) >= 0.9
    assert not [c for c in checks if c.field == "paragraphs.extra"]
