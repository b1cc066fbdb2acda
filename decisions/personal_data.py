"""Swedish personal identity numbers in minutes: find them before publishing,
and mask them.

A personnummer (and a samordningsnummer, whose day is the birth day + 60) is
a date of birth, three digits and a check digit by the Luhn algorithm over
the ten digits YYMMDDNNN. Minutes write them in every usual spelling:
"811218-9876", "8112189876", "19811218-9876", "198112189876", "811218 9876",
"811218+9876" (a person of 100 or more). A run of digits is a hit only when
its date is a real date and its check digit is right, so diarienummer, sums
and organisation numbers (whose "month" is 20 or more) pass; a phone number
can still look like one (one in ten of those with a date-like start), which
is why a hit asks the clerk rather than refusing.

Pure functions of text: no database.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

# Twelve or ten digits, the last four after an optional "-", "+" or space;
# not inside a longer run of digits.
_CANDIDATE = re.compile(
    r"(?<![\d])(?P<century>19|20)?(?P<yy>\d{2})(?P<mm>\d{2})(?P<dd>\d{2})"
    r"(?:\s?(?P<sep>[-+])\s?|\s)?(?P<nnn>\d{3})(?P<check>\d)(?![\d])"
)
# What a masked number looks like; kept as it is everywhere.
MASK = "X"


@dataclass(frozen=True)
class IdentityNumber:
    start: int
    end: int
    text: str
    # "personnummer" or "samordningsnummer"
    kind: str


def luhn_check_digit(digits: str) -> int:
    """The check digit of nine digits, as the Swedish Tax Agency computes it."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _real_day(years: list[int], month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    return any(1 <= day <= calendar.monthrange(year, month)[1] for year in years)


# Every spelling holds the date's six digits in a row: a text without them
# is passed at once (most lines of minutes are), without _CANDIDATE's slower
# look at every position.
_SIX_DIGITS = re.compile(r"\d{6}")


def find_identity_numbers(text: str) -> list[IdentityNumber]:
    """Every personnummer and samordningsnummer in text, in order."""
    if not _SIX_DIGITS.search(text):
        return []
    found = []
    for match in _CANDIDATE.finditer(text):
        yy, month, day = match["yy"], int(match["mm"]), int(match["dd"])
        if match["century"]:
            years = [int(match["century"] + yy)]
        else:
            years = [1900 + int(yy), 2000 + int(yy)]
        kind = "personnummer"
        if day > 60:
            day -= 60
            kind = "samordningsnummer"
        if not _real_day(years, month, day):
            continue
        nine = yy + match["mm"] + match["dd"] + match["nnn"]
        if luhn_check_digit(nine) != int(match["check"]):
            continue
        found.append(IdentityNumber(match.start(), match.end(), match[0], kind))
    return found


def without_last_four(number: str) -> str:
    """How a found number is named in messages and logs: "811218-XXXX". The
    last four digits are what make it a person's."""
    return f"{number[:-4]}{MASK * 4}"


def mask_identity_numbers(text: str) -> str:
    """text with the digits of every identity number replaced by MASK, its
    separators kept ("811218-9876" becomes "XXXXXX-XXXX")."""
    out = []
    last = 0
    for hit in find_identity_numbers(text):
        out.append(text[last : hit.start])
        out.append(re.sub(r"\d", MASK, hit.text))
        last = hit.end
    out.append(text[last:])
    return "".join(out)


# A capitalised word: "Anna", "Lind-Berg", "Öberg"; not an abbreviation ("KS").
_NAME_WORD = r"[A-ZÅÄÖÉ][a-zåäöéü]+(?:-[A-ZÅÄÖÉ][a-zåäöéü]+)?"
# A surname may carry an Arabic article joined by a hyphen: "al-Hassan",
# "el-Amin".
_SURNAME = rf"(?:(?:al|el|ad|ar|as|ash|at|az|ul|ud)-)?{_NAME_WORD}"
# Nobiliary and patronymic particles written apart and in lower case: "Anna
# von Platen", "Carl af Klercker", "Louis de Geer", "Ali bin Omar".
_PARTICLE = (
    r"(?:von|van|af|de|du|da|di|del|della|der|den|la|le|ter|zu|"
    r"bin|ibn|ben|bint|abu|abd)"
)
# Initials before a surname: "K. Svensson", "K.G. Svensson", "K-G Svensson".
_INITIALS = r"[A-ZÅÄÖ](?:\.(?: ?[A-ZÅÄÖ]\.)*|-[A-ZÅÄÖ]\.?)"
# Two or three names in a row on one line, particles between: given names
# and a surname. Swedish writes nouns in lower case, so such a run is a
# proper name: a person's, or an organisation's or a place's ("Svenska
# Bostäder"), which the clerk confirms as no personal data.
_GIVEN_FIRST = rf"{_NAME_WORD}(?: (?:{_PARTICLE} )*{_SURNAME}){{1,2}}"
_WITH_INITIALS = rf"{_INITIALS} (?:{_PARTICLE} )*{_SURNAME}"
# Surname first, as registers and lists write it: "SVENSSON, Karin",
# "Svensson, Karin", "von Platen, Anna". In mixed case only a surname of a
# usual Swedish shape, or with a particle: "Kommunkansliet, Storgatan" and
# "Socialkontoret, Hälleby" (an office and its address) are no person.
_SURNAME_ENDING = (
    r"(?:son|berg|ström|qvist|kvist|lund|gren|holm|dahl|strand|blad|stedt|"
    r"sten|fors|vall|näs|bäck|lind|ling|lin|ell|ius|ér|én|é)"
)
_SURNAME_FIRST = (
    rf"(?:(?:{_PARTICLE} )+{_SURNAME}|"
    rf"(?:(?:al|el|ad|ar|as|ash|at|az|ul|ud)-)?[A-ZÅÄÖÉ][a-zåäöéü]*{_SURNAME_ENDING}|"
    rf"[A-ZÅÄÖ]{{3,}}(?:-[A-ZÅÄÖ]{{2,}})?)"
    rf", {_NAME_WORD}(?: {_NAME_WORD})?"
)
_NAME = re.compile(
    rf"(?<![\w-])(?:{_SURNAME_FIRST}|{_WITH_INITIALS}|{_GIVEN_FIRST})(?![\w-])"
)
# What splits a found name into its words, for comparing with known names.
_WORDS = re.compile(r"[\w-]+")


@dataclass(frozen=True)
class Name:
    start: int
    end: int
    text: str


def find_names(
    text: str,
    known: set[str] | frozenset[str] = frozenset(),
    places: set[str] | frozenset[str] = frozenset(),
) -> list[Name]:
    """Runs of capitalised words in text that may name a person, in order:
    given names and surname ("Anna von Platen", "Mohammed al-Hassan"),
    initials and surname ("K. Svensson", "K-G Svensson"), surname first
    ("SVENSSON, Karin").

    Left out: a run that ends in a `known` name (the meeting's members, who
    act in office: "Ledamoten Johan Sandell", "Ewa Nords"), or that is one
    written surname first ("Sandell, Johan"), and a run with a word of
    `places` (the municipality's name: "Sjöbacka Bostäder").
    """
    found = []
    for match in _NAME.finditer(text):
        if _is_known(match[0], known) or places.intersection(_WORDS.findall(match[0])):
            continue
        found.append(Name(match.start(), match.end(), match[0]))
    return found


def _is_known(name: str, known: set[str] | frozenset[str]) -> bool:
    surname, comma, given = name.partition(", ")
    if comma:
        return f"{given} {surname}" in known or f"{given} {surname.title()}" in known
    run = name.split(" ")
    last = run[-1]
    endings = {" ".join(run[i:]) for i in range(len(run) - 1)}
    if last.endswith("s"):
        endings |= {" ".join([*run[i:-1], last[:-1]]) for i in range(len(run) - 1)}
    return bool(endings & known)
