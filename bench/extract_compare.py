"""Compare PDF text extractors on Swedish minutes: made up, and real ones
exported by LibreOffice.

    .venv/bin/python bench/extract_compare.py [--pages 120] [--big 500]
        [--real tests/fixtures/real] [--real-only]

Makes a PDF of minutes (tests/documents.py: embedded subset fonts, a running
header and a "Sida N (M)" footer on every page, two-column attendance tables,
å ä ö Å Ä Ö é § – ”, words hyphenated at line ends), extracts it with each
library in a fresh process and checks the text against what was typeset. The
row "extract.py" is decisions/extract.py: PDFium, and the layout read back from
its characters' positions (column gaps, blank lines, cells on their row).

- chars_ok: every å ä ö Å Ä Ö é § – ” there as often as typeset (after NFC), no
  U+FFFD; `nfc` says whether the raw output was already NFC;
- word_errors: words glued or split (the multisets of words differ by this many);
- order_ok: on every page the typeset lines come out as lines in typeset order,
  title before body, each table row one line, justified lines set word by word
  without space characters; order_ok_columns_first: the same for a file whose
  tables are drawn column after column, where only positions give the rows;
- seconds, pages_per_s: extraction alone (not opening Python), and peak_mb, the
  process's peak resident memory.

Libraries that would manage `--big` pages within 30 s are then timed on that
many.

Then the real minutes of `--real` (tests/fixtures/real: the text of published
PDFs with hand-checked readings) are set in a municipal Word template and
exported to PDF with LibreOffice (tests/documents.py, as tests/test_real_pdfs.py
does; needs soffice). Each library's text of those PDFs, cleaned as
decisions/extract.py cleans PDFium's, is parsed and scored against the readings
with bench/accuracy.py's scorer: real_right of real_checks (real_ratio), the
decisions' first sentences right, real_lost (checks the converter's text passes
and this reading fails) and real_ms_per_page (extraction alone). The rows
"text" and "docx" are the same minutes read from the converter's text and from
the Word file (decisions/extract.py), for reference.

Prints tables, then one JSON object on the last line: a library's figures under
its name, the real minutes' reference rows under "reference".
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from decisions.parser.compare import Check

# "extract.py" is decisions/extract.py: PDFium's text with the layout read back
# (column gaps, blank lines, cells on their row's line).
LIBRARIES = ["extract.py", "pypdfium2", "pypdf", "pdfminer.six", "pdfplumber"]
SPECIAL = "åäöÅÄÖé§–”"
HEADER = "Sjöbacka kommun   Kommunstyrelsen   Protokoll 2024-03-11"
FOOTER = "Justerandes sign   Utdragsbestyrkande   Sida {page} ({pages})"
LINES_PER_PAGE = 44
LINE_CHARS = 66

MEMBERS = [
    ("Anna Åberg (S), ordförande", "Örjan Ek (M)"),
    ("Björn Östlund (M), vice ordförande", "Åsa Lindén (S)"),
    ("Märta Söderström (C)", "Håkan Nyström (KD)"),
    ("Rénee Ångström (V)", "Göran Älmqvist (SD)"),
    ("Karl-Åke Björk (L)", "Ingrid Fägerskiöld (MP)"),
    ("Elsa Hallström (S)", "Jöns Hägg (M)"),
]
SENTENCES = [
    "Kommunstyrelsen föreslår att kommunfullmäktige godkänner "
    "årsredovisningen för 2023 enligt bilaga 1.",
    "Förvaltningen har i tjänsteutlåtande den 12 februari 2024 redovisat "
    "ärendet – se § 14 och § 15 i föregående protokoll.",
    "Ärendet har beretts av arbetsutskottet; någon ändring av förslaget föreslås inte.",
    "Miljö- och byggnadsnämndens yttrande över detaljplanen för Östra hamnen bifogas.",
    "Ersättningen till förtroendevalda räknas upp med 2,5 procent från "
    "och med den 1 januari.",
    "Socialnämnden ska återrapportera åtgärderna enligt 4 kap. 1 § "
    "socialtjänstlagen före årets slut.",
    "Ordföranden ställer förslagen mot varandra och finner att "
    "kommunstyrelsen beslutar enligt ordförandens förslag.",
    "Beslutet expedieras till ekonomichefen, revisionen och "
    "kulturförvaltningens kansli för kännedom.",
    "Ledamöterna för Sverigedemokraterna reserverar sig mot beslutet till "
    "förmån för eget förslag.",
    "Café- och föreningsverksamheten i Fritidsgården Älvängen får ett "
    "bidrag om 150 000 kronor – ”engångsvis”.",
]
TITLES = [
    "Årsredovisning 2023 för Sjöbacka kommun",
    "Detaljplan för Östra hamnen – samråd",
    "Revidering av reglemente för socialnämnden",
    "Överenskommelse om skolskjuts i Älvängen",
    "Motion om fler laddstolpar – besvarande",
    "Delegationsbeslut för perioden januari–februari",
]
HEADINGS = ["Beslut", "Sammanfattning", "Yrkanden", "Beslutsgång", "Expedieras"]


def minutes(pages: int, seed: int = 7) -> list[list[str]]:
    """Return the lines of each page of made-up minutes, tables with tabs."""
    rng = random.Random(seed)
    out: list[list[str]] = []
    number = 1
    for page_number in range(1, pages + 1):
        lines: list[str] = []
        if page_number == 1 or page_number % 10 == 0:
            if page_number == 1:
                lines += ["Sjöbacka kommun", "Kommunstyrelsen", "Protokoll", ""]
            lines += ["Närvarande", "Ledamöter\tErsättare"]
            lines += [f"{a}\t{b}" for a, b in MEMBERS]
            lines.append("")
        while len(lines) < LINES_PER_PAGE - 6:
            lines += [f"§ {number} {rng.choice(TITLES)}", ""]
            number += 1
            for heading in rng.sample(HEADINGS, 2):
                lines.append(heading)
                prose = " ".join(rng.sample(SENTENCES, 3))
                lines += _break(prose, rng)
                lines.append("")
        out.append(lines[:LINES_PER_PAGE])
    return out


def _break(prose: str, rng: random.Random) -> list[str]:
    """Break prose into lines, splitting a long word with a hyphen now and then."""
    lines: list[str] = []
    current = ""
    for word in prose.split(" "):
        candidate = f"{current} {word}".strip()
        if len(candidate) <= LINE_CHARS:
            current = candidate
            continue
        room = LINE_CHARS - len(current) - 2
        if len(word) > 9 and room > 4 and rng.random() < 0.5 and "-" not in word:
            cut = min(room, len(word) - 4)
            lines.append(f"{current} {word[:cut]}-".strip())
            current = word[cut:]
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


# -- extraction, each in a process of its own -------------------------------


def run_pypdfium2(path: str) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    texts = []
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    pdf.close()
    # PDFium joins a line ending in a hyphen to the next, marking the place with
    # U+FFFE; put the hyphen and the line break back, as decisions/extract.py does.
    return [t.replace("\r\n", "\n").replace("\ufffe", "-\n") for t in texts]


def run_extract(path: str) -> list[str]:
    from decisions.extract import extract

    text = extract(Path(path).read_bytes(), name=Path(path).name).text
    return [page.removesuffix("\n") for page in text.split("\f")]


def run_pypdf(path: str) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def run_pdfminer(path: str) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(path).split("\f")[:-1]


def run_pdfplumber(path: str) -> list[str]:
    import pdfplumber

    texts = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            texts.append(page.extract_text())
            page.close()
    return texts


RUNNERS = {
    "extract.py": run_extract,
    "pypdfium2": run_pypdfium2,
    "pypdf": run_pypdf,
    "pdfminer.six": run_pdfminer,
    "pdfplumber": run_pdfplumber,
}


def child(library: str, paths: list[str]) -> None:
    files = []
    for path in paths:
        started = time.perf_counter()
        texts = RUNNERS[library](path)
        files.append({"texts": texts, "seconds": time.perf_counter() - started})
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"files": files, "peak_mb": peak_mb}))


def extract_in_child(library: str, path: Path) -> dict:
    """Extract one file in a fresh process: its page texts, seconds and peak MB."""
    done = extract_many_in_child(library, [path])
    return {**done["files"][0], "peak_mb": done["peak_mb"]}


def extract_many_in_child(library: str, paths: list[Path]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", library, *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


# -- checks -------------------------------------------------------------------


def _norm(line: str) -> str:
    return " ".join(line.replace("\t", " ").split())


def check(pages: list[list[str]], texts: list[str]) -> dict:
    total = len(pages)
    expected_pages = [
        [HEADER, *lines, FOOTER.format(page=n, pages=total)]
        for n, lines in enumerate(pages, start=1)
    ]
    expected = "\n".join(line for page in expected_pages for line in page)
    raw = "\n".join(texts)
    got = unicodedata.normalize("NFC", raw)
    chars_ok = "\ufffd" not in got and all(
        got.count(c) == expected.count(c) for c in SPECIAL
    )
    words = Counter(expected.split())
    found = Counter(got.split())
    word_errors = sum(((words - found) + (found - words)).values())
    in_order = 0
    for want, text in zip(expected_pages, texts, strict=False):
        lines = [_norm(line) for line in unicodedata.normalize("NFC", text).split("\n")]
        position = 0
        ok = True
        for line in (_norm(w) for w in want[1:-1] if w.strip()):
            try:
                position = lines.index(line, position) + 1
            except ValueError:
                ok = False
                break
        in_order += ok
    return {
        "chars_ok": chars_ok,
        "nfc": raw == unicodedata.normalize("NFC", raw),
        "word_errors": word_errors,
        "order_ok": in_order == total and len(texts) == total,
        "pages_in_order": f"{in_order}/{total}",
    }


def made_up(pages_count: int, big_count: int) -> dict[str, dict]:
    """Extract made-up minutes with each library and check what came out."""
    from tests.documents import make_pdf

    def pdf_of(pages: list[list[str]], path: Path, *, columns_first: bool) -> None:
        text = "\f".join("\n".join(lines) for lines in pages)
        data = make_pdf(
            text,
            header=HEADER,
            footer=FOOTER,
            lines_per_page=LINES_PER_PAGE,
            justify=True,
            columns_first=columns_first,
        )
        path.write_bytes(data)

    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        pages = minutes(pages_count)
        path = Path(tmp) / "minutes.pdf"
        pdf_of(pages, path, columns_first=False)
        by_columns = Path(tmp) / "columns.pdf"
        pdf_of(pages, by_columns, columns_first=True)
        size_kb = path.stat().st_size // 1024
        print(
            f"{pages_count} pages, {size_kb} KiB, each library in a process of its "
            f"own; then {big_count} pages for those that would take under 30 s"
        )
        for library in LIBRARIES:
            out = extract_in_child(library, path)
            columns = extract_in_child(library, by_columns)
            results[library] = {
                **check(pages, out["texts"]),
                "order_ok_columns_first": check(pages, columns["texts"])["order_ok"],
                "seconds": round(out["seconds"], 2),
                "pages_per_s": round(pages_count / out["seconds"], 1),
                "peak_mb": round(out["peak_mb"]),
            }
        big_pages = minutes(big_count)
        big = Path(tmp) / "big.pdf"
        pdf_of(big_pages, big, columns_first=False)
        for result in results.values():
            result[f"seconds_{big_count}"] = None
            result[f"peak_mb_{big_count}"] = None
        for library, result in results.items():
            if big_count / result["pages_per_s"] > 30:
                continue
            out = extract_in_child(library, big)
            result[f"seconds_{big_count}"] = round(out["seconds"], 2)
            result[f"peak_mb_{big_count}"] = round(out["peak_mb"])

    _table(
        results,
        [
            "chars_ok",
            "nfc",
            "word_errors",
            "order_ok",
            "pages_in_order",
            "order_ok_columns_first",
            "seconds",
            "pages_per_s",
            "peak_mb",
            f"seconds_{big_count}",
            f"peak_mb_{big_count}",
        ],
    )
    return results


def _table(results: dict[str, dict], columns: list[str]) -> None:
    width = max(len(c) for c in columns) + 1
    print(f"{'library':<14}" + "".join(f"{c:>{width}}" for c in columns))
    for library, result in results.items():
        cells = (str(result.get(c, "-")) for c in columns)
        print(f"{library:<14}" + "".join(f"{c:>{width}}" for c in cells))


# -- real minutes, exported by LibreOffice ------------------------------------

_LIGATURES = re.compile("[\ufb00-\ufb06]")


def as_extracted(pages: list[str]) -> str:
    """Join a library's page texts as decisions/extract.py joins PDFium's: form
    feeds between pages, PDFium's hyphen marks back as "-" and a line break,
    ligatures as letters, NFC, no trailing spaces."""
    text = "\f".join(pages).replace("\ufffe", "-\n").replace("\x02", "-\n")
    text = _LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m[0]), text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))


def _check_key(check: Check) -> str:
    """The same check of two readings has the same key (tests/test_real_pdfs.py)."""
    if check.path == "paragraphs.extra":
        return f"{check.path} {str(check.actual).split()[1]}"
    return check.path


def real_minutes(corpus: Path) -> tuple[dict[str, dict], dict[str, dict]]:
    """Score each library's reading of the real minutes, exported by LibreOffice.

    Returns the libraries' figures and the reference rows (the converter's text,
    the Word file).
    """
    from bench.accuracy import parse_within
    from decisions.extract import extract
    from decisions.parser.score import is_decision, score
    from tests.documents import libreoffice_pdfs, make_template_docx

    expected = {
        path.stem: json.loads(path.read_text())
        for path in sorted((corpus / "expected").glob("*.json"))
    }
    texts = {
        name: (corpus / reading["file"]).read_text()
        for name, reading in expected.items()
    }
    readings: dict[str, dict[str, str]] = {"text": texts}
    timing: dict[str, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        documents = {name: make_template_docx(text) for name, text in texts.items()}
        started = time.perf_counter()
        libreoffice_pdfs(documents, Path(tmp))
        export_s = time.perf_counter() - started
        readings["docx"] = {
            name: extract(data, name=f"{name}.docx").text
            for name, data in documents.items()
        }
        paths = [Path(tmp) / "pdf" / f"{name}.pdf" for name in expected]
        for library in LIBRARIES:
            done = extract_many_in_child(library, paths)
            readings[library] = {
                name: as_extracted(file["texts"])
                for name, file in zip(expected, done["files"], strict=True)
            }
            timing[library] = (
                sum(file["seconds"] for file in done["files"]),
                sum(len(file["texts"]) for file in done["files"]),
            )
    pages = timing[LIBRARIES[0]][1]
    print(
        f"\n{len(expected)} real protocols ({corpus}), set in a Word template and "
        f"exported by LibreOffice: {pages} pages in {export_s:.1f} s"
    )
    figures: dict[str, dict] = {}
    failing_as_text: dict[str, set[str]] = {}
    for reading, by_name in readings.items():
        right = total = decisions = decisions_right = lost = 0
        for name, text in by_name.items():
            protocol, _ = parse_within(text, name, 30)
            checks = score(expected[name], protocol)
            failing = {_check_key(c) for c in checks if not c.ok}
            if reading == "text":
                failing_as_text[name] = failing
            lost += len(failing - failing_as_text[name])
            right += sum(c.ok for c in checks)
            total += len(checks)
            decisions += sum(1 for c in checks if is_decision(c))
            decisions_right += sum(1 for c in checks if is_decision(c) and c.ok)
        figures[reading] = {
            "real_right": right,
            "real_checks": total,
            "real_ratio": round(right / max(total, 1), 4),
            "real_decisions_right": f"{decisions_right}/{decisions}",
            "real_lost": lost,
        }
        if reading in timing:
            seconds, library_pages = timing[reading]
            figures[reading]["real_ms_per_page"] = round(
                1000 * seconds / max(library_pages, 1), 2
            )
    _table(
        figures,
        [
            "real_right",
            "real_checks",
            "real_ratio",
            "real_decisions_right",
            "real_lost",
            "real_ms_per_page",
        ],
    )
    reference = {name: figures.pop(name) for name in ("text", "docx")}
    return figures, reference


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--big", type=int, default=500)
    parser.add_argument(
        "--real",
        type=Path,
        default=ROOT / "tests" / "fixtures" / "real",
        help="real minutes with expected/ readings, exported by LibreOffice",
    )
    parser.add_argument(
        "--real-only", action="store_true", help="skip the made-up minutes"
    )
    parser.add_argument("--child", nargs="+", metavar="LIBRARY PDF")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return
    results: dict[str, dict] = {library: {} for library in LIBRARIES}
    if not args.real_only:
        results = made_up(args.pages, args.big)
    real, reference = real_minutes(args.real)
    for library, figures in real.items():
        results[library].update(figures)
    print(json.dumps({**results, "reference": reference}, ensure_ascii=False))


if __name__ == "__main__":
    main()
