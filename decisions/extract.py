"""From a minutes file's bytes to text: PDF, Word (DOCX) or plain UTF-8 text.

extracted = extract(data, name="protokoll.pdf")

The format is told by the content, never by the name: minutes arrive renamed,
mailed and downloaded, and an extension is only a guess. The text is NFC, with
"\n" line ends and, for PDFs, a form feed ("\f") before each page after the
first, so that the parser can find the headers and footers each page repeats.

Text keeps what the page's layout says and the parser reads: a gap between
table columns as a run of spaces, the space between paragraphs as a blank
line (from a PDF's positions or a Word document's paragraph spacing), and a
table's row on one line.

PDFs are read with PDFium (pypdfium2): bench/extract_compare.py compares it with
pypdf, pdfminer.six and pdfplumber on made-up Swedish minutes; it is as exact as
the best of them on characters, words and line order, and ten times faster
than the fastest of the others. On the real protocols of tests/fixtures/real,
set in a Word template and exported by LibreOffice, the parser reads the text
made here as well as the converter's own but for two checks (named in
tests/test_real_pdfs.py), better than any other library's, in a tenth of their
time or less.

A file is a stranger's bytes, so what reading one may cost is bounded here
before anything is unpacked: a Word document's archive is judged from its
directory (sizes, packing ratios, entries) and its XML is read without DTDs or
entities; a PDF's page count is checked once it is open. What no such check can
foresee is bounded by decisions.sandbox, which runs extract() in a child
process with memory and time limits.
"""

from __future__ import annotations

import ctypes
import io
import math
import posixpath
import re
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import IO, Literal
from xml.etree import ElementTree

import defusedxml
import pypdfium2
import pypdfium2.raw as pdfium_c
from defusedxml import ElementTree as SafeElementTree

from .parser import ParseError
from .parser.control import strip_control

__all__ = ["ExtractError", "Extracted", "extract"]

SCANNED = (
    "PDF:en saknar textlager – den är troligen skannad; kör OCR (t.ex. ocrmypdf) först"
)


class ExtractError(ParseError):
    """A file whose text cannot be had; the message says what to do about it.

    A ParseError, so that whoever reports parse errors reports these too, with
    the line where one is known (bad UTF-8 in a text file).
    """


@dataclass(frozen=True)
class Extracted:
    """The text of a minutes file, and what was odd about it."""

    format: Literal["pdf", "docx", "text"]
    text: str
    pages: int = 1
    # Readable but worth a warning: "sida 3 saknar text ...".
    notes: tuple[str, ...] = ()


def extract(data: bytes, *, name: str) -> Extracted:
    """Return the text of a PDF, a Word document or a UTF-8 text file.

    `name` says which file this is; the format never depends on it. Raise
    ExtractError for an empty, damaged, encrypted or scanned file, or one of
    another format.
    """
    if not data.removeprefix(_BOM).strip(b" \t\r\n\f\v\x00"):
        raise ExtractError(
            "filen är tom; kontrollera att den sparades eller laddades ned helt"
        )
    return _without_control(_extract(data))


def _without_control(extracted: Extracted) -> Extracted:
    """Control characters go before anything else sees the text (a form feed
    stays: the page break), each line that had one named in a note."""
    text, notes = strip_control(extracted.text, page_breaks=True)
    if not notes:
        return extracted
    return replace(extracted, text=text, notes=(*extracted.notes, *notes))


def _extract(data: bytes) -> Extracted:
    if data.startswith(_ZIP_MAGIC):
        return _docx(data)
    if data.startswith(_OLE_MAGIC):
        raise ExtractError(
            "okänt format: ett äldre Word-dokument (.doc) eller ett "
            "lösenordsskyddat Office-dokument; spara det som PDF, som .docx utan "
            "lösenord eller som UTF-8-text"
        )
    if _PDF_MAGIC in data[:_PDF_HEADER_WITHIN]:
        return _pdf(data)
    return _text(data)


# -- plain text -----------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"
# Control characters no text file has: more than a stray few (which are
# removed, with a note) say "binary".
_CONTROL = bytes(c for c in range(32) if c not in b"\t\n\r\f\v\x1b")


def _text(data: bytes) -> Extracted:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise ExtractError(
            "okänt format: texten ser ut att vara UTF-16; spara den som UTF-8"
        )
    sample = data[:8192]
    if (
        data.count(b"\x00") > len(data) // 100
        or sum(sample.count(c) for c in _CONTROL) > len(sample) // 100
    ):
        raise ExtractError(
            "okänt format: filen är varken PDF, Word-dokument (.docx) eller text; "
            "spara protokollet som PDF, DOCX eller UTF-8-text"
        )
    if data.lstrip().startswith(b"{\\rtf"):
        raise ExtractError(
            "okänt format: RTF läses inte; spara protokollet som PDF, DOCX eller "
            "UTF-8-text"
        )
    skipped = len(_BOM) if data.startswith(_BOM) else 0
    try:
        text = data[skipped:].decode("utf-8")
    except UnicodeDecodeError as error:
        at = skipped + error.start
        line = data[:at].count(b"\n") + 1
        raise ExtractError(
            f"inte giltig UTF-8 (byte {at}: 0x{data[at]:02X}){_latin1_hint(data, at)}"
            "; spara filen som UTF-8",
            line,
        ) from error
    return Extracted(format="text", text=_normalize(text, strip_lines=False))


def _looks_utf16(data: bytes) -> bool:
    """Say whether the odd or the even bytes, not both, are NUL, as in UTF-16
    text of Latin letters."""
    sample = data[:2000]
    half = len(sample) // 2
    zeros = sorted((sample[::2].count(0), sample[1::2].count(0)))
    return half >= 8 and zeros[1] > half * 0.6 and zeros[0] < half * 0.1


def _latin1_hint(data: bytes, at: int) -> str:
    if data[at : at + 1].decode("cp1252", errors="replace") in "åäöÅÄÖéÉ§–":
        return ", troligen Windows-1252/Latin-1"
    return ""


# -- PDF --------------------------------------------------------------------------

_PDF_MAGIC = b"%PDF-"
# Readers accept a header anywhere in the first 1024 bytes (mail gateways and
# web servers sometimes put a BOM or a line of junk in front), and look for the
# end marker in the last 1024.
_PDF_HEADER_WITHIN = 1024
_PDF_EOF_WITHIN = 1024
# PDFium is not thread-safe; a gunicorn thread and a command may share a process.
_PDFIUM = threading.Lock()

# PDFium joins a line that ends in a hyphen to the next and marks the place with
# U+FFFE (older versions: U+0002). The parser joins broken words itself, so the
# hyphen and the line break go back as they were on the page.
_PDF_TEXT = str.maketrans(
    {
        "\ufffe": "-\n",
        "\x02": "-\n",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
    }
)


# Minutes of a whole year run to a few hundred pages; this many is no protocol,
# and counting is free once the file is open.
_PDF_PAGES_MAX = 10_000


def _pdf(data: bytes) -> Extracted:
    # A download cut short still opens (PDFium rebuilds what it can) but loses
    # pages without a word; the missing end marker is the one reliable sign.
    if b"%%EOF" not in data[-_PDF_EOF_WITHIN:]:
        raise _damaged_pdf("slutet saknas, filen är troligen avkortad")
    with _PDFIUM:
        try:
            pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as error:
            if error.err_code in (
                pdfium_c.FPDF_ERR_PASSWORD,
                pdfium_c.FPDF_ERR_SECURITY,
            ):
                raise ExtractError(
                    "PDF:en är krypterad och kräver lösenord för att öppnas; "
                    "be om en kopia utan lösenord"
                ) from error
            raise _damaged_pdf("den går inte att öppna") from error
        try:
            if len(pdf) > _PDF_PAGES_MAX:
                raise ExtractError(
                    f"PDF:en har {_count(len(pdf))} sidor; högst "
                    f"{_count(_PDF_PAGES_MAX)} läses: det är inte ett protokoll"
                )
            pages = list(_pdf_pages(pdf))
        finally:
            pdf.close()
    if not pages:
        raise _damaged_pdf("den har inga sidor")
    notes = tuple(note for _, note in pages if note)
    if len(notes) == len(pages):
        raise ExtractError(SCANNED)
    text = "\f".join(page for page, _ in pages)
    return Extracted(format="pdf", text=text, pages=len(pages), notes=notes)


def _pdf_pages(pdf: pypdfium2.PdfDocument) -> Iterator[tuple[str, str | None]]:
    """Yield each page's text and, for a page without text, a note saying so.

    One page at a time, each closed before the next, keeps memory flat however
    long the minutes are.
    """
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pypdfium2.PdfiumError as error:
            raise _damaged_pdf(f"sida {index + 1} går inte att läsa") from error
        try:
            textpage = page.get_textpage()
            try:
                raw = _laid_out(textpage)
            finally:
                textpage.close()
            text = _normalize(raw.translate(_PDF_TEXT))
            if text.strip():
                yield text + "\n", None
                continue
            if any(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))):
                yield "", f"sida {index + 1} saknar text: den är en bild (skannad?)"
            else:
                yield "", f"sida {index + 1} saknar text (tom sida)"
        finally:
            page.close()


# PDFium gives a page's text in the order it was drawn, words apart by one
# space and lines apart by a line break, however far apart they stand. The
# parser reads more from the layout, as a converter that keeps it shows
# (tests/fixtures/real): a column gap ("20 januari    16 juni", a vote table's
# X under its column) as spaces as wide as the gap, a paragraph's spacing as a
# blank line, and a table cell drawn after its row's wrapped neighbour on that
# row's line. Distances are in the font's size (em).
_COLUMN_GAP = 1.0  # a wider gap between words is one between columns
_CHAR_WIDTH = 0.5  # an average character's width: a gap's number of spaces
_PARAGRAPH_GAP = 1.5  # baselines further apart leave a blank line between
_SAME_LINE = 0.3  # baselines closer than this are one line
# Justified lines space their words evenly, however widely: no columns there.
_EVEN = 0.1


@dataclass
class _Row:
    """A line of a page as laid out: its text and where it stands."""

    text: str
    left: float
    right: float
    baseline: float
    size: float


def _laid_out(textpage: pypdfium2.PdfTextPage) -> str:
    """Return a page's text with the column gaps, blank lines and table rows
    its layout shows (see above), in the order PDFium reads it."""
    raw = textpage.get_text_range()
    if len(raw) != textpage.count_chars():
        # Characters outside the BMP count twice in the text: no positions.
        return raw
    rows: list[_Row] = []
    # Rows by their baseline in whole points, so that finding a row's line
    # costs the same on a page of ten lines and on one of ten thousand.
    near: dict[int, list[int]] = {}
    for row in _pdfium_lines(textpage, raw):
        reach = _SAME_LINE * row.size
        same = max(
            (
                index
                for point in range(
                    math.floor(row.baseline - reach),
                    math.floor(row.baseline + reach) + 1,
                )
                for index in near.get(point, ())
                if abs(rows[index].baseline - row.baseline) < reach
                and row.left > rows[index].right
            ),
            default=None,
        )
        if same is None:
            near.setdefault(math.floor(row.baseline), []).append(len(rows))
            rows.append(row)
            continue
        # A cell drawn after the lines its neighbour wrapped to: its row's line.
        earlier = rows[same]
        earlier.text += _gap(row.left - earlier.right, row.size) + row.text
        earlier.right = row.right
    lines: list[str] = []
    for index, row in enumerate(rows):
        above = rows[index - 1] if index else None
        if above and above.baseline - row.baseline > _PARAGRAPH_GAP * above.size:
            lines.append("")
        lines.append(row.text)
    return "\n".join(lines)


def _pdfium_lines(textpage: pypdfium2.PdfTextPage, raw: str) -> Iterator[_Row]:
    """Yield PDFium's lines with their words spaced as they stand."""
    handle = textpage.raw
    box = pdfium_c.FS_RECTF()
    x, y = ctypes.c_double(), ctypes.c_double()
    for match in _PDFIUM_LINE.finditer(raw):
        words = [
            (word.group(), match.start() + word.start(), match.start() + word.end())
            for word in _WORD.finditer(match.group())
        ]
        if not words:
            continue
        edges = []
        for _, start, end in words:
            pdfium_c.FPDFText_GetLooseCharBox(handle, start, box)
            left = box.left
            pdfium_c.FPDFText_GetLooseCharBox(handle, end - 1, box)
            edges.append((left, box.right))
        first = words[0][1]
        pdfium_c.FPDFText_GetCharOrigin(handle, first, x, y)
        size = pdfium_c.FPDFText_GetFontSize(handle, first) or 10.0
        gaps = [b[0] - a[1] for a, b in zip(edges, edges[1:], strict=False)]
        even = len(gaps) >= 2 and max(gaps) - min(gaps) < _EVEN * size
        text = words[0][0]
        for (word, _, _), gap in zip(words[1:], gaps, strict=True):
            text += " " if even else _gap(gap, size)
            text += word
        # The hyphen PDFium marks ends this line as it stands on the page.
        text = text.replace("\ufffe", "-").replace("\x02", "-")
        yield _Row(text, edges[0][0], edges[-1][1], y.value, size)


# A line as PDFium gives it: up to its line break, or through the mark it puts
# for a hyphen that ends a line (U+FFFE, older versions U+0002).
_PDFIUM_LINE = re.compile(r"[^\r\n\ufffe\x02]+[\ufffe\x02]?|[\ufffe\x02]")
_WORD = re.compile(r"[^ \t]+")


def _gap(width: float, size: float) -> str:
    """Spaces for the gap between two words: one, or a column gap as wide as it."""
    if width <= _COLUMN_GAP * size:
        return " "
    return " " * max(3, round(width / (_CHAR_WIDTH * size)))


def _damaged_pdf(why: str) -> ExtractError:
    return ExtractError(f"PDF:en är skadad ({why}); hämta eller exportera den på nytt")


# -- Word (DOCX) ------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCUMENT = "word/document.xml"
# What a Word document's archive may hold, judged from its directory before
# anything is unpacked (zipfile never unpacks more than an entry's stated
# size: a lie there fails its checksum). document.xml of a 500-page protocol
# is a few MB; a 300-page one packs 42:1, an empty table of 3,000 rows 145:1,
# images and embedded sheets about 1:1. Deflate packs at most about 1,030:1;
# the bomb of issue 15 (230 MB in 580 KiB) 412:1.
_ENTRIES_MAX = 5_000
_UNPACKED_MAX = 256 * 1024 * 1024
_RATIO_MAX = 250
_RATIO_FROM = 1024 * 1024  # a small entry's ratio says nothing
# The parts besides document.xml are read whole; real ones are under 1 MB.
_PART_MAX = 32 * 1024 * 1024
# Word nests tables in tables and content controls in those, a few levels;
# much deeper is built to exhaust the reader's recursion.
_DEPTH_MAX = 100
# Archives inside the archive are never unpacked; Word keeps embedded Office
# files (a spreadsheet in the minutes) under word/embeddings/, and only there.
_ARCHIVE_SUFFIXES = (".zip", ".docx", ".xlsx", ".pptx", ".jar", ".gz", ".7z", ".rar")
_EMBEDDINGS = "word/embeddings/"
_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",  # "Strict Open XML"
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _damaged_docx(why: str) -> ExtractError:
    return ExtractError(
        f"Word-dokumentet är skadat ({why}); spara eller hämta det på nytt"
    )


def _docx(data: bytes) -> Extracted:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise _damaged_docx("ZIP-arkivet går inte att läsa") from error
    with archive:
        _check_archive(archive.infolist())
        if _DOCUMENT not in names:
            types = _read(archive, "[Content_Types].xml") if names else b""
            if b"wordprocessingml" in types:
                raise _damaged_docx(f"{_DOCUMENT} saknas")
            raise ExtractError(
                "okänt format: en ZIP-fil som inte är ett Word-dokument (.docx); "
                "spara protokollet som PDF, DOCX eller UTF-8-text"
            )
        try:
            numbering = _Numbering(
                _read(archive, "word/numbering.xml"), _read(archive, "word/styles.xml")
            )
            section: dict[str, str] = {}
            with archive.open(_DOCUMENT) as stream:
                lines = list(_docx_lines(stream, numbering, section=section))
            lines[:0] = _first_page_header(archive, section, numbering)
            pages = _docx_pages(_read(archive, "docProps/app.xml"))
        except defusedxml.DefusedXmlException as error:
            raise ExtractError(
                "Word-dokumentet innehåller en DTD eller entiteter, vilket Word "
                "aldrig skriver; inte ett protokoll"
            ) from error
        except (ElementTree.ParseError, zipfile.BadZipFile, zlib.error) as error:
            raise _damaged_docx("innehållet går inte att läsa") from error
        except (OSError, EOFError, RuntimeError, NotImplementedError) as error:
            # Encrypted entries, unknown compression methods, short reads.
            raise _damaged_docx("innehållet går inte att packa upp") from error
    text = _normalize("\n".join(lines))
    if not text.strip():
        raise ExtractError("Word-dokumentet innehåller ingen text")
    return Extracted(format="docx", text=text.rstrip("\n") + "\n", pages=pages)


def _check_archive(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb from the archive's directory, before unpacking a byte."""
    if len(entries) > _ENTRIES_MAX:
        raise ExtractError(
            f"packad fil med {_count(len(entries))} delar (högst "
            f"{_count(_ENTRIES_MAX)}); inte ett protokoll"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _RATIO_FROM and ratio > _RATIO_MAX:
            raise _bomb(entry.file_size, ratio, entry.filename)
        if entry.filename.lower().endswith(_ARCHIVE_SUFFIXES) and not (
            entry.filename.startswith(_EMBEDDINGS)
        ):
            raise ExtractError(
                f"packad fil med ett arkiv i sig ({entry.filename}); inte ett protokoll"
            )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > _UNPACKED_MAX:
        packed = sum(entry.compress_size for entry in entries)
        raise _bomb(unpacked, unpacked / max(packed, 1), None)


def _bomb(size: int, ratio: float, entry: str | None) -> ExtractError:
    where = f" ({entry})" if entry else ""
    return ExtractError(
        f"packad fil som växer till {_bytes(size)} (kvot {_count(round(ratio))}:1)"
        f"{where}; inte ett protokoll"
    )


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    if info.file_size > _PART_MAX:
        raise _damaged_docx(f"{name} är orimligt stor")
    return archive.read(info)


def _xml(data: bytes) -> ElementTree.Element:
    return SafeElementTree.fromstring(data, forbid_dtd=True)


def _docx_pages(app: bytes) -> int:
    """Return the page count Word saved in docProps/app.xml, or 1."""
    if not app:
        return 1
    for element in _xml(app):
        if element.tag.endswith("}Pages") and (element.text or "").isdigit():
            return max(1, int(element.text or "1"))
    return 1


def _name(element: ElementTree.Element) -> str:
    """Name a WordprocessingML element "w:p"; others keep their local name."""
    tag = element.tag
    if not isinstance(tag, str) or "}" not in tag:
        return str(tag)
    namespace, local = tag[1:].split("}", 1)
    if namespace in _W_NAMESPACES:
        return f"w:{local}"
    if namespace == _MC:
        return f"mc:{local}"
    return local


def _attr(element: ElementTree.Element | None, name: str) -> str | None:
    if element is None:
        return None
    for key, value in element.attrib.items():
        if key.endswith("}" + name):
            return value
    return None


def _docx_lines(
    stream: IO[bytes],
    numbering: _Numbering,
    *,
    container: str = "w:body",
    section: dict[str, str] | None = None,
) -> Iterator[str]:
    """Yield the lines of a part's body (the document's w:body, a header's
    w:hdr), one element at a time (streaming).

    `section`, when given, gets the first section's header references ("default",
    "first": their relationship ids) and "title_page" when its first page has a
    header of its own.
    """
    depth = 0
    at = 0
    body: ElementTree.Element | None = None
    events = SafeElementTree.iterparse(stream, events=("start", "end"), forbid_dtd=True)
    for event, element in events:
        if event == "start":
            depth += 1
            if depth > _DEPTH_MAX:
                raise ExtractError(
                    f"Word-dokumentets delar ligger mer än {_DEPTH_MAX} nivåer "
                    "i varandra; inte ett protokoll"
                )
            if body is None and depth <= 2 and _name(element) == container:
                body, at = element, depth
            continue
        depth -= 1
        if body is not None and depth == at:
            if section is not None and not section:
                _section_headers(element, section)
            yield from _blocks([element], numbering)
            body.clear()  # what is read is dropped: memory stays flat


def _section_headers(element: ElementTree.Element, section: dict[str, str]) -> None:
    """Note the header references of the section a body element ends, if it ends
    one: the first section's properties close its last paragraph (w:pPr/w:sectPr)
    or, in a document of one section, the body (w:sectPr)."""
    properties = element
    if _name(element) == "w:p":
        p_pr = next((c for c in element if _name(c) == "w:pPr"), None)
        properties = next((c for c in p_pr or () if _name(c) == "w:sectPr"), element)
    if _name(properties) != "w:sectPr":
        return
    section["ended"] = "yes"
    for child in properties:
        name = _name(child)
        if name == "w:headerReference":
            kind, rel = _attr(child, "type") or "default", _attr(child, "id")
            if rel:
                section[kind] = rel
        elif name == "w:titlePg" and _attr(child, "val") not in ("0", "false"):
            section["title_page"] = "yes"


_RELATIONSHIPS = "word/_rels/document.xml.rels"


def _first_page_header(
    archive: zipfile.ZipFile, section: dict[str, str], numbering: _Numbering
) -> list[str]:
    """Return the lines of the header Word prints on the first page.

    A template often names the board and the meeting date only there ("KUNGSBACKA
    KOMMUN  SAMMANTRÄDESPROTOKOLL / Kommunstyrelsen / Datum / 2025-06-17"), as
    the PDF made of the document prints it at the top of every page; the first
    page's copy goes before the body, where a PDF's text has it.
    """
    kind = "first" if section.get("title_page") else "default"
    rel = section.get(kind)
    if not rel:
        return []
    relationships = _read(archive, _RELATIONSHIPS)
    targets = {r.get("Id"): r.get("Target") for r in _xml(relationships or b"<r/>")}
    target = targets.get(rel) or ""
    name = posixpath.normpath(
        target.lstrip("/") if target.startswith("/") else f"word/{target}"
    )
    if not target or name not in archive.namelist():
        return []
    header = io.BytesIO(_read(archive, name))
    lines = _docx_lines(header, numbering, container="w:hdr")
    return [line for line in lines if line.strip()]


# Never text: properties, deletions, field codes, and the duplicate a Word 2010
# document keeps of each text box for older readers.
_SKIP = {
    "w:pPr",
    "w:rPr",
    "w:tblPr",
    "w:trPr",
    "w:tcPr",
    "w:sectPr",
    "w:del",
    "w:moveFrom",
    "w:delText",
    "w:instrText",
    "w:delInstrText",
    "mc:Fallback",
}


def _blocks(
    elements: list[ElementTree.Element], numbering: _Numbering
) -> Iterator[str]:
    """Yield the lines of paragraphs and tables, in document order."""
    for element in elements:
        name = _name(element)
        if name == "w:p":
            text, boxes = _paragraph(element, numbering)
            properties = next((c for c in element if _name(c) == "w:pPr"), None)
            before, after = numbering.spacing.around(properties)
            if before and text.strip():
                yield ""
            yield text
            yield from boxes
            if after and text.strip():
                yield ""
        elif name == "w:tbl":
            for row in _children(element, "w:tr"):
                cells = (
                    " ".join(line for line in _blocks(list(cell), numbering) if line)
                    for cell in _children(row, "w:tc")
                )
                yield "\t".join(cell.replace("\t", " ") for cell in cells)
        elif name not in _SKIP:
            # Content controls, custom XML and the like wrap paragraphs.
            yield from _blocks(list(element), numbering)


def _children(
    element: ElementTree.Element, wanted: str
) -> Iterator[ElementTree.Element]:
    """Yield children named `wanted`, looking through content controls."""
    for child in element:
        name = _name(child)
        if name == wanted:
            yield child
        elif name not in _SKIP and name not in {"w:tr", "w:tc", "w:tbl", "w:p"}:
            yield from _children(child, wanted)


def _paragraph(
    paragraph: ElementTree.Element, numbering: _Numbering
) -> tuple[str, list[str]]:
    """Return a paragraph's text, its list number first, and its text boxes' lines."""
    out: list[str] = []
    boxes: list[str] = []

    def walk(element: ElementTree.Element) -> None:
        for child in element:
            name = _name(child)
            if name in _SKIP:
                continue
            if name == "w:t":
                out.append(child.text or "")
            elif name in ("w:tab", "w:ptab"):
                out.append("\t")
            elif name in ("w:br", "w:cr"):
                out.append("\n")
            elif name == "w:noBreakHyphen":
                out.append("-")
            elif name == "w:sym":
                out.append(_symbol(_attr(child, "char")))
            elif name == "w:txbxContent":
                boxes.extend(_blocks(list(child), numbering))
            else:
                walk(child)

    walk(paragraph)
    text = "".join(out)
    properties = next((c for c in paragraph if _name(c) == "w:pPr"), None)
    label = numbering.label(properties)
    if label and text.strip():
        text = f"{label} {text}"
    return text, boxes


def _symbol(code: str | None) -> str:
    """Return a w:sym's character; symbol-font glyphs (private use) are not text."""
    try:
        char = chr(int(code or "", 16))
    except ValueError:
        return ""
    return "" if "\ue000" <= char <= "\uf8ff" else char


# Space of this much (in twentieths of a point: 6 pt) before or after a
# paragraph is a gap a reader sees: the text gets a blank line there, as a
# PDF's text does (see _PARAGRAPH_GAP).
_SPACED = 120
_W = f"{{{_W_NAMESPACES[0]}}}"


class _Spacing:
    """The space Word leaves before and after a paragraph, set on it or on its
    style (and the styles that style is based on)."""

    def __init__(self, styles: ElementTree.Element | None) -> None:
        self.default = ""
        own: dict[str, dict[str, int]] = {}
        based: dict[str, str] = {}
        for style in styles if styles is not None else ():
            if _name(style) != "w:style" or _attr(style, "type") != "paragraph":
                continue
            style_id = _attr(style, "styleId") or ""
            if _attr(style, "default") in ("1", "true"):
                self.default = style_id
            parent = style.find(f"{_W}basedOn")
            if parent is not None:
                based[style_id] = _attr(parent, "val") or ""
            own[style_id] = self._read(style.find(f"{_W}pPr"))
        self.styles: dict[str, dict[str, int]] = {}
        for style_id in own:
            chain, at = [], style_id
            while at in own and at not in chain:
                chain.append(at)
                at = based.get(at, "")
            merged: dict[str, int] = {}
            for at in reversed(chain):
                merged.update(own[at])
            self.styles[style_id] = merged

    @staticmethod
    def _read(p_pr: ElementTree.Element | None) -> dict[str, int]:
        spacing = p_pr.find(f"{_W}spacing") if p_pr is not None else None
        found: dict[str, int] = {}
        if p_pr is not None and p_pr.find(f"{_W}contextualSpacing") is not None:
            # Paragraphs of one style (a list's items) without the space.
            found["before"] = found["after"] = 0
        for side in ("before", "after"):
            auto = _attr(spacing, f"{side}Autospacing")
            value = _attr(spacing, side)
            if auto in ("1", "true"):
                found[side] = 280  # Word's automatic spacing: 14 pt
            elif value and value.lstrip("-").isdigit() and side not in found:
                found[side] = int(value)
        return found

    def around(self, p_pr: ElementTree.Element | None) -> tuple[bool, bool]:
        """Say whether a reader sees a gap before and after the paragraph."""
        style = p_pr.find(f"{_W}pStyle") if p_pr is not None else None
        style_id = _attr(style, "val") if style is not None else self.default
        spacing = {**self.styles.get(style_id or "", {}), **self._read(p_pr)}
        return (
            spacing.get("before", 0) >= _SPACED,
            spacing.get("after", 0) >= _SPACED,
        )


class _Numbering:
    """Word's list numbers ("1.", "a)", "2.1"): Word computes them, so they are
    not in the text and must be counted here, as Word would. The spacing around
    paragraphs, read from the same styles, comes along (`spacing`)."""

    def __init__(self, numbering_xml: bytes, styles_xml: bytes) -> None:
        # level: (format, text such as "%1.", start)
        self.abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.styles: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, list[int]] = {}
        if numbering_xml:
            self._read_numbering(_xml(numbering_xml))
        styles = _xml(styles_xml) if styles_xml else None
        if styles is not None:
            self._read_styles(styles)
        self.spacing = _Spacing(styles)

    def _read_numbering(self, root: ElementTree.Element) -> None:
        for element in root:
            name = _name(element)
            if name == "w:abstractNum":
                levels = {}
                for level in element:
                    if _name(level) != "w:lvl":
                        continue
                    values = {_name(c): _attr(c, "val") for c in level}
                    levels[int(_attr(level, "ilvl") or 0)] = (
                        values.get("w:numFmt") or "decimal",
                        values.get("w:lvlText") or "",
                        int(values.get("w:start") or 1),
                    )
                self.abstract[_attr(element, "abstractNumId") or ""] = levels
            elif name == "w:num":
                abstract_id = ""
                starts: dict[int, int] = {}
                for child in element:
                    if _name(child) == "w:abstractNumId":
                        abstract_id = _attr(child, "val") or ""
                    elif _name(child) == "w:lvlOverride":
                        for override in child:
                            if _name(override) == "w:startOverride":
                                index = int(_attr(child, "ilvl") or 0)
                                starts[index] = int(_attr(override, "val") or 1)
                self.nums[_attr(element, "numId") or ""] = (abstract_id, starts)

    def _read_styles(self, root: ElementTree.Element) -> None:
        based: dict[str, str] = {}
        for style in root:
            if _name(style) != "w:style":
                continue
            style_id = _attr(style, "styleId") or ""
            based_on = style.find(f"{_W}basedOn")
            if based_on is not None:
                based[style_id] = _attr(based_on, "val") or ""
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                self.styles[style_id] = self._num_pr(num_pr)
        for style_id, parent in based.items():
            seen = {style_id}
            while (
                style_id not in self.styles and parent in based and parent not in seen
            ):
                seen.add(parent)
                parent = based[parent]
            if style_id not in self.styles and parent in self.styles:
                self.styles[style_id] = self.styles[parent]

    def _num_pr(self, num_pr: ElementTree.Element) -> tuple[str | None, int | None]:
        level = num_pr.find(f"{_W}ilvl")
        num_id = num_pr.find(f"{_W}numId")
        return (
            _attr(num_id, "val") if num_id is not None else None,
            int(_attr(level, "val") or 0) if level is not None else None,
        )

    def label(self, p_pr: ElementTree.Element | None) -> str:
        """Count a paragraph in its list and return its number as Word shows it."""
        if p_pr is None or not self.nums:
            return ""
        num_id, level = None, None
        style = p_pr.find(f"{_W}pStyle")
        if style is not None:
            num_id, level = self.styles.get(_attr(style, "val") or "", (None, None))
        num_pr = p_pr.find(f"{_W}numPr")
        if num_pr is not None:
            own_id, own_level = self._num_pr(num_pr)
            num_id = own_id or num_id
            level = own_level if own_level is not None else level
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        level = min(level or 0, 8)
        abstract_id, starts = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if level not in levels:
            return ""

        def start(at: int) -> int:
            return starts.get(at, levels.get(at, ("", "", 1))[2])

        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= level:
            counters.append(start(len(counters)) - 1)
        counters[level] += 1
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = start(deeper) - 1
        fmt, text, _ = levels[level]
        if fmt == "bullet":
            return "•" if not text or "\ue000" <= text[0] <= "\uf8ff" else text
        if fmt == "none":
            return text if "%" not in text else ""
        for at in range(level + 1):
            value = max(counters[at], start(at)) if at < len(counters) else start(at)
            at_fmt = levels.get(at, ("decimal", "", 1))[0]
            text = text.replace(f"%{at + 1}", _format_number(value, at_fmt))
        return text


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letters = "abcdefghijklmnopqrstuvwxyz"
        label = letters[(value - 1) % 26] * ((value - 1) // 26 + 1)
        return label.upper() if fmt == "upperLetter" else label
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while value >= number:
            out += letters
            value -= number
    return out


# -- all formats ------------------------------------------------------------------


def _count(number: int) -> str:
    """Write 10000 as Swedish does: "10 000"."""
    return f"{number:,}".replace(",", "\N{NO-BREAK SPACE}")


def _bytes(size: int) -> str:
    """Write a size as Swedish does: "3,2 GB"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} byte"


def _normalize(text: str, *, strip_lines: bool = True) -> str:
    """Return text in NFC with "\n" line ends and, for documents, no trailing spaces.

    A text file keeps its trailing spaces: its text is stored as it was written.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not strip_lines:
        return text
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))
