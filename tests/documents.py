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
from collections.abc import Collection
from functools import cache
from pathlib import Path

import docx
from docx.shared import Pt
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
