"""The attachments (bilagor) a paragraph names, read by the parser alone.

The lists and sentences below are taken from the real minutes in
tests/fixtures/real/ and ../shared/real-minutes/ (Kungsbacka, Göteborg,
the RSG and GR federations) and the corpus's shapes of other
municipalities; the rules they test are general, none is one town's.
"""

from __future__ import annotations

from decisions.parser import (
    ParsedProtocol,
    parse_protocol,
    protocol_as_json,
    protocol_from_data,
    protocol_to_data,
)

HEAD = """\
Sjöbacka kommun
Kommunstyrelsen
SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum 2025-06-17

"""
END = """
ANSLAG/BEVIS
Organ: Kommunstyrelsen
"""


def read(body: str, head: str = HEAD) -> ParsedProtocol:
    return parse_protocol(head + body + END, source="protokoll.txt")


def attachments(body: str, number: str = "1", head: str = HEAD) -> list[tuple]:
    protocol = read(body, head)
    paragraf = next(p for p in protocol.paragrafer if p.number == number)
    return [(a.label, a.title) for a in paragraf.attachments]


def test_each_document_of_a_beslutsunderlag_list_is_named_once_its_lines_joined():
    # Kungsbacka kommunstyrelsen 2025-06-17 § 134 and § 140: items wrap after
    # a comma and after "i", and a date stands on a line of its own.
    body = """\
§ 1 Dnr KS 2025-00123
Utvecklingscenter för innovation

Beslut
Kommunstyrelsen godkänner förslaget.

Beslutsunderlag
Kommunstyrelsens arbetsutskott 2025-06-03, § 172
Kommunledningskontorets tjänsteskrivelse, 2025-05-12
Presentation – arbetet med ett utvecklingscenter för innovation och utveckling,

2025-04-25
Länsstyrelsen i Hallands län - Förslag till bildande av Fälareds naturreservat i
Kungsbacka kommun, 2025-04-04
Boverkets rapport Uppdrag att utveckla reformen med certifierade
byggprojekteringsföretag, rapport 2025:2
Kommunledningskontorets tjänsteskrivelse, 2025-05-12

Beslutsgång
Ordförande Lisa Andersson (M) finner att kommunstyrelsen bifaller förslaget.
"""
    assert attachments(body) == [
        ("Beslutsunderlag", "Kommunstyrelsens arbetsutskott 2025-06-03, § 172"),
        ("Beslutsunderlag", "Kommunledningskontorets tjänsteskrivelse, 2025-05-12"),
        (
            "Beslutsunderlag",
            "Presentation – arbetet med ett utvecklingscenter för innovation och "
            "utveckling, 2025-04-25",
        ),
        (
            "Beslutsunderlag",
            "Länsstyrelsen i Hallands län - Förslag till bildande av Fälareds "
            "naturreservat i Kungsbacka kommun, 2025-04-04",
        ),
        (
            "Beslutsunderlag",
            "Boverkets rapport Uppdrag att utveckla reformen med certifierade "
            "byggprojekteringsföretag, rapport 2025:2",
        ),
    ]


def test_a_listed_attachment_keeps_its_own_label_and_title():
    # Kungsbacka teknik 2026-06-17 § 64 and individ & familjeomsorg
    # 2025-03-20 § 27: "Bilaga A - …", "Bilaga: …", and a "bilaga" with no
    # number of its own, which is the document's part, not a label.
    body = """\
§ 1 Dnr TN 2026-00077
Vatten- och avloppstaxa 2027

Beslut
Nämnden föreslår kommunfullmäktige att anta taxan.

Beslutsunderlag

Förvaltningen för Tekniks tjänsteskrivelse inklusive bilaga med simuleringar, 2026-
06-08
Bilaga A - Vatten & Avloppstaxa 2027
Bilaga: Uppgifter som ska lämnas i samband med begäran om dispens: Risk &
Konsekvensanalyser, 2025-02-11
"""
    assert attachments(body) == [
        (
            "Beslutsunderlag",
            "Förvaltningen för Tekniks tjänsteskrivelse inklusive bilaga med "
            "simuleringar, 2026-06-08",
        ),
        ("Bilaga A", "Vatten & Avloppstaxa 2027"),
        (
            "Bilaga",
            "Uppgifter som ska lämnas i samband med begäran om dispens: Risk & "
            "Konsekvensanalyser, 2025-02-11",
        ),
    ]


def test_a_mention_in_the_decision_takes_its_title_from_the_list():
    # Kungsbacka kommunstyrelsen 2025-06-17 § 148: "bilaga 1-19" in the
    # decision first, its title in the Beslutsunderlag list; one entry, in
    # the place first named, the range kept as printed.
    body = """\
§ 1 Dnr KS 2025-00345
Verksamhetsområden för vatten och avlopp

Beslut
Kommunfullmäktige fastställer nya verksamhetsområden i enlighet med bilaga 1-19,
daterad 2025-01-31.

Beslutsunderlag
Samhällsbyggnadskontorets tjänsteskrivelse, 2025-04-30
Förvaltningen för Tekniks tjänsteskrivelse, bilaga 1-19, 2025-01-31
"""
    assert attachments(body) == [
        ("Bilaga 1–19", "Förvaltningen för Tekniks tjänsteskrivelse, 2025-01-31"),
        ("Beslutsunderlag", "Samhällsbyggnadskontorets tjänsteskrivelse, 2025-04-30"),
    ]


def test_mentions_in_the_text_are_named_each_once_without_a_guessed_title():
    # Kungsbacka gymnasium & arbetsmarknad 2024-12-19 ("bilaga 1a och
    # bilaga 1b"), the RSG's taxa ("i enlighet med bilaga 1, med stöd av")
    # and the corpus's "bilagorna 2 och 3", "(bilaga 4)".
    body = """\
§ 1 Dnr GA 2024-00211
Budget 2025

Beslut
1. Nämnden antar Taxa sotning och rengöring, i enlighet med bilaga 1, med stöd av
3 kap. 6 § lag om skydd mot olyckor.
2. Nämnden antar budgeten enligt bilagorna 2 och 3.

Ärendet
Förvaltningen har sammanställt underlag vilket redovisas i bilaga 1a och bilaga 1b.
Hur var och en har röstat framgår av bilaga 2.

Reservation
Lotta Hed (SD) reserverar sig mot beslutet med en skriftlig reservation (bilaga 4).
"""
    assert attachments(body) == [
        ("Bilaga 1", ""),
        ("Bilaga 2", ""),
        ("Bilaga 3", ""),
        ("Bilaga 1a", ""),
        ("Bilaga 1b", ""),
        ("Bilaga 4", ""),
    ]


def test_a_short_name_opening_the_sentence_is_the_title():
    # Alunda's and Ekeby's "Reservation, se bilaga 2.", "Omröstningslista,
    # se bilaga 3."; a line opening with the label gives the rest of it.
    body = """\
§ 1 Dnr KS 2021/77
Mål och budget 2022–2024

Beslut
Mål och budget 2022–2024 fastställs enligt bilaga 1.

Beslutsgång
Omröstningen utföll med 21 ja-röster och 9 nej-röster. Omröstningslista, se bilaga 3.

Reservation
Sverigedemokraternas ledamöter reserverar sig mot beslutet. Reservation, se bilaga 2.
"""
    assert attachments(body) == [
        ("Bilaga 1", ""),
        ("Bilaga 3", "Omröstningslista"),
        ("Bilaga 2", "Reservation"),
    ]


def test_another_paragraphs_or_an_agreements_attachment_is_not_this_ones():
    # Kungsbacka individ & familjeomsorg 2025-03-20: "AB:s Bilaga J" is the
    # collective agreement's; "KS § 187 bilaga 3" another body's paragraph's.
    body = """\
§ 1 Dnr IFO 2025-00012
Undantag från arbetstidsregler

Ärendet
Vid läger tillämpas AB:s Bilaga J i verksamheter där arbetstid kombineras med
jour. Kommunstyrelsen beslutade om ramarna i KS § 187 bilaga 3.

Beslut
Nämnden beviljar undantaget.
"""
    assert attachments(body) == []


def test_another_documents_attachment_is_named_with_it():
    # Göteborg kommunfullmäktige 2026-09-03 and Kungsbacka förskola &
    # grundskola 2026-05-20: "bilaga 2 till stadsledningskontorets
    # tjänsteutlåtande" is that document's; a body sent a bilaga is no
    # document it belongs to.
    body = """\
§ 1 Dnr 0871/24
Ändrat reglemente

Beslut
1. Reglementet ändras i enlighet med bilaga 2 till stadsledningskontorets
tjänsteutlåtande.
2. Yttrandet överlämnas som bilaga 3 till kommunfullmäktige.

Beslutsunderlag
Tjänsteskrivelse 2026-04-29. Användande av resultatfond, två-lärarsystem.

Bilaga 1 till Ansökan om uttag ur resultatfond 2-lärarsystem i matematik.
"""
    assert attachments(body) == [
        ("Bilaga 2 till stadsledningskontorets tjänsteutlåtande", ""),
        ("Bilaga 3", ""),
        (
            "Beslutsunderlag",
            "Tjänsteskrivelse 2026-04-29. Användande av resultatfond, två-lärarsystem",
        ),
        (
            "Bilaga 1 till Ansökan om uttag ur resultatfond 2-lärarsystem i matematik",
            "",
        ),
    ]


def test_the_case_documents_attachment_named_twice_is_one():
    # The decision cites "bilaga 1 till tjänsteutlåtandet"; the basis lists
    # the tjänsteutlåtande and "Bilaga 1, Verksamhetsbidrag 2024": one
    # attachment, with the document it belongs to and its title. "Bilaga,
    # Avgifter 2025" is one without a number.
    body = """\
§ 1 Dnr KFN 2024/12
Föreningsbidrag 2024

Beslut
1. Nämnden beviljar verksamhetsbidrag enligt bilaga 1 till tjänsteutlåtandet.

Beslutsunderlag
Tjänsteutlåtande 2024-04-02
Bilaga 1, Verksamhetsbidrag 2024
Bilaga, Avgifter 2025
"""
    assert attachments(body) == [
        ("Bilaga 1 till tjänsteutlåtandet", "Verksamhetsbidrag 2024"),
        ("Beslutsunderlag", "Tjänsteutlåtande 2024-04-02"),
        ("Bilaga", "Avgifter 2025"),
    ]


def test_a_list_stops_where_it_runs_into_prose_under_an_unknown_heading():
    # Kungsbacka byggnadsnämnden 2026-04-15 § 69 and förskola & grundskola
    # 2026-05-20 § 53: headings the parser does not know, then what was said.
    body = """\
§ 1 Dnr BN 2021-00112
Detaljplan för Kyvik

Beslut
Byggnadsnämnden antar detaljplanen.

Beslutsunderlag
Samhällsbyggnadskontorets tjänsteskrivelse, 2026-04-09
Planförslag med plankarta och planbeskrivning, 2025-11-04, reviderad 2026-04-14
Ärendets behandling på sammanträdet
Under behandlingen av ärendet redogör samhällsbyggnadskontoret för att plankarta,
planbeskrivning och sammanställning av inkomna granskningsyttranden har reviderats
2026-04-14. De reviderade handlingarna har tillförts sammanträdet.
Byggnadsnämnden har inget att erinra mot redogörelsen.

§ 2 Dnr FG 2026-00340
Två-lärarsystem i matematik

Beslut
Nämnden avsätter resultatfond till projektet.

Beslutsunderlag
Tjänsteskrivelse, 2026-04-29
Förslag till beslut under sammanträdet
Jörgen Fogelklou (SD) och Stefan Jägnert (SD) föreslår en ändring.
"""
    assert attachments(body) == [
        ("Beslutsunderlag", "Samhällsbyggnadskontorets tjänsteskrivelse, 2026-04-09"),
        (
            "Beslutsunderlag",
            "Planförslag med plankarta och planbeskrivning, 2025-11-04, reviderad "
            "2026-04-14",
        ),
    ]
    assert attachments(body, "2") == [
        ("Beslutsunderlag", "Tjänsteskrivelse, 2026-04-29")
    ]


def test_a_short_protocols_running_header_and_a_run_in_heading_end_no_list():
    # GR förbundsstyrelsen 2026-02-27 and RSG 2025-03-12: a protocol of two
    # pages keeps its running header, and "Beslutet skickas till …" is run
    # into its first recipient.
    body = """\
§ 1 Dnr 2025-0033
Rambudget 2027

Beslut
Förbundsstyrelsen godkänner samrådsunderlaget.

Beslutsunderlag

Förslag till samrådsunderlag rambudget 2027
Plan- och detaljbudget 2026
Sida
Sammanträdesdatum
2026-02-27
Förbundsstyrelsen
Beslutet skickas till förbundets medlemskommuner
"""
    assert attachments(body) == [
        ("Beslutsunderlag", "Förslag till samrådsunderlag rambudget 2027"),
        ("Beslutsunderlag", "Plan- och detaljbudget 2026"),
    ]


def test_a_bilagor_list_and_the_handlingar_list_label_their_items():
    # Göteborg kommunstyrelsen 2024-04-10 ("Handlingar"), and a "Bilagor"
    # list of the attachments themselves, numbered or not.
    body = """\
§ 1 Dnr 0347/24
Yttrande över remiss

Handlingar

Stadsledningskontorets tjänsteutlåtande den 7 mars 2024.
Yttrande från V, S och MP den 9 april 2024.

Beslut
Kommunstyrelsen lämnar yttrandet.

Bilagor
Bilaga 1 Tjänsteskrivelse 2024-02-01
- Karta över planområdet
"""
    assert attachments(body) == [
        ("Handlingar", "Stadsledningskontorets tjänsteutlåtande den 7 mars 2024"),
        ("Handlingar", "Yttrande från V, S och MP den 9 april 2024"),
        ("Bilaga 1", "Tjänsteskrivelse 2024-02-01"),
        ("Bilaga", "Karta över planområdet"),
    ]


def test_the_protocols_list_of_attachments_by_paragraf_names_each_ones():
    head = (
        HEAD
        + """\
Bilagor
§ 1 Bilaga A Reservation från Sverigedemokraterna
Bilaga B, § 2: Yttrande över detaljplan

"""
    )
    body = """\
§ 1 Dnr KS 2024/45
Budget 2025

Beslut
Kommunstyrelsen antar budgeten.

Reservation
Anna Berg (SD) reserverar sig mot beslutet, se bilaga A.

§ 2 Dnr KS 2024/46
Detaljplan för Tallmon

Beslut
Kommunstyrelsen lämnar yttrande.
"""
    assert attachments(body, "1", head) == [
        ("Bilaga A", "Reservation från Sverigedemokraterna")
    ]
    assert attachments(body, "2", head) == [("Bilaga B", "Yttrande över detaljplan")]


def test_a_confidential_paragraph_names_no_attachments():
    body = """\
§ 1
Ansökan om bistånd
Sekretess enligt 26 kap. 1 § OSL

Beslutsunderlag
Utredning om XXXX XXXX, bilaga 1
"""
    assert attachments(body) == []


def test_the_json_and_a_draft_carry_the_attachments():
    body = """\
§ 1 Dnr KS 2024/45
Budget 2025

Beslut
Budgeten fastställs enligt bilaga 1.
"""
    protocol = read(body)
    first = protocol_as_json(protocol)["paragraphs"][0]
    assert first["attachments"] == [{"label": "Bilaga 1", "title": ""}]
    assert protocol_from_data(protocol_to_data(protocol)) == protocol
    # A draft stored before attachments were read has no key: it reads as none.
    data = protocol_to_data(protocol)
    for stored in data["paragraphs"]:
        del stored["attachments"]
    assert protocol_from_data(data).paragrafer[0].attachments == []
