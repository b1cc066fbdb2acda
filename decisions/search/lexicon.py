"""Swedish word forms the full-text stemmer misses, as extra words to index.

PostgreSQL's Snowball stemmer for Swedish leaves definite and past forms
unreduced ("beslutet", "beslutade", "skolan" stay as they are, so "beslut" and
"skola" miss them) and knows nothing of compounds ("nämnd" should find
"Kulturnämnden", "skola" should find "grundskolan"). At write time each
paragraph's words are looked up in a Swedish word list (wordfreq's, with
frequencies); base forms and the parts of compounds found there are indexed
beside the text, with the lowest weight. This works on any PostgreSQL, managed
ones included, where no dictionary files can be installed.

A part is indexed only when it is a word a reader could mean on its own, so
that a search for a short word finds that word, not every longer word it
happens to end ("berg" should not find "Lindberg", "erna" not "kostnaderna"):

- each part is a word of the list (as written, or inflected from a word of at
  least _PART_LENGTH letters) and has at least _PART_LENGTH letters itself,
  but for the first part of a word the list does not know ("maxtaxa"):
  shorter words ("kom", "god", "mun", "den") turn up inside longer ones by
  chance ("kommunens", "godkänner");
- an inflection ending is never a part: "kostnaderna" is "kostnad"
  inflected, not kostnad + "erna";
- a name is not split: a capitalised word that follows another capitalised
  word on its line ("Lars Dahlgren", "Sjöbacka Energi AB") and is never
  written in lower case in the same text. Swedish surnames are compounds of
  ordinary words (lind + gren, sand + berg), but no one searching "gren"
  means Dahlgren.

The text's own words are indexed as they are, whatever their length: "berg"
finds "Anna Berg" and "berget".
"""

from __future__ import annotations

import math
import re
from functools import cache

# Zipf frequency (log10 of occurrences per billion words) a part must reach to
# count as a word of its own: "kultur" 4.9, "nämnden" 3.5; noise is below 2.
_PART_ZIPF = 3.0
# Words this common are lexicalised and not split ("förslag", "ordförande").
_LEXICALISED_ZIPF = 4.5
# Inflection endings, longest first: "beslutade" -> "beslut", "skolan" -> "skola".
_ENDINGS = (
    "arnas", "ernas", "ornas", "andet", "arna", "erna", "orna", "ande", "ende",
    "ades", "ade", "ats", "ets", "ens", "ans", "at", "ar", "er", "or", "et", "en",
    "na", "n", "s", "t",
)  # fmt: skip
# First parts that are prefixes or particles, not words a compound is made of;
# "förs" begins förskola, försäljning, försök: "för" and a word with s.
_NOT_HEADS = {
    "an", "av", "be", "bi", "efter", "er", "fram", "för", "förs", "genom", "in",
    "med", "mot", "om", "på", "sam", "till", "under", "upp", "ut", "vid", "över",
    "åter",
}  # fmt: skip
# Parts this common are function words ("den", "att"), never compound parts.
_FUNCTION_ZIPF = 6.0
# The fewest letters a compound part has, and the word it is inflected from.
_PART_LENGTH = 4
_WORD = re.compile(r"[a-zåäöéü]{6,}")
# A word written in lower case: no name.
_LOWER_CASE_WORD = re.compile(r"(?<!\w)[a-zåäöéü]+(?!\w)")
# A capitalised word right after another on the same line: the second word of
# a name ("Lars Dahlgren", "Anna-Karin Sjödin", "Sjöbacka Energi AB").
_IN_NAME = re.compile(
    r"(?<!\w)[A-ZÅÄÖ][\w-]*[ \t]+(?=(?P<name>[A-ZÅÄÖ][a-zåäöéü]+)(?!\w))"
)


@cache
def _zipf() -> dict[str, float]:
    """Swedish words at or above the part threshold, with their Zipf values."""
    from wordfreq import get_frequency_dict

    out = {}
    for word, frequency in get_frequency_dict("sv").items():
        zipf = math.log10(frequency * 1e9)
        if zipf >= _PART_ZIPF and word.isalpha():
            out[word] = zipf
    return out


def known_word(word: str) -> bool:
    """Say whether a word is a Swedish word as written (not a word begun)."""
    return word in _zipf()


def base_form(word: str) -> str | None:
    """Return the word without an inflection ending, if that is a known word."""
    known = _zipf()
    for ending in _ENDINGS:
        if word.endswith(ending):
            base = word[: -len(ending)]
            # A lone "n" or "t" ends a definite form after a vowel ("skolan",
            # "äpplet"), not after a consonant ("barn", "bilt").
            if len(ending) == 1 and ending in "nt" and base[-1:] not in "aeiouyåäö":
                continue
            if len(base) >= 3 and base in known:
                return base
    return None


def _part_zipf(part: str) -> float:
    """How common a compound's last part is as a word: as written
    ("nämnden"), or as the inflected form of a word of _PART_LENGTH letters
    or more; 0 for an ending or a fragment ("erna", "munens" of "mun")."""
    if part in _ENDINGS:
        return 0.0
    known = _zipf()
    if part in known:
        return known[part]
    base = base_form(part)
    return known[base] if base and len(base) >= _PART_LENGTH else 0.0


def compound_parts(word: str) -> list[str]:
    """Split a compound in two known words: "kulturnämnden" -> kultur, nämnden.

    The split with the most common weaker part wins; a linking "s"
    ("bygglovs-", "stadsdels-") may join the parts. An inflection ending is
    no part ("kostnaderna" is not kostnad + "erna"). A first part of three
    letters begins many words by chance: in a word the list knows
    ("godkänner", "proposition", "särskilda") it is no part, in a rarer one
    ("maxtaxa", "simskola", "sjögatan") it may be. Splitting the parts again
    found more false words ("budgeten" -> "bud", "geten") than true ones.
    Names are the caller's to leave out (search_terms()).
    """
    known = _zipf()
    if known.get(word, 0.0) >= _LEXICALISED_ZIPF:
        return []
    shortest_head = _PART_LENGTH if word in known else _PART_LENGTH - 1
    best: tuple[float, list[str]] = (0.0, [])
    for cut in range(shortest_head, len(word) - _PART_LENGTH + 1):
        head = word[:cut]
        head_zipf = known.get(head, 0.0)
        if head in _NOT_HEADS or not _PART_ZIPF <= head_zipf < _FUNCTION_ZIPF:
            continue
        for tail in (word[cut:], word[cut + 1 :] if word[cut] == "s" else ""):
            if len(tail) < _PART_LENGTH:
                continue
            tail_zipf = _part_zipf(tail)
            if not _PART_ZIPF <= tail_zipf < _FUNCTION_ZIPF:
                continue
            score = min(head_zipf, tail_zipf)
            if score > best[0]:
                best = (score, [head, tail])
    return best[1]


def names(text: str) -> set[str]:
    """Return the words of a text that are names, in lower case: written
    capitalised after another capitalised word on the same line ("Lars
    Dahlgren"), and never in lower case."""
    named = {match["name"].lower() for match in _IN_NAME.finditer(text)}
    return named - set(_LOWER_CASE_WORD.findall(text))


def search_terms(text: str) -> str:
    """Return the extra words to index for a text, each once, space-separated:
    base forms, and the parts of compounds that are no names."""
    found: dict[str, None] = {}
    named = names(text)
    for word in set(_WORD.findall(text.lower())):
        base = base_form(word)
        if base:
            found[base] = None
        if word in named or base in named:  # "Dahlgrens"
            continue
        for part in compound_parts(word):
            found[part] = None
            part_base = base_form(part)
            if part_base:
                found[part_base] = None
    return " ".join(sorted(found))


# Words a board's name holds that its initials leave out.
_NOT_INITIALS = {"och", "för", "i", "av", "med", "samt"}


@cache
def initials(name: str) -> str:
    """Return the letters a board is cited by, from its name: one for each
    word and each part of a compound ("Kommunstyrelsen" KS, "Barn- och
    utbildningsnämnden" BUN, "Stadsbyggnadsnämnden" SBN), as minutes cite
    each other ("KS § 39")."""
    letters: list[str] = []
    for word in re.findall(r"[^\W\d_]+", name.lower()):
        if word not in _NOT_INITIALS:
            letters.extend(part[0] for part in _all_parts(word))
    return "".join(letters).upper()


def _all_parts(word: str) -> list[str]:
    """The fewest words of the list, two or more, that make up a name's word
    ("stadsbyggnadsnämnden" -> stad, byggnad, nämnden), the most common
    weaker part breaking ties; the word itself when none do. A word of the
    list splits in two at most ("kommunstyrelsens", not "fastighets" in fas
    + tig + hets). For initials only: short parts ("val") count, as a search
    term they would not."""
    whole = _zipf_of(word)
    if whole >= _LEXICALISED_ZIPF:  # "kultur", "tekniska"
        return [word]
    most = 2 if whole else 3
    splits = [parts for parts in _segments(word, most) if len(parts) > 1]
    if not splits:
        return [word]
    return min(splits, key=lambda parts: (len(parts), -min(map(_zipf_of, parts))))


def _zipf_of(word: str) -> float:
    known = _zipf()
    base = base_form(word)
    return known.get(word) or (known[base] if base else 0.0)


def _segments(word: str, most: int) -> list[list[str]]:
    """The ways to write word as at most `most` words of the list of three
    letters or more, a linking "s" allowed between two."""
    found = [[word]] if _PART_ZIPF <= _zipf_of(word) < _FUNCTION_ZIPF else []
    if most > 1:
        for cut in range(3, len(word) - 2):
            head = word[:cut]
            if head in _NOT_HEADS or not _PART_ZIPF <= _zipf_of(head) < _FUNCTION_ZIPF:
                continue
            for rest in (word[cut:], word[cut + 1 :] if word[cut] == "s" else ""):
                if len(rest) >= 3:
                    found.extend([head, *tail] for tail in _segments(rest, most - 1))
    return found


_ANY_WORD = re.compile(r"[a-zåäöéü]{3,40}")


def words(text: str) -> set[str]:
    """Return the distinct lower-case words of a text, for spelling suggestions."""
    return set(_ANY_WORD.findall(text.lower()))
