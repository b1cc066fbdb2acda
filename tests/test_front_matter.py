"""The front matter of real minutes: board, municipality, date and attendance.

The shapes are those of tests/fixtures/real (pdfplumber's text of Kungsbacka's
PDFs: a running header on every page, the front page's table flattened into
rows, digital-signature furniture) and of /work/shared/domain.md.
"""

from decisions.parser.text import clean_lines


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
