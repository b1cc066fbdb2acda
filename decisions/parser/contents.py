"""What a paragraph's sections say: decision, proposals, votes, dissent, notes.

Each reader takes the section texts the clerk headed and finds who said what.
Sections scoped to an earlier body ("Yrkanden i kommunstyrelsen") describe that
body's handling, so they feed none of the paragraph's own proposals or dissent.
"""

from __future__ import annotations

import re

from .members import parse_members
from .model import (
    ParsedMember,
    ParsedParagraf,
    ParsedProposal,
    ParsedProtocol,
    ParsedSection,
    ParsedStatement,
    ParsedVote,
)

# Text that cannot end a speaker's name: a sentence end, or "2) " numbering.
_NO_SENTENCE_END = r"(?:(?![.!?:]\s+[A-ZÅÄÖ])(?!\s\d+\)\s)[^\n])"


def _speaker(verb: str) -> re.Pattern[str]:
    """Match a sentence opened by who speaks and the verb: "A (L) reserverar sig"."""
    return re.compile(
        r"(?:^|(?<=[.!?] ))(?:[-–•]\s*)?(?:\d{1,2}[.)]\s*)?"
        rf"(?P<who>[A-ZÅÄÖ]{_NO_SENTENCE_END}{{0,300}}?)\s(?:{verb})\b",
        re.MULTILINE,
    )


_PROPOSER = _speaker(r"(?:föreslår|föreslog|yrkar|yrkade|instämmer|instämde)")
_RESERVER = _speaker(
    r"(?:reserverar|reserverade)\s+sig|(?:lämnar|lämnade|inkommer med|anmäler|anmälde)"
    r"\s+(?:en\s+)?(?:skriftlig\s+)?reservation"
)
# "Reservation anfördes av Anna Berg (M) och ...": the names after the verb.
# "Mot beslutet reserverar sig Anders Berg (fp), ...": the names after the verb.
# Bounded (some twenty names): each "reserverar sig" would otherwise read on to
# the line's end, and a line of them would cost its square.
_RESERVING_AFTER = re.compile(
    r"reserverar\s+sig\s+(?P<who>[A-ZÅÄÖ][^.\n]{0,500}?)"
    r"(?=\s+(?:mot|till förmån|för)\b|\.|$)"
)
# "Reservation anfördes av Anna Berg (M) ...", "Särskilt uttalande gjordes av
# ...": the names after the verb.
_MADE_BY = re.compile(
    r"\b(?:anfördes|anmäldes|lämnades|gjordes|avgavs|framfördes)\s+av\s+"
    r"(?P<who>[^\n]+)",
    re.IGNORECASE,
)
# A reservation "till förmån för sitt eget förslag" stands on the proposal made
# earlier under the proposals heading by the same members.
_OWN_PROPOSAL = re.compile(
    r"\b(?:sitt|sina|deras|eget|egna)\s+(?:eget\s+|egna\s+)?(?:förslag|yrkande[n]?)\b",
    re.IGNORECASE,
)
# "... till förmån för Camilla Dufvas yrkande": the proposal of a named member.
_NAMED_PROPOSAL = re.compile(
    r"till förmån för (?P<whose>[A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+){1,4})s "
    r"\w*(?:yrkande|förslag)\b"
)
# "mot beslutets punkt 2", "mot beslutspunkterna 2 och 3", "mot punkt 1 i beslutet".
_POINTS = re.compile(
    r"\b(?:beslutets\s+|besluts)?punkt(?:erna|en)?\s+(\d{1,2}(?:\s*(?:,|och|samt)\s*\d{1,2})*)",
    re.IGNORECASE,
)
_ATTACHMENT = re.compile(r"\b(bilaga\s+\d{1,3}[a-z]?|bilaga\s+[A-Z]\b)", re.IGNORECASE)
_ATTACHED = re.compile(r"\bbiläggs\b|\bbifogas\b|\bskriftlig reservation\b", re.I)
# Words that may stand among the names opening a sentence.
_NAME_LIST_WORDS = {
    "och",
    "samt",
    "m.fl.",
    "m.fl",
    "m",
    "fl",
    "fl.",
    "von",
    "af",
    "de",
    "tjänstgörande",
    "ersättaren",
    "ledamoten",
    "ledamöterna",
    "ordföranden",
    "ordförande",
    "vice",
}
# "m.fl." / "m. fl.": its full stops end no sentence.
_OTHERS_DOTTED = re.compile(r"\bm\.\s?fl\.?")
# The numbering clerks put before each proposal: "- 1) ", "2. ".
_ENUMERATION = re.compile(r"^(?:[-–•]\s*)?(?:\d{1,2}[.)]\s*)?")

_NUMBER_WORDS = {"en": 1, "ett": 1} | {
    word: value
    for value, word in enumerate(
        "två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton "
        "sexton sjutton arton nitton tjugo".split(),
        start=2,
    )
}
_COUNT = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
# "8 ja-röster", "åtta ja", or "röstar Ja (11)".
_VOTE_COUNTS = {
    "ja": re.compile(
        rf"\b{_COUNT}\s+ja(?:-?röster|-?röst)?\b|\bja\s*\((\d{{1,3}})\)",
        re.IGNORECASE,
    ),
    "nej": re.compile(
        rf"\b{_COUNT}\s+nej(?:-?röster|-?röst)?\b|\bnej\s*\((\d{{1,3}})\)",
        re.IGNORECASE,
    ),
    "avstar": re.compile(
        rf"\b{_COUNT}\s+(?:ledamöter\s+|ledamot\s+|som\s+)?(?:avstår|avstod|avstående|"
        r"nedlagda)|\b(?:avstår|avstod)\s*\((\d{1,3})\)",
        re.IGNORECASE,
    ),
}
_VOTE_LABEL = re.compile(
    r"^(?:följande\s+(?:ledamöter\s+)?röstar\s+|de\s+som\s+röstar\s+|röstar\s+)?"
    r"(?P<choice>ja|nej|avstår|avstod|avstående)\b(?:-?röst(?:er|erna)?)?"
    r"(?:\s+(?:avges|avgavs|lämnas|lämnades)\s+av)?\s*(?:\(\d+\))?\s*[:–-]?\s*"
    r"(?P<names>.*)$",
    re.IGNORECASE,
)
_VOTE_AVSTAR = re.compile(
    r"^följande\s+(?:ledamöter\s+)?avstår(?:\s+från\s+att\s+rösta)?\s*:?\s*(?P<names>.*)$",
    re.IGNORECASE,
)
_VOTE_ROW = re.compile(
    r"^(?P<names>.+\))\s*[:–-]?\s*(?:röstar\s+|röstade\s+)?"
    r"(?P<choice>ja|nej|avstår|avstod)\b.*$",
    re.IGNORECASE,
)
_JAV_WORD = re.compile(r"\bjäv\b", re.IGNORECASE)


def read_contents(protocol: ParsedProtocol, paragraf: ParsedParagraf) -> None:
    """Fill a paragraph's decision, proposals, votes and statements."""
    sections = paragraf.sections
    own = [s for s in sections if not s.stage]
    decisions = [s for s in own if s.kind == "decision"] or [
        s for s in sections if s.kind == "decision"
    ]
    if not decisions:
        # An utskott's or officials' draft headed only "Förslag till beslut":
        # with no decision heading, that proposal is what the item decides.
        decisions = [
            s
            for s in own
            if s.kind == "proposals" and s.heading.casefold() == "förslag till beslut"
        ][:1]
    if not decisions:
        # "Kommunstyrelsen beslutar / att …" with no heading before it.
        decisions = [s for s in own if not s.heading and DECIDES.match(s.text)][:1]
        for section in decisions:
            section.kind = "decision"
    if not decisions and len(sections) == 1 and not sections[0].heading:
        # A short item with no headings at all: its text is the decision.
        sections[0].kind = "decision"
        decisions = sections
    paragraf.decision = "\n\n".join(s.text for s in decisions if s.text)
    if paragraf.decision and _is_stub(paragraf.decision):
        # "Omedelbar justering. Se separat protokoll.", "Ärendet utgår": the
        # item is decided elsewhere or not at all; its text stays in full text.
        protocol.warn(
            paragraf.line,
            f"§ {paragraf.number}: beslutet står inte här ({paragraf.decision[:60]})",
        )
        paragraf.decision = ""
    elif not paragraf.decision:
        protocol.warn(paragraf.line, f"§ {paragraf.number}: inget beslut hittades")
    for section in sections:
        if section.kind == "other" and not section.heading and section.text:
            protocol.warn(
                section.line,
                f"§ {paragraf.number}: text före första rubriken finns bara i "
                "paragrafens fulltext",
            )
    paragraf.text = "\n\n".join(
        f"{s.heading}\n\n{s.text}" if s.heading else s.text for s in sections
    ).strip()
    procedures = [s.text for s in own if s.kind == "procedure" and s.text]
    paragraf.procedure = "\n\n".join(procedures) or None
    for section in own:
        if section.kind == "proposals":
            paragraf.proposals.extend(_split_proposals(section.text))
    paragraf.votes.extend(read_vote(text) for text in _vote_texts(own))
    first_proposals = _first_proposals(paragraf.proposals)
    for section in own:
        if section.kind == "reservation":
            paragraf.reservations.extend(
                _read_reservations(protocol, paragraf, section, first_proposals)
            )
        elif section.kind == "special_statement" and section.text:
            paragraf.special_statements.append(_statement(section))
        elif section.kind == "protocol_note" and section.text:
            paragraf.protocol_notes.append(_statement(section))
        elif section.kind == "jav" and section.text:
            paragraf.jav.append(_statement(section))
        elif section.kind == "recipients":
            paragraf.recipients.extend(_recipients(section.text))
    if not any(s.kind == "reservation" for s in own):
        # "Mot beslutet reserverar sig Anna Berg (M)." in the procedure or
        # after the decision, without a heading of its own.
        for section in _reservations_in_text(own):
            paragraf.reservations.extend(
                _read_reservations(protocol, paragraf, section, first_proposals)
            )
    if not paragraf.jav:
        paragraf.jav.extend(_jav_in_text(own))


# "Kommunstyrelsen beslutar", "Nämnden för Teknik föreslår kommunfullmäktige":
# a decision begins (it ends a title, and opens a decision without a heading).
DECIDES = re.compile(
    r"^(?:[A-ZÅÄÖ][\w&-]*\s){0,5}?[\w&-]*(?:nämnd|styrelse|fullmäktige|utskott|revision)"
    r"\w*\s+(?:beslutar|beslöt|beslutade|föreslår)\b"
)
# Sentences that say the item is not decided in this text.
STUB = re.compile(
    r"^(?:(?:paragrafen|ärendet|beslutet)\s+(?:är\s+|har\s+|blir\s+)?"
    r"(?:omedelbart|direkt)\s*justera[dts]?\b"
    r"|(?:paragrafen|ärendet|beslutet)\s+(?:justeras|protokollförs|redovisas)\s+"
    r"(?:omedelbart\s+)?(?:i|på)\s+(?:ett\s+)?(?:separat|särskilt|eget)\s+protokoll"
    r"|omedelbar\s+justering\b|se\s+(?:separat|särskilt)\s+protokoll"
    r"|(?:ärendet|punkten|paragrafen)\s+(?:utgår|lyfts\s+ur|dras\s+tillbaka)\b"
    # A secret item's note: "Ärendet hålls tillgängligt hos förvaltningen med
    # de begränsningar som följer av offentlighets- och sekretesslagen."
    r"|(?:ärendet|handlingarna?)\s+(?:hålls|finns)\s+tillgänglig[at]?\b)",
    re.IGNORECASE,
)


def _is_stub(text: str) -> bool:
    if not any(c.isalnum() for c in text):
        return True  # "-": a template's empty field
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    return len(sentences) <= 4 and all(
        STUB.match(sentence.strip(" -–•,")) for sentence in sentences
    )


def _vote_texts(sections: list[ParsedSection]) -> list[str]:
    """One text per vote: "Omröstning" then "Omröstningslista" is one vote."""
    texts: list[str] = []
    previous = None
    for section in sections:
        if section.kind == "vote":
            if previous == "vote":
                texts[-1] = f"{texts[-1]}\n{section.text}"
            else:
                texts.append(section.text)
        previous = section.kind
    return texts


def leading_members(text: str) -> list[ParsedMember]:
    """Read the names that open a sentence: "Anna Berg (S) och Per Ek (M) anför"."""
    sentence = re.split(
        r"(?<!fl\.)(?<=[.!?:])\s+(?=[A-ZÅÄÖ])", text.strip(), maxsplit=1
    )[0]
    words = sentence.split()
    count = 0
    for word in words:
        bare = word.strip(",;:")
        if bare[:1].islower() and bare.lower() not in _NAME_LIST_WORDS:
            break
        count += 1
    return parse_members(" ".join(words[:count]))


def _statement(section: ParsedSection) -> ParsedStatement:
    members = leading_members(section.text)
    if not members:
        by = _MADE_BY.search(section.text)
        members = leading_members(by["who"]) if by else []
    return ParsedStatement(members=members, text=section.text, line=section.line)


def _jav_in_text(sections: list[ParsedSection]) -> list[ParsedStatement]:
    """Find jäv declared in running text: "Anna Berg (S) anmäler jäv och ..."."""
    found = []
    for section in sections:
        if "jäv" not in section.text.lower():
            continue
        for sentence in re.split(r"(?<=[.!?])\s+|\n", section.text):
            if _JAV_WORD.search(sentence):
                members = leading_members(sentence)
                if members:
                    found.append(
                        ParsedStatement(
                            members=members, text=sentence.strip(), line=section.line
                        )
                    )
    return found


_RESERVES = re.compile(
    r"\breserverar\s+sig\b|\breservation\s+(?:anfördes|anmäldes|lämnades)\b"
    r"|\blämnar\s+(?:en\s+)?(?:skriftlig\s+)?reservation\b",
    re.IGNORECASE,
)


def _reservations_in_text(sections: list[ParsedSection]) -> list[ParsedSection]:
    """Sentences that reserve, from sections not headed as reservations."""
    found = []
    for section in sections:
        if section.kind not in (
            "procedure",
            "decision",
            "other",
            "vote",
            "protocol_note",
        ):
            continue
        if "reserv" not in section.text.lower():
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])|\n+", section.text):
            if _RESERVES.search(sentence):
                found.append(
                    ParsedSection("reservation", "", sentence.strip(), section.line)
                )
    return found


def _recipients(text: str) -> list[str]:
    """One recipient a line, as printed ("Sökanden, med delgivningskvitto")."""
    lines = (line.strip(" -–•.") for line in text.splitlines())
    return [line for line in lines if line]


def read_vote(text: str) -> ParsedVote:
    """Read an omröstning: names per choice, and counts as printed.

    A list of names may run over several lines; it ends at the next label or at
    a line with no party in parentheses ("Med 8 ja-röster mot 4 ...").
    """
    vote = ParsedVote()
    # Each list's lines are joined once at the end: a list of many lines
    # joined as it grows would be copied once a line.
    lists: list[tuple[str, list[str]]] = []
    columns: dict[str, int] | None = None
    for raw in text.splitlines():
        line = " ".join(raw.split()).strip(" -–•")
        header = _table_columns(raw)
        if header:
            columns = header
            continue
        if columns and _TOTALS_ROW.match(line):
            # The table's last row: its sums under Ja, Nej (and Avstår).
            order = sorted(columns, key=columns.__getitem__)
            for choice, value in zip(order, line.split(), strict=False):
                vote.counts.setdefault(choice, int(value))
            continue
        if columns and _TABLE_MARK.search(raw):
            marked = _column_choice(raw, columns)
            names = _TABLE_MARK.split(raw, maxsplit=1)[0]
            if marked:
                lists.append((marked, [names]))
                lists.append(("", []))
                continue
        avstar = _VOTE_AVSTAR.match(line)
        label = _VOTE_LABEL.match(line)
        row = _VOTE_ROW.match(line)
        if avstar:
            lists.append(("avstar", [avstar["names"]]))
        elif label and not _VOTE_COUNTS["ja"].search(line):
            lists.append((_choice(label["choice"]), [label["names"]]))
        elif row:
            lists.append((_choice(row["choice"]), [row["names"]]))
            lists.append(("", []))
        elif lists and lists[-1][0] and "(" in line:
            lists[-1][1].append(line)
        else:
            lists.append(("", []))
    for choice, names in lists:
        if choice:
            getattr(vote, choice).extend(parse_members(" ".join(names)))
    for choice, pattern in _VOTE_COUNTS.items():
        match = pattern.search(text)
        if match:
            value = (match[1] or match[2]).lower()
            vote.counts[choice] = (
                int(value) if value.isdigit() else _NUMBER_WORDS[value]
            )
    for choice in ("ja", "nej", "avstar"):
        names = getattr(vote, choice)
        if choice not in vote.counts and (names or vote.counts):
            vote.counts[choice] = len(names)
    return vote


# A row of a vote table: "Lena Grahn (S)      X" under "Ledamot  Ja  Nej  Avstår".
_TABLE_MARK = re.compile(r"(?<=\S)\s{2,}[Xx✓](?:\s|$)|(?<=\))\s+[Xx✓](?:\s|$)")


_TOTALS_ROW = re.compile(r"^\d{1,3}(?:\s+\d{1,3}){1,3}$")


def _table_columns(raw: str) -> dict[str, int] | None:
    """Find where a vote table's Ja, Nej and Avstår columns are."""
    found = {
        choice: match.start()
        for choice, word in (("ja", "ja"), ("nej", "nej"), ("avstar", "avst"))
        if (match := re.search(rf"(?<!\S){word}\w*", raw, re.IGNORECASE))
    }
    return found if {"ja", "nej"} <= set(found) and "(" not in raw else None


def _column_choice(raw: str, columns: dict[str, int]) -> str | None:
    """Return the column whose heading stands nearest the row's mark."""
    mark = re.search(r"(?<=\s)[Xx✓](?=\s|$)", raw)
    if not mark:
        return None
    return min(columns, key=lambda choice: abs(columns[choice] - mark.start()))


def _choice(word: str) -> str:
    word = word.lower()
    return word if word in ("ja", "nej") else "avstar"


def _split_at(pattern: re.Pattern[str], text: str) -> list[tuple[str, str]]:
    """Cut text where pattern matches; return (who, text from there) pairs."""
    matches = list(pattern.finditer(text))
    pieces: list[tuple[str, str]] = []
    for match, nxt in zip(matches, [*matches[1:], None], strict=False):
        chunk = text[match.start() : nxt.start() if nxt else len(text)].strip()
        pieces.append((match["who"], _ENUMERATION.sub("", chunk, count=1)))
    return pieces


def _split_proposals(text: str) -> list[ParsedProposal]:
    return [
        ParsedProposal(members=parse_members(who), text=chunk)
        for who, chunk in _split_at(_PROPOSER, text)
    ]


def _read_reservations(
    protocol: ParsedProtocol,
    paragraf: ParsedParagraf,
    section: ParsedSection,
    first_proposals: dict[str, int],
) -> list[ParsedStatement]:
    found = _split_at(_RESERVER, section.text)
    if not found:
        by = _MADE_BY.search(section.text)
        if by:
            found = [(by["who"], section.text)]
        elif section.text:
            # "Reservation, se bilaga 2", or a party reserving as a group.
            found = [("", section.text)]
    statements = []
    for who, chunk in found:
        members = leading_members(who or chunk)
        if not members:
            after = _RESERVING_AFTER.search(chunk)
            members = parse_members(after["who"]) if after else []
        parties = [] if members else _group_parties(who or chunk)
        if not members and not parties:
            protocol.warn(
                section.line,
                f"§ {paragraf.number}: reservation utan namngivna ledamöter",
            )
        text = chunk
        named = _NAMED_PROPOSAL.search(chunk)
        if named or _OWN_PROPOSAL.search(chunk):
            names = {named["whose"]} if named else {m.name for m in members}
            made = [first_proposals[name] for name in names if name in first_proposals]
            proposal = paragraf.proposals[min(made)] if made else None
            if proposal:
                text = f"{chunk}\n\n{proposal.text}"
            else:
                protocol.warn(
                    section.line,
                    f"§ {paragraf.number}: de reserverandes förslag hittades inte",
                )
        statements.append(
            ParsedStatement(
                members=members,
                text=text,
                line=section.line,
                points=_points(chunk),
                attachment=_attachment(chunk),
                parties=parties,
            )
        )
    return statements


# Parties reserving as groups: "Sverigedemokraterna reserverar sig",
# "SD-gruppen", "(M)-gruppen".
_PARTY_NAMES = {
    "socialdemokraterna": "S",
    "moderaterna": "M",
    "liberalerna": "L",
    "folkpartiet": "FP",
    "centerpartiet": "C",
    "kristdemokraterna": "KD",
    "vänsterpartiet": "V",
    "miljöpartiet": "MP",
    "sverigedemokraterna": "SD",
}
_PARTY_GROUP = re.compile(
    r"\b(?:(?i:(?P<name>" + "|".join(_PARTY_NAMES) + r"))s?\b"
    r"|\(?(?P<code>[A-ZÅÄÖ]{1,4})\)?-(?i:gruppen)\b"
    # "Ledamöterna från SD", "Representanterna för V, S och MP".
    r"|(?:(?<=från )|(?<=för )|(?<=, )|(?<=och ))(?P<after>[A-ZÅÄÖ]{1,4})\b(?!\s*\())"
)


def _group_parties(text: str) -> list[str]:
    """The parties a reservation's opening words name as groups."""
    opening = re.split(r"\breserver", text, maxsplit=1)[0][:200]
    parties: list[str] = []
    for match in _PARTY_GROUP.finditer(opening):
        if match["name"]:
            code = _PARTY_NAMES[match["name"].lower()]
        else:
            code = (match["code"] or match["after"]).upper()
        if code not in parties:
            parties.append(code)
    return parties


def _points(text: str) -> list[int] | None:
    match = _POINTS.search(text)
    if not match or not re.search(r"\bmot\b", text[: match.start()], re.IGNORECASE):
        return None
    return [int(n) for n in re.findall(r"\d+", match[1])]


def _attachment(text: str) -> str | None:
    match = _ATTACHMENT.search(text)
    if match:
        return " ".join(match[1].lower().split())
    return "bilaga" if _ATTACHED.search(text) else None


def _first_proposals(proposals: list[ParsedProposal]) -> dict[str, int]:
    """Map each member's name to the first proposal they made (its index).

    Made once a paragraph: looking through all proposals for each reservation
    would cost their product.
    """
    first: dict[str, int] = {}
    for index, proposal in enumerate(proposals):
        for member in proposal.members:
            first.setdefault(member.name, index)
    return first
