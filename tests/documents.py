"""Make PDF and Word files in tests, so that no binary fixture needs checking in.

The PDFs embed Bitstream Vera, which ships inside reportlab: it covers å ä ö Å Ä Ö
é § – ” and needs no system font, so a fresh machine makes the same files. Like
real minutes, the fonts are embedded as subsets with a ToUnicode map, and page
content is compressed.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Collection
from functools import cache
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT = "Vera"
BOLD = "Vera-Bold"
SIZE = 11
LEADING = 14
MARGIN = 56
WIDTH, HEIGHT = A4

# Lines a clerk sets in bold: "§ 7 ...", and the usual headings of a paragraph.
_HEADING = re.compile(
    r"^(?:§|(?:Beslut|Ärendet|Sammanfattning|Yrkanden|Beslutsgång|Reservation"
    r"|Särskilt uttalande|Handlingar i ärendet|Expedieras|Närvarande)$)"
)

_LIST_ITEM = re.compile(r"^(\d+\.|-) ")


@cache
def _fonts() -> None:
    import reportlab

    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))


def make_pdf(
    text: str,
    *,
    header: str | None = None,
    footer: str | None = None,
    lines_per_page: int = 45,
    scanned_pages: Collection[int] = (),
    justify: bool = False,
    columns_first: bool = False,
    encrypt: StandardEncryption | None = None,
) -> bytes:
    """Typeset text on A4 pages, one line of text a line on the page.

    Long lines wrap at word boundaries (never hyphenated, so the words stay the
    same); a line with tabs is a table row, its cells set in columns; a form feed
    starts a new page. `header` and `footer` repeat on every page, `footer` with
    "{page}" and "{pages}" filled in ("Sida {page} ({pages})"). `scanned_pages`
    are page numbers (1-based, in the finished file) at which a page holding only
    a picture is put in, as a scan in the middle of a typed document.

    Two ways real files make extraction harder: `justify` sets each line that a
    paragraph's next line follows word by word, stretched to the margin, with no
    space characters between the words (as some word processors export
    justified text); `columns_first` draws a table column after column, so that only the
    positions, not the order in the file, give the rows.
    """
    _fonts()
    pages: list[list[str] | None] = []
    for chunk in text.split("\f"):
        lines = [wrapped for line in chunk.split("\n") for wrapped in _wrap(line)]
        pages += [
            lines[start : start + lines_per_page]
            for start in range(0, max(len(lines), 1), lines_per_page)
        ]
    for number in sorted(scanned_pages):
        pages.insert(number - 1, None)
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=A4, invariant=1, pageCompression=1, encrypt=encrypt
    )
    for number, lines in enumerate(pages, start=1):
        if lines is None:
            _draw_scan(canvas)
            canvas.showPage()
            continue
        if header:
            canvas.setFont(FONT, 9)
            canvas.drawString(MARGIN, HEIGHT - 36, header)
        y = HEIGHT - MARGIN - LEADING
        later: list[tuple[float, str]] = []
        for index, line in enumerate(lines):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if "\t" in line and columns_first:
                later.append((y, line))
            elif justify and _is_prose(line) and _is_prose(following):
                _draw_justified(canvas, line, y)
            else:
                _draw_line(canvas, line, y)
            y -= LEADING
        for column in range(max((row.count("\t") + 1 for _, row in later), default=0)):
            for y, row in later:
                _draw_cell(canvas, row, column, y)
        if footer:
            canvas.setFont(FONT, 9)
            canvas.drawString(MARGIN, 30, footer.format(page=number, pages=len(pages)))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def make_scanned_pdf(*, pages: int = 1) -> bytes:
    """Make a PDF whose pages are pictures only: a scan without a text layer."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    for _ in range(pages):
        _draw_scan(canvas)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def make_encrypted_pdf(
    text: str, password: str, *, owner_password: str = "ägare"
) -> bytes:
    """Make a PDF encrypted with RC4-128; an empty `password` opens to anyone."""
    return make_pdf(
        text,
        encrypt=StandardEncryption(
            password, ownerPassword=owner_password, canCopy=0, strength=128
        ),
    )


def make_docx(
    text: str, *, header: str | None = None, word_lists: bool = False
) -> bytes:
    """Make a Word document: a paragraph a line, tab-separated lines as a table.

    Headings ("§ 7 ...", "Beslut") are bold, as clerks set them. `header` goes in
    the page header, which is not part of the document's text. With `word_lists`,
    lines opening with "1. " or "- " become Word list paragraphs ("List Number",
    "List Bullet"): Word draws their numbers and bullets, the text lacks them.
    """
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(11)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    rows: list[list[str]] = []
    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        if rows:
            _add_table(document, rows)
            rows = []
        style = None
        if word_lists and (item := _LIST_ITEM.match(line)):
            style = "List Bullet" if item.group(1) == "-" else "List Number"
            line = line[item.end() :]
        paragraph = document.add_paragraph(style=style)
        run = paragraph.add_run(line)
        run.bold = bool(_HEADING.match(line.strip()))
    if rows:
        _add_table(document, rows)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _add_table(document: docx.document.Document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=0, cols=max(len(row) for row in rows))
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = value


def _wrap(line: str) -> list[str]:
    width = WIDTH - 2 * MARGIN
    if "\t" in line or pdfmetrics.stringWidth(line, FONT, SIZE) <= width:
        return [line]
    out: list[str] = []
    current = ""
    for word in line.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and pdfmetrics.stringWidth(candidate, FONT, SIZE) > width:
            out.append(current)
            current = word
        else:
            current = candidate
    out.append(current)
    return out


def _draw_line(canvas: Canvas, line: str, y: float) -> None:
    font = BOLD if _HEADING.match(line.strip()) else FONT
    canvas.setFont(font, SIZE)
    if "\t" not in line:
        canvas.drawString(MARGIN, y, line)
        return
    for column in range(line.count("\t") + 1):
        _draw_cell(canvas, line, column, y)


def _draw_cell(canvas: Canvas, row: str, column: int, y: float) -> None:
    cells = row.split("\t")
    if column < len(cells):
        canvas.setFont(FONT, SIZE)
        width = (WIDTH - 2 * MARGIN) / len(cells)
        canvas.drawString(MARGIN + column * width, y, cells[column])


def _is_prose(line: str) -> bool:
    return " " in line.strip() and "\t" not in line and not _HEADING.match(line)


def _draw_justified(canvas: Canvas, line: str, y: float) -> None:
    words = line.split()
    widths = [pdfmetrics.stringWidth(word, FONT, SIZE) for word in words]
    gap = (WIDTH - 2 * MARGIN - sum(widths)) / (len(words) - 1)
    text = canvas.beginText(MARGIN, y)
    text.setFont(FONT, SIZE)
    for word, width in zip(words, widths, strict=True):
        text.textOut(word)
        text.moveCursor(width + gap, 0)
    canvas.drawText(text)


def _draw_scan(canvas: Canvas) -> None:
    """Draw a grey, speckled picture over the page, as a scanner gives it."""
    from PIL import Image

    noise = random.Random(1)
    image = Image.new("L", (248, 350), 235)
    for _ in range(3000):
        image.putpixel((noise.randrange(248), noise.randrange(350)), 60)
    canvas.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)


# -- real minutes set in a municipal Word template ---------------------------------

# What a converter's text (tests/fixtures/real) shows of the template: page
# markers, page numbers "2 (39)", column gaps of three spaces or more.
_PAGE_MARKER = re.compile(r"<!--\s*sida\s*\d+\s*-->")
_PAGE_NUMBER = re.compile(r"\b\d+\s*\(\s*\d+\s*\)")
_COLUMN_GAP = re.compile(r" {3,}")
# "§ 130   Dnr KS-2025-00098", "§ 7" alone; OCR reads § as "$".
_PARAGRAF_LINE = re.compile(r"^[§$]\s*\d+(?:\s*$|\s+Dnr\b)")
# "Årsredovisning 2024 ........ 4": a table of contents entry and its page.
_CONTENTS_ENTRY = re.compile(r"^(.*?)\s*(?:\.{3,}|…)[.\s]*(\d+)$")
_SECTION_HEADING = re.compile(
    r"^(?:Beslut(?:\s.{0,70})?|Förs?lag till beslut.{0,70}|Sammanfattning.{0,30}"
    r"|Beslutsgång|Beslutsunderlag|Beslutet skickas till|Jäv|Reservation(?:er)?"
    r"|Yrkanden?|Protokollsanteckning(?:ar)?|Omröstning.{0,30}|Särskilt yttrande"
    r"|Deltar inte i beslut(?:et)?|Upplysning|Ärendet|Ärendebeskrivning|Innehåll"
    r"|Expedieras)$"
)
# The labels in the left column of the front page's table.
_FRONT_LABEL = re.compile(
    r"^(Plats och tid för(?: sammanträde| justering)?|Beslutande|Övriga närvarande"
    r"|Övriga deltagande|Närvarande|Utses att justera|Justerare|Protokolljust[ae]rare"
    r"|Sekreterare|Ordförande|Vice ordförande|Paragrafer|Underskrifter)"
    r"(?=\s|$)\s*(.*)$"
)
_TEMPLATE_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[-–•*])\s")
TEMPLATE_FOOTER = "Justerandes signatur\tUtdragsbestyrkande\tSida {PAGE} ({NUMPAGES})"


def make_template_docx(text: str) -> bytes:
    """Set the text of a real protocol as a clerk's Word template sets it.

    `text` is a converter's text of a published PDF (tests/fixtures/real):
    pages after "<!-- sida N -->", the template's running header at the top
    of each page, the signing service's stamp at the bottom, tables as
    Markdown rows. The document rebuilds what the clerk typed: the running
    header goes to the page header; the stamp and the template's footer
    ("Justerandes signatur", "Utdragsbestyrkande", "Sida N (M)" from Word's
    PAGE and NUMPAGES fields) to the page footer; the front page's labels and
    the names beside them to a two-column table; Markdown rows to Word tables;
    lines the PDF wrapped back into paragraphs, which LibreOffice or Word wrap
    again where their fonts say; each paragraph of the minutes on a new page.
    Its text is the input's, so that reading the PDF LibreOffice makes of it
    can be compared with reading the text.
    """
    pages = _marked_pages(text)
    header, footer = _running_edges(pages)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(3.5), Cm(3)
    normal = document.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(0)
    _template_edge(section.header, header, size=9)
    _template_edge(section.footer, [TEMPLATE_FOOTER, *footer], size=8)
    blocks: list[tuple[str, object]] = []
    for number, page in enumerate(pages):
        body, headed = _strip_edges(page, header, footer)
        first = next((line for line in body if line.strip()), "")
        if number and (
            number == 1
            or not headed
            or _PARAGRAF_LINE.match(first)
            or _FRONT_LABEL.match(first)
        ):
            blocks.append(("break", None))
        if number == 0 or _FRONT_LABEL.match(first):
            blocks += _front_page(body)
        else:
            blocks += [("lines", line) for line in body]
    _typeset(document, blocks)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _marked_pages(text: str) -> list[list[str]]:
    chunks = _PAGE_MARKER.split(text)
    if chunks and not chunks[0].strip():
        chunks = chunks[1:]
    return [chunk.split("\n") for chunk in chunks]


def _edge_key(line: str) -> str:
    return " ".join(_PAGE_NUMBER.sub("", line).split())


def _running_edges(pages: list[list[str]]) -> tuple[list[str], list[str]]:
    """Return the lines most pages open with and close with, as printed."""
    tops = [[line for line in page if _edge_key(line)] for page in pages]
    tops = [lines for lines in tops if lines]
    enough = max(2, (len(tops) + 1) // 2)

    def common(sequences: list[list[str]]) -> list[str]:
        found: list[str] = []
        for depth in range(6):
            keys = Counter(
                tuple(_edge_key(line) for line in lines[: depth + 1])
                for lines in sequences
                if len(lines) > depth
            )
            if not keys:
                break
            key, count = keys.most_common(1)[0]
            if count < enough:
                break
            printed = next(
                lines[depth]
                for lines in sequences
                if tuple(_edge_key(line) for line in lines[: depth + 1]) == key
            )
            found.append(_PAGE_NUMBER.sub("", printed).rstrip())
        return found

    # The template sets its words in columns; OCR may have lost the gap.
    header = [
        re.sub(r"(?<=\S) +(SAMMANTRÄDESPROTOKOLL|Datum)$", r"\t\1", line)
        for line in common(tops)
    ]
    footer = common([lines[::-1] for lines in tops])[::-1]
    return header, footer


def _strip_edges(
    page: list[str], header: list[str], footer: list[str]
) -> tuple[list[str], bool]:
    """Take the running header and footer off a page; say if it had the header."""
    lines = list(page)
    headed = False
    for edge, step in ((header, 1), (footer[::-1], -1)):
        want = [_edge_key(line) for line in edge]
        at = 0
        while want and lines:
            index = 0 if step == 1 else -1
            key = _edge_key(lines[index])
            if not key or key == want[at]:
                lines.pop(index)
                if key:
                    at += 1
                    headed = headed or step == 1
                    if at == len(want):
                        break
                continue
            break
    return lines, headed


def _front_page(lines: list[str]) -> list[tuple[str, object]]:
    """Lay out a front page: lines before the first label as they are, then one
    table row for each label, the lines up to the next label beside it."""
    blocks: list[tuple[str, object]] = []
    rows: list[tuple[str, list[str]]] = []
    for line in lines:
        if not rows and not _FRONT_LABEL.match(line.strip()):
            blocks.append(("lines", line))
            continue
        if not line.strip():
            continue
        label = _FRONT_LABEL.match(line.strip())
        if label:
            rows.append((label[1], [label[2]] if label[2] else []))
        elif rows[-1][0].endswith(" för") and re.fullmatch(r"[a-zåäö]+", line.strip()):
            # "Plats och tid för ... / sammanträde": the label wrapped in its cell.
            rows[-1] = (f"{rows[-1][0]} {line.strip()}", rows[-1][1])
        else:
            rows[-1][1].append(line.strip())
    if rows:
        blocks.append(("front", rows))
    return blocks


def _typeset(
    document: docx.document.Document, blocks: list[tuple[str, object]]
) -> None:
    """Write the blocks: lines the PDF wrapped joined back into paragraphs,
    Markdown rows as tables, headings bold, and where the text has a blank
    line, the spacing before a paragraph that left it."""
    lines = [str(value) for kind, value in blocks if kind == "lines"]
    lengths = sorted(len(line.rstrip()) for line in lines if line.strip())
    full = lengths[int(len(lengths) * 0.95)] if lengths else 80
    paragraph: list[str] = []
    table: list[list[str]] = []
    title = False
    spaced = False

    def flush() -> None:
        nonlocal title, spaced
        if paragraph:
            text = paragraph[0]
            for line in paragraph[1:]:
                text = _rejoin(text, line)
            _template_paragraph(document, text, title=title, spaced=spaced)
            paragraph.clear()
            title = spaced = False

    def flush_table() -> None:
        if table:
            _template_table(document, table)
            table.clear()

    for kind, value in blocks:
        if kind != "lines":
            flush()
            flush_table()
            if kind == "break":
                document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            else:
                _front_table(document, value)  # type: ignore[arg-type]
            spaced = False
            continue
        line = _COLUMN_GAP.sub("\t", str(value).rstrip())
        stripped = line.strip()
        if stripped.startswith("|"):
            flush()
            if not re.fullmatch(r"\|(?:\s*:?-{3,}:?\s*\|)+", stripped):
                table.append(
                    [
                        " ".join(re.sub(r"<br\s*/?>", " ", cell).split())
                        for cell in stripped.strip("|").split("|")
                    ]
                )
            continue
        flush_table()
        if not stripped:
            flush()
            spaced = True
            continue
        if _PARAGRAF_LINE.match(stripped) or _SECTION_HEADING.match(stripped):
            flush()
            _template_paragraph(document, stripped, heading=True, spaced=spaced)
            spaced = False
            # The title follows a "§ N  Dnr" line, up to the next blank line.
            title = bool(_PARAGRAF_LINE.match(stripped))
            continue
        previous = paragraph[-1] if paragraph else ""
        # A line the PDF wrapped: its next word would not have fitted.
        wrapped = (
            len(previous) + 1 + len(stripped.split()[0]) > full
            and "\t" not in previous + stripped
            and not _TEMPLATE_LIST_ITEM.match(stripped)
            and not _CONTENTS_ENTRY.match(previous)
        )
        if paragraph and not (title or wrapped):
            flush()
        paragraph.append(stripped)
    flush()
    flush_table()


def _rejoin(text: str, line: str) -> str:
    """Join a wrapped line to the text before it: after a hyphen or a dash that
    ends a word ("2025-" + "02-04", "2025/2026–" + "2027/2028") the word goes on."""
    if re.search(r"\S[-–]$", text) and not line.startswith(("och ", "eller ", "samt ")):
        return text + line
    return f"{text} {line}"


def _template_paragraph(
    document: docx.document.Document,
    text: str,
    *,
    heading: bool = False,
    title: bool = False,
    spaced: bool = False,
) -> None:
    paragraph = document.add_paragraph()
    if spaced:
        paragraph.paragraph_format.space_before = Pt(8)
    tabs = paragraph.paragraph_format.tab_stops
    entry = _CONTENTS_ENTRY.match(text)
    if entry:
        # Word's table of contents: the page number after a dotted tab.
        text = f"{entry[1]}\t{entry[2]}"
        tabs.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    elif "\t" in text:
        tabs.add_tab_stop(Cm(4))
        tabs.add_tab_stop(Cm(10))
    run = paragraph.add_run(text)
    run.bold = heading or title
    if title:
        run.font.size = Pt(13)


def _template_table(document: docx.document.Document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=0, cols=max(len(row) for row in rows))
    table.style = "Table Grid"
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=False):
            cell.text = value


def _front_table(
    document: docx.document.Document, rows: list[tuple[str, list[str]]]
) -> None:
    """The front page's table: a label left, its names right, one a paragraph."""
    table = document.add_table(rows=0, cols=2)
    table.autofit = False
    # As in the template: "Plats och tid för justering" fits its cell,
    # "Plats och tid för sammanträde" wraps.
    widths = (Cm(5), Cm(11))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for label, values in rows:
        left, right = table.add_row().cells
        left.width, right.width = widths
        run = left.paragraphs[0].add_run(label)
        run.bold, run.font.size = True, Pt(10)
        for index, value in enumerate(values):
            paragraph = right.paragraphs[0] if index == 0 else right.add_paragraph()
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(6))
            paragraph.add_run(_COLUMN_GAP.sub("\t", value))


def _template_edge(
    part: docx.section._BaseHeaderFooter, lines: list[str], *, size: int
) -> None:
    """Fill a page header or footer; "{PAGE}" and "{NUMPAGES}" become Word fields."""
    for index, line in enumerate(lines):
        paragraph = part.paragraphs[0] if index == 0 else part.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        tabs = paragraph.paragraph_format.tab_stops
        tabs.add_tab_stop(Cm(8), WD_TAB_ALIGNMENT.CENTER)
        tabs.add_tab_stop(Cm(16), WD_TAB_ALIGNMENT.RIGHT)
        for piece in re.split(r"(\{PAGE\}|\{NUMPAGES\})", _COLUMN_GAP.sub("\t", line)):
            if piece in ("{PAGE}", "{NUMPAGES}"):
                field = parse_xml(
                    f'<w:fldSimple {nsdecls("w")} w:instr="{piece[1:-1]}">'
                    "<w:r><w:t>1</w:t></w:r></w:fldSimple>"
                )
                paragraph._p.append(field)
            elif piece:
                paragraph.add_run(piece).font.size = Pt(size)


class NoLibreOffice(RuntimeError):
    """soffice is not installed: `make test-packages` installs it."""


def libreoffice_pdfs(documents: dict[str, bytes], folder: Path) -> dict[str, bytes]:
    """Export Word documents to PDF with LibreOffice, as a clerk's office does.

    One run of soffice converts them all (starting it costs a second or two);
    its profile is kept in `folder`, so that runs side by side do not share
    one and wait on its lock.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        raise NoLibreOffice(
            "soffice (LibreOffice) is missing: run `make test-packages` or "
            "`apt-get install libreoffice-writer-nogui`"
        )
    source, out = folder / "docx", folder / "pdf"
    source.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in documents.items():
        path = source / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *paths,
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {name: (out / f"{name}.pdf").read_bytes() for name in documents}
