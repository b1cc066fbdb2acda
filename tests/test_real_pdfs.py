"""Real minutes as municipalities publish them: typed in a Word template and
exported to PDF by LibreOffice.

tests/fixtures/real holds the text a converter made of each published PDF. Each
is set again in a municipal template (tests/documents.py: make_template_docx:
running header, signature footer with page fields, a two-column front page,
Word tables, paragraphs that LibreOffice wraps where its fonts say) and exported
with `soffice --headless`, once per session for all of them. The PDF and the
Word file, read by decisions.extract and parsed, must score as well as the text
on every check of the hand-checked reading (decisions/parser/score.py): a check
the text passes, they pass too. The parser's accuracy itself is not asserted
here; the two readings are compared.
"""

from __future__ import annotations

import json
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

# Where a file may read worse than its text today, and why. None is the
# extraction's doing: the PDF's layout puts the parser's known weaknesses
# (decisions/parser/protocol.py, sections.py) in another place.
_FIRST_OF_EQUAL = (
    "the parser takes the first of several lines opening with the same § number "
    "for the paragraph (protocol.py, _longest_increasing)"
)
MAY_LOSE: dict[tuple[str, str], dict[str, str]] = {
    ("04_kungsbacka-forskola-grundskola-2024-05-15", "pdf"): {
        "paragraphs[0].dnr": (
            "LibreOffice wraps the front page's 'Gustav Sjögren, ekonomichef § 49' "
            "so that '§ 49' opens a line (the text has it at a line's end), and "
            f"{_FIRST_OF_EQUAL}: § 49 starts on the front page, without its dnr"
        ),
    },
    **{
        (name, "pdf"): {
            "paragraphs[0].dnr": (
                f"{_FIRST_OF_EQUAL}: here the table of contents' line, whose title "
                "runs on into the next page. The PDF prints the running header on "
                "every page, so its first two lines are taken away as such and the "
                "title runs on to the header's date below 'Datum', which is read as "
                "a bare case number; in the text the signing pages have no header, "
                "too few pages have it to be taken away, and the title stops at "
                "its third line, before the date"
            ),
        }
        for name in (
            "13_kungsbacka-kommunrevisionen-2024-11-18",
            "27_kungsbacka-kommunrevisionen-2026-05-25",
        )
    },
    ("09_kungsbacka-miljo-halsoskydd-2025-05-08", "docx"): {
        "paragraphs[0].title": (
            "once the parser reads the body's § 66 rather than the table of "
            "contents' (see above): the Word file has the title on one line, and "
            "the heading under it, 'Beslut – för fastställande i kommunfullmäktige', "
            "is not one the parser knows (sections.py), so it is taken for the "
            "title's second line; in the text and the PDF the title already has "
            "three lines, the most a title may have"
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
        assert lines[:4] == [
            "KUNGSBACKA KOMMUN SAMMANTRÄDESPROTOKOLL",
            "Kommunstyrelsen",
            "Datum",
            "2025-06-17",
        ]
        assert (
            f"Justerandes signatur Utdragsbestyrkande Sida {number} ({len(pages)})"
            in lines
        )
        # The signing service's stamp, which the text has on every page.
        assert lines[-3] == "Det här dokumentet är digitalt signerat"
    # The front page's table comes out a row at a time: a label wrapped in its
    # cell before the cell beside it, a label of one line beside its first line.
    front = pages[0].splitlines()
    assert front[4:7] == [
        "Plats och tid för",
        "sammanträde",
        "Kungsbackarummet, Storgatan 37 Klockan 13.00–13.50",
    ]
    assert front[7] == "Beslutande Ledamöter Tjänstgörande ersättare"
    # Each paragraph of the minutes starts a page, as the template sets them.
    openings = {page.splitlines()[4].split(" Dnr ")[0] for page in pages}
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
