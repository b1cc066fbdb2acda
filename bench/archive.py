"""A generated archive of Swedish minutes, as table rows for COPY.

    archive = Archive(paragrafer=1_000_000)
    for meeting in archive.plan(): ...                  # meetings, cases, statements
    for row, statements in archive.paragraf_rows(share=0, shares=2): ...

10 municipalities with 5 boards each, 30 years (1995-2024), up to 10 meetings a
board a year; paragraphs of 1-4 KB of text shaped like what the parser stores
(decision, background, documents, proposals, procedure, reservations,
recipients), about 88 % with a diarienummer, about 10 % with a reservation.
Rows are dicts keyed by the models' attnames, made one at a time, so a million
paragraphs never sit in memory. Deterministic for (paragraphs, seed): the plan
(meetings, titles, cases, statements) comes from one random stream and each
meeting's text from a stream of its own, so any share of the meetings can be
written by its own process and the whole is the same.

Word frequencies are shaped for search: "beslut", "kommun" and "nämnden" are in
nearly every paragraph, topics follow a Zipf curve (the top ones in ~10 %, the
tail in ~0.1 %), and each word of RARE is in about 0.04 % of paragraphs.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.generate import FIRST, LAST, MONTHS, PARTIES, PLACES, SENTENCES, SUBJECTS

# Changing anything that changes the rows: bump, so filled databases are refilled.
VERSION = 1

YEARS = range(1995, 2025)
MEETING_MONTHS = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]

MUNICIPALITIES = [
    "Sjöbacka kommun",
    "Norrvikens kommun",
    "Ålunda kommun",
    "Björkede kommun",
    "Östra Lövsta kommun",
    "Hammarby kommun",
    "Tallåsens kommun",
    "Ekdala kommun",
    "Vättersunds kommun",
    "Fjällstrands kommun",
]
# (name, genitive, abbreviation, takes confidential items)
NAMND_KINDS = [
    ("Kommunstyrelsen", "Kommunstyrelsens", "KS", False),
    ("Kommunfullmäktige", "Kommunfullmäktiges", "KF", False),
    ("Socialnämnden", "Socialnämndens", "SN", True),
    ("Barn- och utbildningsnämnden", "Barn- och utbildningsnämndens", "BUN", False),
    ("Miljö- och byggnadsnämnden", "Miljö- och byggnadsnämndens", "MBN", False),
    ("Tekniska nämnden", "Tekniska nämndens", "TN", False),
    ("Kultur- och fritidsnämnden", "Kultur- och fritidsnämndens", "KFN", False),
    ("Vård- och omsorgsnämnden", "Vård- och omsorgsnämndens", "VON", True),
]
NAMNDER_PER_MUNICIPALITY = 5
MEMBERS_PER_MUNICIPALITY = 61

# Diarienummer shapes met in real minutes (see /work/shared/domain.md).
DNR_FORMATS = [
    "{abbr} {year}/{seq}",  # KS 2016/123
    "{abbr}/{year}:{seq}",  # KS/2016:45
    "{abbr} {year}.{seq:03d}",  # SN 2016.045
    "1.{namnd}.1-{seq}/{year}",  # 1.3.1-368/2016
    "{abbr}-{year}-{seq:04d}",  # BUN-2016-0042
]

FIRST_NAMES = FIRST + [
    "Anders", "Birgitta", "Carl", "Dag", "Elin", "Fredrik", "Gunilla", "Hans",
    "Ingrid", "Johan", "Kerstin", "Lars", "Maria", "Nils", "Olof", "Pia",
    "Rolf", "Sara", "Tove", "Ulla", "Viktor", "Ylva", "Zandra", "Ebba",
    "Göran", "Hanna", "Ida", "Jenny", "Kjell", "Linnéa", "Mats", "Märta",
]  # fmt: skip
LAST_NAMES = LAST + [
    "Andersson", "Bengtsson", "Carlsson", "Danielsson", "Eriksson", "Forsberg",
    "Gustafsson", "Hedlund", "Isaksson", "Johansson", "Karlsson", "Lundqvist",
    "Nilsson", "Olsson", "Persson", "Sandberg", "Törnqvist", "Wallin",
    "Åkesson", "Östlund", "Björk", "Nyström", "Sundberg", "Lindgren",
]  # fmt: skip
PARTY_WEIGHTS = [30, 20, 6, 8, 6, 8, 5, 15, 2]  # S M L C KD V MP SD SjP

# What paragraphs are about; the first is the most common (Zipf).
TOPICS = [
    "förskoleplatser", "skolskjuts", "hemtjänst", "äldreomsorg", "detaljplaner",
    "bygglov", "gång- och cykelvägar", "strandskydd", "dagvattenhantering",
    "vatten och avlopp", "avfallshantering", "kollektivtrafik", "gatubelysning",
    "vinterväghållning", "bredband", "bostadsförsörjning", "ekonomiskt bistånd",
    "försörjningsstöd", "elevhälsa", "fritidshem", "särskilt boende",
    "personlig assistans", "missbruksvård", "familjehem", "integration",
    "arbetsmarknadsinsatser", "feriejobb", "vuxenutbildning", "gymnasieskolan",
    "grundsärskolan", "modersmålsundervisning", "skolbibliotek", "kulturskolan",
    "föreningsbidrag", "idrottsanläggningar", "simhallen", "ishallen",
    "konstgräsplaner", "fritidsgårdar", "biblioteken", "offentlig konst",
    "kulturarv", "naturvård", "friluftsliv", "livsmedelskontroll",
    "serveringstillstånd", "tobakstillsyn", "miljötillsyn", "energirådgivning",
    "klimatanpassning", "solceller", "laddstolpar", "fordonsflottan",
    "upphandling", "lokalförsörjning", "fastighetsunderhåll", "markanvändning",
    "exploateringsavtal", "markanvisning", "tomtkön", "översiktsplanen",
    "trafiksäkerhet", "parkering", "hastighetsgränser", "busshållplatser",
    "räddningstjänsten", "krisberedskap", "informationssäkerhet",
    "digitalisering", "e-tjänster", "arkivhantering", "dataskydd",
    "arbetsmiljö", "sjukfrånvaro", "lönekartläggning", "kompetensförsörjning",
    "internkontroll", "delårsrapporten", "årsredovisningen", "investeringar",
    "skattesatsen", "borgensåtaganden", "renhållningstaxan", "VA-taxan",
    "barnkonventionen", "jämställdhet", "folkhälsa", "tillgänglighet",
    "landsbygdsutveckling", "näringslivet", "turism", "besöksnäringen",
    "evenemang", "medborgardialog", "ungdomsrådet", "pensionärsrådet",
    "funktionshinderrådet", "vänortssamarbetet", "överförmyndaren",
    "de kommunala bolagen", "bostadsbolaget", "energibolaget", "hamnen",
    "kyrkogårdarna", "färdtjänst", "skolmåltider", "kostenheten", "lokalvård",
    "resursfördelningen", "kvalitetsrapporten", "klagomålshantering",
    "lex Sarah", "lex Maria", "placeringar", "HVB-hem", "stödboende",
    "våld i nära relationer", "brottsförebyggande arbete", "trygghetsvandringar",
    "ordningsvakter", "kameraövervakning", "rivningslov", "marklov",
    "förhandsbesked", "ovårdade tomter", "olovligt byggande", "buller",
    "förorenad mark", "enskilda avlopp", "vattenskyddsområdet", "dricksvattnet",
    "reningsverket", "ledningsnätet", "översvämningsrisker", "grönstrukturen",
    "trädplanen", "parkskötsel", "lekplatser", "badplatser", "småbåtshamnen",
    "vandringsleder", "skoterleder", "jaktarrenden", "skogsbruksplanen",
    "arrendeavtal", "fastighetsreglering", "ledningsrätt",
    "gemensamhetsanläggningar", "servitut", "gruppbostäder", "korttidsboende",
    "dagverksamhet", "anhörigstöd", "trygghetslarm", "matdistribution",
    "socialpsykiatri", "boendestöd", "ensamkommande barn", "kontaktpersoner",
    "avhopparverksamhet", "ungdomsmottagningen", "nyanlända elever",
    "skolans lokaler", "förskolans lokaler", "lärartjänster", "fjärrundervisning",
    "studie- och yrkesvägledning", "skolfrånvaro", "betygsresultat",
]  # fmt: skip
# Each in about 0.04 % of paragraphs: the benchmark's rare words.
RARE = [
    "bäverdamm", "kanotled", "hundrastgård", "solcellspark", "fågeltorn",
    "skyfallskartering", "minigolfbana", "vildsvinsstängsel", "radonmätning",
    "klätterpark", "pumptrackbana", "discgolfbana", "fontänrenovering",
    "isbaneaggregat", "bryggrenovering", "boulebana", "skidspårmaskin",
    "fiskevårdsplan", "ålgräsrestaurering", "koloniträdgård", "stadsodling",
    "pollinatörsstråk", "ängsmarksskötsel", "grodpassage", "fladdermusinventering",
    "kolonilottsförening", "skateboardramp", "utomhusscen", "glasskiosk",
    "hembygdsgård", "väderkvarn", "linbana", "hoppbacke", "travbana",
    "motocrossbana", "skjutbana", "flottleden", "laxtrappa", "musselodling",
    "sandtäkt", "torvbrytning", "vindskydd", "tältplats", "ställplatser",
    "båtuppläggning", "sjöräddning", "isvak", "lavinrisk", "myggbekämpning",
    "sälskador",
]  # fmt: skip
ORGS = [
    "Länsstyrelsen", "Trafikverket", "Skolverket", "Socialstyrelsen",
    "Boverket", "Naturvårdsverket", "Sveriges Kommuner och Regioner",
    "Inspektionen för vård och omsorg", "Lantmäteriet", "Skolinspektionen",
    "Polismyndigheten", "Arbetsförmedlingen", "Försäkringskassan", "regionen",
    "Myndigheten för samhällsskydd och beredskap", "Energimyndigheten",
    "Riksantikvarieämbetet", "Kulturrådet", "Havs- och vattenmyndigheten",
    "Folkhälsomyndigheten",
]  # fmt: skip
LAWS = [
    "plan- och bygglagen", "miljöbalken", "socialtjänstlagen", "skollagen",
    "kommunallagen", "lagen om stöd och service till vissa funktionshindrade",
    "offentlighets- och sekretesslagen", "förvaltningslagen", "alkohollagen",
    "livsmedelslagen", "lagen om offentlig upphandling", "ordningslagen",
    "lagen om skydd mot olyckor", "bibliotekslagen", "väglagen",
]  # fmt: skip
DOCUMENTS = [
    "riktlinjer", "handlingsplan", "strategi", "policy", "program", "reglemente",
    "delegationsordning", "taxa", "budget", "verksamhetsplan", "internkontrollplan",
    "utredning", "förstudie", "åtgärdsplan", "dokumenthanteringsplan",
]  # fmt: skip
TITLES = SUBJECTS + [
    "Motion om {topic}",
    "Medborgarförslag om {topic} i {place}",
    "Yttrande över remiss om {topic}",
    "Delårsrapport per {month} {year}",
    "Budget {year2} och plan för {topic}",
    "Riktlinjer för {topic}",
    "Revidering av riktlinjer för {topic}",
    "Taxa för {topic} {year2}",
    "Anmälan av delegationsbeslut",
    "Information om {topic}",
    "Svar på revisionsrapport om {topic}",
    "Internkontrollplan {year2}",
    "Investering i {topic} i {place}",
    "Upphandling av {topic}",
    "Försäljning av fastigheten {place} {n}:{m}",
    "Markanvisning för bostäder i {place}",
    "Tillsyn enligt miljöbalken på fastigheten {place} {n}:{m}",
    "Handlingsplan för {topic} {year}–{year2}",
    "Strategi för {topic}",
    "Uppföljning av {topic}",
    "Återrapportering av uppdrag om {topic}",
    "Begäran om medel för {topic}",
    "Policy för {topic}",
    "Program för {topic} i {place}",
    "Utredning om {topic}",
]
BACKGROUND_HEADINGS = ["Sammanfattning", "Ärendet", "Bakgrund", "Ärendebeskrivning"]
DOCUMENT_HEADINGS = ["Beslutsunderlag", "Handlingar i ärendet", "Underlag"]
# Filled with {topic}, {topic2}, {place}, {org}, {law}, {doc}, {year}, {year2},
# {amount}, {date}, {n}, {pct}, {namnd}.
TEMPLATES = SENTENCES + [
    "Förvaltningen föreslår att nämnden beslutar enligt förslaget om {topic}.",
    "Kommunen har under {year} arbetat med {topic} i samverkan med {org}.",
    "Enligt {law} ska kommunen ha en aktuell {doc} för {topic}.",
    "Kostnaden för {topic} beräknas till {amount} och belastar nämndens budget.",
    "Nämnden beslutade den {date} att ge förvaltningen i uppdrag att utreda {topic}.",
    "Beslutet om {topic} fattades av kommunfullmäktige i samband med budgeten "
    "för {year}.",
    "Utredningen visar att behovet av {topic} i {place} ökar de kommande åren.",
    "Andelen invånare som berörs av {topic} har ökat med {pct} procent sedan {year}.",
    "{org} har i sitt yttrande pekat på behovet av {topic}.",
    "Förslaget har stämts av med {org} och berörda förvaltningar i kommunen.",
    "I {place} finns i dag {n} verksamheter som berörs av förslaget.",
    "Förvaltningen bedömer att {topic} och {topic2} behöver samordnas bättre.",
    "Ärendet har behandlats vid samverkan med de fackliga organisationerna den {date}.",
    "Nämnden har i verksamhetsplanen för {year} prioriterat {topic}.",
    "En barnkonsekvensanalys har gjorts och visar att förslaget gynnar barn och "
    "unga i {place}.",
    "Kommunens revisorer har granskat {topic} och lämnat rekommendationer.",
    "Förslaget innebär att {doc} för {topic} revideras och gäller från {date}.",
    "Nämnden ska enligt reglementet ansvara för {topic} inom kommunen.",
    "Kommunstyrelsen har remitterat ärendet till nämnden för yttrande senast {date}.",
    "Investeringen i {place} uppgår till {amount} fördelat på {n} år.",
    "Beslutet kan överklagas enligt {law} genom laglighetsprövning.",
    "Förvaltningen har under året genomfört {n} tillsynsbesök inom {topic}.",
    "Nämndens ekonomiska resultat för perioden visar ett överskott på {amount}.",
    "Nämndens ekonomiska resultat för perioden visar ett underskott på {amount}.",
    "Kommunfullmäktige har fastställt mål för {topic} som följs upp varje år.",
    "Förslaget har stöd i översiktsplanen och i kommunens {doc} för {topic}.",
    "Dialog har förts med föreningar och invånare i {place} under våren {year}.",
    "Förvaltningens bedömning är att {topic} bör hanteras inom befintlig ram.",
    "{org} beslutade {date} om nya föreskrifter som berör {topic}.",
    "Nämnden föreslås lägga informationen om {topic} till handlingarna.",
    "Ett nytt avtal om {topic} har tecknats med {org} för perioden {year}–{year2}.",
    "Uppföljningen visar att {pct} procent av målen för {topic} har uppnåtts.",
    "Kommunen saknar i dag en samlad bild av {topic} i {place}.",
    "Förvaltningen har tagit fram en {doc} som beskriver hur {topic} ska utvecklas.",
    "Förändringen träder i kraft den {date} och kommuniceras till berörda.",
    "Ärendet bereddes av {namnd} arbetsutskott den {date}.",
    "Ordföranden redogör för ärendet och förvaltningen svarar på frågor.",
    "Kommunens kostnader för {topic} jämförs med liknande kommuner i länet.",
    "Förslaget bedöms inte medföra några konsekvenser för jämställdheten.",
    "Avgiften för {topic} föreslås höjas med {pct} procent från och med {year2}.",
]
DECISIONS = [
    "{namnd} godkänner förvaltningens förslag.",
    "{namnd} antar {doc} för {topic}.",
    "{namnd} lägger informationen till handlingarna.",
    "{namnd} beslutar att avslå ansökan.",
    "{namnd} beviljar bidrag om {amount}.",
    "{namnd} fastställer {doc} för {topic} att gälla från och med {date}.",
    "{namnd} överlämnar ärendet till kommunfullmäktige för beslut.",
    "{namnd} uppdrar åt förvaltningen att återkomma med en redovisning av "
    "{topic} senast {date}.",
    "{namnd} anser motionen besvarad.",
    "{namnd} avger yttrande enligt förvaltningens förslag.",
    "{namnd} beslutar att återremittera ärendet till förvaltningen.",
    "{namnd} föreslår kommunfullmäktige att anta {doc} för {topic}.",
    "Beslutet justeras omedelbart.",
]
RECIPIENTS = [
    "Kommunstyrelsen", "Ekonomienheten", "Förvaltningen", "Kommunfullmäktige",
    "Länsstyrelsen", "Sökanden", "Revisorerna", "Kommunarkivet", "Akten",
    "Samhällsbyggnadsförvaltningen", "Socialförvaltningen", "Barn- och "
    "utbildningsförvaltningen", "Kultur- och fritidsförvaltningen",
]  # fmt: skip


@dataclass(slots=True)
class Namnd:
    id: int
    municipality_id: int
    name: str
    genitive: str
    abbr: str
    slug: str
    confidential_items: bool
    dnr_format: str
    number: int  # 1-based, within its municipality


@dataclass(slots=True)
class Statement:
    """A reservation or one of its kin, with who stood behind it."""

    id: int
    kind: str
    position: int
    text: str
    member_ids: list[int]
    parties: list[str]
    points: list[int] | None = None
    attachment: str = ""


@dataclass(slots=True)
class ParagrafPlan:
    id: int
    position: int
    number: str
    title: str
    topic: int
    arende_id: int | None = None
    dnr: str = ""
    new_case: bool = False
    confidential: bool = False
    statements: list[Statement] = field(default_factory=list)


@dataclass(slots=True)
class MeetingPlan:
    id: int
    index: int
    namnd: Namnd
    date: datetime.date
    protocol_number: str
    paragrafer: list[ParagrafPlan]


def _cumulative_zipf(count: int, exponent: float = 1.0) -> list[float]:
    return list(
        itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count))
    )


def _slug(name: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-"})
    return "".join(c for c in name.lower().translate(table) if c.isalnum() or c == "-")


PLACE_NAMES = PLACES + [
    prefix + suffix
    for prefix in ("Tall", "Ek", "Björk", "Lind", "Sjö", "Berg", "Hammar", "Norr",
                   "Söder", "Väster", "Öster", "Gran", "Ås", "Holm", "Lunda")
    for suffix in ("mon", "by", "stad", "vik", "backa", "hult", "torp", "dal",
                   "näs", "ängen")
]  # fmt: skip
TOPIC_WEIGHTS = _cumulative_zipf(len(TOPICS))
PLACE_WEIGHTS = _cumulative_zipf(len(PLACE_NAMES), 0.8)


class Archive:
    """The generated archive of `paragraphs` paragraphs, row by row."""

    def __init__(self, paragrafer: int, seed: int = 1) -> None:
        self.paragrafer = paragrafer
        self.seed = seed
        self.namnder = self._namnder()
        rounds = max(1, min(10, round(paragrafer / (len(self.namnder) * 30 * 20))))
        self.meetings_per_year = rounds
        self.members = self._members()

    # The small tables.

    def _namnder(self) -> list[Namnd]:
        namnder: list[Namnd] = []
        for m, _name in enumerate(MUNICIPALITIES):
            # Every municipality has the executive board, the council and three more.
            kinds = NAMND_KINDS[:2] + [
                NAMND_KINDS[2 + (m + k) % (len(NAMND_KINDS) - 2)] for k in range(3)
            ]
            for b, (name, genitive, abbr, confidential) in enumerate(kinds, start=1):
                namnder.append(
                    Namnd(
                        id=len(namnder) + 1,
                        municipality_id=m + 1,
                        name=name,
                        genitive=genitive,
                        abbr=abbr,
                        slug=_slug(name),
                        confidential_items=confidential,
                        dnr_format=DNR_FORMATS[m % len(DNR_FORMATS)],
                        number=b,
                    )
                )
        return namnder

    def _members(self) -> dict[int, list[tuple[int, str, str]]]:
        """Per municipality: (id, name, party), names unique within it."""
        rng = random.Random(self.seed * 7919)
        members: dict[int, list[tuple[int, str, str]]] = {}
        next_id = 1
        for m in range(1, len(MUNICIPALITIES) + 1):
            names = rng.sample(
                [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES],
                MEMBERS_PER_MUNICIPALITY,
            )
            parties = rng.choices(PARTIES, PARTY_WEIGHTS, k=len(names))
            members[m] = []
            for name, party in zip(names, parties, strict=True):
                members[m].append((next_id, name, party))
                next_id += 1
        return members

    def municipality_rows(self) -> Iterator[dict]:
        for index, name in enumerate(MUNICIPALITIES, start=1):
            yield {"id": index, "name": name, "slug": _slug(name)}

    def namnd_rows(self) -> Iterator[dict]:
        for namnd in self.namnder:
            yield {
                "id": namnd.id,
                "municipality_id": namnd.municipality_id,
                "name": namnd.name,
                "slug": namnd.slug,
            }

    def member_rows(self) -> Iterator[dict]:
        for municipality_id, members in self.members.items():
            for member_id, name, party in members:
                yield {
                    "id": member_id,
                    "municipality_id": municipality_id,
                    "name": name,
                    "party": party,
                }

    # The plan: meetings, paragraph titles, cases and statements, without text.

    def plan(self) -> Iterator[MeetingPlan]:
        """Every meeting in order, with its paragraphs planned; the same every time."""
        rng = random.Random(self.seed)
        rounds = self.meetings_per_year
        slots = [
            (year, r, namnd)
            for year in YEARS
            for r in range(rounds)
            for namnd in self.namnder
        ]
        # Meetings differ in length; cumulative rounding makes the total exact.
        weights = list(itertools.accumulate(rng.uniform(0.4, 1.6) for _ in slots))
        total = weights[-1]
        paragraf_id = reservation_id = arende_id = 0
        seq: dict[tuple[int, int], int] = {}  # (board, year) -> last case number
        number: dict[tuple[int, int], int] = {}  # (board, year) -> last § number
        recent: dict[int, list[tuple[int, str]]] = {
            m: [] for m in range(1, len(MUNICIPALITIES) + 1)
        }  # open cases per municipality
        done = 0
        for index, (year, r, namnd) in enumerate(slots):
            upto = round(self.paragrafer * weights[index] / total)
            count, done = upto - done, upto
            month = MEETING_MONTHS[r * len(MEETING_MONTHS) // rounds]
            day = 3 + (namnd.id * 7 + r * 5) % 24
            date = datetime.date(year, month, day)
            paragrafer = []
            for position in range(1, count + 1):
                paragraf_id += 1
                key = (namnd.id, year)
                number[key] = number.get(key, 0) + 1
                plan = ParagrafPlan(
                    id=paragraf_id,
                    position=position,
                    number=str(number[key]),
                    title="",
                    topic=0,
                )
                if namnd.confidential_items and rng.random() < 0.04:
                    plan.confidential = True
                    plan.title = "Sekretessärende enligt 26 kap. 1 § OSL"
                    paragrafer.append(plan)
                    continue
                plan.topic = rng.choices(range(len(TOPICS)), cum_weights=TOPIC_WEIGHTS)[
                    0
                ]
                plan.title = rng.choice(TITLES).format(
                    topic=TOPICS[plan.topic],
                    place=rng.choices(PLACE_NAMES, cum_weights=PLACE_WEIGHTS)[0],
                    n=rng.randint(1, 99),
                    m=rng.randint(1, 400),
                    year=year,
                    year2=year + 1,
                    month=rng.choice(MONTHS),
                )
                plan.title = plan.title[0].upper() + plan.title[1:]
                if rng.random() < 0.88:
                    open_cases = recent[namnd.municipality_id]
                    if open_cases and rng.random() < 0.15:
                        plan.arende_id, plan.dnr = rng.choice(open_cases)
                    else:
                        seq[key] = seq.get(key, 0) + 1
                        arende_id += 1
                        plan.arende_id = arende_id
                        plan.dnr = namnd.dnr_format.format(
                            abbr=namnd.abbr, year=year, seq=seq[key], namnd=namnd.number
                        )
                        plan.new_case = True
                        open_cases.append((arende_id, plan.dnr))
                        if len(open_cases) > 300:
                            del open_cases[: len(open_cases) - 200]
                for statement in self._statements(rng, namnd, plan):
                    reservation_id += 1
                    statement.id = reservation_id
                    plan.statements.append(statement)
                paragrafer.append(plan)
            yield MeetingPlan(
                id=index + 1,
                index=index,
                namnd=namnd,
                date=date,
                protocol_number=f"{r + 1}/{year}",
                paragrafer=paragrafer,
            )

    def _statements(
        self, rng: random.Random, namnd: Namnd, plan: ParagrafPlan
    ) -> list[Statement]:
        members = self.members[namnd.municipality_id]
        chance = rng.random()
        if chance < 0.10:
            kinds = ["reservation"]
            if rng.random() < 0.25:
                kinds.append(rng.choice(["reservation", "sarskilt_uttalande"]))
        elif chance < 0.12:
            kinds = ["protokollsanteckning"]
        elif chance < 0.125:
            kinds = ["jav"]
        else:
            return []
        statements = []
        parties_used: set[str] = set()
        for position, kind in enumerate(kinds, start=1):
            first = rng.choice(members)
            while first[2] in parties_used:
                first = rng.choice(members)
            parties_used.add(first[2])
            group = [first]
            if kind != "jav":
                same = [m for m in members if m[2] == first[2] and m != first]
                group += rng.sample(same, min(len(same), rng.choice([0, 0, 1, 2])))
            names = " och ".join(f"{name} ({party})" for _, name, party in group)
            own = "sitt eget yrkande" if len(group) == 1 else "sina egna yrkanden"
            if kind == "reservation":
                text = f"{names} reserverar sig mot beslutet till förmån för {own}."
                if rng.random() < 0.5:
                    text += " " + self._sentence(rng, plan.topic, namnd.genitive)
            elif kind == "sarskilt_uttalande":
                text = f"{names} lämnar ett särskilt uttalande: " + self._sentence(
                    rng, plan.topic, namnd.genitive
                )
            elif kind == "protokollsanteckning":
                text = (
                    f"{names} får till protokollet anteckna att "
                    + self._sentence(rng, plan.topic, namnd.genitive).lower()
                )
            else:
                text = (
                    f"{names} anmäler jäv och deltar inte i handläggningen av ärendet."
                )
            statements.append(
                Statement(
                    id=0,
                    kind=kind,
                    position=position,
                    text=text,
                    member_ids=[m[0] for m in group],
                    parties=[m[2] for m in group],
                    points=[2]
                    if kind == "reservation" and rng.random() < 0.1
                    else None,
                    attachment="bilaga 1" if rng.random() < 0.15 else "",
                )
            )
        return statements

    def _sentence(
        self, rng: random.Random, topic: int, namnd: str, template: str = ""
    ) -> str:
        """One sentence of template (default: any of TEMPLATES); namnd fills {namnd}.

        Only the slots the template names are drawn: this runs 20 times a paragraph.
        """
        return (template or rng.choice(TEMPLATES)).format_map(
            _Slots(rng, TOPICS[topic], namnd)
        )

    # The big tables.

    def meeting_row(self, meeting: MeetingPlan) -> dict:
        namnd = meeting.namnd
        slug = meeting.date.isoformat()
        municipality = MUNICIPALITIES[namnd.municipality_id - 1]
        source_text = (
            f"{municipality}\n{namnd.name}\nSAMMANTRÄDESPROTOKOLL\n"
            f"Protokoll nr {meeting.protocol_number}\nSammanträdesdatum {slug}\n"
        )
        return {
            "id": meeting.id,
            "namnd_id": namnd.id,
            "date": meeting.date,
            "protocol_number": meeting.protocol_number,
            "slug": slug,
            "source_name": f"{namnd.slug}-{slug}.pdf",
            "source_sha256": hashlib.sha256(source_text.encode()).hexdigest(),
            "source_text": source_text,
            "source_format": "pdf",
            "ingested_at": datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
            "place": "Kommunhuset, sessionssalen",
            "time": "kl. 18.00–21.15",
            "posting_date": meeting.date + datetime.timedelta(days=9),
        }

    def arende_rows(self, meeting: MeetingPlan) -> Iterator[dict]:
        for plan in meeting.paragrafer:
            if plan.new_case:
                yield {
                    "id": plan.arende_id,
                    "municipality_id": meeting.namnd.municipality_id,
                    "dnr": plan.dnr,
                    "title": plan.title,
                }

    def paragraf_rows(
        self, share: int = 0, shares: int = 1
    ) -> Iterator[tuple[dict, list[tuple[dict, list[dict]]]]]:
        """Paragraph rows of every shares-th meeting from share, with statements.

        Each paragraph comes with its statements as (reservation row, member rows).
        """
        for meeting in self.plan():
            if meeting.index % shares != share:
                continue
            rng = random.Random(self.seed * 1_000_003 + meeting.id)
            for plan in meeting.paragrafer:
                row = self._paragraf_row(rng, meeting, plan)
                statements = [
                    (
                        {
                            "id": s.id,
                            "paragraf_id": plan.id,
                            "kind": s.kind,
                            "position": s.position,
                            "text": s.text,
                            "points": s.points,
                            "attachment": s.attachment,
                        },
                        [
                            {
                                "reservation_id": s.id,
                                "member_id": member_id,
                                "position": index,
                            }
                            for index, member_id in enumerate(s.member_ids, start=1)
                        ],
                    )
                    for s in plan.statements
                ]
                yield row, statements

    def _paragraf_row(
        self, rng: random.Random, meeting: MeetingPlan, plan: ParagrafPlan
    ) -> dict:
        namnd = meeting.namnd
        row: dict[str, Any] = {
            "id": plan.id,
            "meeting_id": meeting.id,
            "arende_id": plan.arende_id,
            "number": plan.number,
            "position": plan.position,
            "title": plan.title,
            "case_numbers": [plan.dnr] if plan.dnr else [],
            "confidential": plan.confidential,
            # Denormalised copies the search may keep on the paragraph.
            "meeting_date": meeting.date,
            "reservation_text": "\n\n".join(s.text for s in plan.statements),
            "has_reservation": any(s.kind == "reservation" for s in plan.statements),
            "reserving_parties": sorted(
                {
                    p
                    for s in plan.statements
                    if s.kind == "reservation"
                    for p in s.parties
                    if p
                }
            ),
        }
        if plan.confidential:
            row.update(decision="", text="", sections=[], procedure="", recipients=[])
            return row
        sections: list[dict] = []

        def section(kind: str, heading: str, text: str) -> None:
            sections.append(
                {"kind": kind, "heading": heading, "text": text, "stage": None}
            )

        # The decision: numbered points naming the board.
        name = namnd.name if rng.random() < 0.7 else "Nämnden"
        points = [
            self._sentence(rng, plan.topic, name, rng.choice(DECISIONS))
            for _ in range(rng.choice([1, 1, 2, 2, 3, 4]))
        ]
        decision = (
            points[0]
            if len(points) == 1
            else "\n".join(f"{i}. {p}" for i, p in enumerate(points, start=1))
        )
        section("decision", f"{namnd.genitive} beslut", decision)
        # The background, to a text of 1-4 KB in all.
        target = 1000 + int(3000 * rng.betavariate(1.6, 3.0))
        sentences = []
        size = len(decision) + 300
        while size < target:
            sentence = self._sentence(rng, plan.topic, namnd.genitive)
            sentences.append(sentence)
            size += len(sentence) + 1
        if rng.random() < 0.85:
            sentences.insert(
                rng.randrange(len(sentences) + 1),
                "Ärendet har beretts av förvaltningen och nämnden har att ta "
                f"ställning till kommunens fortsatta arbete med {TOPICS[plan.topic]}.",
            )
        if rng.random() < 0.02:
            sentences.insert(
                rng.randrange(len(sentences) + 1),
                f"I ärendet ingår även frågan om {rng.choice(RARE)} vid "
                f"{rng.choice(PLACE_NAMES)}.",
            )
        paragraphs = [
            " ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)
        ]
        section("background", rng.choice(BACKGROUND_HEADINGS), "\n\n".join(paragraphs))
        year = meeting.date.year
        documents = f"Tjänsteutlåtande {year}-{meeting.date.month:02d}-01"
        if rng.random() < 0.5:
            documents += f"\n{rng.choice(DOCUMENTS).capitalize()} för {_topic(rng)}"
        section("documents", rng.choice(DOCUMENT_HEADINGS), documents)
        procedure = ""
        reservations = [s for s in plan.statements if s.kind == "reservation"]
        if reservations:
            proposals = [
                "Ordföranden yrkar bifall till förvaltningens förslag.",
                *(
                    f"{s.text.split(' reserverar')[0]} yrkar avslag på förslaget."
                    for s in reservations
                ),
            ]
            section("proposals", "Yrkanden", "\n\n".join(proposals))
            procedure = (
                "Ordföranden ställer proposition på förslagen och finner att "
                "nämnden beslutar enligt förvaltningens förslag."
            )
            section("procedure", "Beslutsgång", procedure)
        headings = {
            "reservation": "Reservation",
            "sarskilt_uttalande": "Särskilt uttalande",
            "protokollsanteckning": "Protokollsanteckning",
            "jav": "Jäv",
        }
        kinds = {
            "reservation": "reservation",
            "sarskilt_uttalande": "special_statement",
            "protokollsanteckning": "protocol_note",
            "jav": "jav",
        }
        for statement in plan.statements:
            section(kinds[statement.kind], headings[statement.kind], statement.text)
        recipients = rng.sample(RECIPIENTS, rng.randint(1, 3))
        section("recipients", rng.choice(["Expedieras", "Beslutet skickas till"]),
                "\n".join(recipients))  # fmt: skip
        row.update(
            decision=decision,
            text="\n\n".join(f"{s['heading']}\n\n{s['text']}" for s in sections),
            sections=sections,
            procedure=procedure,
            recipients=recipients,
        )
        return row


class _Slots(dict):
    """Values for a template's {slots}, each drawn when the template asks for it."""

    def __init__(self, rng: random.Random, topic: str, namnd: str) -> None:
        super().__init__(namnd=namnd)
        self.rng = rng
        self.topic = topic

    def __missing__(self, key: str) -> object:
        rng = self.rng
        if key == "topic":
            # Mostly the paragraph's own topic, sometimes another.
            value: object = self.topic if rng.random() < 0.6 else _topic(rng)
        elif key == "topic2":
            value = _topic(rng)
        elif key == "place":
            value = rng.choices(PLACE_NAMES, cum_weights=PLACE_WEIGHTS)[0]
        elif key in ("year", "year2", "date"):
            year = rng.choice(YEARS)
            self.update(
                year=year,
                year2=year + 3,
                date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            )
            return self[key]
        else:
            value = {
                "org": lambda: rng.choice(ORGS),
                "law": lambda: rng.choice(LAWS),
                "doc": lambda: rng.choice(DOCUMENTS),
                "amount": lambda: _amount(rng),
                "n": lambda: rng.randint(2, 40),
                "pct": lambda: rng.randint(2, 45),
            }[key]()
        self[key] = value
        return value


def _topic(rng: random.Random) -> str:
    return rng.choices(TOPICS, cum_weights=TOPIC_WEIGHTS)[0]


def _amount(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.randint(20, 9900)} tkr"
    return f"{rng.randint(1, 95)},{rng.randint(0, 9)} miljoner kronor"
