"""The shapes real minutes come in, one general rule per test.

Each text is written after the real protocols in tests/fixtures/real/, with
names and numbers changed; none is one town's template.
"""

from decisions.parser import parse_protocol
from decisions.parser.text import first_sentence, join_lines

CONTENTS = """\
ÖSTERBY KOMMUN                 SAMMANTRÄDESPROTOKOLL
Socialnämnden
Datum
2024-03-01

Innehåll

§ 21 Dnr SN-2024-00001
Förändring av ärendelistan ............................................ 3
§ 22
Sekretess ............................................................. 3
§ 23 Dnr SN-2024-00007
Budget 2025 för socialnämnden och uppföljning av verksamhetsplanen
2024 ........................................................................... 4
Det här dokumentet är digitalt signerat
Transaktionsidentitet: 05C0886AA8D28435D5CAD40C30CDD419AFA3039D1A

§ 21                       Dnr SN-2024-00001
Förändring av ärendelistan

Beslut
Socialnämnden godkänner ärendelistan.

§ 23                       Dnr SN-2024-00007
Budget 2025 för socialnämnden och uppföljning av verksamhetsplanen
2024

Beslut – Förslag till kommunfullmäktige
Kommunfullmäktige antar budgeten, daterad 2024-
02-20.

Beslutsgång
Ordförande prövar förslaget och finner att nämnden bifaller det.
"""


def test_the_contents_are_a_cross_check_never_the_paragraphs():
    protocol = parse_protocol(CONTENTS, source="x.txt")
    assert [p.number for p in protocol.paragrafer] == ["21", "22", "23"]
    first, secret, budget = protocol.paragrafer
    assert first.title == "Förändring av ärendelistan"
    assert first.decision == "Socialnämnden godkänner ärendelistan."
    # Listed in the contents only: kept as a secret placeholder with its title.
    assert secret.confidential and secret.title == "Sekretess"
    assert secret.decision == "" and secret.text == ""
    assert any("§ 22 står i innehållsförteckningen" in w for w in protocol.warnings)
    # A title broken over lines is joined by a space; the variant heading
    # "Beslut – Förslag till kommunfullmäktige" is the decision, and a date
    # broken at its dash is whole again.
    assert budget.title == (
        "Budget 2025 för socialnämnden och uppföljning av verksamhetsplanen 2024"
    )
    assert budget.dnr == "SN-2024-00007"
    assert budget.decision == "Kommunfullmäktige antar budgeten, daterad 2024-02-20."
    assert "Transaktionsidentitet" not in " ".join(p.text for p in protocol.paragrafer)


def test_ocr_dollar_signs_are_paragraph_signs_with_a_warning():
    text = CONTENTS.replace("§ 21  ", "$ 21  ").replace("§ 23  ", "$23  ")
    protocol = parse_protocol(text, source="x.txt")
    assert [p.number for p in protocol.paragrafer] == ["21", "22", "23"]
    assert any("'$' eller '8' läst som '§'" in w for w in protocol.warnings)


def test_presence_notes_on_the_front_page_are_not_paragraphs():
    text = """\
Byggnadsnämnden
Datum 2024-02-22
Beslutande    Anna Berg (M), ordförande
Per Ek (S)
§§ 25-33
Ulf Dal, planarkitekt
§ 28
Paragrafer §§ 31-32

Innehåll
§ 31 Dnr BN-2024-00013
Bygglov för Tallen 1:2 ......................... 3
§ 32 Dnr BN-2024-00014
Bygglov för Eken 3:4 ........................... 4

§ 31 Dnr BN-2024-00013
Bygglov för Tallen 1:2
Beslut
Byggnadsnämnden beviljar bygglov.

§ 32 Dnr BN-2024-00014
Bygglov för Eken 3:4
Beslut
Byggnadsnämnden avslår ansökan.
"""
    protocol = parse_protocol(text, source="x.txt")
    assert [p.number for p in protocol.paragrafer] == ["31", "32"]


def test_a_cited_bylaw_section_opens_no_paragraph():
    text = """\
§ 64 Dnr TE-2026-00065
Vatten- och avloppstaxa 2027
Beslut
Nämnden antar taxan, med dessa ändringar:
§ 14.1, om brukningsavgift, justeras så den hänvisar till aktuell standard.
§ 18 kompletteras med avgift för borttappad nyckel.
"""
    protocol = parse_protocol(text, source="x.txt")
    assert [p.number for p in protocol.paragrafer] == ["64"]
    assert "§ 14.1" in protocol.paragrafer[0].decision


def test_an_item_decided_elsewhere_has_no_decision():
    text = """\
§ 22 Dnr VO-2024-00167
Årsredovisning 2024
Omedelbar justering. Se separat protokoll.

§ 23 Dnr VO-2024-00170
Ärende om bistånd
Beslut
Paragrafen direktjusterad, se separat protokoll.

§ 24 Dnr VO-2024-00171
Avgifter
Ärendet utgår.
"""
    protocol = parse_protocol(text, source="x.txt")
    assert [p.decision for p in protocol.paragrafer] == ["", "", ""]
    assert "Omedelbar justering" in protocol.paragrafer[0].text
    assert any("beslutet står inte här" in w for w in protocol.warnings)


def test_a_committees_draft_is_its_decision_when_no_decision_heading():
    text = """\
§ 72 Dnr FG-2025-00002
Samverkansprotokoll 2025

Förslag till beslut

Nämnden har tagit del av informationen.

Beslutsgång
Ordförande prövar om utskottet kan notera informationen.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    assert paragraf.decision == "Nämnden har tagit del av informationen."


def test_a_motions_proposal_is_not_the_decision():
    text = """\
§ 5 Dnr KS 2024/9
Motion om broddar
Förslag till beslut på sammanträdet
Anna Berg (S) föreslår att motionen bifalls.
Beslut
Kommunfullmäktige avslår motionen.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    assert paragraf.decision == "Kommunfullmäktige avslår motionen."


def test_a_title_with_a_report_number_keeps_it_when_the_heading_gave_the_dnr():
    text = """\
§ 7 Dnr BN-2024-00031
Svar på remiss av betänkandet Areella näringar vid vatten
(SOU 2023:103)
Beslut
Nämnden lämnar yttrande.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    assert paragraf.dnr == "BN-2024-00031"
    assert paragraf.title.endswith("vid vatten (SOU 2023:103)")


def test_first_sentence_follows_how_decisions_are_written():
    # A lead-in's colon goes on into the sentence it opens...
    assert first_sentence(
        join_lines(["Revisionen beslutar att ge:", "", "Anna Berg arvode för mötet."])
    ) == ("Revisionen beslutar att ge: Anna Berg arvode för mötet.")
    # ...but not into a list.
    assert (
        first_sentence(join_lines(["Nämnden föreslår taxor för:", "1. Biblioteken"]))
        == "Nämnden föreslår taxor för:"
    )
    # A block without a full stop ends where a table or a blank line follows.
    assert (
        first_sentence(
            join_lines(["Nämnden sammanträder år 2026", "20 januari  16 juni"])
        )
        == "Nämnden sammanträder år 2026"
    )
    assert (
        first_sentence(
            join_lines(["Räkningen börjar klockan 9.10", "", "Resultat finns."])
        )
        == "Räkningen börjar klockan 9.10"
    )
    # Abbreviations end no sentence; a bullet is no part of it.
    assert (
        first_sentence("- Nämnden antar planen enl. bilaga, m.fl. handlingar. Sedan.")
        == "Nämnden antar planen enl. bilaga, m.fl. handlingar."
    )
    assert first_sentence("Kommunen avslår. Sedan.") == "Kommunen avslår."


def test_blank_lines_after_every_line_carry_no_meaning():
    text = """\
§ 3 Dnr KS 2016/1

Motion om cykelbanor

Reservation

Ledamoten Hanna Öst (L) och tjänstgörande ersättaren

Erik Wall (L) reserverar sig mot beslutet.

Beslut

Kommunstyrelsen avslår motionen.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    [reservation] = paragraf.reservations
    assert [m.name for m in reservation.members] == ["Hanna Öst", "Erik Wall"]


def test_a_vote_tables_totals_row_gives_the_counts():
    text = """\
§ 80 Dnr KFT-2024-00221
Taxor och avgifter
Beslut
Nämnden föreslår kommunfullmäktige att anta nya taxor.
Omröstningsresultat
Ledamot              JA   NEJ   AVSTÅR   JÄV
Anna Berg (C)        X
Per Ek (S)                X
6 5 0
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    [vote] = paragraf.votes
    assert vote.counts == {"ja": 6, "nej": 5, "avstar": 0}


def test_a_dnr_in_the_title_cites_another_case_when_the_heading_gave_one():
    text = """\
§ 75 Dnr FG-2024-00341
Överklagande av § 43/24 Dnr 2024-00239 - Konsekvensanalys av
besparingar på skolan (Mål nr 5544-24)
Beslut
Nämnden antar yttrandet.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    assert paragraf.dnrs == ["FG-2024-00341"]
    assert paragraf.title == (
        "Överklagande av § 43/24 Dnr 2024-00239 - Konsekvensanalys av "
        "besparingar på skolan (Mål nr 5544-24)"
    )


def test_an_unfilled_template_field_is_no_reservation():
    text = """\
§ 21 Dnr GA-2021-00287
Årsredovisning
Beslut
Nämnden godkänner årsredovisningen.
Reservation
Klicka eller tryck här för att ange text.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    assert paragraf.reservations == []


def test_a_heading_that_opens_every_page_is_content_not_a_running_header():
    words = ["vägar", "skolor", "parker", "hamnar"]
    pages = [
        f"§ {n} Ärende om {word}\nTekniska nämndens beslut\n"
        f"Nämnden beslutar om {word}.\n"
        f"Bakgrund\nFörvaltningen har utrett {word}.\nUtredningen om {word} är klar.\n"
        f"Beslutet om {word} skickas till kommunstyrelsen.\nSlut på {word}.\n"
        for n, word in enumerate(words, start=1)
    ]
    protocol = parse_protocol("\f".join(pages), source="x.txt")
    assert [p.decision for p in protocol.paragrafer] == [
        f"Nämnden beslutar om {word}." for word in words
    ]


def test_parties_reserving_as_groups():
    text = """\
§ 5 Dnr KS 2024/9
Motion om broddar
Beslut
Kommunfullmäktige avslår motionen.
Reservation
Sverigedemokraterna och (V)-gruppen reserverar sig mot beslutet.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    [reservation] = paragraf.reservations
    assert reservation.members == [] and reservation.parties == ["SD", "V"]


def test_a_reservation_without_a_heading_of_its_own():
    text = """\
§ 5 Dnr KS 2024/9
Motion om broddar
Beslut
Kommunfullmäktige avslår motionen.
Beslutsgång
Ordföranden finner bifall. Mot beslutet reserverar sig Anna Berg (M) och Per Ek (M).
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    [reservation] = paragraf.reservations
    assert [(m.name, m.party) for m in reservation.members] == [
        ("Anna Berg", "M"),
        ("Per Ek", "M"),
    ]


def test_an_unlabelled_case_number_opening_the_heading():
    text = """\
§ 5 0123/19
Yttrande över remiss om ny hamn
Beslut
Kommunstyrelsen antar yttrandet.

§ 6 N123-0456/19 Motion om cykelbanor
Beslut
Motionen avslås.
"""
    protocol = parse_protocol(text, source="x.txt")
    assert [(p.dnr, p.title) for p in protocol.paragrafer] == [
        ("0123/19", "Yttrande över remiss om ny hamn"),
        ("N123-0456/19", "Motion om cykelbanor"),
    ]


def test_a_decision_without_a_heading_that_says_who_decides():
    text = """\
§ 41
Dnr 2012/0511 KS-19
Budget 2013

Kommunstyrelsen beslutar

att föreslå kommunfullmäktige att anta budgeten.

Omröstning
Med 7 ja-röster mot 4 nej-röster beslutar kommunstyrelsen enligt förslaget.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    assert paragraf.title == "Budget 2013"
    assert paragraf.decision == (
        "Kommunstyrelsen beslutar att föreslå kommunfullmäktige att anta budgeten."
    )
    assert paragraf.votes[0].counts == {"ja": 7, "nej": 4, "avstar": 0}


def test_att_clauses_and_list_labels_end_a_lead_in():
    text = """\
§ 121 Diarienummer 00545/20241.1.1.
Svar på motion om upphandling
Beslut
Kommunfullmäktige beslutar:
Att anse att-satserna ett och tre som besvarade.
Att avslå att-satsen två.

§ 186 Diarienummer 00366/2022
Val till byggnadsnämnden
Beslut
Följande personer väljs till byggnadsnämnden för mandatperioden 1 januari 2023 till 31
december 2026:
Ledamöter
Tomas Berg (S)
"""
    first, second = parse_protocol(text, source="x.txt").paragrafer
    assert first_sentence(first.decision) == "Kommunfullmäktige beslutar:"
    # The archive's filing code run into the case number is not the case's.
    assert first.dnr == "00545/2024"
    assert first_sentence(second.decision) == (
        "Följande personer väljs till byggnadsnämnden för mandatperioden "
        "1 januari 2023 till 31 december 2026:"
    )


def test_votes_counted_in_parentheses_and_groups_named_by_code():
    text = """\
§ 276 Ärendenummer SLK-2024-00009
Tilläggsyrkande om budget
Beslut
Kommunstyrelsen avslår tilläggsyrkandet.
Omröstning
Anna Berg (M), Per Ek (V), Eva Ås (S), Lars Ly (L) röstar Ja (11).
Martin Wall (D) och Jörgen Fors (SD) röstar Nej (2).
Reservation
Ledamöterna från SD reserverar sig mot beslutet.
"""
    [paragraf] = parse_protocol(text, source="x.txt").paragrafer
    assert paragraf.votes[0].counts == {"ja": 11, "nej": 2, "avstar": 0}
    assert paragraf.reservations[0].parties == ["SD"]


def test_a_title_wraps_over_lines_but_ends_before_the_body():
    text = """\
§ 273 Ärendenummer SLK-2026-00428
Revidering av 9 § i det gemensamma och likalydande kapitel
3 i reglementena för kommunstyrelsen och övriga nämnder
samt 9 § i fullmäktiges arbetsordning med anledning av
ändringar i kommunallagen
Beslut
Enligt kommunstyrelsens förslag.

§ 388 Ärendenummer SLK-2024-00009
Anmälan av beslut att utse Özlem Sigirci (V) till ny ersättare i stället för Jenny
Perez Grannas (V)
Länsstyrelsen har den 18 september 2024 beslutat utse en ny ersättare.
Beslut
Länsstyrelsens beslut antecknas.
"""
    first, second = parse_protocol(text, source="x.txt").paragrafer
    assert first.title == (
        "Revidering av 9 § i det gemensamma och likalydande kapitel 3 i reglementena "
        "för kommunstyrelsen och övriga nämnder samt 9 § i fullmäktiges arbetsordning "
        "med anledning av ändringar i kommunallagen"
    )
    assert second.title.endswith("i stället för Jenny Perez Grannas (V)")


def test_board_and_date_from_a_page_header_left_in_an_extract():
    text = """\
§ 277 Ärendenummer SLK-2026-00212
Budget för Mölndals Stad
Beslut
Kommunfullmäktige antar budgeten.

12 (100)

Kommunfullmäktige

Protokoll nr 7
Sammanträdesdatum: 2026-09-03

Reservation
Ledamöterna från SD reserverar sig mot beslutet.
"""
    protocol = parse_protocol(text, source="x.txt")
    assert protocol.namnd == "Kommunfullmäktige"
    assert protocol.meeting_date.isoformat() == "2026-09-03"
    assert protocol.kommun_mentioned == "Mölndals stad"


def test_the_board_that_opens_the_decision():
    text = """\
§ 229 Diarienummer 00191/2024
Delårsrapport 2024
Beslut
Kommunstyrelsen godkänner delårsrapporten för 2024.
"""
    assert parse_protocol(text, source="x.txt").namnd == "Kommunstyrelsen"


def test_a_federations_extract():
    text = """\
SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum 2025-03-12
1 (1)

§ 27              Dnr 2024/88

Taxa för sotning

Beslut
Förbundsstyrelsen överlämnar till medlemskommunerna att besluta:
1\\. att anta Taxa sotning i enlighet med bilaga 1,
2\\. att anta Frister sotning i enlighet med bilaga 2.

Protokollsanteckning
Jörgen Berg (SD och Stefan Ås (SD) reserverar sig till förmån för eget förslag.

Räddningstjänstförbundet Storgöteborg har tagit fram taxan. Räddningstjänstförbundet
Storgöteborg är ett kommunalförbund. Kungsbacka kommun är inte medlem.
"""
    protocol = parse_protocol(text, source="x.txt")
    [paragraf] = protocol.paragrafer
    assert protocol.namnd == "Förbundsstyrelsen"
    assert protocol.kommun_mentioned == "Räddningstjänstförbundet Storgöteborg"
    # Markdown's escaped "1\\." is a list number.
    assert first_sentence(paragraf.decision) == (
        "Förbundsstyrelsen överlämnar till medlemskommunerna att besluta:"
    )
    [reservation] = paragraf.reservations
    assert [(m.name, m.party) for m in reservation.members] == [
        ("Jörgen Berg", "SD"),
        ("Stefan Ås", "SD"),
    ]


def test_a_flattened_extract_names_its_board_and_date_in_a_header_mid_line():
    text = (
        "§ 388 Ärendenummer SLK-2024-00009 Anmälan av länsstyrelsens beslut att utse "
        "Anna Berg (V) till ny ersättare i kommunfullmäktige. Länsstyrelsen har den "
        "18 september 2024 beslutat utse Anna Berg (V) till ny ersättare. Beslut "
        "Länsstyrelsens beslut antecknas. 5 (101) Kommunfullmäktige Protokoll nr 9 "
        "Sammanträdesdatum: 2024-10-10"
    )
    protocol = parse_protocol(text, source="x.txt")
    assert protocol.namnd == "Kommunfullmäktige"
    assert protocol.meeting_date.isoformat() == "2024-10-10"
    assert protocol.paragrafer[0].decision.startswith(
        "Länsstyrelsens beslut antecknas."
    )


def test_a_running_header_flattened_into_one_line_names_the_board():
    text = """\
SAMMANTRÄDESPROTOKOLL Kommunrevisionen
Datum 2024-11-18

§ 13 Dnr KR-2024-00001
Beslut om arvode
Beslut
Kommunrevisionen beslutar att ge arvode.
"""
    assert parse_protocol(text, source="x.txt").namnd == "Kommunrevisionen"


def test_a_stub_run_into_the_title_is_the_body():
    text = (
        "§ 22 Dnr VO-2024-00167 Årsredovisning 2024 - Nämnden för Vård & Omsorg "
        "Omedelbar justering. Se separat protokoll. § 23 Dnr VO-2024-00168 "
        "Budget 2027 Beslut Nämnden antar budgeten. Sammanfattning av ärendet "
        "Förvaltningen har tagit fram ett förslag till budget för år 2027. "
        "Beslutsgång Ordförande prövar förslaget och finner att nämnden bifaller det."
    )
    first, second = parse_protocol(text, source="x.txt").paragrafer
    assert first.title == "Årsredovisning 2024 - Nämnden för Vård & Omsorg"
    assert first.decision == ""
    # "Budget 2027" has no separator a case number has: it is a title.
    assert (second.dnr, second.title) == ("VO-2024-00168", "Budget 2027")


def test_ocr_paragraph_signs_mid_line_in_flattened_text():
    page = (
        "Ärende {n} av tre. Nämnden för Kultur sammanträdde. Datum "
        "2026-05-20 $ {p} Dnr KFT-2026-000{p} Ärende nummer {p} om bibliotek Beslut "
        "Nämnden noterar informationen om ärende {p} till protokollet. Sammanfattning "
        "av ärendet Förvaltningen redovisar läget för biblioteken i kommunen."
    )
    text = "\n".join(page.format(n=n, p=50 + n) for n in range(1, 4))
    protocol = parse_protocol(text, source="x.txt")
    assert [p.number for p in protocol.paragrafer] == ["51", "52", "53"]
    assert protocol.paragrafer[1].decision.startswith(
        "Nämnden noterar informationen om ärende 52"
    )
