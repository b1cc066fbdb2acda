"""Text out of PDF, Word and text files: decisions/extract.py, and ingest through it."""

import io
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from django.test import TestCase
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt

from decisions.extract import SCANNED, ExtractError, extract
from decisions.models import Meeting
from decisions.parser import ParseError, parse_protocol
from decisions.services import ingest as services
from tests.documents import (
    libreoffice_pdfs,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_scanned_pdf,
)

SEEDS = sorted((Path(__file__).parent.parent / "samples" / "stockholm").glob("*.txt"))
SWEDISH = (
    "§ 12 Årsredovisning för Östra Älvängens café – beslut\n"
    "Ärendet beretts av Miljö- och byggnadsnämnden, se § 4.\n"
    "Åsa Öberg (S), Émile Ängström (V) och Örjan Åkesson (M)\n"
    "”Citat” – tankstreck, é och § i löptext: å ä ö Å Ä Ö é É"
)


def words(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def refused(data: bytes, *, name: str = "protokoll") -> ExtractError:
    with pytest.raises(ExtractError) as caught:
        extract(data, name=name)
    return caught.value


# -- the format comes from the content ------------------------------------------


def test_a_pdf_named_txt_is_read_as_a_pdf():
    extracted = extract(make_pdf("§ 1 Val av justerare"), name="protokoll.txt")
    assert extracted.format == "pdf"
    assert extracted.text == "§ 1 Val av justerare\n"


def test_a_docx_named_pdf_is_read_as_a_docx():
    extracted = extract(make_docx("§ 1 Val av justerare"), name="protokoll.pdf")
    assert extracted.format == "docx"
    assert extracted.text == "§ 1 Val av justerare\n"


def test_text_named_docx_is_read_as_text():
    extracted = extract("§ 1 Val av justerare\n".encode(), name="protokoll.docx")
    assert (extracted.format, extracted.text, extracted.pages) == (
        "text",
        "§ 1 Val av justerare\n",
        1,
    )


def test_a_pdf_behind_a_bom_and_a_line_of_junk_is_still_a_pdf():
    data = b"\xef\xbb\xbf\r\nContent-Type: application/pdf\r\n\r\n" + make_pdf("§ 1")
    assert extract(data, name="bilaga").format == "pdf"


# -- characters, words and lines --------------------------------------------------


def test_swedish_characters_survive_a_pdf_round_trip():
    extracted = extract(make_pdf(SWEDISH), name="p.pdf")
    assert extracted.text == SWEDISH + "\n"


def test_swedish_characters_survive_a_docx_round_trip():
    extracted = extract(make_docx(SWEDISH), name="p.docx")
    assert extracted.text == SWEDISH + "\n"


def test_decomposed_letters_are_composed():
    decomposed = unicodedata.normalize("NFD", SWEDISH)
    assert decomposed != SWEDISH
    assert extract(decomposed.encode(), name="p.txt").text == SWEDISH


def test_the_utf8_bom_is_stripped_from_text():
    extracted = extract(b"\xef\xbb\xbf" + SWEDISH.encode(), name="p.txt")
    assert extracted.text == SWEDISH


def test_windows_line_ends_become_newlines():
    assert extract(b"rad 1\r\nrad 2\r\n", name="p.txt").text == "rad 1\nrad 2\n"


def test_a_hyphen_at_a_line_end_is_kept_with_its_line_break():
    # PDFium joins such lines; the parser joins broken words itself.
    text = "Beslutet fattades av kommun-\nfullmäktige i Sjöbacka."
    assert extract(make_pdf(text), name="p.pdf").text == text + "\n"


def test_justified_words_set_without_spaces_keep_their_spaces():
    text = (
        "Kommunstyrelsen föreslår att kommunfullmäktige godkänner\n"
        "årsredovisningen för 2023 enligt bilaga 1 och lägger den till handlingarna."
    )
    extracted = extract(make_pdf(text, justify=True), name="p.pdf")
    assert extracted.text == text + "\n"


def test_pdf_table_rows_come_out_one_a_line_with_their_column_gaps():
    rows = "Ledamöter\tErsättare\nAnna Åberg (S), ordförande\tÖrjan Ek (M)"
    extracted = extract(make_pdf(f"Närvarande\n{rows}\n§ 1"), name="p.pdf")
    lines = extracted.text.split("\n")
    assert [re.split(r" {3,}", line) for line in lines[:4]] == [
        ["Närvarande"],
        ["Ledamöter", "Ersättare"],
        ["Anna Åberg (S), ordförande", "Örjan Ek (M)"],
        ["§ 1"],
    ]
    # The gap is as wide as on the page: a column starts at one place.
    assert lines[1].index("Ersättare") == lines[2].index("Örjan")


def test_a_pdf_cell_drawn_after_its_neighbours_wrapped_lines_keeps_to_its_row(
    tmp_path,
):
    # LibreOffice draws a table cell by cell: a name wrapped over two lines,
    # then the X beside its first line.
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Ledamot"
    table.cell(0, 1).text = "Ja"
    table.cell(1, 0).text = "Anna Åberg (S)"
    table.cell(1, 0).add_paragraph("1:e vice ordförande")
    table.cell(1, 1).text = "X"
    buffer = io.BytesIO()
    document.save(buffer)
    pdf = libreoffice_pdfs({"t": buffer.getvalue()}, tmp_path)["t"]
    lines = [line for line in extract(pdf, name="t.pdf").text.split("\n") if line]
    assert [re.split(r" {3,}", line) for line in lines] == [
        ["Ledamot", "Ja"],
        ["Anna Åberg (S)", "X"],
        ["1:e vice ordförande"],
    ]
    # Under its column's heading, as near as characters can say.
    assert abs(lines[0].index("Ja") - lines[1].index("X")) <= 2


def test_pdf_paragraph_spacing_is_a_blank_line_and_justified_words_keep_one_space():
    text = (
        "Kommunstyrelsen föreslår att kommunfullmäktige godkänner\n"
        "årsredovisningen för 2023 enligt bilaga 1 och lägger den\n"
        "till handlingarna.\n\n"
        "Beslutet skickas till revisionen"
    )
    extracted = extract(make_pdf(text, justify=True), name="p.pdf")
    assert extracted.text == text + "\n"


def test_pdf_pages_are_separated_by_form_feeds():
    text = "\n".join(f"Rad {n} om nämndens ärenden" for n in range(1, 11))
    extracted = extract(
        make_pdf(
            text,
            header="Sjöbacka kommun",
            footer="Sida {page} ({pages})",
            lines_per_page=4,
        ),
        name="p.pdf",
    )
    pages = extracted.text.split("\f")
    assert extracted.pages == len(pages) == 3
    # The margins between header, body and footer are blank lines.
    assert pages[0] == (
        "Sjöbacka kommun\n\nRad 1 om nämndens ärenden\nRad 2 om nämndens ärenden\n"
        "Rad 3 om nämndens ärenden\nRad 4 om nämndens ärenden\n\nSida 1 (3)\n"
    )
    assert pages[2].startswith("Sjöbacka kommun\n\nRad 9")
    assert pages[2].endswith("Rad 10 om nämndens ärenden\n\nSida 3 (3)\n")
    assert extracted.notes == ()


def test_docx_paragraphs_are_lines_and_table_rows_tab_separated_cells():
    text = "Närvarande\nLedamöter\tErsättare\nAnna Åberg (S)\tÖrjan Ek (M)\n§ 1 Val"
    assert extract(make_docx(text), name="p.docx").text == text + "\n"


def test_the_docx_page_header_is_read_once_before_the_body():
    # The header is what the PDF of the document shows at the top of page 1;
    # a template may name the board and the date nowhere else.
    extracted = extract(
        make_docx("§ 1 Val av justerare", header="Sjöbacka kommun – Protokoll"),
        name="p.docx",
    )
    assert extracted.text == "Sjöbacka kommun – Protokoll\n§ 1 Val av justerare\n"
    assert extracted.pages == 1


def test_a_docx_with_a_first_page_header_of_its_own_gives_that_one():
    document = docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "Sjöbacka kommun\tProtokoll"
    section.first_page_header.add_paragraph("Kulturnämnden 2024-03-11")
    section.header.paragraphs[0].text = "Sida 2 och framåt"
    document.add_paragraph("§ 1 Val av justerare")
    buffer = io.BytesIO()
    document.save(buffer)
    extracted = extract(buffer.getvalue(), name="p.docx")
    assert extracted.text == (
        "Sjöbacka kommun\tProtokoll\nKulturnämnden 2024-03-11\n§ 1 Val av justerare\n"
    )


def test_docx_paragraph_spacing_is_a_blank_line_as_on_the_page():
    # Spacing, set on a paragraph or its style, parts paragraphs as a PDF of
    # the document shows it; a sentence without a full stop still ends there.
    document = docx.Document()
    spaced = document.styles.add_style("Mellanrum", WD_STYLE_TYPE.PARAGRAPH)
    spaced.paragraph_format.space_before = Pt(12)
    document.add_paragraph("Granskningen börjar klockan 9.10")
    document.add_paragraph("Resultat redovisas enligt bilaga.", style="Mellanrum")
    tight = document.add_paragraph("Beslutet skickas till")
    tight.paragraph_format.space_before = Pt(3)
    document.add_paragraph("Valmyndigheten").paragraph_format.space_after = Pt(6)
    document.add_paragraph("Länsstyrelsen")
    buffer = io.BytesIO()
    document.save(buffer)
    assert extract(buffer.getvalue(), name="p.docx").text == (
        "Granskningen börjar klockan 9.10\n\nResultat redovisas enligt bilaga.\n"
        "Beslutet skickas till\nValmyndigheten\n\nLänsstyrelsen\n"
    )


def test_word_list_numbers_and_bullets_are_kept():
    text = "Beslut\n1. Att godkänna förslaget.\n2. Att anföra följande.\n- Ett skäl"
    extracted = extract(make_docx(text, word_lists=True), name="p.docx")
    assert extracted.text == (
        "Beslut\n1. Att godkänna förslaget.\n2. Att anföra följande.\n• Ett skäl\n"
    )


def with_body(body: str) -> bytes:
    """Return a Word document whose body is `body` (WordprocessingML)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w") as archive,
        zipfile.ZipFile(io.BytesIO(make_docx(""))) as template,
    ):
        for item in template.infolist():
            data = template.read(item)
            if item.filename == "word/document.xml":
                head = data[: data.index(b"<w:body>")].decode()
                data = f"{head}<w:body>{body}</w:body></w:document>".encode()
            archive.writestr(item, data)
    return buffer.getvalue()


def test_word_revisions_fields_and_text_boxes_come_out_as_word_shows_them():
    body = (
        # A tracked change: the deleted words are not text, the inserted are.
        "<w:p><w:r><w:t xml:space='preserve'>Beslutet </w:t></w:r>"
        "<w:del w:id='1' w:author='A'><w:r><w:delText>inte </w:delText></w:r></w:del>"
        "<w:ins w:id='2' w:author='A'><w:r><w:t xml:space='preserve'>nu </w:t></w:r>"
        "</w:ins><w:r><w:t>fattat</w:t><w:tab/><w:t>§ 3</w:t></w:r></w:p>"
        # A field: its code is not text, its result is.
        "<w:p><w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText> PAGE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>Sida 2</w:t></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r></w:p>"
        # A content control around a paragraph; a line break; a hard hyphen.
        "<w:sdt><w:sdtContent><w:p><w:r><w:t>Dnr KS</w:t><w:noBreakHyphen/>"
        "<w:t>2024/12</w:t><w:br/><w:t>Åsa Öberg</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
        # A text box, kept twice by Word 2010 and later: read once.
        "<w:p><w:r><w:t>Före rutan</w:t></w:r><w:r><mc:AlternateContent>"
        "<mc:Choice Requires='wps'><w:drawing><wps:txbx><w:txbxContent>"
        "<w:p><w:r><w:t>Justerat – Älvängen</w:t></w:r></w:p>"
        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        "<v:textbox><w:txbxContent><w:p><w:r><w:t>Justerat – Älvängen</w:t></w:r>"
        "</w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    extracted = extract(with_body(body), name="p.docx")
    assert extracted.text == (
        "Beslutet nu fattat\t§ 3\n"
        "Sida 2\n"
        "Dnr KS-2024/12\nÅsa Öberg\n"
        "Före rutan\n"
        "Justerat – Älvängen\n"
    )


def test_a_word_document_without_text_is_refused():
    assert "ingen text" in refused(make_docx("\n\n")).message


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.name)
@pytest.mark.parametrize("maker", [make_pdf, make_docx], ids=["pdf", "docx"])
def test_the_seeds_keep_every_word_through_pdf_and_docx(seed, maker):
    original = seed.read_text(encoding="utf-8")
    extracted = extract(maker(original), name=seed.name)
    assert words(extracted.text) == words(original)
    # The parser finds the same paragraphs in either.
    parsed = parse_protocol(extracted.text, source=seed.name)
    expected = parse_protocol(original, source=seed.name)
    assert [(p.number, p.title, p.dnr) for p in parsed.paragrafer] == [
        (p.number, p.title, p.dnr) for p in expected.paragrafer
    ]


# -- what cannot be read says why and what to do ----------------------------------


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b" \r\n\n\t "])
def test_an_empty_file_is_refused(data):
    assert "filen är tom" in str(refused(data))


def test_a_scanned_pdf_is_refused_with_advice():
    error = refused(make_scanned_pdf(pages=2))
    assert error.message == SCANNED
    assert "OCR" in error.message and error.line is None


def test_pages_without_text_are_noted_and_the_rest_is_read():
    pdf = make_pdf("§ 1 Val\f\f§ 2 Anmälan", scanned_pages=[3])
    extracted = extract(pdf, name="p.pdf")
    assert extracted.pages == 4
    assert extracted.text.split("\f") == ["§ 1 Val\n", "", "", "§ 2 Anmälan\n"]
    assert extracted.notes == (
        "sida 2 saknar text (tom sida)",
        "sida 3 saknar text: den är en bild (skannad?)",
    )


def test_an_encrypted_pdf_is_refused():
    error = refused(make_encrypted_pdf("§ 1 Hemligt", "lösenord"))
    assert "krypterad" in error.message and "lösenord" in error.message


def test_an_encrypted_pdf_that_opens_without_a_password_is_read():
    # Only an owner password: anyone may open it, as many published minutes are.
    extracted = extract(make_encrypted_pdf("§ 1 Öppet för alla", ""), name="p.pdf")
    assert extracted.text == "§ 1 Öppet för alla\n"


def test_a_truncated_pdf_is_refused_as_damaged():
    pdf = make_pdf("§ 1 Val\f§ 2 Anmälan")
    error = refused(pdf[: len(pdf) * 2 // 3])
    assert "PDF:en är skadad" in error.message and "avkortad" in error.message


def test_a_garbled_pdf_is_refused_as_damaged():
    pdf = make_pdf("§ 1 Val")
    garbled = pdf[:9] + bytes(len(pdf) - 15) + pdf[-6:]
    assert "PDF:en är skadad" in refused(garbled).message


def test_a_truncated_docx_is_refused_as_damaged():
    docx = make_docx("§ 1 Val")
    error = refused(docx[: len(docx) // 2])
    assert "Word-dokumentet är skadat" in error.message


def test_a_docx_without_its_document_part_is_refused_as_damaged():
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w") as archive,
        zipfile.ZipFile(io.BytesIO(make_docx("§ 1 Val"))) as original,
    ):
        for item in original.infolist():
            if item.filename != "word/document.xml":
                archive.writestr(item, original.read(item))
    error = refused(buffer.getvalue())
    assert "Word-dokumentet är skadat" in error.message
    assert "word/document.xml saknas" in error.message


def test_a_docx_with_broken_xml_is_refused_as_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>")
    assert "Word-dokumentet är skadat" in refused(buffer.getvalue()).message


def test_another_kind_of_zip_is_an_unknown_format():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    assert refused(buffer.getvalue()).message.startswith("okänt format")


def test_an_old_word_document_is_refused_with_advice():
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert error.message.startswith("okänt format") and ".docx" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        b"Protokoll\n\x00\x00\x01\x02",
    ],
    ids=["png", "jpeg", "nul"],
)
def test_binary_content_is_an_unknown_format(data):
    error = refused(data)
    assert error.message.startswith("okänt format") and error.line is None


def test_utf16_text_is_refused_with_advice():
    error = refused("§ 1 Val av justerare\n".encode("utf-16"))
    assert "UTF-16" in error.message and "UTF-8" in error.message


def test_invalid_utf8_names_the_line_and_the_byte():
    data = "rad 1\nrad 2\nSjöbacka".encode("cp1252")
    error = refused(data, name="protokoll.txt")
    assert error.line == 3
    assert error.message.startswith("inte giltig UTF-8 (byte 14: 0xF6)")
    assert "Windows-1252" in error.message and "spara filen som UTF-8" in error.message


def test_extract_errors_are_parse_errors_so_ingest_reports_them():
    error = refused("a\nb\xe5".encode("latin-1"))
    assert isinstance(error, ParseError) and isinstance(error, ValueError)
    assert str(error).startswith("rad 2: inte giltig UTF-8")


def test_a_long_pdf_extracts_every_page_in_order():
    # Speed is measured by bench/ingest.py; tests assert behaviour only.
    text = "\n".join(
        f"Ärende {n} om Östra hamnen – rad {n} med å, ä, ö och é" for n in range(12000)
    )
    pdf = make_pdf(text, footer="Sida {page} ({pages})", lines_per_page=40)
    extracted = extract(pdf, name="lang.pdf")
    assert extracted.pages == 300
    pages = extracted.text.split("\f")
    assert len(pages) == 300
    assert "rad 11999 med å, ä, ö och é" in pages[-1]


# -- ingest goes through it -------------------------------------------------------


class IngestTests(TestCase):
    def test_a_pdf_of_a_seed_ingests_like_the_seed_and_notes_a_scanned_page(self):
        original = SEEDS[0].read_text(encoding="utf-8")
        pdf = make_pdf(
            original,
            header="Stockholms stad – Kulturnämnden",
            footer="Justerandes sign   Utdragsbestyrkande   Sida {page} ({pages})",
            scanned_pages=[2],
        )
        result = services.protocol_ingest(
            source_name="kultur.pdf", data=pdf, kommun="Stockholms stad"
        )
        expected = parse_protocol(original, source=SEEDS[0].name)
        self.assertEqual(
            [(p.number, p.title) for p in result.protocol.paragrafer],
            [(p.number, p.title) for p in expected.paragrafer],
        )
        # The archive keeps the text as extracted, page furniture and all.
        source = Meeting.objects.get().source_text
        self.assertIn("\fStockholms stad – Kulturnämnden\n", source)
        self.assertIn("Sida 1 (", source)
        self.assertIn(
            "sida 2 saknar text: den är en bild (skannad?)", result.protocol.warnings
        )

    def test_a_scanned_pdf_is_refused_and_nothing_is_written(self):
        with self.assertRaisesMessage(ExtractError, "kör OCR"):
            services.protocol_ingest(source_name="skannad.pdf", data=make_scanned_pdf())
        self.assertFalse(Meeting.objects.exists())
