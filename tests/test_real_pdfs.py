"""Real minutes as municipalities publish them: typed in a Word template and
exported to PDF by LibreOffice.

tests/fixtures/real holds the text a converter made of each published PDF. Each
is set again in a municipal template (tests/documents.py: make_template_docx:
running header, signature footer with page fields, a two-column front page,
Word tables, paragraphs that LibreOffice wraps where its fonts say) and exported
with `soffice --headless`, once per session for all of them. The PDF and the
Word file, read by decisions.extract and parsed, must score as well as the text
on every check of the hand-checked reading (decisions/parser/score.py): a check
the text passes, they pass too, but for the few MAY_LOSE names with the reason
the layout gives. The parser's accuracy itself is not asserted here; the
readings are compared.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from decisions.extract import extract
from decisions.parser import ParsedProtocol, ParseError, parse_protocol
from decisions.parser.compare import Check
from decisions.parser.score import score
from tests.documents import NoLibreOffice, libreoffice_pdfs, make_template_docx

REAL = Path(__file__).parent / "fixtures" / "real"
DOCUMENTS = sorted(path.stem for path in REAL.glob("[0-9][0-9]_*.txt"))

# Where a file may read worse than its text, and why: what the layout of the
# PDF LibreOffice makes cannot say (decisions/extract.py reads what it can).
MAY_LOSE: dict[tuple[str, str], dict[str, str]] = {
    ("26_kungsbacka-forskola-grundskola-2026-05-20", "pdf"): {
        "paragraphs[5].decision": (
            "LibreOffice breaks 'två-lärarsystem' after its hyphen. A hyphen that "
            "ends a line may be typed or the word processor's; PDFium marks both "
            "alike, and the parser takes it for a broken word ('kommunfull-' + "
            "'mäktige') and reads 'tvålärarsystem'. The text has the word on one "
            "line."
        ),
    },
    ("67_goteborg-ks-2024-04-10", "pdf"): {
        "paragraphs[0].reservations": (
            "LibreOffice's first page ends at 'Sammanträdesdatum: 2024-04-10', "
            "so the spacing before 'Jörgen Fogelklou (SD) reserverar sig mot "
            "beslutet.' falls at the page break, where no blank line shows it; "
            "the parser joins the two lines, and reads a reservation's members "
            "only where its sentence opens (decisions/parser/contents.py). The "
            "text is one page."
        ),
    },
}


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Every real protocol as a Word file and as LibreOffice's PDF of it."""
    documents = {
        name: make_template_docx((REAL / f"{name}.txt").read_text())
        for name in DOCUMENTS
    }
    try:
        pdfs = libreoffice_pdfs(documents, tmp_path_factory.mktemp("libreoffice"))
    except NoLibreOffice as error:
        pytest.fail(str(error))
    return {name: {"docx": documents[name], "pdf": pdfs[name]} for name in DOCUMENTS}


def _parse(text: str, name: str) -> ParsedProtocol | None:
    try:
        return parse_protocol(text, source=name)
    except ParseError:
        return None


def _key(check: Check) -> str:
    """Name a check so that the same check of two readings has the same name."""
    if check.path == "paragraphs.extra":
        # "§ 13 Beslut om arvode": the number says which, the title may differ.
        return f"paragraphs.extra {str(check.actual).split()[1]}"
    return check.path


def _failing(name: str, text: str) -> dict[str, Check]:
    expected = json.loads((REAL / "expected" / f"{name}.json").read_text())
    checks = score(expected, _parse(text, name))
    return {_key(check): check for check in checks if not check.ok}


@cache
def _failing_as_text(name: str) -> dict[str, Check]:
    return _failing(name, (REAL / f"{name}.txt").read_text())


def test_the_set_covers_whole_protocols_extracts_and_ocr():
    assert len(DOCUMENTS) >= 8
    for number in ("01", "07", "15", "16", "28", "10", "13", "17"):
        assert any(name.startswith(f"{number}_") for name in DOCUMENTS)


@pytest.mark.parametrize("kind", ["pdf", "docx"])
@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_published_file_reads_as_well_as_its_text(
    published: dict[str, dict[str, bytes]], name: str, kind: str
) -> None:
    extracted = extract(published[name][kind], name=f"{name}.{kind}")
    assert extracted.format == kind
    failing = _failing(name, extracted.text)
    allowed = MAY_LOSE.get((name, kind), {})
    lost = [
        str(check)
        for key, check in failing.items()
        if key not in _failing_as_text(name) and key not in allowed
    ]
    assert not lost, f"the {kind} reads worse than the text:\n" + "\n".join(lost)


def _cells(line: str) -> list[str]:
    """A line's cells: apart where the page has a column gap."""
    return re.split(r" {3,}", line)


def test_the_pdf_has_the_templates_header_footer_and_front_page_table(
    published: dict[str, dict[str, bytes]],
) -> None:
    extracted = extract(
        published["01_kungsbacka-kommunstyrelsen-2025-06-17"]["pdf"], name="ks.pdf"
    )
    pages = extracted.text.split("\f")
    assert extracted.pages == len(pages) > 39
    for number, page in enumerate(pages, start=1):
        lines = page.splitlines()
        assert [_cells(line) for line in lines[:4]] == [
            ["KUNGSBACKA KOMMUN", "SAMMANTRÄDESPROTOKOLL"],
            ["Kommunstyrelsen"],
            ["Datum"],
            ["2025-06-17"],
        ]
        assert [
            "Justerandes signatur",
            "Utdragsbestyrkande",
            f"Sida {number} ({len(pages)})",
        ] in [_cells(line) for line in lines]
        # The signing service's stamp, which the text has on every page.
        assert lines[-3] == "Det här dokumentet är digitalt signerat"
    # The front page's table comes out a row at a time: a label beside the
    # first line of its cell, the line its label wrapped to after them.
    front = [line for line in pages[0].splitlines() if line]
    assert [_cells(line) for line in front[4:7]] == [
        ["Plats och tid för", "Kungsbackarummet, Storgatan 37 Klockan 13.00–13.50"],
        ["sammanträde"],
        ["Beslutande", "Ledamöter", "Tjänstgörande ersättare"],
    ]
    # Each paragraph of the minutes starts a page, as the template sets them.
    openings = {
        _cells([line for line in page.splitlines() if line][4])[0] for page in pages
    }
    assert {f"§ {number}" for number in range(130, 153)} <= openings


def test_the_word_file_has_the_header_once_and_the_front_page_as_a_table(
    published: dict[str, dict[str, bytes]],
) -> None:
    extracted = extract(
        published["01_kungsbacka-kommunstyrelsen-2025-06-17"]["docx"], name="ks.docx"
    )
    lines = extracted.text.splitlines()
    assert lines[:4] == [
        "KUNGSBACKA KOMMUN\tSAMMANTRÄDESPROTOKOLL",
        "Kommunstyrelsen",
        "Datum",
        "2025-06-17",
    ]
    assert extracted.text.count("SAMMANTRÄDESPROTOKOLL") == 1
    assert "Justerandes signatur" not in extracted.text
    assert lines[4].startswith("Plats och tid för sammanträde\tKungsbackarummet")
    assert lines[5].startswith("Beslutande\tLedamöter Tjänstgörande ersättare")
