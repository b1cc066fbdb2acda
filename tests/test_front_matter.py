"""The front matter of real minutes: board, municipality, date and attendance.

The shapes are those of tests/fixtures/real (pdfplumber's text of Kungsbacka's
PDFs: a running header on every page, the front page's table flattened into
rows, digital-signature furniture) and of /work/shared/domain.md.
"""

from decisions.parser.text import clean_lines, clean_text


def test_ocr_dollar_signs_are_read_as_paragraph_signs():
    lines = clean_lines(
        "$ 80 Dnr KFT-2024-00221\n"
        "Jenny Thorbjörnsson (KD) $$ 48-56, 59-62\n"
        "Bibliotekslagen (2013:801) 9 $ samt Kommunallagen 2 kap. 5 - 6 $$ -\n"
    )
    assert [line.text for line in lines] == [
        "§ 80 Dnr KFT-2024-00221",
        "Jenny Thorbjörnsson (KD) §§ 48-56, 59-62",
        "Bibliotekslagen (2013:801) 9 § samt Kommunallagen 2 kap. 5 - 6 §§ -",
    ]


def test_digital_signature_lines_are_page_furniture():
    lines = clean_lines(
        "Beslutet skickas till\n"
        "Nämnden för Vård & Omsorg\n"
        "Det här dokumentet är digitalt signerat\n"
        "Transaktionsidentitet: 2CB9CDA63B95923FF7BDA0BB915D756CFB45DD9262\n"
        "Transaktionsidentitet:\n"
    )
    assert [line.text for line in lines] == [
        "Beslutet skickas till",
        "Nämnden för Vård & Omsorg",
    ]


def test_a_signing_services_page_is_left_out_with_a_note():
    cleaned = clean_text(
        "<!-- sida 1 -->\n"
        "Nämnden för Vård & Omsorg\n"
        "<!-- sida 2 -->\n"
        "Undertecknat    av följande personer\n"
        "LISA ANDERSSON\n"
        "Datum:                 2025-06-18 08:22:18\n"
        "Underskriftstjänst:    twoday Underskriftstjänst\n"
        "<!-- sida 3 -->\n"
        "Dokumentet   är signerat av Ciceron DoÄ\n"
        "Organisation: Kungsbacka kommun\n"
    )
    assert [line.text for line in cleaned.lines] == ["Nämnden för Vård & Omsorg"]
    assert [note for _, note in cleaned.notes] == [
        "underskriftssidan (digital signering) hoppas över"
    ] * 2
