"""Synthetic Swedish minutes for benchmarks: realistic in form, random in content.

    text = protocol_text(paragraphs=1000, seed=1)

Deterministic for a seed, so two runs measure the same work.
"""

from __future__ import annotations

import datetime
import random

MUNICIPALITIES = ["Sjöbacka kommun", "Norrvikens kommun", "Ålunda kommun"]
NAMNDER = [
    "Kommunstyrelsen",
    "Kultur- och fritidsnämnden",
    "Socialnämnden",
    "Barn- och utbildningsnämnden",
    "Miljö- och byggnadsnämnden",
    "Tekniska nämnden",
]
SUBJECTS = [
    "Detaljplan för {place}",
    "Bygglov för nybyggnad av flerbostadshus på {place} 2:{n}",
    "Medborgarförslag om utegym i {place}parken",
    "Motion om öppna nämndsammanträden",
    "Föreningsbidrag {year} till {place} idrottsförening",
    "Revidering av riktlinjer för skolskjuts",
    "Ekonomisk uppföljning per {month} {year}",
    "Taxa för prövning och tillsyn enligt miljöbalken",
    "Biblioteksplan {year}–{year2}",
    "Redovisning av delegationsbeslut",
    "Avgifter för uthyrning av lokaler i {place}",
    "Yttrande över remiss om regional vattenförsörjningsplan",
]
PLACES = ["Tallmon", "Ekeby", "Lövstad", "Norrvik", "Björkås", "Hammarsjön", "Åby"]
MONTHS = ["mars", "april", "augusti", "oktober"]
FIRST = ["Anna", "Per", "Lena", "Eva", "Magnus", "Karin", "Åsa", "Örjan", "Jonas"]
LAST = ["Berg", "Holm", "Ström", "Lind", "Ek", "Dahl", "Sjölund", "Öberg", "Ahlin"]
PARTIES = ["S", "M", "L", "C", "KD", "V", "MP", "SD", "SjP"]
SENTENCES = [
    "Förvaltningen har utrett frågan och bedömer att förslaget är förenligt med "
    "gällande planer och riktlinjer.",
    "Ärendet har beretts i samråd med berörda förvaltningar och remissinstanser.",
    "Kostnaden ryms inom nämndens budgetram för året och finansieras genom "
    "omprioriteringar inom verksamheten.",
    "Synpunkter har inkommit från närboende som anser att trafiken ökar på "
    "lokalgatorna kring skolan.",
    "Förslaget bidrar till kommunens mål om en hållbar och tillgänglig miljö för "
    "invånare i alla åldrar.",
    "Nämnden har tidigare, 2023-05-16 § 41, gett förvaltningen i uppdrag att ta "
    "fram ett underlag i frågan.",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)} ({rng.choice(PARTIES)})"


def _paragraf(rng: random.Random, number: int, namnd: str, year: int) -> list[str]:
    subject = rng.choice(SUBJECTS).format(
        place=rng.choice(PLACES),
        n=rng.randint(1, 99),
        year=year,
        year2=year + 3,
        month=rng.choice(MONTHS),
    )
    lines = [f"§ {number}", subject, f"Dnr {namnd[:2].upper()} {year}/{number:03d}", ""]
    lines += [f"{namnd}s beslut"]
    for point in range(1, rng.randint(2, 4)):
        lines.append(
            f"{point}. {namnd} godkänner förvaltningens förslag i punkt {point}."
        )
    lines += ["", "Sammanfattning"]
    lines += [rng.choice(SENTENCES) for _ in range(rng.randint(2, 6))]
    lines += [
        "",
        "Beslutsunderlag",
        f"Tjänsteutlåtande {year}-02-{rng.randint(10, 28)}",
    ]
    if rng.random() < 0.35:
        dissenter = _person(rng)
        lines += [
            "",
            "Yrkanden",
            f"{_person(rng)} yrkar bifall till förvaltningens förslag.",
            f"{dissenter} yrkar avslag på förslaget och att ärendet återremitteras.",
            "",
            "Beslutsgång",
            "Ordföranden ställer proposition på förslagen och finner att nämnden "
            "beslutar enligt förvaltningens förslag.",
            "",
            "Reservation",
            f"{dissenter} reserverar sig mot beslutet till förmån för sitt eget "
            "yrkande.",
        ]
    lines += ["", "Expedieras", "Kommunstyrelsen", "Ekonomienheten", ""]
    return lines


def protocol_text(
    paragrafer: int,
    *,
    seed: int = 1,
    namnd: str | None = None,
    date: datetime.date | None = None,
    first: int = 1,
) -> str:
    """Return one whole protocol of that many paragraphs."""
    rng = random.Random(seed)
    namnd = namnd or rng.choice(NAMNDER)
    date = date or datetime.date(2024, 1, 1) + datetime.timedelta(days=seed % 700)
    lines = [
        rng.choice(MUNICIPALITIES),
        namnd,
        "SAMMANTRÄDESPROTOKOLL",
        f"Protokoll nr {seed % 12 + 1}/{date.year}",
        f"Sammanträdesdatum {date.isoformat()}",
        "",
        "Plats och tid: Kommunhuset, sal Ljusnan, kl. 18.00–21.15",
        "",
        "Beslutande",
        f"{_person(rng)}, ordförande",
        *[_person(rng) for _ in range(8)],
        "",
        "Justerare",
        _person(rng),
        "",
    ]
    for number in range(first, first + paragrafer):
        lines += _paragraf(rng, number, namnd, date.year)
    posted = date + datetime.timedelta(days=7)
    lines += [
        "ANSLAG/BEVIS",
        f"Organ: {namnd}",
        f"Sammanträdesdatum: {date.isoformat()}",
        f"Datum då anslaget sätts upp: {posted.isoformat()}",
    ]
    return "\n".join(lines) + "\n"


def paragrafer_for_pages(pages: int, lines_per_page: int = 45) -> int:
    """How many generated paragraphs fill about that many PDF pages."""
    return max(1, pages * lines_per_page // 28)
