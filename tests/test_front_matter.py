"""The front matter of real minutes: board, municipality, date and attendance.

The shapes are those of tests/fixtures/real (pdfplumber's text of Kungsbacka's
PDFs: a running header on every page, the front page's table flattened into
rows, digital-signature furniture) and of /work/shared/domain.md; the rules
they test are general, so the made-up minutes below vary names and bodies.
"""

import datetime
import json
from pathlib import Path

import pytest

from decisions.parser import parse_protocol
from decisions.parser.header import municipality, namnd_line, parse_attendees
from decisions.parser.model import ParsedAttendee, ParsedProtocol
from decisions.parser.score import score
from decisions.parser.text import clean_text

REAL = Path(__file__).parent / "fixtures" / "real"
FRONT_FIELDS = ("namnd", "organisation", "meeting_date")


def real(number: str) -> ParsedProtocol:
    [path] = REAL.glob(f"{number}_*.txt")
    return parse_protocol(path.read_text(), source=path.name)


def who(protocol: ParsedProtocol) -> list[tuple]:
    return [
        (a.group, a.name, a.party, a.role, a.replaces, a.note)
        for a in protocol.attendance
    ]


def pages(*pages: str) -> str:
    """Minutes as the converter gives them: "<!-- sida N -->" before each page."""
    return "".join(
        f"<!-- sida {number} -->\n\n{page}\n"
        for number, page in enumerate(pages, start=1)
    )


# Text cleaning --------------------------------------------------------------


def test_a_signing_services_page_is_left_out_with_a_note():
    cleaned = clean_text(
        pages(
            "Nämnden för Vård & Omsorg",
            "Undertecknat    av följande personer\n"
            "LISA ANDERSSON\n"
            "Datum:                 2025-06-18 08:22:18\n"
            "Underskriftstjänst:    twoday Underskriftstjänst",
            "Dokumentet   är signerat av Ciceron DoÄ\nOrganisation: Kungsbacka kommun",
        )
    )
    assert [line.text for line in cleaned.lines] == ["Nämnden för Vård & Omsorg"]
    assert [note for _, note in cleaned.notes] == [
        "underskriftssidan (digital signering) hoppas över"
    ] * 2


# Board and municipality ----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "namnd"),
    [
        ("Nämnden för Individ & Familjeomsorg", "Nämnden för Individ & Familjeomsorg"),
        (
            "nämnden för individ- och familjeomsorg",
            "Nämnden för individ- och familjeomsorg",
        ),
        ("Nämnden för Tekniks arbetsutskott", "Nämnden för Tekniks arbetsutskott"),
        ("Gemensam nämnd för hjälpmedel", "Gemensam nämnd för hjälpmedel"),
        ("Beredningen för hållbar utveckling", "Beredningen för hållbar utveckling"),
        ("Forum Kommunstyrelsen", "Forum Kommunstyrelsen"),
        ("Kommunstyrelsens arbetsutskott", "Kommunstyrelsens arbetsutskott"),
        ("Förskola & Grundskola arbetsutskott", "Förskola & Grundskola arbetsutskott"),
        (
            "Individ- och familjeomsorgsutskottet",
            "Individ- och familjeomsorgsutskottet",
        ),
        ("Valnämnd", "Valnämnd"),
        ("Kommunrevisionen", "Kommunrevisionen"),
        ("Revisorerna", "Revisorerna"),
        ("De förtroendevalda revisorerna", "De förtroendevalda revisorerna"),
        ("Demokratiberedningen", "Demokratiberedningen"),
        ("Södermalms stadsdelsnämnd", "Södermalms stadsdelsnämnd"),
        ("Kommunala pensionärsrådet", "Kommunala pensionärsrådet"),
        # What a title line prints beside the board is not part of it.
        ("Nämnden för Kultur & Fritid Datum", "Nämnden för Kultur & Fritid"),
        ("Socialnämnden 2024-12-03", "Socialnämnden"),
        ("KOMMUNSTYRELSEN", "Kommunstyrelsen"),
    ],
)
def test_a_line_that_is_a_boards_name_gives_it_as_printed(line, namnd):
    assert namnd_line(line) == namnd


@pytest.mark.parametrize(
    "line",
    [
        "Kommunstyrelsen beslutar",
        "Nämnden för Teknik antar taxan",
        "Beslut i kommunstyrelsen",
        "Förslag till beslut i kommunstyrelsen",
        "Ärendet remitteras till nämnden",
        "Beslutet skickas till",
        "Sammanfattning av ärendet",
        "KUNGSBACKA KOMMUN",
        "SAMMANTRÄDESPROTOKOLL",
        "Det här dokumentet är digitalt signerat",
        "Kommunalråd",
    ],
)
def test_a_sentence_or_heading_is_no_boards_name(line):
    assert namnd_line(line) is None


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("KUNGSBACKA KOMMUN", "Kungsbacka kommun"),
        ("KUNGSBACKA KOMMUN SAMMANTRÄDESPROTOKOLL 3 (9)", "Kungsbacka kommun"),
        ("REGION HALLAND", "Region Halland"),
        ("GÖTEBORGS STAD", "Göteborgs stad"),
        ("UPPLANDS-BRO KOMMUN", "Upplands-Bro kommun"),
        ("LILLA EDETS KOMMUN", "Lilla Edets kommun"),
        ("Sjöbacka kommun", "Sjöbacka kommun"),
        ("SAMMANTRÄDESPROTOKOLL", None),
    ],
)
def test_an_upper_case_municipality_is_written_in_normal_case(cell, name):
    assert municipality(cell) == name


# A front page as Kungsbacka's template prints it, for another board and town.
FRONT_PAGE = """\
HALLEBY KOMMUN                  SAMMANTRÄDESPROTOKOLL
Nämnden för Individ & Familjeomsorg
Datum
2025-03-20

Plats och tid för Gåsevadholm, Storgatan 37 Klockan 15:30 – 17:55
sammanträde
Beslutande    Ledamöter                     Tjänstgörande ersättare
Tommy Rydberg (L), ordförande Lars Sundin (M) tjänstgör för
Maj-Britt Rane (S), 2:e vice Marianne Pleijel (M)
ordförande                    Conny Loft (S) tjänstgör för
Lars Blom (M)                 Åsa Andersson (S)
Ingegärd Salm (MP)
Övriga närvarande Ersättare                 Tjänstepersoner
Mats Dahl (SD)                Ivan Stipić, förvaltningschef
Madelene Höök (L)             Märta Lycken, biträdande
förvaltningschef
Kristina Westrup, Kommunal
Plats och tid för justering Digital justering 2025-03-24
Sekreterare   Josefine Jönsson              Paragrafer §§ 20-21
Ordförande    Tommy Rydberg (L)
Protokolljusterare Ingegärd Salm (MP)
"""
LATER_PAGE = """\
HALLEBY KOMMUN                  SAMMANTRÄDESPROTOKOLL           {page} (4)
Nämnden för Individ & Familjeomsorg
Datum
2025-03-20

§ {number}                      Dnr IFO-2025-000{number}
Ärende {number}

Beslut

Nämnden för Individ & Familjeomsorg noterar informationen till protokollet.

Det här dokumentet är digitalt signerat
Transaktionsidentitet: 05C0886AA8D28435D5CAD40C30CDD419AFA3039D1A
"""


def minutes(front: str = FRONT_PAGE) -> ParsedProtocol:
    text = pages(
        front,
        *(LATER_PAGE.format(page=page, number=18 + page) for page in (2, 3, 4)),
        "Undertecknat av följande personer\n\nTOMMY RYDBERG\n"
        "Datum: 2025-03-25 08:22:18",
    )
    return parse_protocol(text, source="halleby.txt")


def test_the_board_and_municipality_are_read_from_the_running_header():
    protocol = minutes()
    assert protocol.namnd == "Nämnden för Individ & Familjeomsorg"
    assert protocol.kommun == "Halleby kommun"


def test_the_board_on_the_front_page_alone_is_read_when_no_header_runs():
    text = pages(FRONT_PAGE, LATER_PAGE.format(page=2, number=20))
    protocol = parse_protocol(text, source="halleby.txt")
    assert protocol.namnd == "Nämnden för Individ & Familjeomsorg"
    assert protocol.kommun == "Halleby kommun"


def test_the_meeting_date_is_the_front_pages_not_the_adjustments_or_a_signatures():
    protocol = minutes()
    assert protocol.meeting_date == datetime.date(2025, 3, 20)


def test_a_sammantradesdatum_goes_before_a_date_labelled_only_datum():
    front = FRONT_PAGE.replace(
        "Datum\n2025-03-20\n", "Datum 2025-03-28\nSammanträdesdatum 2025-03-20\n"
    )
    assert minutes(front).meeting_date == datetime.date(2025, 3, 20)


def test_a_running_sammantradesdatum_is_the_meeting_date():
    # A template that prints the date on every page only: the PDF's pages
    # make it a running header, taken off the front page too.
    page = (
        "SAMMANTRÄDESPROTOKOLL\nFörbundsstyrelsen\nSammanträdesdatum 2025-03-12\n\n"
        "§ {number} Dnr 2025/{number}\nÄrende {number}\n\nBeslut\n"
        "Förbundsstyrelsen godkänner ärendet.\n"
    )
    text = pages(*(page.format(number=number) for number in (27, 28, 29)))
    protocol = parse_protocol(text, source="rsg.txt")
    assert protocol.meeting_date == datetime.date(2025, 3, 12)


def test_place_and_time_are_read_around_the_broken_label():
    protocol = minutes()
    assert protocol.place == "Gåsevadholm, Storgatan 37"
    assert protocol.time == "Klockan 15:30 – 17:55"


def test_running_headers_and_signatures_stay_out_of_the_people():
    protocol = minutes()
    names = [a.name for a in protocol.attendance] + [m.name for m in protocol.adjusters]
    assert not [name for name in names if name.isupper() or "KOMMUN" in name]
    assert [(m.name, m.party) for m in protocol.adjusters] == [("Ingegärd Salm", "MP")]


def test_a_two_column_attendance_table_is_read_row_by_row():
    assert who(minutes()) == [
        ("beslutande", "Tommy Rydberg", "L", "ordförande", None, None),
        ("beslutande", "Maj-Britt Rane", "S", "2:e vice ordförande", None, None),
        ("beslutande", "Lars Blom", "M", None, None, None),
        ("beslutande", "Ingegärd Salm", "MP", None, None, None),
        (
            "tjanstgorande_ersattare",
            "Lars Sundin",
            "M",
            None,
            "Marianne Pleijel",
            None,
        ),
        ("tjanstgorande_ersattare", "Conny Loft", "S", None, "Åsa Andersson", None),
        ("ersattare", "Mats Dahl", "SD", None, None, None),
        ("ersattare", "Madelene Höök", "L", None, None, None),
        ("ovriga", "Ivan Stipić", None, "förvaltningschef", None, None),
        ("ovriga", "Märta Lycken", None, "biträdande förvaltningschef", None, None),
        ("ovriga", "Kristina Westrup", None, "kommunal", None, None),
        ("ovriga", "Josefine Jönsson", None, "sekreterare", None, None),
    ]


def test_a_table_flattened_without_gaps_parts_its_cells_at_the_second_person():
    # OCR text keeps no column gaps: "Ulrika Berg (M) | Gathendahl (M) § 80".
    front = """\
HALLEBY KOMMUN SAMMANTRÄDESPROTOKOLL
Nämnden för Kultur & Fritid Datum
2024-08-21
Beslutande Ledamöter Tjänstgörande ersättare
Annika Hed (C), Ordförande Bo Bark (M) för Maria
Ulrika Berg (M) Gathendahl (M) $ 80, 84-85
Per Gunnarsson (S) Gert Sven (S) för Jon
Torbjörn Ek (SD) Thorbjörnson $ 85
Erik Lindqvist (M), 1:e vice ordförande Lars Äng (M) ersätter Thomas Falck
Jon Thorbjörnson (V) (M)
Övriga närvarande Ersättare Tjänstepersoner
Stefan Jägnert (SD) Karl Persson, förvaltningschef
Nina Magnusson,
kommunikationschef
Personalföreträdare Övriga
Annika Rönnblom, Ågrenska
Protokolljustarare Per Gunnarsson (S)
"""
    assert who(minutes(front)) == [
        ("beslutande", "Annika Hed", "C", "ordförande", None, None),
        ("beslutande", "Ulrika Berg", "M", None, None, None),
        ("beslutande", "Per Gunnarsson", "S", None, None, None),
        ("beslutande", "Torbjörn Ek", "SD", None, None, None),
        ("beslutande", "Erik Lindqvist", "M", "1:e vice ordförande", None, None),
        ("beslutande", "Jon Thorbjörnson", "V", None, None, None),
        (
            "tjanstgorande_ersattare",
            "Bo Bark",
            "M",
            None,
            "Maria Gathendahl",
            "§ 80, 84-85",
        ),
        ("tjanstgorande_ersattare", "Gert Sven", "S", None, "Jon Thorbjörnson", "§ 85"),
        ("tjanstgorande_ersattare", "Lars Äng", "M", None, "Thomas Falck", None),
        ("ersattare", "Stefan Jägnert", "SD", None, None, None),
        ("ovriga", "Karl Persson", None, "förvaltningschef", None, None),
        ("ovriga", "Nina Magnusson", None, "kommunikationschef", None, None),
        ("ovriga", "Annika Rönnblom", None, "ågrenska", None, None),
    ]
    assert [(m.name, m.party) for m in minutes(front).adjusters] == [
        ("Per Gunnarsson", "S")
    ]


@pytest.mark.parametrize(
    ("entry", "attendee"),
    [
        (
            "Fredrik Hansson (C), 1:e vice ordförande deltar ej p.g.a. jäv, utan "
            "ersättare",
            ("C", "1:e vice ordförande", None, "deltar ej p.g.a. jäv, utan ersättare"),
        ),
        (
            "Mårten Carl (M) ersätter Dick Andersson (M) §§ 25-35, 37-65, deltar ej "
            "§ 36 p.g.a. jäv",
            ("M", None, "Dick Andersson", "§§ 25-35, 37-65, deltar ej § 36 p.g.a. jäv"),
        ),
        (
            "Marie Wadström (KD) ersätter Fredrik Kollberg (KD) vid § 130 p.g.a. jäv",
            ("KD", None, "Fredrik Kollberg", "vid § 130 p.g.a. jäv"),
        ),
        (
            "Osama Mesto (C) ersätter Karin Green (C) under punkt 1 och 2",
            ("C", None, "Karin Green", "under punkt 1 och 2"),
        ),
        (
            "Marie-Louise Alfvegren ersätter (M) Paul Blomdahl (M)",
            ("M", None, "Paul Blomdahl", None),
        ),
        (
            "Leif Gullvert (KB) §21 - del av §26 klockan 11.45",
            ("KB", None, None, "§21 - del av §26 klockan 11.45"),
        ),
        ("Karin Green (C) från punkt 4 18:00", ("C", None, None, "från punkt 4 18:00")),
        (
            "Andrea Egerlundh, rösträknare §§ 25- 26",
            (None, "rösträknare", None, "§§ 25-26"),
        ),
        (
            "Nadja Briefe, Sveriges Lärare, ej § 19",
            (None, "Sveriges Lärare", None, "ej § 19"),
        ),
        ("Lotta Kjellner, MAS, § 25", (None, "MAS", None, "§ 25")),
    ],
)
def test_an_entry_keeps_name_role_replaced_member_and_note_apart(entry, attendee):
    # Officials have titles, not parties: "MAS" is a title.
    group = "beslutande" if "(" in entry else "ovriga"
    [found] = parse_attendees(entry, group)
    assert (found.party, found.role, found.replaces, found.note) == attendee


def test_a_substitute_listed_among_substitutes_and_as_serving_is_serving():
    front = """\
HALLEBY KOMMUN
Nämnden för Gymnasium & Arbetsmarknad
Datum
2026-02-19
Ledamöter
Axel Storck (M), Ordförande
Shabnam Zamani (S), 2:e vice ordförande
Ersättare
Pontus Jensen (S) §§ 17-31
Tjänstgörande ersättare
Pontus Jensen (S) ersätter Shabnam
Zamani (S) §§ 13-16
"""
    assert ("Pontus Jensen", "tjanstgorande_ersattare", "Shabnam Zamani") in [
        (a.name, a.group, a.replaces) for a in minutes(front).attendance
    ]


# The real corpus --------------------------------------------------------------


@pytest.mark.parametrize(
    "expected_path",
    sorted((REAL / "expected").glob("*.json")),
    ids=lambda path: path.name[:2],
)
def test_every_real_documents_board_municipality_and_date_are_read(expected_path):
    expected = json.loads(expected_path.read_text())
    protocol = parse_protocol(
        (REAL / expected["file"]).read_text(), source=expected["file"]
    )
    checks = [
        check for check in score(expected, protocol) if check.path in FRONT_FIELDS
    ]
    assert len(checks) == len(FRONT_FIELDS)
    assert [str(check) for check in checks if not check.ok] == []


# Attendance of real documents, checked by hand against their front pages.


def test_the_attendance_of_kommunstyrelsens_arbetsutskott_2024_12_03():
    protocol = real("10")
    assert who(protocol) == [
        ("beslutande", "Lisa Andersson", "M", "ordförande", None, None),
        (
            "beslutande",
            "Fredrik Hansson",
            "C",
            "1:e vice ordförande",
            None,
            "deltar ej p.g.a. jäv, utan ersättare",
        ),
        ("beslutande", "Emanuel Forsell", "M", None, None, None),
        ("beslutande", "Magdalena Sundqvist", "S", None, None, None),
        ("beslutande", "Stefan Jägnert", "SD", None, None, None),
        ("beslutande", "Fredrik Kollberg", "KD", None, None, None),
        ("ovriga", "Andrea Egerlundh", None, "kommunsekreterare", None, None),
        ("ovriga", "Anders Johansson", None, "biträdande kommundirektör", None, None),
        ("ovriga", "Lovisa Eld", None, "samhällsbyggnadschef", None, None),
        (
            "ovriga",
            "Johan Gerremo",
            None,
            "verksamhetschef samhällsbyggnadskontoret",
            None,
            None,
        ),
    ]
    assert [(m.name, m.party) for m in protocol.adjusters] == [
        ("Emanuel Forsell", None)
    ]
    assert protocol.place == "Kungsbackarummet, Storgatan 37"


def test_the_attendance_of_kultur_och_fritid_2024_08_21_read_by_ocr():
    protocol = real("15")
    assert who(protocol) == [
        ("beslutande", "Annika Hedman", "C", "ordförande", None, None),
        ("beslutande", "Ulrika Jörgensen", "M", None, None, None),
        ("beslutande", "Charlotte Wallenstein", "M", None, None, None),
        ("beslutande", "Per Gunnarsson", "S", None, None, None),
        ("beslutande", "Birgitta Tingdal", "S", None, None, None),
        ("beslutande", "Torbjörn Andersson", "SD", None, None, None),
        ("beslutande", "Mats Dahl", "SD", None, None, None),
        ("beslutande", "Helene Engstrand", "KD", None, None, None),
        ("beslutande", "Jon Thorbjörnson", "V", None, None, None),
        (
            "tjanstgorande_ersattare",
            "Bo Barknertz",
            "M",
            None,
            "Maria Gathendahl",
            "§ 80, 84-85",
        ),
        (
            "tjanstgorande_ersattare",
            "Birgitta Gustafsson",
            "L",
            None,
            "Lena Hasslöf Gustafsson",
            "§ 80-85",
        ),
        (
            "tjanstgorande_ersattare",
            "Gert Svensson",
            "S",
            None,
            "Jon Thorbjörnson",
            "§ 85",
        ),
        ("ersattare", "Stefan Jägnert", "SD", None, None, None),
        ("ovriga", "Karl Persson", None, "förvaltningschef", None, None),
        ("ovriga", "Erik Norinder", None, "utvecklingsledare", None, None),
        ("ovriga", "Lisa Håkansson", None, "utvecklingschef", None, None),
        ("ovriga", "Malin Fjellström", None, "controller", None, None),
        ("ovriga", "Nina Magnusson", None, "kommunikationschef", None, None),
        ("ovriga", "Harald Tjelle", None, "utvecklingschef", None, None),
        ("ovriga", "Sofia Rosén", None, "verksamhetschef", None, None),
        ("ovriga", "Marie Persson", None, "verksamhetschef", None, None),
        ("ovriga", "Lina Almius Cederstav", None, "kommunikatör", None, None),
        ("ovriga", "Jessica Wibeck", None, "specialist Fritid", None, None),
        ("ovriga", "Andreas Hogfeldt", None, "enhetschef", None, None),
        ("ovriga", "Lena Öberg", None, "HR-specialist", None, None),
        ("ovriga", "Annika Rönnblom", None, "ågrenska", None, None),
    ]
    assert [(m.name, m.party) for m in protocol.adjusters] == [("Per Gunnarsson", "S")]


def test_the_attendance_of_nämnden_for_service_2025_08_28():
    protocol = real("16")
    assert who(protocol) == [
        ("beslutande", "Fredrik Hansson", "C", "ordförande", None, None),
        ("beslutande", "Max Ramström", "M", "vice ordförande", None, None),
        ("beslutande", "Per-Axel Carlsson", "M", None, None, None),
        ("beslutande", "Leif Ytterström", "M", None, None, None),
        ("beslutande", "Susann Petrusson", "S", None, None, None),
        ("beslutande", "Anna-Karin Granberg", "SD", None, None, None),
        ("beslutande", "Thomas Lundberg", "MP", None, None, None),
        ("ersattare", "Kent Stenhammar", "S", None, None, None),
        ("ersattare", "Stefan Jägnert", "SD", None, None, None),
        ("ersattare", "Eirik Langjord", "L", None, None, None),
        ("ersattare", "Marie Wadström", "KD", None, None, None),
        (
            "ovriga",
            "Julia Tryggvadottir Tollesson",
            None,
            "förvaltningschef",
            None,
            None,
        ),
        ("ovriga", "Johan Burman", None, "biträdande förvaltningschef", None, None),
        ("ovriga", "Namita Magnusson", None, "nämndsekreterare", None, None),
        ("ovriga", "Mats Söderström", None, "verksamhetschef Fastighet", None, "§ 61"),
        ("ovriga", "Peter Gulin", None, "enhetschef Fastighet", None, "§ 61"),
        (
            "ovriga",
            "Maria Rosenberg",
            None,
            "verksamhetschef Lokalförsörjning",
            None,
            "§ 62",
        ),
    ]
    assert [(m.name, m.party) for m in protocol.adjusters] == [
        ("Thomas Lundberg", "MP")
    ]


def test_substitutes_and_whom_they_replace_in_real_documents():
    serving = {
        number: [
            (a.name, a.replaces, a.note)
            for a in real(number).attendance
            if a.group == "tjanstgorande_ersattare"
        ]
        for number in ("01", "05", "22", "24")
    }
    assert serving == {
        "01": [("Marie Wadström", "Fredrik Kollberg", "vid § 130 p.g.a. jäv")],
        "05": [
            (
                "Mårten Carlquist",
                "Dick Andersson",
                "§§ 25-35, 37-65, deltar ej § 36 p.g.a. jäv",
            ),
            ("Anders Bergstedt", "Dick Andersson", "§ 36"),
        ],
        "22": [
            ("Stefan Jägnert", "Torbjörn Andersson", None),
            ("Helena Nyborg", "Peter Wesley", "del av §§ 35-38"),
            ("Ulf Hellgesson", "Karin Wiberg Selerud", "del av §§ 35-38"),
        ],
        "24": [
            ("Marie-Louise Alfvegren", "Paul Blomdahl", None),
            ("David Dagemark", "Per Stenberg", None),
            ("Agnetha Törnberg", "Sofia Hansen", None),
            ("Göran Ottosson", "Susanne Andersson", None),
        ],
    }
    # "Magdalena Sundqvist (S), 2:e vice | p.g.a. jäv" / "ordförande": the
    # role goes on below; the note belongs to the right-hand column.
    magdalena = next(a for a in real("01").attendance if a.name.startswith("Magda"))
    assert (magdalena.role, magdalena.note) == ("2:e vice ordförande", None)


def test_no_heading_or_signature_is_read_as_a_person_in_the_real_corpus():
    for path in sorted(REAL.glob("*.txt")):
        protocol = parse_protocol(path.read_text(), source=path.name)
        people = [a.name for a in protocol.attendance]
        people += [m.name for m in protocol.adjusters]
        assert not [
            name
            for name in people
            if name.isupper() or "KOMMUN" in name or "Paragrafer" in name
        ], path.name


def test_a_real_secretary_is_not_run_into_the_paragraphs_label():
    assert (
        ParsedAttendee("Erik Norinder", None, "ovriga", "utvecklingsledare")
        in real("15").attendance
    )


def test_a_wrapped_label_for_the_adjustment_gives_no_meeting_date():
    text = """\
Socialnämnden
Plats och tid för   Stadshuset, Storgatan 1, klockan 09.00-12.00
sammanträde
Plats och tid för
justering            Digitalt 2024-05-08
Datum  2024-05-02

§ 5 Dnr SN 2024/3
Budget
Beslut
Nämnden antar budgeten.
"""
    protocol = parse_protocol(text, source="x.txt")
    assert protocol.meeting_date.isoformat() == "2024-05-02"
    assert protocol.place == "Stadshuset, Storgatan 1"
