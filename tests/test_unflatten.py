"""Flattened and partial text: minutes without their line breaks, without their
"§" signs, or one item on a web page (decisions/parser/unflatten.py)."""

import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TestCase
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from decisions.models import Paragraf
from decisions.parser import ParseError, parse_protocol
from decisions.parser.score import score
from decisions.parser.unflatten import unflatten

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real"
WEB_PAGE = FIXTURES / "minutes" / "webbsida_en_punkt.txt"
_PAGE_MARKER = re.compile(r"<!--\s*sida\s*\d+\s*-->")
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+\s*$")


def real(prefix: str) -> tuple[str, dict]:
    [path] = REAL.glob(f"{prefix}_*.txt")
    expected = json.loads((REAL / "expected" / f"{path.stem}.json").read_text())
    return path.read_text(), expected


def flatten(text: str) -> str:
    """Each page on one line, as a web archive joins a PDF's text: the lines
    joined with spaces, a table's cells too."""
    pages = []
    for page in _PAGE_MARKER.split(text):
        words = []
        for line in page.split("\n"):
            if line.startswith("|"):
                if _TABLE_RULE.match(line):
                    continue
                line = " ".join(re.sub(r"<br\s*/?>", " ", line).split("|"))
            words.extend(line.split())
        if words:
            pages.append(" ".join(words))
    return "\n".join(pages)


def without_signs(text: str) -> str:
    """ "§ 21  Dnr VO-2025-00006" as "SN 21  Dnr VO-2025-00006": the "§" lost
    where a body's abbreviation stands in for it."""
    return re.sub(r"(?m)^§ ?(\d)", r"SN \1", text)


def right(checks, field: str) -> int:
    return sum(check.ok for check in checks if check.field == f"paragraphs.{field}")


def reading(text: str, expected: dict):
    return score(expected, parse_protocol(text, source="flat.txt"))


# (a) Flattened real minutes -------------------------------------------------


@pytest.mark.parametrize(
    "prefix", ["01", "04", "05", "07", "08", "10", "11", "16", "25", "30"]
)
def test_flattened_minutes_are_read_as_well_as_the_original(prefix):
    text, expected = real(prefix)
    original = reading(text, expected)
    flattened = flatten(text)
    assert len(flattened.split("\n")) < text.count("\n") / 10
    flat = reading(flattened, expected)
    for field in ("found", "dnr"):
        assert right(flat, field) >= right(original, field), field
    # No paragraph the minutes lack: no reference or attendance note read as one.
    assert (
        Counter(c.field for c in flat if not c.ok)["paragraphs.extra"]
        <= Counter(c.field for c in original if not c.ok)["paragraphs.extra"]
    )


def test_a_flattened_text_says_so_with_the_line():
    text, _ = real("11")
    protocol = parse_protocol(flatten(text), source="flat.txt")
    assert any(
        re.match(r"rad \d+: texten har få radbrytningar", w) for w in protocol.warnings
    )


def test_running_headers_around_page_numbers_leave_the_paragraphs():
    text, _ = real("07")
    protocol = parse_protocol(flatten(text), source="flat.txt")
    paragraf = next(p for p in protocol.paragrafer if p.number == "21")
    assert "SAMMANTRÄDESPROTOKOLL" not in paragraf.text
    assert "Transaktionsidentitet" not in paragraf.text


def test_headings_in_a_flattened_page_open_their_sections():
    text = (
        "§ 12 Dnr KS 2019/88 Budget för kulturskolan 2020 Ärendet Kulturskolan "
        "har fått ökade kostnader. Förslag till beslut Kommunstyrelsen föreslås "
        "godkänna budgeten. Yrkanden Anna Berg (S) yrkar bifall till förslaget. "
        "Beslutsgång Ordföranden finner att kommunstyrelsen bifaller förslaget. "
        "Beslut Kommunstyrelsen godkänner budgeten för kulturskolan 2020. "
        "Beslutet skickas till Kulturnämnden " * 3
    )
    protocol = parse_protocol(text, source="flat.txt")
    [paragraf] = protocol.paragrafer
    assert paragraf.number == "12"
    assert paragraf.title == "Budget för kulturskolan 2020"
    assert paragraf.dnrs == ["KS 2019/88"]
    kinds = [section.kind for section in paragraf.sections]
    assert kinds[:6] == [
        "background",
        "proposals",
        "proposals",
        "procedure",
        "decision",
        "recipients",
    ]
    assert paragraf.decision.startswith("Kommunstyrelsen godkänner budgeten")


def test_references_to_other_minutes_stay_in_the_text():
    body = (
        "Kommunstyrelsen har behandlat ärendet. Beslutsunderlag Kommunstyrelsens "
        "arbetsutskott 2024-02-01 § 3 Tjänsteskrivelse, 2024-01-25 Kommunfullmäktige "
        "2021-11-22, § 98 Budget 2022 enligt 4 kap. 13 § skollagen och KS § 187, "
        "2016-12-06. "
    )
    text = f"§ 40 Dnr KS 2019/1 Budget Beslut Nämnden godkänner. {body * 8}"
    protocol = parse_protocol(text, source="flat.txt")
    assert [p.number for p in protocol.paragrafer] == ["40"]
    assert not [w for w in protocol.warnings if "bryter" in w]


def test_lined_text_is_left_as_it_is():
    for path in sorted(FIXTURES.glob("**/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        if path == WEB_PAGE:
            continue
        result = unflatten(text)
        assert result.text == text.replace("\r\n", "\n").replace("\r", "\n"), path
        assert result.notes == [], path


# (b) Headings that lost their "§" -------------------------------------------


@pytest.mark.parametrize("prefix", ["01", "07", "11", "16"])
def test_headings_without_their_sign_are_still_found(prefix):
    text, expected = real(prefix)
    original = reading(text, expected)
    for variant in (without_signs(text), flatten(without_signs(text))):
        lost = reading(variant, expected)
        assert right(lost, "found") == right(original, "found")
        assert right(lost, "dnr") == right(original, "dnr")


def test_a_lost_sign_is_a_warning_with_its_line():
    text, _ = real("07")
    protocol = parse_protocol(without_signs(text), source="utan.txt")
    line = next(
        number
        for number, row in enumerate(without_signs(text).split("\n"), start=1)
        if row.startswith("SN 21 ")
    )
    assert any(
        w.startswith(f"rad {line}: 'SN 21' saknar §-tecken") for w in protocol.warnings
    )


def test_a_number_followed_by_its_case_number_is_a_paragraph():
    text = (
        "Kommunstyrelsen\nSammanträdesdatum 2018-02-05\n\n"
        "26 Dnr KS 2018/14 Information om budgetläget\n"
        "Beslut\nKommunstyrelsen noterar informationen.\n\n"
        "27 Dnr KS 2018/20 Val av ombud\nBeslut\nKommunstyrelsen väljer Per Ek.\n"
    )
    protocol = parse_protocol(text, source="utan.txt")
    assert [(p.number, p.title, p.dnrs) for p in protocol.paragrafer] == [
        ("26", "Information om budgetläget", ["KS 2018/14"]),
        ("27", "Val av ombud", ["KS 2018/20"]),
    ]
    assert sum("saknar §-tecken" in w for w in protocol.warnings) == 2


def test_an_agenda_on_a_web_page_numbers_its_items_over_their_case_numbers():
    text = (
        "Kommunfullmäktige\nSammanträde 2018-11-22\n\n"
        "1 Anmälan och besvarande av frågor\n\nDnr 2018/KS 0041 001\n\n"
        "Beskrivning av ärendet\nInga frågor har lämnats in.\n\n"
        "2 Anmälan av nya motioner\n\nDnr 2018/KS 0043 001\n\n"
        "Beskrivning av ärendet\nInga motioner har lämnats in.\n"
    )
    protocol = parse_protocol(text, source="agenda.txt")
    assert [(p.number, p.title, p.dnrs) for p in protocol.paragrafer] == [
        ("1", "Anmälan och besvarande av frågor", ["2018/KS 0041 001"]),
        ("2", "Anmälan av nya motioner", ["2018/KS 0043 001"]),
    ]


def test_page_numbers_list_items_and_dates_are_no_paragraphs():
    text = (
        "Socialnämnden\n\n§ 12\nBudget 2019\nDnr SN 2019/1\nBeslut\n"
        "1. Nämnden godkänner budgeten.\n2 Dnr SN 2019/9 gäller inte detta.\n"
        "2 (3)\n2019-03-05 Dnr SN 2019/2 Bilaga\n"
        "§ 13\nTaxor\nDnr SN 2019/3\nBeslut\nNämnden antar taxorna.\n"
        "SN 7 Bidrag Dnr 12/19\n"
        "§ 14\nÖvrigt\nBeslut\nNoteras.\n"
    )
    protocol = parse_protocol(text, source="brus.txt")
    assert [p.number for p in protocol.paragrafer] == ["12", "13", "14"]
    assert not any("saknar §-tecken" in w for w in protocol.warnings)


def test_a_lost_sign_between_real_ones_is_read_in_its_place():
    text = (
        "Socialnämnden\n\n§ 12 Dnr SN 2019/1\nBudget\nBeslut\nNämnden godkänner.\n"
        "SN 13 Bidrag till föreningar Dnr 31/16\nBeslut\nNämnden beviljar bidrag.\n"
        "§ 14 Dnr SN 2019/3\nTaxor\nBeslut\nNämnden antar taxorna.\n"
    )
    protocol = parse_protocol(text, source="blandat.txt")
    assert [(p.number, p.title, p.dnrs) for p in protocol.paragrafer] == [
        ("12", "Budget", ["SN 2019/1"]),
        ("13", "Bidrag till föreningar", ["31/16"]),
        ("14", "Taxor", ["SN 2019/3"]),
    ]
    assert "rad 7: 'SN 13' saknar §-tecken" in " ".join(protocol.warnings)


# (c) One item on a web page ---------------------------------------------------


@pytest.mark.parametrize("flat", [False, True], ids=["lines", "flattened"])
def test_a_web_page_with_one_item_is_one_paragraph(flat):
    text = WEB_PAGE.read_text()
    if flat:
        text = " ".join(text.split())
    protocol = parse_protocol(text, source="webbsida.html")
    [paragraf] = protocol.paragrafer
    assert paragraf.number == ""
    assert paragraf.title == "Motion om gratis kollektivtrafik för pensionärer"
    assert paragraf.dnrs == ["KS 2018/412"]
    assert paragraf.decision == "Kommunfullmäktige avslår motionen."
    [reservation] = paragraf.reservations
    assert [m.name for m in reservation.members] == ["Lena Holm"]
    assert reservation.text.endswith("till förmån för eget yrkande.")
    assert any("saknar paragrafnummer" in w for w in protocol.warnings)
    chrome = [w for w in protocol.warnings if "webbsidans meny" in w]
    assert chrome and all(re.match(r"rad \d+: ", w) for w in chrome)
    for leftover in ("Skriv ut", "Senast uppdaterad", "kakor", "Hoppa över", "Meny"):
        assert leftover not in paragraf.text
        assert all(leftover not in section.text for section in paragraf.sections)


def test_a_web_page_item_takes_the_number_it_is_given():
    protocol = parse_protocol(WEB_PAGE.read_text(), source="webbsida.html", number="45")
    [paragraf] = protocol.paragrafer
    assert paragraf.number == "45"
    assert protocol.meeting_date.isoformat() == "2019-03-25"
    assert any("numret § 45" in w for w in protocol.warnings)


def test_a_lone_menu_word_in_minutes_is_kept():
    text = "§ 1\nKontakt\nBeslut\nNämnden noterar.\n"
    protocol = parse_protocol(text, source="kontakt.txt")
    assert protocol.paragrafer[0].title == "Kontakt"


# (d) Not minutes --------------------------------------------------------------

NEWS = """Nyheter
Kommunen säger nej till gratis bussar för pensionärer
Publicerad 26 mars 2019
Kommunfullmäktige röstade på måndagskvällen nej till förslaget om gratis
kollektivtrafik för pensionärer. Vänsterpartiet, som lagt motionen, är besviket.
– Det här hade gjort stor skillnad för många äldre, säger Lena Holm (V).
Moderaterna menar att kostnaden är för hög. Beslut om taxor fattas av regionen,
påpekar Per Ek (M). Kommunstyrelsen ska enligt beslut § 45 följa upp resandet.
"""
RECIPE = """Kanelbullar
Ingredienser
50 g jäst
5 dl mjölk
150 g smör
2 tsk kardemumma
Gör så här
1. Smält smöret och häll i mjölken. Värm till 37 grader.
2. Smula jästen i en bunke och rör ut den med lite av degvätskan.
3. Låt degen jäsa under bakduk i 30 minuter. Grädda i 225 grader.
"""


@pytest.mark.parametrize("text", [NEWS, RECIPE], ids=["news", "recipe"])
@pytest.mark.parametrize("flat", [False, True], ids=["lines", "flattened"])
def test_text_that_is_not_minutes_is_refused(text, flat):
    if flat:
        text = " ".join(text.split()) * 3
    with pytest.raises(ParseError, match="ingen paragraf"):
        parse_protocol(text, source="annat.txt")


# Linear time ------------------------------------------------------------------

SETTINGS = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_UNFLATTEN_EXAMPLES", "4")),
    deadline=None,
    # A failure is plain from one example; shrinking 2 MB texts takes long.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Words the rules look at, many at once: page numbers, "§", "Dnr", headings,
# leaders, chrome, dates and numbers.
TRICKY = [
    "§",
    "§§",
    "12",
    "(39)",
    "4",
    "Dnr",
    "KS",
    "2019/88",
    "Beslut",
    "–",
    "i",
    "kommunstyrelsen",
    "Kulturnämndens",
    "beslut",
    "förslag",
    "till",
    "Sida",
    "av",
    ".........",
    "Justerandes",
    "sign",
    "Meny",
    "Start",
    ">",
    "Vi",
    "använder",
    "2019-03-25",
    "Datum",
    "SN",
    "13",
    "Paragrafer",
    "(M)",
]


@SETTINGS
@given(
    pages=st.lists(st.sampled_from(["01", "07", "11", "16"]), min_size=1, max_size=4),
    noise=st.lists(st.sampled_from(TRICKY), min_size=1, max_size=60),
    per_line=st.booleans(),
)
def test_unflattening_two_megabytes_finishes(pages, noise, per_line):
    """Linear: every rule looks a bounded number of words ahead or back."""
    flat = "\n".join(flatten(real(prefix)[0]) for prefix in pages)
    text = flat + "\n" + " ".join(noise)
    repeat = 2_000_000 // len(text) + 1
    text = ("\n" if per_line else " ").join([text] * repeat)
    assert len(text) >= 2_000_000
    result = unflatten(text)
    # Breaks were added and lost "§" signs put back; no word moved, and only a
    # web page's chrome at the text's start or end was taken out.
    given = [word for word in text.split() if word != "§"]
    kept = [w for w in re.sub(r"<br>|\f", " ", result.text).split() if w != "§"]
    remaining = iter(given)
    assert all(word in remaining for word in kept)
    assert len(given) - len(kept) <= 2 * 80


def test_whole_minutes_whose_signs_cannot_be_read_are_not_one_item():
    item = "X{n} Ärende {n}\nBeslut\nNämnden beslutar.\nBeslutsgång\nBifall.\n"
    text = "Socialnämnden\n" + "".join(item.format(n=n) for n in range(1, 5))
    with pytest.raises(ParseError, match="ingen paragraf"):
        parse_protocol(text, source="oläsbar.txt")


def ingest(*args: str) -> tuple[str, int]:
    err = io.StringIO()
    try:
        call_command("ingest", *args, stdout=io.StringIO(), stderr=err)
    except SystemExit as exit:
        return err.getvalue(), int(exit.code or 0)
    return err.getvalue(), 0


class IngestWebPageTests(TestCase):
    def test_ingest_numbers_a_lone_item_as_told_and_reparse_keeps_it(self):
        err, code = ingest("--paragraf", "45", str(WEB_PAGE))
        self.assertEqual(code, 0, err)
        paragraf = Paragraf.objects.get()
        self.assertEqual(paragraf.number, "45")
        self.assertEqual(
            paragraf.title, "Motion om gratis kollektivtrafik för pensionärer"
        )
        self.assertEqual(paragraf.decision, "Kommunfullmäktige avslår motionen.")
        self.assertIn("läses som en paragraf med det angivna numret § 45", err)
        err, code = ingest("--reparse")
        self.assertEqual(code, 0, err)
        self.assertEqual(Paragraf.objects.get().number, "45")

    def test_ingest_without_a_number_refuses_the_lone_item_and_says_why(self):
        err, code = ingest(str(WEB_PAGE))
        self.assertEqual(code, 1)
        self.assertIn("punkten saknar paragrafnummer; ange --paragraf N", err)
        self.assertFalse(Paragraf.objects.exists())
