"""Swedish word forms the full-text stemmer misses, as extra words to index.

PostgreSQL's Snowball stemmer for Swedish leaves definite and past forms
unreduced ("beslutet", "beslutade", "skolan" stay as they are, so "beslut" and
"skola" miss them) and knows nothing of compounds ("nämnd" should find
"Kulturnämnden", "skola" should find "grundskolan"). At write time each
paragraph's words are looked up in a Swedish word list (wordfreq's, with
frequencies); base forms and the parts of compounds found there are indexed
beside the text, with the lowest weight. This works on any PostgreSQL, managed
ones included, where no dictionary files can be installed.
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
_WORD = re.compile(r"[a-zåäöéü]{6,}")


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


def _known(part: str) -> float:
    known = _zipf()
    if part in known:
        return known[part]
    base = base_form(part)
    return known[base] if base else 0.0


def compound_parts(word: str) -> list[str]:
    """Split a compound in two known words: "kulturnämnden" -> kultur, nämnden.

    The split with the most common weaker part wins; a linking "s"
    ("bygglovs-", "stadsdels-") may join the parts. Splitting the parts again
    found more false words ("budgeten" -> "bud", "geten") than true ones.
    """
    known = _zipf()
    if known.get(word, 0.0) >= _LEXICALISED_ZIPF:
        return []
    best: tuple[float, list[str]] = (0.0, [])
    for cut in range(3, len(word) - 3):
        head = word[:cut]
        head_zipf = known.get(head, 0.0)
        if head in _NOT_HEADS or not _PART_ZIPF <= head_zipf < _FUNCTION_ZIPF:
            continue
        for tail in (word[cut:], word[cut + 1 :] if word[cut] == "s" else ""):
            tail_zipf = _known(tail)
            if len(tail) < 4 or tail_zipf >= _FUNCTION_ZIPF:
                continue
            score = min(head_zipf, tail_zipf)
            if score > best[0]:
                best = (score, [head, tail])
    return best[1]


def search_terms(text: str) -> str:
    """Return the extra words to index for a text, each once, space-separated."""
    found: dict[str, None] = {}
    for word in set(_WORD.findall(text.lower())):
        base = base_form(word)
        if base:
            found[base] = None
        for part in compound_parts(word):
            found[part] = None
            part_base = base_form(part)
            if part_base:
                found[part_base] = None
    return " ".join(sorted(found))


_ANY_WORD = re.compile(r"[a-zåäöéü]{3,40}")


def words(text: str) -> set[str]:
    """Return the distinct lower-case words of a text, for spelling suggestions."""
    return set(_ANY_WORD.findall(text.lower()))
